/*
 * Requests to platforms (JWKS, registration, OAuth 2 tokens, scores,
 * LTI 1.1 outcomes) through libcurl: https only unless lti_allow_http, a
 * timeout, no redirects followed, and a cap on what is read back.
 */
#ifndef PA_LTI_HTTPC_H
#define PA_LTI_HTTPC_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

typedef struct pa_httpc_request {
	const char *method;         /* "GET", "POST" */
	const char *url;
	const char *content_type;   /* of body; NULL without one */
	const char *accept;         /* NULL: no Accept header */
	const char *authorization;  /* the whole header value, or NULL */
	const char *body;
	size_t body_len;
	long timeout_s;             /* 0: 10 */
	size_t max_response;        /* 0: 1 MiB */
	bool allow_http;            /* plain http allowed (tests, lti_allow_http) */
} pa_httpc_request;

typedef struct pa_httpc_response {
	long status;                /* the HTTP status */
	pa_buf body;
	char content_type[128];     /* "" when none */
	long retry_after_s;         /* Retry-After in seconds, -1 when absent */
} pa_httpc_response;

void pa_httpc_response_init(pa_httpc_response *r);
void pa_httpc_response_dispose(pa_httpc_response *r);

/*
 * Perform req. 0 when an answer came (whatever its status: the caller
 * decides); PA_EIO when none did (refused, timeout: why in pa_error_last()),
 * PA_ELIMIT when it was larger than max_response, PA_EINVALID for a URL
 * we refuse (not http(s), plain http without allow_http).
 */
int pa_httpc_perform(pa_httpc_response *out, const pa_httpc_request *req);

#endif
