/*
 * Moodle's GIFT question format (docs/course-format.md lists what we
 * accept). The file is first cleaned (comment lines dropped, line ends
 * unified) into one buffer with a map back to the file's line numbers,
 * split into questions on blank lines, and each question is then read by
 * offsets into that buffer, so every error can name its line.
 */
#include "packager/quiz.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/util.h"
#include "packager/quiz_private.h"

#define NPOS SIZE_MAX

/* Where a missing word goes when text follows the answers ("missing word" questions). */
#define BLANK_MARKER "_____"

typedef struct line_map {
	size_t start;      /* offset in the cleaned text */
	unsigned line;     /* line number in the file */
} line_map;

typedef struct range {
	size_t start, end;
} range;

typedef struct gift {
	pa_quiz *quiz;
	pa_diag *diag;
	const char *t;     /* the cleaned text */
	line_map *lines;
	size_t line_count;
	int rc;            /* PA_ENOMEM once an allocation failed */
} gift;

/* Per answer, what the parser needs beyond pa_answer to classify a question. */
typedef struct mark {
	char marker;       /* '=' or '~' */
	bool has_credit;
	size_t arrow;      /* offset of "->" or NPOS */
	size_t text_start, text_end;
} mark;

static unsigned line_of(const gift *g, size_t off)
{
	size_t lo = 0, hi = g->line_count;

	if (!hi)
		return 0;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->lines[mid].start <= off)
			lo = mid;
		else
			hi = mid;
	}
	return g->lines[lo].line;
}

#define GERR(g, q, off, ...) pa_quiz__report((g)->diag, PA_DIAG_ERROR, (g)->quiz, (q), \
					     line_of((g), (off)), 0, __VA_ARGS__)

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void trim(const char *t, size_t *from, size_t *to)
{
	while (*from < *to && is_ws(t[*from]))
		(*from)++;
	while (*to > *from && is_ws(t[*to - 1]))
		(*to)--;
}

/* First unescaped occurrence of needle in [from, to), or NPOS. */
static size_t find(const char *t, size_t from, size_t to, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = from; i < to; i++) {
		if (t[i] == '\\') {
			i++;
			continue;
		}
		if (i + n <= to && memcmp(t + i, needle, n) == 0)
			return i;
	}
	return NPOS;
}

/* First unescaped character of set in [from, to), or NPOS. */
static size_t find_any(const char *t, size_t from, size_t to, const char *set)
{
	for (size_t i = from; i < to; i++) {
		if (t[i] == '\\')
			i++;
		else if (strchr(set, t[i]))
			return i;
	}
	return NPOS;
}

/* Unescape [from, to) onto out: \~ \= \# \{ \} \: \\ stand for themselves, \n is a line
 * break; any other backslash is kept (Markdown has its own escapes). */
static void unescape_into(pa_buf *out, const char *t, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		if (t[i] == '\\' && i + 1 < to) {
			char c = t[i + 1];

			if (c && strchr("~=#{}:\\", c)) {
				pa_buf_putc(out, c);
				i++;
				continue;
			}
			if (c == 'n') {
				pa_buf_putc(out, '\n');
				i++;
				continue;
			}
		}
		pa_buf_putc(out, t[i]);
	}
}

/* The text of [from, to), trimmed and unescaped; NULL only when out of memory. */
static char *text_of(gift *g, size_t from, size_t to)
{
	pa_buf b = PA_BUF_INIT;
	char *s;

	trim(g->t, &from, &to);
	unescape_into(&b, g->t, from, to);
	s = pa_buf_detach(&b);
	if (!s)
		g->rc = PA_ENOMEM;
	return s;
}

/* Like text_of, but NULL for an empty text (an absent feedback). */
static char *opt_text_of(gift *g, size_t from, size_t to)
{
	trim(g->t, &from, &to);
	return from < to ? text_of(g, from, to) : NULL;
}

/* "%50%" at *p (inside [*p, to)): the credit as a share, the position moved past it. */
static bool parse_credit(gift *g, pa_question *q, size_t *p, size_t to, double *credit)
{
	size_t close = find(g->t, *p + 1, to, "%");
	char *num;
	double v = 0;
	bool ok;

	if (close == NPOS) {
		GERR(g, q, *p, "a credit is written %%N%% (like %%50%%): the closing %% is missing");
		return false;
	}
	if (!(num = text_of(g, *p + 1, close)))
		return false;
	ok = pa_parse_double(&v, num, -100, 100) == 0;
	if (!ok)
		GERR(g, q, *p, "'%%%s%%' is not a credit: write a percentage from -100 to 100, like %%50%%", num);
	free(num);
	*credit = v / 100;
	*p = close + 1;
	return ok;
}

static bool parse_number(gift *g, pa_question *q, size_t at, const char *s, double *out)
{
	if (pa_parse_double(out, s, -DBL_MAX, DBL_MAX) != 0) {
		GERR(g, q, at, "'%s' is not a number", s);
		return false;
	}
	return true;
}

/* One numeric answer: "value", "value:tolerance" or "min..max". */
static bool parse_numeric_spec(gift *g, pa_question *q, pa_answer *a, size_t at, const char *s,
			       double *number, double *tolerance)
{
	const char *dots = strstr(s, "..");
	const char *colon = strchr(s, ':');
	bool ok = false;
	char *x = NULL, *y = NULL;

	if (!*s) {
		GERR(g, q, at, "a numeric answer needs a number after '#'");
		return false;
	}
	if (dots || colon) {
		const char *sep = dots ? dots : colon;

		x = pa_strndup(s, (size_t)(sep - s));
		y = pa_strdup(sep + (dots ? 2 : 1));
		if (!x || !y) {
			g->rc = PA_ENOMEM;
			goto done;
		}
		if (!parse_number(g, q, at, x, dots ? &a->min : number) ||
		    !parse_number(g, q, at, y, dots ? &a->max : tolerance))
			goto done;
		if (dots) {
			if (a->min > a->max) {
				GERR(g, q, at, "the range %s is empty: write the smaller number first", s);
				goto done;
			}
			*number = a->min / 2 + a->max / 2;
			*tolerance = a->max / 2 - a->min / 2;
		} else {
			if (*tolerance < 0) {
				GERR(g, q, at, "the tolerance in '%s' must not be negative", s);
				goto done;
			}
			a->min = *number - *tolerance;
			a->max = *number + *tolerance;
		}
	} else {
		if (!parse_number(g, q, at, s, number))
			goto done;
		*tolerance = 0;
		a->min = a->max = *number;
	}
	if (!isfinite(a->min) || !isfinite(a->max)) {
		GERR(g, q, at, "'%s' reaches beyond the largest number", s);
		goto done;
	}
	ok = true;
done:
	free(x);
	free(y);
	return ok;
}

/* {#...}: one answer, or several written =value:tolerance#feedback. */
static void parse_numeric(gift *g, pa_question *q, size_t from, size_t to)
{
	bool listed, have_q = false;
	size_t p;

	q->type = PA_Q_NUMERIC;
	trim(g->t, &from, &to);
	listed = from < to && (g->t[from] == '=' || g->t[from] == '~');
	for (p = from; p < to || (!listed && p == from); ) {
		size_t end = listed ? find_any(g->t, p + 1, to, "=~") : to, fb, s;
		double number = 0, tolerance = 0, credit;
		bool has_credit = false;
		pa_answer *a;
		char *spec;

		if (end == NPOS)
			end = to;
		s = listed ? p + 1 : p;
		while (s < end && is_ws(g->t[s]))
			s++;
		if (s < end && g->t[s] == '%') {
			if (!parse_credit(g, q, &s, end, &credit))
				return;
			has_credit = true;
		}
		if (!(a = pa_question__add_answer(q))) {
			g->rc = PA_ENOMEM;
			return;
		}
		a->line = line_of(g, s);
		a->credit = has_credit ? credit : (listed && g->t[p] == '~' ? 0 : 1);
		a->correct = a->credit > 0;
		fb = find(g->t, s, end, "#");
		if (!(spec = text_of(g, s, fb == NPOS ? end : fb)))
			return;
		a->text = spec;
		if (fb != NPOS)
			a->feedback = opt_text_of(g, fb + 1, end);
		if (!parse_numeric_spec(g, q, a, s, spec, &number, &tolerance))
			return;
		if (!have_q && a->credit > 1 - 1e-9) {
			q->number = number;
			q->tolerance = tolerance;
			q->min = a->min;
			q->max = a->max;
			have_q = true;
		}
		p = end;
		if (!listed)
			break;
	}
}

static bool tf_word(const char *t, size_t from, size_t to, size_t *end, bool *value)
{
	static const char *const words[] = { "TRUE", "FALSE", "T", "F" };
	size_t n = from;

	while (n < to && ((t[n] >= 'A' && t[n] <= 'Z') || (t[n] >= 'a' && t[n] <= 'z')))
		n++;
	for (size_t i = 0; i < PA_ARRAY_SIZE(words); i++) {
		if (strlen(words[i]) == n - from && strncasecmp(t + from, words[i], n - from) == 0) {
			*end = n;
			*value = words[i][0] == 'T';
			return true;
		}
	}
	return false;
}

/* {T#if wrong#if right} */
static void parse_truefalse(gift *g, pa_question *q, size_t p, size_t to)
{
	size_t f1, f2;

	q->type = PA_Q_TRUEFALSE;
	while (p < to && is_ws(g->t[p]))
		p++;
	if (p == to)
		return;
	if (g->t[p] != '#') {
		GERR(g, q, p, "after T or F only feedback may follow: {T#if wrong#if right}");
		return;
	}
	f1 = p + 1;
	f2 = find(g->t, f1, to, "#");
	q->feedback_incorrect = opt_text_of(g, f1, f2 == NPOS ? to : f2);
	if (f2 == NPOS)
		return;
	if (find(g->t, f2 + 1, to, "#") != NPOS) {
		GERR(g, q, f2, "a true/false question takes two feedbacks at most: {T#if wrong#if right}");
		return;
	}
	q->feedback_correct = opt_text_of(g, f2 + 1, to);
}

/* Decide the type of a list of =/~ answers and set each one's credit. */
static void classify(gift *g, pa_question *q, const mark *m, size_t block)
{
	size_t eq = 0, tilde = 0, arrows = 0, positive = 0;

	for (size_t i = 0; i < q->answer_count; i++) {
		eq += m[i].marker == '=';
		tilde += m[i].marker == '~';
		arrows += m[i].arrow != NPOS;
		positive += m[i].marker == '~' && q->answers[i].credit > 0;
	}
	if (arrows) {
		if (arrows != q->answer_count) {
			GERR(g, q, block, "a matching question has only '=left -> right' answers");
			return;
		}
		q->type = PA_Q_MATCHING;
		for (size_t i = 0; i < q->answer_count; i++) {
			pa_answer *a = &q->answers[i];

			free(a->text);
			a->text = text_of(g, m[i].text_start, m[i].arrow);
			a->match = text_of(g, m[i].arrow + 2, m[i].text_end);
			a->correct = true;
			a->credit = 1;
		}
		return;
	}
	if (!tilde) {
		/* All '=': accepted short answers, each worth 100% unless credited. */
		q->type = PA_Q_SHORT;
		for (size_t i = 0; i < q->answer_count; i++)
			q->answers[i].correct = q->answers[i].credit > 0;
		return;
	}
	if (eq == 0 && positive > 0) {
		q->type = PA_Q_MULTIPLE;
		for (size_t i = 0; i < q->answer_count; i++)
			q->answers[i].correct = q->answers[i].credit > 0;
		return;
	}
	q->type = PA_Q_CHOICE;
	if (eq == 0) {
		GERR(g, q, block, "no right answer: mark it with '=' (or give the right answers of "
		     "a multiple-response question their share, like ~%%50%%)");
		return;
	}
	if (eq > 1) {
		GERR(g, q, block, "%zu answers are marked right with '=': a single-choice question has "
		     "one; for multiple response write ~%%N%% before each right answer", eq);
		return;
	}
	for (size_t i = 0; i < q->answer_count; i++) {
		pa_answer *a = &q->answers[i];

		if (m[i].marker == '=') {
			if (m[i].has_credit && a->credit < 1 - 1e-9)
				GERR(g, q, block, "the right answer ('=') of a single choice is worth 100%%");
			a->correct = true;
			a->credit = 1;
		} else if (a->credit > 1 - 1e-9) {
			GERR(g, q, block, "a wrong answer ('~') cannot be worth 100%%");
		}
	}
}

/* {=right ~wrong}, {~%50%a ~%50%b ~c}, {=a =b}, {=left -> right ...} */
static void parse_list(gift *g, pa_question *q, size_t from, size_t to)
{
	mark *m = NULL;
	size_t mcount = 0;

	for (size_t p = from; p < to; ) {
		size_t end = find_any(g->t, p + 1, to, "=~"), s, fb;
		pa_answer *a;
		mark *mk;

		if (end == NPOS)
			end = to;
		if (q->answer_count >= PA_QUIZ_MAX_ANSWERS) {
			GERR(g, q, p, "more than %d answers", PA_QUIZ_MAX_ANSWERS);
			goto done;
		}
		if (!(a = pa_question__add_answer(q)) || !(mk = pa_array_push(&m, &mcount, sizeof(*m)))) {
			g->rc = PA_ENOMEM;
			goto done;
		}
		mk->marker = g->t[p];
		a->line = line_of(g, p);
		a->credit = mk->marker == '=' ? 1 : 0;
		s = p + 1;
		while (s < end && is_ws(g->t[s]))
			s++;
		if (s < end && g->t[s] == '%') {
			if (!parse_credit(g, q, &s, end, &a->credit))
				goto done;
			mk->has_credit = true;
		}
		fb = find(g->t, s, end, "#");
		mk->text_start = s;
		mk->text_end = fb == NPOS ? end : fb;
		mk->arrow = mk->marker == '=' ? find(g->t, s, mk->text_end, "->") : NPOS;
		if (!(a->text = text_of(g, s, mk->text_end)))
			goto done;
		if (!a->text[0]) {
			GERR(g, q, p, "an answer after '%c' has no text", mk->marker);
			goto done;
		}
		if (fb != NPOS)
			a->feedback = opt_text_of(g, fb + 1, end);
		p = end;
	}
	classify(g, q, m, from);
done:
	free(m);
}

/* The answers between the braces; after: text follows the closing brace. */
static void parse_block(gift *g, pa_question *q, size_t from, size_t to, bool after)
{
	const char *t = g->t;
	size_t general, start, word_end;
	bool tf;

	trim(t, &from, &to);
	/* {#...} is numeric; {####...} is general feedback alone. */
	start = (from < to && t[from] == '#' && !(to - from >= 4 && memcmp(t + from, "####", 4) == 0))
		? from + 1 : from;
	general = find(t, start, to, "####");
	if (general != NPOS) {
		q->feedback_general = opt_text_of(g, general + 4, to);
		to = general;
		trim(t, &from, &to);
	}
	if (from == to) {
		q->type = PA_Q_TEXT;
		if (after)
			GERR(g, q, from, "text after {} is not allowed: a free-text question has its "
			     "text before the braces");
		return;
	}
	if (t[from] == '#') {
		parse_numeric(g, q, from + 1, to);
	} else if (tf_word(t, from, to, &word_end, &tf)) {
		q->tf_answer = tf;
		parse_truefalse(g, q, word_end, to);
	} else if (t[from] == '=' || t[from] == '~') {
		parse_list(g, q, from, to);
	} else {
		GERR(g, q, from, "answers start with '=' (right) or '~' (wrong), "
		     "or are T, F, #number or empty");
		return;
	}
	if (after && q->type == PA_Q_MATCHING)
		GERR(g, q, from, "text after the answers is not allowed in a matching question");
}

static bool starts(const char *t, size_t at, size_t to, const char *word, bool nocase)
{
	size_t n = strlen(word);

	return to - at >= n && (nocase ? strncasecmp(t + at, word, n) : strncmp(t + at, word, n)) == 0;
}

static void parse_question(gift *g, size_t p, size_t e)
{
	static const struct { const char *tag; pa_text_format format; } formats[] = {
		{ "[markdown]", PA_TEXT_MARKDOWN }, { "[html]", PA_TEXT_HTML }, { "[plain]", PA_TEXT_PLAIN },
	};
	const char *t = g->t;
	size_t open, close, after_start, after_end;
	pa_buf stem = PA_BUF_INIT;
	pa_question *q;

	trim(t, &p, &e);
	if (starts(t, p, e, "$CATEGORY:", false)) {
		/* Moodle's question bank category: meaningless in a package. */
		while (p < e && t[p] != '\n')
			p++;
		trim(t, &p, &e);
	}
	if (p == e)
		return;
	if (g->quiz->count >= PA_QUIZ_MAX_QUESTIONS) {
		if (g->quiz->count == PA_QUIZ_MAX_QUESTIONS)
			GERR(g, NULL, p, "more than %d questions in one file", PA_QUIZ_MAX_QUESTIONS);
		g->rc = g->rc ? g->rc : PA_ELIMIT;
		return;
	}
	if (!(q = pa_quiz__add(g->quiz))) {
		g->rc = PA_ENOMEM;
		return;
	}
	q->line = line_of(g, p);
	if (starts(t, p, e, "::", false)) {
		size_t end = find(t, p + 2, e, "::");

		if (end == NPOS) {
			GERR(g, q, p, "the title has no closing '::'");
			return;
		}
		q->id = opt_text_of(g, p + 2, end);
		p = end + 2;
		while (p < e && is_ws(t[p]))
			p++;
	}
	for (size_t i = 0; i < PA_ARRAY_SIZE(formats); i++) {
		if (starts(t, p, e, formats[i].tag, true)) {
			q->format = formats[i].format;
			p += strlen(formats[i].tag);
		}
	}
	if (starts(t, p, e, "[moodle]", true)) {
		GERR(g, q, p, "the [moodle] text format is not supported: use [markdown], [html] or [plain]");
		return;
	}
	open = find(t, p, e, "{");
	if (open == NPOS) {
		GERR(g, q, p, "no answers: a question ends with its answers in braces ({} for free text)");
		return;
	}
	close = find_any(t, open + 1, e, "{}");
	if (close == NPOS) {
		GERR(g, q, open, "the answers opened with '{' are not closed (a blank line ends a question)");
		return;
	}
	if (t[close] == '{') {
		GERR(g, q, close, "'{' inside the answers: write \\{ for a brace in a text");
		return;
	}
	after_start = close + 1;
	after_end = e;
	trim(t, &after_start, &after_end);
	if (find_any(t, after_start, after_end, "{}") != NPOS) {
		GERR(g, q, after_start, "one question has one set of answers (questions are separated "
		     "by a blank line; write \\{ and \\} for braces in a text)");
		return;
	}
	unescape_into(&stem, t, p, open);
	if (after_start < after_end) {
		pa_buf_puts(&stem, BLANK_MARKER);
		unescape_into(&stem, t, close + 1, e);
	}
	{
		size_t s = 0, n = stem.len;

		trim(pa_buf_cstr(&stem), &s, &n);
		q->text = pa_strndup(pa_buf_cstr(&stem) + s, n - s);
		if (!q->text || pa_buf_error(&stem))
			g->rc = PA_ENOMEM;
	}
	pa_buf_dispose(&stem);
	parse_block(g, q, open + 1, close, after_start < after_end);
}

static int end_chunk(range **chunks, size_t *chunk_count, size_t *open, size_t end)
{
	range *r;

	if (*open == NPOS)
		return 0;
	if (!(r = pa_array_push(chunks, chunk_count, sizeof(**chunks))))
		return PA_ENOMEM;
	r->start = *open;
	r->end = end;
	*open = NPOS;
	return 0;
}

/* Where the answers of a question stand, followed line by line. */
enum braces { BRACES_NONE, BRACES_OPEN, BRACES_CLOSED };

static enum braces follow_braces(enum braces state, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '{' && state == BRACES_NONE)
			state = BRACES_OPEN;
		else if (s[i] == '}' && state == BRACES_OPEN)
			state = BRACES_CLOSED;
	}
	return state;
}

/*
 * Drop comment lines and '\r', keep a map of lines, and split questions:
 * on blank lines (Moodle's rule), and where a line starts with "::" after
 * a question's answers are closed (as designers write them, one under the other).
 */
static int clean(gift *g, pa_buf *out, range **chunks, size_t *chunk_count,
		 const char *text, size_t len)
{
	size_t pos = 0, open = NPOS;
	enum braces braces = BRACES_NONE;
	unsigned line = 0;
	int rc;

	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t start = pos, end = nl ? (size_t)(nl - text) : len, content = end, first = pos;
		line_map *m;

		line++;
		if (content > start && text[content - 1] == '\r')
			content--;
		while (first < content && (text[first] == ' ' || text[first] == '\t' || text[first] == '\r'))
			first++;
		pos = end + 1;
		if (first == content) {
			if ((rc = end_chunk(chunks, chunk_count, &open, out->len)) != 0)
				return rc;
			continue;
		}
		if (content - first >= 2 && text[first] == '/' && text[first + 1] == '/')
			continue;
		if (braces == BRACES_CLOSED && content - first >= 2 && text[first] == ':' && text[first + 1] == ':' &&
		    (rc = end_chunk(chunks, chunk_count, &open, out->len)) != 0)
			return rc;
		if (!(m = pa_array_push(&g->lines, &g->line_count, sizeof(*g->lines))))
			return PA_ENOMEM;
		if (open == NPOS) {
			open = out->len;
			braces = BRACES_NONE;
		}
		m->start = out->len;
		m->line = line;
		braces = follow_braces(braces, text + first, content - first);
		pa_buf_put(out, text + start, content - start);
		pa_buf_putc(out, '\n');
	}
	if ((rc = end_chunk(chunks, chunk_count, &open, out->len)) != 0)
		return rc;
	return pa_buf_error(out);
}

int pa_quiz_parse_gift(pa_quiz *out, const char *text, size_t len, const char *display, pa_diag *diag)
{
	gift g = { out, diag, NULL, NULL, 0, 0 };
	pa_buf cleaned = PA_BUF_INIT;
	range *chunks = NULL;
	size_t chunk_count = 0, errors = diag->errors, bad = len;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!(out->file = pa_strdup(display))) {
		rc = PA_ENOMEM;
		goto done;
	}
	if (len > PA_QUIZ_MAX_BYTES) {
		pa_diag_error(diag, display, 0, "the question file is larger than %zu MiB",
			      PA_QUIZ_MAX_BYTES >> 20);
		goto done;
	}
	if (!pa_utf8_valid(text, len, &bad) || memchr(text, '\0', len)) {
		unsigned line, col;
		const char *nul = memchr(text, '\0', len);

		if (nul && (size_t)(nul - text) < bad)
			bad = (size_t)(nul - text);
		line = 1;
		for (size_t i = 0; i < bad && i < len; i++)
			line += text[i] == '\n';
		col = 0;
		pa_diag_add(diag, PA_DIAG_ERROR, display, line, col,
			    "the file is not valid UTF-8 text (save it as UTF-8)");
		goto done;
	}
	if ((rc = clean(&g, &cleaned, &chunks, &chunk_count, text, len)) != 0)
		goto done;
	g.t = pa_buf_cstr(&cleaned);
	for (size_t i = 0; i < chunk_count && g.rc == 0; i++)
		parse_question(&g, chunks[i].start, chunks[i].end);
	if (g.rc == PA_ENOMEM) {
		rc = g.rc;
		goto done;
	}
	if (diag->errors == errors)
		pa_quiz__check(out, diag);
done:
	free(chunks);
	free(g.lines);
	pa_buf_dispose(&cleaned);
	if (rc == 0 && diag->errors > errors)
		rc = PA_EINVALID;
	if (rc != 0)
		pa_quiz_dispose(out);
	return rc;
}
