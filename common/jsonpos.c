#include "common/jsonpos.h"

#include <string.h>

#include "common/buf.h"
#include "common/error.h"

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

void pa_jsonpos_of_offset(unsigned *line, unsigned *col, const char *text, size_t len, size_t offset)
{
	unsigned l = 1, c = 1;

	if (offset > len)
		offset = len;
	for (size_t i = 0; i < offset; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80) {
			/* Count characters, not UTF-8 continuation bytes. */
			c++;
		}
	}
	*line = l;
	*col = c;
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
		skip_ws(sc);
		*key_at = sc->pos;
		if (step->key) {
			if (peek(sc) != '"' || !read_string(sc, key))
				return false;
			skip_ws(sc);
			if (peek(sc) != ':')
				return false;
			sc->pos++;
			skip_ws(sc);
			if (key->len == strlen(step->key) && memcmp(key->ptr, step->key, key->len) == 0)
				return true;
		} else if (i == step->index) {
			return true;
		}
		if (!skip_value(sc))
			return false;
		skip_ws(sc);
		if (peek(sc) != ',')
			return false;
		sc->pos++;
	}
}

int pa_jsonpos_find(unsigned *line, unsigned *col, const char *text, size_t len,
		    const pa_jsonpos_step *path, size_t depth, bool want_key)
{
	scanner sc = { text, len, 0 };
	pa_buf key = PA_BUF_INIT;
	size_t found = 0, key_at = 0;
	int rc = 0;

	skip_ws(&sc);
	/* A UTF-8 byte order mark is whitespace to us. */
	if (sc.pos == 0 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		sc.pos = 3;
		skip_ws(&sc);
	}
	found = sc.pos;
	for (size_t d = 0; d < depth; d++) {
		scanner at = sc;

		if (!enter(&at, &path[d], &key, &key_at)) {
			rc = PA_ENOTFOUND;
			break;
		}
		sc = at;
		found = (want_key && d + 1 == depth) ? key_at : sc.pos;
	}
	pa_jsonpos_of_offset(line, col, text, len, found);
	pa_buf_dispose(&key);
	return rc;
}
