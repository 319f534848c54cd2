/*
 * LTI 1.3 Assignment and Grade Services: scores POSTed to a line item,
 * with an OAuth 2 access token got by client_credentials and a client
 * assertion (RFC 7523) signed by the tool's key.
 */
#ifndef PA_LTI_AGS_H
#define PA_LTI_AGS_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "common/buf.h"

#define PA_AGS_SCOPE_SCORE "https://purl.imsglobal.org/spec/lti-ags/scope/score"
#define PA_AGS_SCORE_TYPE "application/vnd.ims.lis.v1.score+json"

/* `{lineitem}/scores`, the line item's query string kept after it. */
int pa_ags_scores_url(pa_buf *out, const char *lineitem);

/* A score as SCORM left it. */
typedef struct pa_ags_score {
	const char *user_id;
	const char *completion;   /* cmi.completion_status (1.2: from lesson_status) */
	const char *success;      /* cmi.success_status */
	bool has_score;
	double scaled;            /* -1..1 */
	int64_t timestamp_ms;
} pa_ags_score;

/* activityProgress of SCORM completion and success (docs/lti.md, "Grades"). */
const char *pa_ags_activity_progress(const char *completion, const char *success);
/* gradingProgress: FullyGraded once passed or failed, or completed with a score; Pending otherwise. */
const char *pa_ags_grading_progress(const char *completion, const char *success, bool has_score);

/* The score's JSON (application/vnd.ims.lis.v1.score+json) appended to out. */
int pa_ags_score_json(pa_buf *out, const pa_ags_score *s);

/* Signs a client assertion's claims (RS256, the tool's current key). */
typedef int (*pa_ags_signer)(pa_buf *out, void *ctx, const json_t *claims);

/* Where a platform gives tokens. */
typedef struct pa_ags_platform {
	int64_t id;                  /* the token cache's key */
	const char *client_id;
	const char *token_url;
	const char *token_audience;  /* NULL: token_url */
} pa_ags_platform;

typedef struct pa_ags_client pa_ags_client;

int pa_ags_client_new(pa_ags_client **out, pa_ags_signer sign, void *sign_ctx, long timeout_s, bool allow_http);
void pa_ags_client_free(pa_ags_client *c);

/* What a delivery came to, for the outbox to keep. */
typedef struct pa_ags_outcome {
	long status;           /* the last HTTP status; 0 when no answer came */
	long retry_after_s;    /* the platform's Retry-After, -1 when none */
	pa_buf answer;         /* what it said (or why no answer came), capped */
} pa_ags_outcome;

void pa_ags_outcome_init(pa_ags_outcome *o);
void pa_ags_outcome_dispose(pa_ags_outcome *o);

/*
 * POST score to lineitem's scores, with a token of platform (cached until
 * it expires; a 401 drops it and tries once more with a new one). 0:
 * delivered. PA_EIO: try again later (no answer, timeout, 5xx, 429).
 * PA_EINVALID: refused (another 4xx, from the token endpoint or the
 * scores endpoint, or a token answer we cannot use).
 */
int pa_ags_send_score(pa_ags_outcome *out, pa_ags_client *c, const pa_ags_platform *platform,
		      const char *lineitem, const pa_ags_score *score);

#endif
