/*
 * LTI 1.1: launches signed with OAuth 1.0a (lti/oauth1.h) at /lti/11/launch,
 * and Basic Outcomes (replaceResult) for the scores.
 */
#ifndef PA_LTI_LTI11_H
#define PA_LTI_LTI11_H

#include "common/buf.h"
#include "lti/internal.h"

/* POST /lti/11/launch */
enum MHD_Result pa_lti11_launch(pa_http_request *r, pa_lti *lti, const char *rest);

typedef struct pa_lti11_outcome {
	const char *url;          /* lis_outcome_service_url */
	const char *key, *secret; /* the consumer's */
	const char *sourcedid;    /* lis_result_sourcedid */
	double score;             /* 0.0 to 1.0 */
	long timeout_s;
	bool allow_http;
} pa_lti11_outcome;

/*
 * Send a replaceResult (POX, signed with oauth_body_hash). 0 when the
 * consumer answered success; otherwise *status the HTTP status (0 when no
 * answer came) and answer what it said (its imsx_description, or the
 * body), for the outbox to keep. PA_EIO no answer or 5xx/429 (retry),
 * PA_EINVALID a refusal (4xx, or imsx_codeMajor failure).
 */
int pa_lti11_outcome_replace(long *status, pa_buf *answer, const pa_lti11_outcome *o);

#endif
