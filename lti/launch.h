/*
 * What every launch ends with, LTI 1.1 or 1.3 once verified: the learner,
 * the link, the attempt and where its scores go are recorded, and the
 * browser is sent to the player (learners) or to the link's page
 * (instructors: their attempts, and a way to play).
 */
#ifndef PA_LTI_LAUNCH_H
#define PA_LTI_LAUNCH_H

#include <stdbool.h>
#include <stdint.h>

#include "lti/internal.h"

typedef struct pa_lti_launch {
	int lti_version;              /* 11 or 13 */
	int64_t owner_id;             /* consumer (11) or platform (13) id */
	const char *subject;          /* the learner: "lti13 <iss> <sub>" or "lti11 <key> <user_id>" */
	const char *name;             /* "Family, Given" as the LMS says, or NULL */
	const char *user_ref;         /* AGS userId (sub) or lis_result_sourcedid; NULL: no scores back */
	bool instructor;              /* Instructor (and its sub-roles, TeachingAssistant...), Administrator, ContentDeveloper */
	const char *resource_link_id;
	const char *deployment_id;    /* 13 */
	const char *context_id, *context_title;
	const char *link_title;
	const char *package;          /* the custom "package" parameter: an id or a manifest identifier; NULL */
	const char *lineitem;         /* AGS line item URL, or NULL */
	const char *outcome_url;      /* LTI 1.1 lis_outcome_service_url, or NULL */
	const char *locale;           /* "fr", "en-GB"...; NULL */
	/* A single-use value to spend in the same transaction (the id_token's
	 * nonce, the OAuth nonce): a replay is refused and nothing recorded. */
	const char *nonce_scope, *nonce;
	int64_t nonce_expires;        /* ms */
} pa_lti_launch;

/* Record the launch and answer (303 to the player or the link's page, or a page saying what is wrong). */
enum MHD_Result pa_lti_launch_finish(pa_http_request *r, pa_lti *lti, const pa_lti_launch *l);

/*
 * Link tokens: what lets an instructor's browser see a link's page.
 * "<link id>.<learner id>.<expiry>.<hmac>", HMAC-SHA256 under the session
 * key with its own label, so it can never pass for a session token.
 */
int pa_lti_link_token_make(pa_buf *out, const unsigned char *key, int64_t link_id, int64_t learner_id,
			   int64_t expires);
/* 0 and *link_id, *learner_id when valid at now; PA_EPARSE, PA_EINVALID, PA_ELIMIT (expired). */
int pa_lti_link_token_check(int64_t *link_id, int64_t *learner_id, const unsigned char *key, const char *token,
			    int64_t now);

#endif
