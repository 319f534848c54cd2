#include "packager/quiz.h"

#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/fs.h"
#include "common/strset.h"
#include "common/util.h"
#include "packager/course.h"
#include "packager/quiz_private.h"

/* Longest regular expression a short answer may use (regcomp's cost grows with it). */
#define MAX_PATTERN 1000

/* Credits are written as percentages with a few decimals (33.333%). */
#define CREDIT_EPSILON 0.005

static const char *const type_names[] = {
	"choice", "multiple", "truefalse", "short", "numeric",
	"matching", "ordering", "likert", "text"
};

const char *pa_question_type_name(pa_question_type type)
{
	return (size_t)type < PA_ARRAY_SIZE(type_names) ? type_names[type] : "unknown";
}

bool pa_question_is_scored(const pa_question *q)
{
	if (q->type == PA_Q_CHOICE || q->type == PA_Q_MULTIPLE) {
		/* A choice with no right answer is a survey question. */
		for (size_t i = 0; i < q->answer_count; i++) {
			if (q->answers[i].correct)
				return true;
		}
		return false;
	}
	return q->type != PA_Q_LIKERT && q->type != PA_Q_TEXT;
}

static void answer_dispose(pa_answer *a)
{
	free(a->text);
	free(a->match);
	free(a->pattern);
	free(a->feedback);
}

static void question_dispose(pa_question *q)
{
	for (size_t i = 0; i < q->answer_count; i++)
		answer_dispose(&q->answers[i]);
	free(q->answers);
	free(q->id);
	free(q->text);
	free(q->feedback_correct);
	free(q->feedback_incorrect);
	free(q->feedback_general);
}

void pa_quiz_dispose(pa_quiz *quiz)
{
	if (!quiz)
		return;
	for (size_t i = 0; i < quiz->count; i++)
		question_dispose(&quiz->questions[i]);
	free(quiz->questions);
	free(quiz->file);
	memset(quiz, 0, sizeof(*quiz));
}

pa_question *pa_quiz__add(pa_quiz *quiz)
{
	pa_question *q = pa_array_push(&quiz->questions, &quiz->count, sizeof(*q));

	if (q)
		q->weight = 1;
	return q;
}

pa_answer *pa_question__add_answer(pa_question *q)
{
	return pa_array_push(&q->answers, &q->answer_count, sizeof(pa_answer));
}

void pa_quiz__vreport(pa_diag *diag, pa_diag_severity severity, const pa_quiz *quiz,
		      const pa_question *q, unsigned line, unsigned col,
		      const char *fmt, va_list ap)
{
	pa_buf msg = PA_BUF_INIT;

	if (q && q->id)
		pa_buf_printf(&msg, "question '%s': ", q->id);
	else if (q)
		pa_buf_printf(&msg, "question 'q%zu': ", (size_t)(q - quiz->questions) + 1);
	pa_buf_vprintf(&msg, fmt, ap);
	pa_diag_add(diag, severity, quiz->file, line, col, "%s", pa_buf_cstr(&msg));
	pa_buf_dispose(&msg);
}

void pa_quiz__report(pa_diag *diag, pa_diag_severity severity, const pa_quiz *quiz,
		     const pa_question *q, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pa_quiz__vreport(diag, severity, quiz, q, line, col, fmt, ap);
	va_end(ap);
}

#define QERR(q, ...) pa_quiz__report(diag, PA_DIAG_ERROR, quiz, (q), (q)->line, (q)->col, __VA_ARGS__)
#define AERR(q, a, ...) pa_quiz__report(diag, PA_DIAG_ERROR, quiz, (q), (a)->line ? (a)->line : (q)->line, \
					(a)->line ? (a)->col : (q)->col, __VA_ARGS__)

static bool blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++) {
		if (!strchr(" \t\r\n", *s))
			return false;
	}
	return true;
}

static bool utf8_ok(const char *s)
{
	return !s || pa_utf8_valid(s, strlen(s), NULL);
}

static bool question_utf8_ok(const pa_question *q)
{
	if (!utf8_ok(q->id) || !utf8_ok(q->text) || !utf8_ok(q->feedback_correct) ||
	    !utf8_ok(q->feedback_incorrect) || !utf8_ok(q->feedback_general))
		return false;
	for (size_t i = 0; i < q->answer_count; i++) {
		const pa_answer *a = &q->answers[i];

		if (!utf8_ok(a->text) || !utf8_ok(a->match) || !utf8_ok(a->pattern) || !utf8_ok(a->feedback))
			return false;
	}
	return true;
}

static bool full_credit(double credit)
{
	return fabs(credit - 1.0) < 1e-9;
}

static void check_pattern(const pa_quiz *quiz, const pa_question *q, const pa_answer *a, pa_diag *diag)
{
	regex_t re;
	int rc;

	if (strlen(a->pattern) > MAX_PATTERN) {
		AERR(q, a, "the pattern is longer than %d characters", MAX_PATTERN);
		return;
	}
	rc = regcomp(&re, a->pattern, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char why[256];

		regerror(rc, &re, why, sizeof(why));
		AERR(q, a, "the pattern '%s' is not a valid regular expression: %s", a->pattern, why);
		return;
	}
	regfree(&re);
}

static void check_choices(const pa_quiz *quiz, const pa_question *q, pa_diag *diag)
{
	size_t right = 0;
	double sum = 0;

	if (q->answer_count < 2)
		QERR(q, "a %s question needs at least two choices", pa_question_type_name(q->type));
	for (size_t i = 0; i < q->answer_count; i++) {
		const pa_answer *a = &q->answers[i];

		if (blank(a->text))
			AERR(q, a, "choice %zu has no text", i + 1);
		if (!(a->credit >= -1.0 && a->credit <= 1.0))
			AERR(q, a, "choice %zu: a credit is between -100%% and 100%%", i + 1);
		if (a->correct) {
			right++;
			sum += a->credit;
		}
	}
	/* No right answer at all makes a survey question (unscored); the
	 * course loader refuses it in a graded assessment. */
	if (q->type == PA_Q_CHOICE) {
		if (right > 1)
			QERR(q, "a single-choice question has one right answer (or none in a survey), not %zu "
			     "(for several, make it a multiple-response question)", right);
		return;
	}
	if (right > 0 && fabs(sum - 1.0) > CREDIT_EPSILON)
		QERR(q, "the credits of the right answers add up to %g%%, not 100%%", sum * 100);
}

static void check_short(const pa_quiz *quiz, const pa_question *q, pa_diag *diag)
{
	bool full = false;

	for (size_t i = 0; i < q->answer_count; i++) {
		const pa_answer *a = &q->answers[i];

		if (a->pattern)
			check_pattern(quiz, q, a, diag);
		else if (blank(a->text))
			AERR(q, a, "answer %zu is empty", i + 1);
		if (!(a->credit >= 0.0 && a->credit <= 1.0))
			AERR(q, a, "answer %zu: a credit is between 0%% and 100%%", i + 1);
		full = full || full_credit(a->credit);
	}
	if (q->answer_count == 0)
		QERR(q, "a short-answer question needs at least one accepted answer");
	else if (!full)
		QERR(q, "a short-answer question needs an answer worth 100%%");
}

static void check_numeric(const pa_quiz *quiz, const pa_question *q, pa_diag *diag)
{
	bool full = false;

	for (size_t i = 0; i < q->answer_count; i++) {
		const pa_answer *a = &q->answers[i];

		if (!isfinite(a->min) || !isfinite(a->max) || a->min > a->max)
			AERR(q, a, "answer %zu accepts no number", i + 1);
		if (!(a->credit >= -1.0 && a->credit <= 1.0))
			AERR(q, a, "answer %zu: a credit is between -100%% and 100%%", i + 1);
		full = full || full_credit(a->credit);
	}
	if (q->answer_count == 0 || !full)
		QERR(q, "a numeric question needs an answer worth 100%%");
	else if (!isfinite(q->number) || !(q->tolerance >= 0) || !(q->min <= q->max))
		QERR(q, "the numeric answer is not a finite number with a tolerance of 0 or more");
}

static void check_list(const pa_quiz *quiz, const pa_question *q, pa_diag *diag,
		       const char *what, const char *items)
{
	if (q->answer_count < 2)
		QERR(q, "a %s question needs at least two %s", what, items);
	for (size_t i = 0; i < q->answer_count; i++) {
		const pa_answer *a = &q->answers[i];

		if (blank(a->text) || (q->type == PA_Q_MATCHING && blank(a->match)))
			AERR(q, a, "%s %zu is empty", q->type == PA_Q_MATCHING ? "pair" : "item", i + 1);
	}
}

void pa_quiz__check(pa_quiz *quiz, pa_diag *diag)
{
	pa_strset ids = PA_STRSET_INIT;

	if (quiz->count == 0)
		pa_diag_error(diag, quiz->file, 0, "the file holds no question");
	for (size_t i = 0; i < quiz->count; i++) {
		pa_question *q = &quiz->questions[i];
		pa_buf id = PA_BUF_INIT;

		if (!q->id) {
			pa_buf_printf(&id, "q%zu", i + 1);
			q->id = pa_buf_detach(&id);
			if (!q->id) {
				pa_diag_error(diag, quiz->file, q->line, "out of memory");
				break;
			}
		} else if (!pa_course_is_identifier(q->id)) {
			QERR(q, "'%s' is not a valid identifier (letters, digits, '.', '_' and '-', "
			     "starting with a letter, at most 64 characters)", q->id);
		}
		if (pa_strset_has(&ids, q->id))
			QERR(q, "the identifier '%s' is used by an earlier question", q->id);
		else if (pa_strset_add(&ids, q->id) != 0)
			pa_diag_error(diag, quiz->file, q->line, "out of memory");
		if (!question_utf8_ok(q)) {
			QERR(q, "a text is not valid UTF-8");
			continue;
		}
		if (blank(q->text))
			QERR(q, "the question has no text");
		if (!(q->weight > 0 && q->weight <= 1000))
			QERR(q, "the weight must be more than 0 and at most 1000");
		if (q->answer_count > PA_QUIZ_MAX_ANSWERS) {
			QERR(q, "more than %d answers", PA_QUIZ_MAX_ANSWERS);
			continue;
		}
		switch (q->type) {
		case PA_Q_CHOICE:
		case PA_Q_MULTIPLE:
			check_choices(quiz, q, diag);
			break;
		case PA_Q_SHORT:
			check_short(quiz, q, diag);
			break;
		case PA_Q_NUMERIC:
			check_numeric(quiz, q, diag);
			break;
		case PA_Q_MATCHING:
			check_list(quiz, q, diag, "matching", "pairs");
			break;
		case PA_Q_ORDERING:
			check_list(quiz, q, diag, "ordering", "items");
			break;
		case PA_Q_LIKERT:
			check_list(quiz, q, diag, "likert", "scale labels");
			break;
		case PA_Q_TRUEFALSE:
		case PA_Q_TEXT:
			break;
		}
	}
	pa_strset_dispose(&ids);
}

int pa_quiz_load(pa_quiz *out, const char *path, const char *display, pa_diag *diag)
{
	pa_buf text = PA_BUF_INIT;
	size_t errors = diag->errors;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!pa_str_endswith_nocase(path, ".gift") && !pa_str_endswith_nocase(path, ".json")) {
		pa_diag_error(diag, display, 0, "a question file ends in .gift or .json");
		rc = PA_EINVALID;
		goto done;
	}
	rc = pa_fs_read(&text, path, PA_QUIZ_MAX_BYTES);
	if (rc == PA_ENOTFOUND) {
		pa_diag_error(diag, display, 0, "the question file does not exist");
	} else if (rc == PA_ELIMIT) {
		pa_diag_error(diag, display, 0, "the question file is larger than %zu MiB",
			      PA_QUIZ_MAX_BYTES >> 20);
	} else if (rc != 0) {
		pa_diag_error(diag, display, 0, "cannot read the question file: %s", pa_error_last());
	}
	if (rc != 0) {
		rc = PA_EINVALID;
		goto done;
	}
	if (pa_str_endswith_nocase(path, ".gift"))
		rc = pa_quiz_parse_gift(out, pa_buf_cstr(&text), text.len, display, diag);
	else
		rc = pa_quiz_parse_json(out, pa_buf_cstr(&text), text.len, display, diag);
done:
	pa_buf_dispose(&text);
	if (rc == 0 && diag->errors > errors)
		rc = PA_EINVALID;
	if (rc != 0)
		pa_quiz_dispose(out);
	return rc;
}

/* Translations: the same questions, told in another language. */

#define TERR(q, ...) pa_quiz__report(diag, PA_DIAG_ERROR, b, (q), (q)->line, (q)->col, __VA_ARGS__)

static bool same_answers(const pa_question *x, const pa_question *y)
{
	for (size_t i = 0; i < x->answer_count; i++) {
		const pa_answer *a = &x->answers[i], *c = &y->answers[i];

		if (a->correct != c->correct || fabs(a->credit - c->credit) > 1e-9)
			return false;
		if (x->type == PA_Q_NUMERIC && (a->min != c->min || a->max != c->max))
			return false;
	}
	return true;
}

int pa_quiz_check_translation(const pa_quiz *a, const pa_quiz *b, pa_diag *diag)
{
	size_t errors = diag->errors;
	size_t n = a->count < b->count ? a->count : b->count;

	if (a->count != b->count)
		pa_diag_error(diag, b->file, 0, "%zu questions here but %zu in %s: translations "
			      "must have the same questions", b->count, a->count, a->file);
	for (size_t i = 0; i < n; i++) {
		const pa_question *x = &a->questions[i], *y = &b->questions[i];

		if (strcmp(x->id, y->id) != 0) {
			TERR(y, "question %zu is '%s' in %s: translations have the same "
			     "identifiers in the same order", i + 1, x->id, a->file);
			continue;
		}
		if (x->type != y->type) {
			TERR(y, "a %s question here but a %s question in %s",
			     pa_question_type_name(y->type), pa_question_type_name(x->type), a->file);
			continue;
		}
		if (x->weight != y->weight)
			TERR(y, "weight %g here but %g in %s", y->weight, x->weight, a->file);
		if (x->answer_count != y->answer_count) {
			TERR(y, "%zu answers here but %zu in %s", y->answer_count, x->answer_count, a->file);
			continue;
		}
		if (x->type == PA_Q_TRUEFALSE && x->tf_answer != y->tf_answer)
			TERR(y, "the right answer is %s here but %s in %s",
			     y->tf_answer ? "true" : "false", x->tf_answer ? "true" : "false", a->file);
		if (!same_answers(x, y))
			TERR(y, "the right answers differ from %s", a->file);
	}
	return diag->errors > errors ? PA_EINVALID : 0;
}
