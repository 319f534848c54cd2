/*
 * HMAC-SHA256 (RFC 2104) for the server's tokens: login states, session
 * and link tokens, all under the data folder's session key, at every
 * launch and every player request. OpenSSL 3's one-shot HMAC() looks the
 * MAC and the digest up by name at each call, under locks a server's
 * threads contend for (about 10 us a MAC under load); here the MAC is
 * fetched once and the last key's initialised context is kept, each MAC
 * a copy of it (under 1 us). Thread-safe.
 */
#ifndef PA_HMAC_H
#define PA_HMAC_H

#include <stddef.h>

#define PA_HMAC_SHA256_BYTES 32

/* out = HMAC-SHA256(key, a || b); b may be NULL with b_len 0. */
int pa_hmac_sha256(unsigned char out[PA_HMAC_SHA256_BYTES], const void *key, size_t key_len, const void *a,
		   size_t a_len, const void *b, size_t b_len);

#endif
