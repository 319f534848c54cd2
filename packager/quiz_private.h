/* Shared by the GIFT and JSON question parsers (not a public header). */
#ifndef PA_QUIZ_PRIVATE_H
#define PA_QUIZ_PRIVATE_H

#include <stdarg.h>

#include "packager/quiz.h"

/*
 * The checks both syntaxes share, run once a file is parsed: identifiers
 * (q1, q2... assigned by position when absent, unique), texts, weights and
 * the rules of each question type. Problems go to diag against quiz->file.
 */
void pa_quiz__check(pa_quiz *quiz, pa_diag *diag);

/*
 * Report a problem with question q (NULL for the file as a whole), prefixed
 * "question 'id': " (the id it will get when it has none yet).
 */
void pa_quiz__report(pa_diag *diag, pa_diag_severity severity, const pa_quiz *quiz,
		     const pa_question *q, unsigned line, unsigned col,
		     const char *fmt, ...) PA_PRINTF(7, 8);
void pa_quiz__vreport(pa_diag *diag, pa_diag_severity severity, const pa_quiz *quiz,
		      const pa_question *q, unsigned line, unsigned col,
		      const char *fmt, va_list ap) PA_PRINTF(7, 0);

/* Append a question; NULL when out of memory (PA_ENOMEM set). */
pa_question *pa_quiz__add(pa_quiz *quiz);

/* Append an answer to q; NULL when out of memory. */
pa_answer *pa_question__add_answer(pa_question *q);

#endif
