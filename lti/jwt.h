/*
 * JSON Web Tokens through cjose: RS256 only, both ways. Verification
 * refuses every other alg (none, HS256...), tokens over 16 KiB, and keys
 * that are not RSA of at least 2048 bits.
 */
#ifndef PA_LTI_JWT_H
#define PA_LTI_JWT_H

#include <jansson.h>

#include "common/buf.h"

/* A verified token's parts (owned). */
typedef struct pa_jwt {
	json_t *header;
	json_t *claims;
} pa_jwt;

void pa_jwt_dispose(pa_jwt *jwt);

/* The kid of a token's header, without verifying anything (to choose a
 * key): a new string, or NULL when it has none. PA_EPARSE when the token
 * is not a JWS in compact form. */
int pa_jwt_peek_kid(char **out, const char *token);

/*
 * Verify token with the key of jwks (a JWKS object: {"keys":[...]}) whose
 * kid is the token's (the only RSA key when the token has no kid and jwks
 * one key). PA_EPARSE: malformed; PA_ENOTFOUND: no such kid (fetch the keys
 * again); PA_EINVALID: alg not RS256, bad signature (pa_error_last() says
 * which). Claims are not checked here (exp, aud...: the caller's rules).
 */
int pa_jwt_verify(pa_jwt *out, const char *token, const json_t *jwks);

/*
 * A key set made ready once for many tokens (lti/jwks.c keeps one per
 * platform): its RS256 keys imported, so that a verification spends
 * nothing on them. Read-only once made: threads may share it. Same
 * answers as pa_jwt_verify with the JWKS it was made from.
 */
typedef struct pa_jwt_keyset pa_jwt_keyset;

/* PA_EINVALID when jwks is not {"keys":[...]}. */
int pa_jwt_keyset_new(pa_jwt_keyset **out, const json_t *jwks);
void pa_jwt_keyset_free(pa_jwt_keyset *ks);
int pa_jwt_verify_keyset(pa_jwt *out, const char *token, const pa_jwt_keyset *ks);

/* A signed compact JWS of claims (RS256) appended to out, with kid in its
 * header; private_pem an RSA private key in PEM. */
int pa_jwt_sign(pa_buf *out, const char *private_pem, const char *kid, const json_t *claims);

#endif
