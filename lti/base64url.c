#include "lti/base64url.h"

#include <stdint.h>
#include <stdlib.h>

#include "common/error.h"
#include "common/util.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int pa_b64url_encode(pa_buf *out, const void *data, size_t len)
{
	const unsigned char *p = data;
	char quad[4];
	size_t i;

	for (i = 0; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		quad[0] = alphabet[v >> 18];
		quad[1] = alphabet[(v >> 12) & 63];
		quad[2] = alphabet[(v >> 6) & 63];
		quad[3] = alphabet[v & 63];
		pa_buf_put(out, quad, 4);
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;

		quad[0] = alphabet[v >> 18];
		quad[1] = alphabet[(v >> 12) & 63];
		pa_buf_put(out, quad, 2);
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;

		quad[0] = alphabet[v >> 18];
		quad[1] = alphabet[(v >> 12) & 63];
		quad[2] = alphabet[(v >> 6) & 63];
		pa_buf_put(out, quad, 3);
	}
	return pa_buf_error(out);
}

/* Each byte's value in the alphabet plus one, 0 outside it: one load a
 * character (an id_token is a few KB, read three times at every launch). */
static const unsigned char values[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
	['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16,
	['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
	['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
	['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40,
	['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
	['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
	['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['-'] = 63, ['_'] = 64,
};

static int value_of(unsigned char c)
{
	return (int)values[c] - 1;
}

bool pa_b64url_valid(const char *in, size_t len)
{
	int last;

	if (len % 4 == 1)
		return false;
	for (size_t i = 0; i < len; i++)
		if (value_of((unsigned char)in[i]) < 0)
			return false;
	if (len == 0)
		return true;
	/* The bits of the last character past the last whole byte must be zero. */
	last = value_of((unsigned char)in[len - 1]);
	return len % 4 == 2 ? (last & 15) == 0 : len % 4 == 3 ? (last & 3) == 0 : true;
}

int pa_b64url_decode(unsigned char **out, size_t *out_len, const char *in, size_t len)
{
	unsigned char *buf;
	size_t n = 0, rest = len % 4;
	uint32_t acc = 0;
	int bits = 0;

	*out = NULL;
	*out_len = 0;
	if (rest == 1)
		return pa_error_set(PA_EPARSE, "base64url: bad length");
	if (!(buf = malloc(len / 4 * 3 + 3)))
		return pa_error_set(PA_ENOMEM, "base64url: out of memory");
	for (size_t i = 0; i < len; i++) {
		int v = value_of((unsigned char)in[i]);

		if (v < 0) {
			free(buf);
			return pa_error_set(PA_EPARSE, "base64url: a character outside the alphabet");
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0) {  /* the unused low bits of the last character */
		free(buf);
		return pa_error_set(PA_EPARSE, "base64url: non-canonical ending");
	}
	buf[n] = '\0';
	*out = buf;
	*out_len = n;
	return 0;
}
