#include "common/json_load.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/util.h"

typedef struct parser {
	const char *start, *p, *end;
	pa_buf scratch;   /* a string with escapes, decoded */
	int depth;
} parser;

static int fail(const parser *ps, const char *what)
{
	return pa_error_set(PA_EPARSE, "JSON: %s at byte %zu", what, (size_t)(ps->p - ps->start));
}

static int oom(void)
{
	return pa_error_set(PA_ENOMEM, "out of memory");
}

static void skip_ws(parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

/* The length of the UTF-8 sequence at p (first byte >= 0x80); 0 when ill-formed
 * (overlong, surrogate, past U+10FFFF, cut short). */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned cp, c = p[0];
	size_t n;

	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

static bool hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;

	if (end - p < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return false;
	}
	*out = v;
	return true;
}

static void put_utf8(pa_buf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	pa_buf_put(b, u, n);
}

/* Decode the escapes of a string's text [p, stop) into ps->scratch. */
static int unescape(parser *ps, const char *p, const char *stop)
{
	pa_buf_clear(&ps->scratch);
	while (p < stop) {
		const char *run = p;
		unsigned cp, lo;

		while (p < stop && *p != '\\')
			p++;
		pa_buf_put(&ps->scratch, run, (size_t)(p - run));
		if (p >= stop)
			break;
		ps->p = p;
		switch (p[1]) {
		case '"': pa_buf_putc(&ps->scratch, '"'); break;
		case '\\': pa_buf_putc(&ps->scratch, '\\'); break;
		case '/': pa_buf_putc(&ps->scratch, '/'); break;
		case 'b': pa_buf_putc(&ps->scratch, '\b'); break;
		case 'f': pa_buf_putc(&ps->scratch, '\f'); break;
		case 'n': pa_buf_putc(&ps->scratch, '\n'); break;
		case 'r': pa_buf_putc(&ps->scratch, '\r'); break;
		case 't': pa_buf_putc(&ps->scratch, '\t'); break;
		case 'u':
			if (!hex4(p + 2, stop, &cp))
				return fail(ps, "invalid \\u escape");
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (stop - (p + 6) < 2 || p[6] != '\\' || p[7] != 'u' || !hex4(p + 8, stop, &lo) ||
				    lo < 0xDC00 || lo > 0xDFFF)
					return fail(ps, "invalid Unicode surrogate pair");
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				return fail(ps, "invalid Unicode surrogate pair");
			} else if (cp == 0) {
				return fail(ps, "\\u0000 is not allowed");
			}
			put_utf8(&ps->scratch, cp);
			p += 4;
			break;
		default:
			return fail(ps, "invalid escape");
		}
		p += 2;
	}
	return pa_buf_error(&ps->scratch) ? oom() : 0;
}

/* A string at ps->p, just past its opening quote: *s and *len its text, in
 * the input when it has no escape, else in ps->scratch (until the next string). */
static int string(parser *ps, const char **s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)ps->p, *end = (const unsigned char *)ps->end;
	const char *begin = ps->p;
	bool escapes = false;
	size_t n;
	int rc;

	for (;;) {
		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		ps->p = (const char *)p;
		if (p >= end)
			return fail(ps, "unterminated string");
		if (*p == '"')
			break;
		if (*p == '\\') {
			if (end - p < 2)
				return fail(ps, "unterminated string");
			escapes = true;
			p += 2;
		} else if (*p < 0x20) {
			return fail(ps, "control character in a string");
		} else if ((n = utf8_seq(p, end)) == 0) {
			return fail(ps, "invalid UTF-8");
		} else {
			p += n;
		}
	}
	ps->p = (const char *)p + 1;
	if (!escapes) {
		*s = begin;
		*len = (size_t)((const char *)p - begin);
		return 0;
	}
	if ((rc = unescape(ps, begin, (const char *)p)) != 0)
		return rc;
	ps->p = (const char *)p + 1;
	*s = ps->scratch.ptr ? ps->scratch.ptr : "";
	*len = ps->scratch.len;
	return 0;
}

static bool digit(const parser *ps, const char *p)
{
	return p < ps->end && *p >= '0' && *p <= '9';
}

static int number(parser *ps, json_t **out)
{
	const char *p = ps->p;
	bool real = false;
	char small[64], *text;
	size_t len;
	int rc = 0;

	if (p < ps->end && *p == '-')
		p++;
	if (p < ps->end && *p == '0')
		p++;
	else if (digit(ps, p))
		while (digit(ps, p))
			p++;
	else
		return fail(ps, "invalid number");
	if (p < ps->end && *p == '.') {
		real = true;
		if (!digit(ps, ++p))
			return fail(ps, "invalid number");
		while (digit(ps, p))
			p++;
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		real = true;
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			p++;
		if (!digit(ps, p))
			return fail(ps, "invalid number");
		while (digit(ps, p))
			p++;
	}
	len = (size_t)(p - ps->p);
	if (len < sizeof(small)) {
		memcpy(small, ps->p, len);
		small[len] = '\0';
		text = small;
	} else if (!(text = pa_strndup(ps->p, len))) {
		return oom();
	}
	errno = 0;
	if (real) {
		double v = strtod(text, NULL);

		if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL))
			rc = fail(ps, "real number overflow");
		else if (!(*out = json_real(v)))
			rc = oom();
	} else {
		long long v = strtoll(text, NULL, 10);

		if (errno == ERANGE)
			rc = fail(ps, "too big integer");
		else if (!(*out = json_integer((json_int_t)v)))
			rc = oom();
	}
	if (text != small)
		free(text);
	ps->p = p;
	return rc;
}

static int literal(parser *ps, json_t **out, const char *word, json_t *(*make)(void))
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return fail(ps, "invalid literal");
	ps->p += n;
	*out = make();
	return 0;
}

static json_t *make_true(void) { return json_true(); }
static json_t *make_false(void) { return json_false(); }
static json_t *make_null(void) { return json_null(); }

static int value(parser *ps, json_t **out);

static int object(parser *ps, json_t **out)
{
	json_t *obj = json_object(), *v = NULL;
	int rc = 0;

	if (!obj)
		return oom();
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		*out = obj;
		return 0;
	}
	for (;;) {
		const char *key;
		char *copy = NULL;
		size_t len;

		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '"') {
			rc = fail(ps, "a string key expected");
			break;
		}
		ps->p++;
		if ((rc = string(ps, &key, &len)) != 0)
			break;
		/* A decoded key lives in the scratch buffer, which the value may reuse. */
		if (key == ps->scratch.ptr && !(key = copy = pa_strndup(key, len))) {
			rc = oom();
			break;
		}
		if (json_object_getn(obj, key, len)) {
			free(copy);
			rc = fail(ps, "duplicate object key");
			break;
		}
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != ':') {
			free(copy);
			rc = fail(ps, "':' expected");
			break;
		}
		ps->p++;
		if ((rc = value(ps, &v)) != 0) {
			free(copy);
			break;
		}
		rc = json_object_setn_new_nocheck(obj, key, len, v) ? oom() : 0;
		free(copy);
		if (rc)
			break;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			break;
		}
		rc = fail(ps, "',' or '}' expected");
		break;
	}
	if (rc)
		json_decref(obj);
	else
		*out = obj;
	return rc;
}

static int array(parser *ps, json_t **out)
{
	json_t *arr = json_array(), *v = NULL;
	int rc = 0;

	if (!arr)
		return oom();
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		*out = arr;
		return 0;
	}
	for (;;) {
		if ((rc = value(ps, &v)) != 0)
			break;
		if (json_array_append_new(arr, v) != 0) {
			rc = oom();
			break;
		}
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			break;
		}
		rc = fail(ps, "',' or ']' expected");
		break;
	}
	if (rc)
		json_decref(arr);
	else
		*out = arr;
	return rc;
}

static int value(parser *ps, json_t **out)
{
	const char *s;
	size_t len;
	int rc;

	*out = NULL;
	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, "unexpected end of input");
	switch (*ps->p) {
	case '{':
	case '[':
		if (ps->depth >= PA_JSON_MAX_DEPTH)
			return fail(ps, "nested too deep");
		ps->depth++;
		rc = *ps->p == '{' ? object(ps, out) : array(ps, out);
		ps->depth--;
		return rc;
	case '"':
		ps->p++;
		if ((rc = string(ps, &s, &len)) != 0)
			return rc;
		return (*out = json_stringn_nocheck(s, len)) ? 0 : oom();
	case 't': return literal(ps, out, "true", make_true);
	case 'f': return literal(ps, out, "false", make_false);
	case 'n': return literal(ps, out, "null", make_null);
	default:
		if (*ps->p != '-' && (*ps->p < '0' || *ps->p > '9'))
			return fail(ps, "unexpected character");
		return number(ps, out);
	}
}

int pa_json_load(json_t **out, const char *text, size_t len)
{
	parser ps;
	int rc;

	*out = NULL;
	memset(&ps, 0, sizeof(ps));
	ps.start = ps.p = text ? text : "";
	ps.end = ps.start + (text ? len : 0);
	pa_buf_init(&ps.scratch, 0);
	if ((rc = value(&ps, out)) == 0) {
		skip_ws(&ps);
		if (ps.p != ps.end)
			rc = fail(&ps, "end of input expected");
	}
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	pa_buf_dispose(&ps.scratch);
	return rc;
}
