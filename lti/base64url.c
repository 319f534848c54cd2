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

static int value_of(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
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
