/*
 * Platforms' public keys: fetched from their JWKS URL with lti/httpc.h,
 * kept lti_jwks_cache_ttl seconds, fetched again once when a token names a
 * kid we do not have (a platform that rotated), but not more than once in
 * 10 seconds per URL (a flood of bad kids must not make us flood them).
 */
#ifndef PA_LTI_JWKS_H
#define PA_LTI_JWKS_H

#include <stdbool.h>
#include <stdint.h>

#include "lti/jwt.h"

typedef struct pa_lti_jwks_cache pa_lti_jwks_cache;

int pa_lti_jwks_cache_new(pa_lti_jwks_cache **out, int64_t ttl_s, long timeout_s, bool allow_http);
void pa_lti_jwks_cache_free(pa_lti_jwks_cache *c);

/* Verify token (pa_jwt_verify) with the keys at jwks_url. Errors as
 * pa_jwt_verify, plus PA_EIO when the keys cannot be fetched. Thread-safe. */
int pa_lti_jwks_verify(pa_jwt *out, pa_lti_jwks_cache *c, const char *jwks_url, const char *token);

#endif
