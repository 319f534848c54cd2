/* Assessment questions, from GIFT or JSON files (docs/course-format.md). */
#ifndef PA_QUIZ_H
#define PA_QUIZ_H

#include <stdbool.h>
#include <stddef.h>

#include "common/diag.h"

typedef enum pa_question_type {
	PA_Q_CHOICE = 0,   /* one right answer */
	PA_Q_MULTIPLE,     /* several right answers, partial credit */
	PA_Q_TRUEFALSE,
	PA_Q_SHORT,        /* short answer: exact texts or patterns */
	PA_Q_NUMERIC,
	PA_Q_MATCHING,
	PA_Q_ORDERING,
	PA_Q_LIKERT,       /* survey scale, never scored */
	PA_Q_TEXT          /* free text, never scored */
} pa_question_type;

typedef enum pa_text_format {
	PA_TEXT_MARKDOWN = 0,
	PA_TEXT_HTML,
	PA_TEXT_PLAIN
} pa_text_format;

typedef struct pa_answer {
	char *text;        /* choice text, short answer, matching left side, ordering item, likert label */
	char *match;       /* matching: the right side */
	char *pattern;     /* short answer: a regular expression instead of text */
	double credit;     /* -1..1: share of the question's weight this answer earns */
	/* A right answer (choice, multiple), one that earns credit (short,
	 * numeric); true for matching pairs and ordering items. */
	bool correct;
	char *feedback;    /* or NULL */
	double min, max;   /* numeric: the range this answer accepts */
	unsigned line;     /* where the answer is written, for diagnostics */
	unsigned col;      /* 0 when unknown (GIFT) */
} pa_answer;

typedef struct pa_question {
	char *id;
	pa_question_type type;
	pa_text_format format;  /* of text and every feedback */
	char *text;             /* the stem */
	double weight;          /* > 0; default 1 */
	bool shuffle;           /* shuffle the answers when shown */
	bool case_sensitive;    /* short answer */
	bool tf_answer;         /* true/false: the right answer */
	double number;          /* numeric: the answer ... */
	double tolerance;       /* ... plus or minus this */
	double min, max;        /* numeric: the range (set from number/tolerance too) */
	/*
	 * The answers, by type: choice/multiple the choices; short the accepted
	 * texts or patterns; numeric one per accepted range (text like "2000:0"
	 * or "1..5", min/max/credit set; number..max above copy the first one
	 * worth full credit); matching the pairs (text -> match); ordering the
	 * items in their right order; likert the scale labels; truefalse and
	 * text none.
	 */
	pa_answer *answers;
	size_t answer_count;
	char *feedback_correct;
	char *feedback_incorrect;
	char *feedback_general;
	unsigned line;          /* where the question starts in its file */
	unsigned col;           /* 0 when unknown (GIFT) */
} pa_question;

typedef struct pa_quiz {
	char *file;             /* the file as shown in diagnostics */
	pa_question *questions;
	size_t count;
} pa_quiz;

/* Largest question file, and most questions in one file / answers in one question. */
#define PA_QUIZ_MAX_BYTES ((size_t)16 * 1024 * 1024)
#define PA_QUIZ_MAX_QUESTIONS 1000
#define PA_QUIZ_MAX_ANSWERS 1000

/* Parse a question file by its extension (.gift or .json). display is the
 * name shown in diagnostics. 0 when diag got no error, else PA_EINVALID
 * and *out is left empty (zeroed). The parsers behave the same way. */
int pa_quiz_load(pa_quiz *out, const char *path, const char *display, pa_diag *diag);

int pa_quiz_parse_gift(pa_quiz *out, const char *text, size_t len, const char *display, pa_diag *diag);
int pa_quiz_parse_json(pa_quiz *out, const char *text, size_t len, const char *display, pa_diag *diag);

void pa_quiz_dispose(pa_quiz *quiz);

/* "choice", "multiple", ... as written in JSON question files. */
const char *pa_question_type_name(pa_question_type type);

/* True for types that earn a score (not likert, not text). */
bool pa_question_is_scored(const pa_question *q);

/*
 * Check that two translations of one assessment agree (same ids, types,
 * answer counts, right answers); problems reported against b's file.
 */
int pa_quiz_check_translation(const pa_quiz *a, const pa_quiz *b, pa_diag *diag);

#endif
