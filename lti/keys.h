/*
 * The tool's RS256 key pairs (kept in the store, table lti_keys): one
 * signs (client assertions, deep linking responses, dynamic registration
 * has nothing to sign), every key not retired more than lti_key_grace ago
 * is published at /lti/jwks. The first is made at first start; `passerelle
 * keys rotate` makes the next. kid: the RFC 7638 thumbprint.
 */
#ifndef PA_LTI_KEYS_H
#define PA_LTI_KEYS_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "common/buf.h"
#include "runtime/store.h"

typedef struct pa_lti_keyring pa_lti_keyring;

/* The keys of store, a first pair made (RSA 2048) if there is none: in a
 * thread of its own, so that a server starts listening at once (the calls
 * below wait for it). grace: seconds a retired key stays published. The
 * keyring reads the store again at most once a minute, so a rotation by
 * the CLI reaches a running server. */
int pa_lti_keyring_new(pa_lti_keyring **out, pa_store *store, int64_t grace);
void pa_lti_keyring_free(pa_lti_keyring *k);

/* How often the keyring reads the store again, in ms (default 60000; tests shorten it). */
void pa_lti_keyring_set_reload(pa_lti_keyring *k, int64_t ms);

/* The published JWKS ({"keys":[...public RSA keys, kid, alg RS256, use sig]}) appended to out. */
int pa_lti_keyring_jwks(pa_buf *out, pa_lti_keyring *k);

/* claims signed by the current key (RS256, its kid) appended to out. */
int pa_lti_keyring_sign(pa_buf *out, pa_lti_keyring *k, const json_t *claims);

/* Make a new signing key and retire the others now: *out (may be NULL) its kid (free()). */
int pa_lti_keys_rotate(char **out, pa_store *store);

struct pa_store_lti_key;

/* Is key in the JWKS now (current, or retired less than grace seconds ago)? */
bool pa_lti_key_published(const struct pa_store_lti_key *key, int64_t grace);

/* The RFC 7638 thumbprint of the RSA public key (n, e in base64url): *out
 * its base64url SHA-256 (free()). */
int pa_lti_jwk_thumbprint(char **out, const char *n, const char *e);

#endif
