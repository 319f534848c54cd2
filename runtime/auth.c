#include "runtime/auth.h"

#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

/* Longest token read from a header: ours are 43 characters. */
#define MAX_TOKEN_LENGTH 256

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void put_base64url(pa_buf *out, const unsigned char *data, size_t len)
{
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		unsigned v = (unsigned)data[i] << 16 | (unsigned)data[i + 1] << 8 | data[i + 2];

		pa_buf_putc(out, b64url[v >> 18 & 63]);
		pa_buf_putc(out, b64url[v >> 12 & 63]);
		pa_buf_putc(out, b64url[v >> 6 & 63]);
		pa_buf_putc(out, b64url[v & 63]);
	}
	if (len - i == 1) {
		unsigned v = (unsigned)data[i] << 16;

		pa_buf_putc(out, b64url[v >> 18 & 63]);
		pa_buf_putc(out, b64url[v >> 12 & 63]);
	} else if (len - i == 2) {
		unsigned v = (unsigned)data[i] << 16 | (unsigned)data[i + 1] << 8;

		pa_buf_putc(out, b64url[v >> 18 & 63]);
		pa_buf_putc(out, b64url[v >> 12 & 63]);
		pa_buf_putc(out, b64url[v >> 6 & 63]);
	}
}

int pa_auth_token_hash(unsigned char hash[PA_STORE_TOKEN_HASH_BYTES], const char *token, size_t len)
{
	unsigned int n = 0;

	if (EVP_Digest(token, len, hash, &n, EVP_sha256(), NULL) != 1 || n != PA_STORE_TOKEN_HASH_BYTES)
		return pa_error_set(PA_ERROR, "SHA-256 failed");
	return 0;
}

int pa_auth_token_new(pa_buf *out, unsigned char hash[PA_STORE_TOKEN_HASH_BYTES])
{
	unsigned char raw[PA_AUTH_TOKEN_BYTES];
	size_t start = out->len;
	int rc;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return pa_error_set(PA_ERROR, "the random number generator failed");
	put_base64url(out, raw, sizeof(raw));
	OPENSSL_cleanse(raw, sizeof(raw));
	if ((rc = pa_buf_error(out)) != 0)
		return rc;
	return pa_auth_token_hash(hash, out->ptr + start, out->len - start);
}

int pa_auth_bearer(const char **out, size_t *len, const char *header)
{
	const char *p, *end;

	*out = NULL;
	*len = 0;
	if (!header || strncasecmp(header, "Bearer ", 7) != 0)
		return pa_error_set(PA_ENOTFOUND, "no bearer token");
	for (p = header + 7; *p == ' '; p++)
		;
	for (end = p; *end && *end != ' ' && *end != '\t'; end++)
		;
	if (end == p || end - p > MAX_TOKEN_LENGTH)
		return pa_error_set(PA_ENOTFOUND, "no bearer token");
	*out = p;
	*len = (size_t)(end - p);
	return 0;
}

int pa_auth_check_admin(int64_t *out, pa_store *store, const char *header)
{
	unsigned char hash[PA_STORE_TOKEN_HASH_BYTES];
	const char *token;
	size_t len;
	int rc;

	if ((rc = pa_auth_bearer(&token, &len, header)) != 0)
		return rc;
	if ((rc = pa_auth_token_hash(hash, token, len)) != 0)
		return rc;
	return pa_store_token_check(out, store, hash);
}
