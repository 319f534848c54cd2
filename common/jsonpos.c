#include "common/jsonpos.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/util.h"

typedef struct scanner {
	const char *s;
	size_t len;
	size_t pos;
} scanner;

static void skip_ws(scanner *sc)
{
	while (sc->pos < sc->len) {
		char c = sc->s[sc->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		sc->pos++;
	}
}

static int peek(const scanner *sc)
{
	return sc->pos < sc->len ? (unsigned char)sc->s[sc->pos] : -1;
}

/* At a '"': move past the closing quote. */
static bool skip_string(scanner *sc)
{
	sc->pos++;
	while (sc->pos < sc->len) {
		char c = sc->s[sc->pos++];

		if (c == '\\')
			sc->pos++;
		else if (c == '"')
			return sc->pos <= sc->len;
	}
	return false;
}

/* Move past one value of any kind; nesting is counted, never recursed. */
static bool skip_value(scanner *sc)
{
	size_t depth = 0;

	skip_ws(sc);
	do {
		int c = peek(sc);

		if (c < 0)
			return false;
		if (c == '"') {
			if (!skip_string(sc))
				return false;
		} else if (c == '{' || c == '[') {
			depth++;
			sc->pos++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return false;
			depth--;
			sc->pos++;
		} else if (depth > 0) {
			sc->pos++;
		} else {
			/* A scalar: up to a delimiter. */
			while (sc->pos < sc->len && !strchr(",:]} \t\r\n", sc->s[sc->pos]))
				sc->pos++;
		}
	} while (depth > 0);
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool read_hex4(const scanner *sc, size_t at, unsigned *out)
{
	unsigned v = 0;

	if (at + 4 > sc->len)
		return false;
	for (size_t i = 0; i < 4; i++) {
		int h = hexval(sc->s[at + i]);

		if (h < 0)
			return false;
		v = (v << 4) | (unsigned)h;
	}
	*out = v;
	return true;
}

static void put_utf8(pa_buf *b, unsigned cp)
{
	if (cp < 0x80) {
		pa_buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		pa_buf_putc(b, (char)(0xC0 | (cp >> 6)));
		pa_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		pa_buf_putc(b, (char)(0xE0 | (cp >> 12)));
		pa_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		pa_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		pa_buf_putc(b, (char)(0xF0 | (cp >> 18)));
		pa_buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
		pa_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		pa_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	}
}

/* At a '"': decode the string into out (keys are compared decoded, as jansson stores them). */
static bool read_string(scanner *sc, pa_buf *out)
{
	pa_buf_clear(out);
	sc->pos++;
	while (sc->pos < sc->len) {
		char c = sc->s[sc->pos++];
		unsigned cp, lo;

		if (c == '"')
			return pa_buf_error(out) == 0;
		if (c != '\\') {
			pa_buf_putc(out, c);
			continue;
		}
		if (sc->pos >= sc->len)
			return false;
		c = sc->s[sc->pos++];
		switch (c) {
		case 'b': pa_buf_putc(out, '\b'); break;
		case 'f': pa_buf_putc(out, '\f'); break;
		case 'n': pa_buf_putc(out, '\n'); break;
		case 'r': pa_buf_putc(out, '\r'); break;
		case 't': pa_buf_putc(out, '\t'); break;
		case 'u':
			if (!read_hex4(sc, sc->pos, &cp))
				return false;
			sc->pos += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && sc->pos + 6 <= sc->len &&
			    sc->s[sc->pos] == '\\' && sc->s[sc->pos + 1] == 'u' &&
			    read_hex4(sc, sc->pos + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				sc->pos += 6;
			}
			put_utf8(out, cp);
			break;
		default: pa_buf_putc(out, c); break;
		}
	}
	return false;
}

static void count(unsigned *line, unsigned *col, const char *text, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch == '\n') {
			(*line)++;
			*col = 1;
		} else if ((ch & 0xC0) != 0x80) {
			/* Count characters, not UTF-8 continuation bytes. */
			(*col)++;
		}
	}
}

void pa_jsonpos_of_offset(unsigned *line, unsigned *col, const char *text, size_t len, size_t offset)
{
	*line = 1;
	*col = 1;
	count(line, col, text, 0, offset > len ? len : offset);
}

/* Move sc past the separator after the current element; false at the end of the container. */
static bool next_item(scanner *sc)
{
	if (!skip_value(sc))
		return false;
	skip_ws(sc);
	if (peek(sc) != ',')
		return false;
	sc->pos++;
	skip_ws(sc);
	return true;
}

/*
 * At the start of an object or array, find the member or element of step;
 * on success sc is at its value and *key_at at its key.
 */
static bool enter(scanner *sc, const pa_jsonpos_step *step, pa_buf *key, size_t *key_at)
{
	int open = peek(sc);

	if (step->key ? open != '{' : open != '[')
		return false;
	sc->pos++;
	skip_ws(sc);
	if (peek(sc) == (step->key ? '}' : ']'))
		return false;
	for (size_t i = 0; ; i++) {
		*key_at = sc->pos;
		if (step->key) {
			if (peek(sc) != '"' || !read_string(sc, key))
				return false;
			skip_ws(sc);
			if (peek(sc) != ':')
				return false;
			sc->pos++;
			skip_ws(sc);
			if (key->len == strlen(step->key) &&
			    memcmp(pa_buf_cstr(key), step->key, key->len) == 0)
				return true;
		} else if (i == step->index) {
			return true;
		}
		if (!next_item(sc))
			return false;
	}
}

void pa_jsonpos_init(pa_jsonpos *jp, const char *text, size_t len)
{
	scanner sc = { text, len, 0 };

	memset(jp, 0, sizeof(*jp));
	jp->text = text;
	jp->len = len;
	/* A UTF-8 byte order mark is whitespace to us. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		sc.pos = 3;
	skip_ws(&sc);
	jp->at[0] = sc.pos;
	jp->line = jp->col = 1;
}

void pa_jsonpos_dispose(pa_jsonpos *jp)
{
	for (size_t i = 0; i < PA_JSONPOS_MAX_DEPTH; i++)
		free(jp->keys[i]);
	memset(jp, 0, sizeof(*jp));
}

static bool same_step(const pa_jsonpos_step *a, const pa_jsonpos_step *b)
{
	if (!a->key || !b->key)
		return !a->key && !b->key && a->index == b->index;
	return strcmp(a->key, b->key) == 0;
}

/* Remember step d of the path just walked. */
static bool remember(pa_jsonpos *jp, size_t d, const pa_jsonpos_step *step, size_t key_at,
		     size_t value_at)
{
	char *copy = NULL;

	if (step->key && !(copy = pa_strdup(step->key)))
		return false;
	free(jp->keys[d]);
	jp->keys[d] = copy;
	jp->steps[d].key = copy;
	jp->steps[d].index = step->index;
	jp->at[d + 1] = value_at;
	jp->key_at[d] = key_at;
	return true;
}

static bool is_char_start(char c)
{
	return ((unsigned char)c & 0xC0) != 0x80;
}

/* Line and column of offset, counted from the last offset counted, forwards or backwards. */
static void move_to(pa_jsonpos *jp, size_t offset)
{
	size_t newlines = 0, chars = 0, i;

	if (offset >= jp->counted) {
		count(&jp->line, &jp->col, jp->text, jp->counted, offset);
	} else {
		for (i = offset; i < jp->counted; i++) {
			newlines += jp->text[i] == '\n';
			chars += is_char_start(jp->text[i]);
		}
		if (!newlines) {
			jp->col -= (unsigned)chars;
		} else {
			jp->line -= (unsigned)newlines;
			jp->col = 1;
			for (i = offset; i > 0 && jp->text[i - 1] != '\n'; i--)
				jp->col += is_char_start(jp->text[i - 1]);
		}
	}
	jp->counted = offset;
}

int pa_jsonpos_locate(pa_jsonpos *jp, unsigned *line, unsigned *col,
		      const pa_jsonpos_step *path, size_t depth, bool want_key)
{
	scanner sc = { jp->text, jp->len, 0 };
	pa_buf key = PA_BUF_INIT;
	size_t common = 0, found, key_at = 0, d;
	int rc = 0;

	while (common < depth && common < jp->depth && same_step(&path[common], &jp->steps[common]))
		common++;
	if (depth > PA_JSONPOS_MAX_DEPTH) {
		depth = PA_JSONPOS_MAX_DEPTH;
		rc = PA_ENOTFOUND;
	}
	if (common > depth)
		common = depth;
	sc.pos = jp->at[common];
	found = (want_key && common == depth && depth > 0) ? jp->key_at[depth - 1] : sc.pos;
	for (d = common; d < depth; d++) {
		scanner at = sc;
		bool ok;

		if (d == common && d < jp->depth && !path[d].key && !jp->steps[d].key &&
		    path[d].index > jp->steps[d].index) {
			/* Further along the same array as last time: go on from there. */
			at.pos = jp->at[d + 1];
			ok = true;
			for (size_t i = jp->steps[d].index; i < path[d].index && ok; i++)
				ok = next_item(&at);
			key_at = at.pos;
		} else {
			ok = enter(&at, &path[d], &key, &key_at);
		}
		if (!ok) {
			rc = PA_ENOTFOUND;
			break;
		}
		sc = at;
		if (!remember(jp, d, &path[d], key_at, sc.pos)) {
			rc = PA_ENOMEM;
			break;
		}
		found = (want_key && d + 1 == depth) ? key_at : sc.pos;
	}
	jp->depth = d;
	move_to(jp, found);
	*line = jp->line;
	*col = jp->col;
	pa_buf_dispose(&key);
	return rc;
}

int pa_jsonpos_find(unsigned *line, unsigned *col, const char *text, size_t len,
		    const pa_jsonpos_step *path, size_t depth, bool want_key)
{
	pa_jsonpos jp;
	int rc;

	pa_jsonpos_init(&jp, text, len);
	rc = pa_jsonpos_locate(&jp, line, col, path, depth, want_key);
	pa_jsonpos_dispose(&jp);
	return rc;
}

pa_jsonpath pa_jsonpath_key(const pa_jsonpath *base, const char *key)
{
	pa_jsonpath p = *base;

	if (p.n < PA_JSONPATH_MAX_DEPTH) {
		p.s[p.n].key = key;
		p.s[p.n].index = 0;
		p.n++;
	}
	return p;
}

pa_jsonpath pa_jsonpath_index(const pa_jsonpath *base, size_t index)
{
	pa_jsonpath p = *base;

	if (p.n < PA_JSONPATH_MAX_DEPTH) {
		p.s[p.n].key = NULL;
		p.s[p.n].index = index;
		p.n++;
	}
	return p;
}
