/*
 * Session tokens: what lets a browser read and write one attempt, and
 * nothing else. A token names its attempt, its learner and its expiry, and
 * carries an HMAC-SHA256 of the three under the server's secret:
 *
 *   <attempt id>.<learner id>.<expiry, Unix seconds>.<64 hex digits>
 *
 * The secret is 32 random bytes in DATA/session.key (0600), created at the
 * first start; deleting it revokes every token issued.
 */
#ifndef PA_SESSION_H
#define PA_SESSION_H

#include <stdint.h>

#include "common/buf.h"

#define PA_SESSION_KEY_BYTES 32
#define PA_SESSION_KEY_FILE "session.key"

typedef struct pa_session_claims {
	int64_t attempt_id;
	int64_t learner_id;
	int64_t expires;   /* Unix seconds */
} pa_session_claims;

/* The secret of data_dir, created (0600) if missing; a file of the wrong size is refused. */
int pa_session_key_load(unsigned char out[PA_SESSION_KEY_BYTES], const char *data_dir);

/* A token for claims, appended to out. */
int pa_session_token_make(pa_buf *out, const unsigned char key[PA_SESSION_KEY_BYTES],
			  const pa_session_claims *claims);

/*
 * Check a token at time now (Unix seconds): 0 and *out its claims;
 * PA_EPARSE when malformed, PA_EINVALID when its signature is wrong (in
 * constant time), PA_ELIMIT when it has expired.
 */
int pa_session_token_check(pa_session_claims *out, const unsigned char key[PA_SESSION_KEY_BYTES],
			   const char *token, int64_t now);

#endif
