/* The JSON question format (docs/course-format.md), with positions from common/jsonpos. */
#include "packager/quiz.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/jsonpos.h"
#include "common/util.h"
#include "packager/quiz_private.h"



typedef struct jq {
	const char *text;
	size_t len;
	pa_quiz *quiz;
	pa_diag *diag;
	pa_jsonpos pos;
	int rc;
} jq;


static void report(jq *c, pa_diag_severity sev, const pa_question *q, const pa_jsonpath *at, bool key,
		   const char *fmt, ...) PA_PRINTF(6, 7);

/* Report at the value (or key) of at. */
static void report(jq *c, pa_diag_severity sev, const pa_question *q, const pa_jsonpath *at, bool key,
		   const char *fmt, ...)
{
	unsigned l = 0, col = 0;
	va_list ap;

	if (c->diag->count < c->diag->max)
		pa_jsonpos_locate(&c->pos, &l, &col, at->s, at->n, key);
	va_start(ap, fmt);
	pa_quiz__vreport(c->diag, sev, c->quiz, q, l, col, fmt, ap);
	va_end(ap);
}

static void where(jq *c, const pa_jsonpath *at, unsigned *line, unsigned *col)
{
	*line = *col = 0;
	pa_jsonpos_locate(&c->pos, line, col, at->s, at->n, false);
}

/* A string member: required or not; *out NULL when absent. False on a problem. */
static bool get_string(jq *c, const pa_question *q, json_t *obj, const pa_jsonpath *base,
		       const char *key, bool required, char **out)
{
	json_t *v = json_object_get(obj, key);
	pa_jsonpath at = pa_jsonpath_key(base, key);

	*out = NULL;
	if (!v) {
		if (required)
			report(c, PA_DIAG_ERROR, q, base, false, "\"%s\" is missing", key);
		return !required;
	}
	if (!json_is_string(v)) {
		report(c, PA_DIAG_ERROR, q, &at, false, "\"%s\" must be a string", key);
		return false;
	}
	if (!(*out = pa_strdup(json_string_value(v)))) {
		c->rc = PA_ENOMEM;
		return false;
	}
	return true;
}

static bool get_bool(jq *c, const pa_question *q, json_t *obj, const pa_jsonpath *base,
		     const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);
	pa_jsonpath at = pa_jsonpath_key(base, key);

	if (!v)
		return true;
	if (!json_is_boolean(v)) {
		report(c, PA_DIAG_ERROR, q, &at, false, "\"%s\" must be true or false", key);
		return false;
	}
	*out = json_is_true(v);
	return true;
}

static bool get_number(jq *c, const pa_question *q, json_t *obj, const pa_jsonpath *base,
		       const char *key, double *out, bool *present)
{
	json_t *v = json_object_get(obj, key);
	pa_jsonpath at = pa_jsonpath_key(base, key);

	if (present)
		*present = v != NULL;
	if (!v)
		return true;
	if (!json_is_number(v) || !isfinite(json_number_value(v))) {
		report(c, PA_DIAG_ERROR, q, &at, false, "\"%s\" must be a number", key);
		return false;
	}
	*out = json_number_value(v);
	return true;
}

/* Warn about members not in allowed (a typo loses a setting silently otherwise). */
static void check_keys(jq *c, const pa_question *q, json_t *obj, const pa_jsonpath *base,
		       const char *const *allowed, const char *what)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		bool known = false;

		for (size_t i = 0; allowed[i] && !known; i++)
			known = strcmp(allowed[i], key) == 0;
		if (!known) {
			pa_jsonpath at = pa_jsonpath_key(base, key);

			report(c, PA_DIAG_WARNING, q, &at, true,
			       "unknown key \"%s\" in %s (ignored)", key, what);
		}
	}
}

static json_t *get_array(jq *c, const pa_question *q, json_t *obj, const pa_jsonpath *base, const char *key)
{
	json_t *v = json_object_get(obj, key);
	pa_jsonpath at = pa_jsonpath_key(base, key);

	if (!v) {
		report(c, PA_DIAG_ERROR, q, base, false, "\"%s\" is missing", key);
		return NULL;
	}
	if (!json_is_array(v)) {
		report(c, PA_DIAG_ERROR, q, &at, false, "\"%s\" must be an array", key);
		return NULL;
	}
	if (json_array_size(v) > PA_QUIZ_MAX_ANSWERS) {
		report(c, PA_DIAG_ERROR, q, &at, false, "more than %d entries in \"%s\"",
		       PA_QUIZ_MAX_ANSWERS, key);
		return NULL;
	}
	return v;
}

static pa_answer *add_answer(jq *c, pa_question *q, const pa_jsonpath *at)
{
	pa_answer *a = pa_question__add_answer(q);

	if (!a) {
		c->rc = PA_ENOMEM;
		return NULL;
	}
	where(c, at, &a->line, &a->col);
	return a;
}

/* credit: a percentage from -100 to 100, stored as a share. */
static bool get_credit(jq *c, const pa_question *q, json_t *obj, const pa_jsonpath *base,
		       double *out, bool *present)
{
	double v = 0;
	pa_jsonpath at = pa_jsonpath_key(base, "credit");

	if (!get_number(c, q, obj, base, "credit", &v, present))
		return false;
	if (*present && !(v >= -100 && v <= 100)) {
		report(c, PA_DIAG_ERROR, q, &at, false, "\"credit\" is a percentage from -100 to 100");
		return false;
	}
	*out = v / 100;
	return true;
}

static void parse_choices(jq *c, pa_question *q, json_t *obj, const pa_jsonpath *base)
{
	static const char *const keys[] = { "text", "correct", "credit", "feedback", NULL };
	pa_jsonpath apath = pa_jsonpath_key(base, "choices");
	json_t *arr = get_array(c, q, obj, base, "choices"), *v;
	size_t i, credited = 0, right = 0;

	if (!arr)
		return;
	json_array_foreach(arr, i, v) {
		pa_jsonpath at = pa_jsonpath_index(&apath, i);
		pa_answer *a;
		bool has_credit = false;

		if (!json_is_object(v)) {
			report(c, PA_DIAG_ERROR, q, &at, false, "a choice is an object with \"text\"");
			continue;
		}
		check_keys(c, q, v, &at, keys, "a choice");
		if (!(a = add_answer(c, q, &at)))
			return;
		get_string(c, q, v, &at, "text", true, &a->text);
		get_string(c, q, v, &at, "feedback", false, &a->feedback);
		get_bool(c, q, v, &at, "correct", &a->correct);
		if (!get_credit(c, q, v, &at, &a->credit, &has_credit))
			continue;
		if (has_credit) {
			credited++;
			if (q->type == PA_Q_MULTIPLE) {
				bool positive = a->credit > 0;

				if (json_object_get(v, "correct") && a->correct != positive)
					report(c, PA_DIAG_ERROR, q, &at, false, "choice %zu: a right answer "
					       "has a credit above 0, a wrong one 0 or less", i + 1);
				a->correct = positive;
			} else if (a->correct && fabs(a->credit - 1) > 1e-9) {
				report(c, PA_DIAG_ERROR, q, &at, false,
				       "choice %zu: the right answer of a single choice is worth 100%%", i + 1);
			}
		} else if (a->correct) {
			a->credit = 1;
		}
		right += a->correct;
	}
	if (q->type != PA_Q_MULTIPLE)
		return;
	if (credited == 0) {
		/* The right ones share 100%, the wrong ones take nothing. */
		for (i = 0; i < q->answer_count && right; i++)
			q->answers[i].credit = q->answers[i].correct ? 1.0 / (double)right : 0;
	} else {
		for (i = 0; i < q->answer_count; i++) {
			if (q->answers[i].correct && !json_object_get(json_array_get(arr, i), "credit")) {
				report(c, PA_DIAG_ERROR, q, &apath, false,
				       "give a \"credit\" to every right answer or to none");
				break;
			}
		}
	}
}

static void parse_short(jq *c, pa_question *q, json_t *obj, const pa_jsonpath *base)
{
	static const char *const keys[] = { "text", "pattern", "credit", "feedback", NULL };
	pa_jsonpath apath = pa_jsonpath_key(base, "answers");
	json_t *arr = get_array(c, q, obj, base, "answers"), *v;
	size_t i;

	if (!arr)
		return;
	json_array_foreach(arr, i, v) {
		pa_jsonpath at = pa_jsonpath_index(&apath, i);
		bool has_credit = false;
		pa_answer *a;

		if (!json_is_object(v)) {
			report(c, PA_DIAG_ERROR, q, &at, false,
			       "an answer is an object with \"text\" or \"pattern\"");
			continue;
		}
		check_keys(c, q, v, &at, keys, "an answer");
		if (!(a = add_answer(c, q, &at)))
			return;
		get_string(c, q, v, &at, "text", false, &a->text);
		get_string(c, q, v, &at, "pattern", false, &a->pattern);
		get_string(c, q, v, &at, "feedback", false, &a->feedback);
		if (!!a->text == !!a->pattern) {
			report(c, PA_DIAG_ERROR, q, &at, false,
			       "answer %zu needs either \"text\" or \"pattern\"", i + 1);
			continue;
		}
		if (get_credit(c, q, v, &at, &a->credit, &has_credit) && !has_credit)
			a->credit = 1;
		a->correct = a->credit > 0;
	}
}

static void parse_numeric(jq *c, pa_question *q, json_t *obj, const pa_jsonpath *base)
{
	bool has_answer, has_tol, has_min, has_max;
	pa_answer *a;
	pa_buf spec = PA_BUF_INIT;
	pa_jsonpath at = pa_jsonpath_key(base, "tolerance");

	if (!get_number(c, q, obj, base, "answer", &q->number, &has_answer) ||
	    !get_number(c, q, obj, base, "tolerance", &q->tolerance, &has_tol) ||
	    !get_number(c, q, obj, base, "min", &q->min, &has_min) ||
	    !get_number(c, q, obj, base, "max", &q->max, &has_max))
		return;
	if (has_answer == (has_min || has_max) || has_min != has_max || (has_tol && !has_answer)) {
		report(c, PA_DIAG_ERROR, q, base, false,
		       "a numeric question has \"answer\" (and \"tolerance\"), or \"min\" and \"max\"");
		return;
	}
	if (has_answer) {
		if (q->tolerance < 0) {
			report(c, PA_DIAG_ERROR, q, &at, false, "\"tolerance\" must not be negative");
			return;
		}
		q->min = q->number - q->tolerance;
		q->max = q->number + q->tolerance;
		pa_buf_printf(&spec, "%.17g:%.17g", q->number, q->tolerance);
	} else {
		if (q->min > q->max) {
			at = pa_jsonpath_key(base, "min");
			report(c, PA_DIAG_ERROR, q, &at, false, "\"min\" is more than \"max\"");
			return;
		}
		q->number = q->min / 2 + q->max / 2;
		q->tolerance = q->max / 2 - q->min / 2;
		pa_buf_printf(&spec, "%.17g..%.17g", q->min, q->max);
	}
	if (!isfinite(q->min) || !isfinite(q->max) || !isfinite(q->number) || !isfinite(q->tolerance)) {
		report(c, PA_DIAG_ERROR, q, base, false, "the accepted range reaches beyond the largest number");
		goto done;
	}
	if (!(a = add_answer(c, q, base)) || !(a->text = pa_buf_detach(&spec))) {
		c->rc = PA_ENOMEM;
		goto done;
	}
	a->min = q->min;
	a->max = q->max;
	a->credit = 1;
	a->correct = true;
done:
	pa_buf_dispose(&spec);
}

static void parse_pairs(jq *c, pa_question *q, json_t *obj, const pa_jsonpath *base)
{
	static const char *const keys[] = { "left", "right", "feedback", NULL };
	pa_jsonpath apath = pa_jsonpath_key(base, "pairs");
	json_t *arr = get_array(c, q, obj, base, "pairs"), *v;
	size_t i;

	if (!arr)
		return;
	json_array_foreach(arr, i, v) {
		pa_jsonpath at = pa_jsonpath_index(&apath, i);
		pa_answer *a;

		if (!json_is_object(v)) {
			report(c, PA_DIAG_ERROR, q, &at, false,
			       "a pair is an object with \"left\" and \"right\"");
			continue;
		}
		check_keys(c, q, v, &at, keys, "a pair");
		if (!(a = add_answer(c, q, &at)))
			return;
		get_string(c, q, v, &at, "left", true, &a->text);
		get_string(c, q, v, &at, "right", true, &a->match);
		get_string(c, q, v, &at, "feedback", false, &a->feedback);
		a->correct = true;
		a->credit = 1;
	}
}

/* items (ordering) or scale (likert): an array of strings. */
static void parse_strings(jq *c, pa_question *q, json_t *obj, const pa_jsonpath *base, const char *key)
{
	pa_jsonpath apath = pa_jsonpath_key(base, key);
	json_t *arr = get_array(c, q, obj, base, key), *v;
	size_t i;

	if (!arr)
		return;
	json_array_foreach(arr, i, v) {
		pa_jsonpath at = pa_jsonpath_index(&apath, i);
		pa_answer *a;

		if (!json_is_string(v)) {
			report(c, PA_DIAG_ERROR, q, &at, false, "\"%s\" holds strings", key);
			continue;
		}
		if (!(a = add_answer(c, q, &at)) || !(a->text = pa_strdup(json_string_value(v)))) {
			c->rc = PA_ENOMEM;
			return;
		}
		a->correct = q->type == PA_Q_ORDERING;
	}
}

static void parse_feedback(jq *c, pa_question *q, json_t *obj, const pa_jsonpath *base)
{
	static const char *const keys[] = { "correct", "incorrect", "general", NULL };
	json_t *v = json_object_get(obj, "feedback");
	pa_jsonpath at = pa_jsonpath_key(base, "feedback");

	if (!v)
		return;
	if (!json_is_object(v)) {
		report(c, PA_DIAG_ERROR, q, &at, false,
		       "\"feedback\" is an object with \"correct\", \"incorrect\" and \"general\"");
		return;
	}
	check_keys(c, q, v, &at, keys, "the feedback");
	get_string(c, q, v, &at, "correct", false, &q->feedback_correct);
	get_string(c, q, v, &at, "incorrect", false, &q->feedback_incorrect);
	get_string(c, q, v, &at, "general", false, &q->feedback_general);
}

static const char *const common_keys[] = { "id", "type", "text", "weight", "feedback", "format" };

/* The keys each type adds to common_keys. */
static const char *const *type_keys(pa_question_type type)
{
	static const char *const choice[] = { "choices", "shuffle", NULL };
	static const char *const tf[] = { "answer", NULL };
	static const char *const shortk[] = { "answers", "caseSensitive", NULL };
	static const char *const numeric[] = { "answer", "tolerance", "min", "max", NULL };
	static const char *const matching[] = { "pairs", "shuffle", NULL };
	static const char *const ordering[] = { "items", NULL };
	static const char *const likert[] = { "scale", NULL };
	static const char *const none[] = { NULL };

	switch (type) {
	case PA_Q_CHOICE:
	case PA_Q_MULTIPLE: return choice;
	case PA_Q_TRUEFALSE: return tf;
	case PA_Q_SHORT: return shortk;
	case PA_Q_NUMERIC: return numeric;
	case PA_Q_MATCHING: return matching;
	case PA_Q_ORDERING: return ordering;
	case PA_Q_LIKERT: return likert;
	case PA_Q_TEXT: break;
	}
	return none;
}

static void parse_question(jq *c, json_t *obj, const pa_jsonpath *base)
{
	static const char *const formats[] = { "markdown", "html", "plain" };
	const char *allowed[PA_ARRAY_SIZE(common_keys) + 8];
	const char *const *extra;
	json_t *v;
	pa_question *q;
	size_t n = 0;
	bool known = false;

	if (!(q = pa_quiz__add(c->quiz))) {
		c->rc = PA_ENOMEM;
		return;
	}
	where(c, base, &q->line, &q->col);
	if (!json_is_object(obj)) {
		report(c, PA_DIAG_ERROR, q, base, false, "a question is an object");
		return;
	}
	get_string(c, q, obj, base, "id", false, &q->id);
	v = json_object_get(obj, "type");
	if (!v) {
		report(c, PA_DIAG_ERROR, q, base, false, "\"type\" is missing");
		return;
	}
	for (int t = PA_Q_CHOICE; t <= PA_Q_TEXT && json_is_string(v); t++) {
		if (strcmp(json_string_value(v), pa_question_type_name((pa_question_type)t)) == 0) {
			q->type = (pa_question_type)t;
			known = true;
		}
	}
	if (!known) {
		pa_jsonpath at = pa_jsonpath_key(base, "type");

		report(c, PA_DIAG_ERROR, q, &at, false, "\"type\" is one of choice, multiple, "
		       "truefalse, short, numeric, matching, ordering, likert, text");
		return;
	}
	for (size_t i = 0; i < PA_ARRAY_SIZE(common_keys); i++)
		allowed[n++] = common_keys[i];
	for (extra = type_keys(q->type); *extra; extra++)
		allowed[n++] = *extra;
	allowed[n] = NULL;
	check_keys(c, q, obj, base, allowed, "a question");
	get_string(c, q, obj, base, "text", true, &q->text);
	get_number(c, q, obj, base, "weight", &q->weight, NULL);
	/* A key that does not apply was warned about above, and is ignored. */
	if (q->type == PA_Q_CHOICE || q->type == PA_Q_MULTIPLE || q->type == PA_Q_MATCHING)
		get_bool(c, q, obj, base, "shuffle", &q->shuffle);
	if (q->type == PA_Q_SHORT)
		get_bool(c, q, obj, base, "caseSensitive", &q->case_sensitive);
	parse_feedback(c, q, obj, base);
	if ((v = json_object_get(obj, "format"))) {
		pa_jsonpath at = pa_jsonpath_key(base, "format");

		known = false;
		for (size_t i = 0; i < PA_ARRAY_SIZE(formats) && json_is_string(v); i++) {
			if (strcmp(json_string_value(v), formats[i]) == 0) {
				q->format = (pa_text_format)i;
				known = true;
			}
		}
		if (!known)
			report(c, PA_DIAG_ERROR, q, &at, false,
			       "\"format\" is \"markdown\", \"html\" or \"plain\"");
	}
	switch (q->type) {
	case PA_Q_CHOICE:
	case PA_Q_MULTIPLE:
		parse_choices(c, q, obj, base);
		break;
	case PA_Q_TRUEFALSE:
		v = json_object_get(obj, "answer");
		if (!json_is_boolean(v)) {
			pa_jsonpath at = pa_jsonpath_key(base, "answer");

			report(c, PA_DIAG_ERROR, q, v ? &at : base, false,
			       v ? "\"answer\" must be true or false" : "\"answer\" is missing");
		}
		q->tf_answer = json_is_true(v);
		break;
	case PA_Q_SHORT:
		parse_short(c, q, obj, base);
		break;
	case PA_Q_NUMERIC:
		parse_numeric(c, q, obj, base);
		break;
	case PA_Q_MATCHING:
		parse_pairs(c, q, obj, base);
		break;
	case PA_Q_ORDERING:
		parse_strings(c, q, obj, base, "items");
		break;
	case PA_Q_LIKERT:
		parse_strings(c, q, obj, base, "scale");
		break;
	case PA_Q_TEXT:
		break;
	}
}

int pa_quiz_parse_json(pa_quiz *out, const char *text, size_t len, const char *display, pa_diag *diag)
{
	static const char *const root_keys[] = { "questions", NULL };
	jq c = { text, len, out, diag, { 0 }, 0 };
	pa_jsonpath root = { .n = 0 }, qpath;
	json_error_t err;
	json_t *doc = NULL, *arr, *v;
	size_t errors = diag->errors, i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	pa_jsonpos_init(&c.pos, text, len);
	if (!(out->file = pa_strdup(display))) {
		rc = PA_ENOMEM;
		goto done;
	}
	if (len > PA_QUIZ_MAX_BYTES) {
		pa_diag_error(diag, display, 0, "the question file is larger than %zu MiB",
			      PA_QUIZ_MAX_BYTES >> 20);
		goto done;
	}
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (!doc) {
		pa_diag_add(diag, PA_DIAG_ERROR, display, err.line > 0 ? (unsigned)err.line : 0,
			    err.column > 0 ? (unsigned)err.column : 0, "%s", err.text);
		goto done;
	}
	if (!json_is_object(doc)) {
		report(&c, PA_DIAG_ERROR, NULL, &root, false,
		       "a question file holds an object: {\"questions\": [...]}");
		goto done;
	}
	check_keys(&c, NULL, doc, &root, root_keys, "the question file");
	if (!(arr = json_object_get(doc, "questions")) || !json_is_array(arr)) {
		report(&c, PA_DIAG_ERROR, NULL, &root, false, "\"questions\" must be an array");
		goto done;
	}
	if (json_array_size(arr) > PA_QUIZ_MAX_QUESTIONS) {
		report(&c, PA_DIAG_ERROR, NULL, &root, false, "more than %d questions in one file",
		       PA_QUIZ_MAX_QUESTIONS);
		goto done;
	}
	qpath = pa_jsonpath_key(&root, "questions");
	json_array_foreach(arr, i, v) {
		pa_jsonpath at = pa_jsonpath_index(&qpath, i);

		parse_question(&c, v, &at);
		if (c.rc) {
			rc = c.rc;
			goto done;
		}
	}
	if (diag->errors == errors)
		pa_quiz__check(out, diag);
done:
	json_decref(doc);
	pa_jsonpos_dispose(&c.pos);
	if (rc == 0 && diag->errors > errors)
		rc = PA_EINVALID;
	if (rc != 0)
		pa_quiz_dispose(out);
	return rc;
}
