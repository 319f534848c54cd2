/*
 * base64url without padding (RFC 4648 §5, as JOSE writes it, RFC 7515 §2).
 * Decoding is strict: only the URL-safe alphabet, no padding, no white
 * space, and no stray bits in the last character, so that one value has
 * exactly one spelling.
 */
#ifndef PA_LTI_BASE64URL_H
#define PA_LTI_BASE64URL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

/* data in base64url appended to out. */
int pa_b64url_encode(pa_buf *out, const void *data, size_t len);

/* Is in[0..len) base64url as pa_b64url_decode takes it? (No allocation.) */
bool pa_b64url_valid(const char *in, size_t len);

/* The bytes of in[0..len) in *out (malloc'd, free(); NUL-terminated for
 * convenience, not counted in *out_len). PA_EPARSE when not base64url. */
int pa_b64url_decode(unsigned char **out, size_t *out_len, const char *in, size_t len);

#endif
