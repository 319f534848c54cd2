/*
 * Admin tokens: 32 random bytes (OpenSSL RAND_bytes) written in base64url,
 * shown once; the store keeps only their SHA-256.
 */
#ifndef PA_AUTH_H
#define PA_AUTH_H

#include <stddef.h>

#include "common/buf.h"
#include "runtime/store.h"

#define PA_AUTH_TOKEN_BYTES 32

/* A new token appended to out (43 characters) and its hash. */
int pa_auth_token_new(pa_buf *out, unsigned char hash[PA_STORE_TOKEN_HASH_BYTES]);

/* The SHA-256 of a token as presented. */
int pa_auth_token_hash(unsigned char hash[PA_STORE_TOKEN_HASH_BYTES], const char *token, size_t len);

/*
 * The token of an "Authorization: Bearer <token>" header value (scheme
 * case-insensitive): 0, *out and *len pointing into header; PA_ENOTFOUND
 * when header is NULL or not a bearer credential.
 */
int pa_auth_bearer(const char **out, size_t *len, const char *header);

/* The admin token of an Authorization header value, checked against the
 * store: 0 and *out its id, PA_ENOTFOUND when missing, unknown or revoked. */
int pa_auth_check_admin(int64_t *out, pa_store *store, const char *header);

#endif
