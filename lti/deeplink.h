/*
 * LTI Deep Linking 2.0: an instructor adding an activity picks modules
 * from the catalogue, and the platform gets them back as a signed
 * LtiDeepLinkingResponse of ltiResourceLink items.
 *
 *   POST /lti/launch (LtiDeepLinkingRequest, verified by lti/launch13)
 *     -> pa_lti_deep_link_request: the catalogue page
 *   POST /lti/deep-link (token, q, package..., action=search|select)
 *     -> the catalogue again (searching without script), or a page that
 *        posts JWT=<response> to the platform's deep_link_return_url
 *
 * Nothing of the request is trusted from the browser: the page carries a
 * token of the request's context (platform, deployment, return URL, data,
 * whether several items are accepted, language, expiry), HMAC-SHA256
 * under the server's session key with its own label, valid
 * PA_LTI_DL_TOKEN_TTL seconds:
 *
 *   dl1.<base64url of the context, JSON>.<64 hex digits>
 */
#ifndef PA_LTI_DEEPLINK_H
#define PA_LTI_DEEPLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "lti/internal.h"
#include "runtime/store.h"
#include "runtime/store_lti.h"

/* Long enough to browse the catalogue, short enough not to matter if leaked. */
#define PA_LTI_DL_TOKEN_TTL 3600

#define PA_LTI_DL_SETTINGS "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"

/* What the answer to a deep linking request needs. */
typedef struct pa_lti_dl_context {
	int64_t platform_id;
	char *issuer;           /* the platform: aud of the response */
	char *client_id;        /* us there: iss of the response */
	char *deployment_id;
	char *return_url;       /* deep_link_return_url */
	char *data;             /* to echo; NULL when none */
	bool accept_multiple;
	char lang[3];           /* "en" or "fr" */
	int64_t expires;        /* of the token, Unix seconds */
} pa_lti_dl_context;

void pa_lti_dl_context_dispose(pa_lti_dl_context *c);

/* "fr" for a French locale ("fr", "fr-CA", "fr_FR"), else "en". */
const char *pa_lti_dl_lang(const char *locale);

/*
 * The context of a verified LtiDeepLinkingRequest's claims for platform:
 * PA_EINVALID (with the reason) when the deep_linking_settings claim is
 * missing or unusable: no http(s) deep_link_return_url, accept_types
 * without ltiResourceLink, data not a string, no deployment_id.
 */
int pa_lti_dl_context_from_claims(pa_lti_dl_context *out, const pa_store_platform *platform, const json_t *claims);

/* The token of c (c->expires set by the caller), appended to out. */
int pa_lti_dl_token_make(pa_buf *out, const unsigned char *key, const pa_lti_dl_context *c);

/* 0 and *out when token is ours and not expired at now (Unix seconds);
 * PA_EPARSE malformed, PA_EINVALID bad signature, PA_ELIMIT expired. */
int pa_lti_dl_token_check(pa_lti_dl_context *out, const unsigned char *key, const char *token, int64_t now);

/* The claims of the LtiDeepLinkingResponse for the chosen versions (one
 * ltiResourceLink each), issued at now (Unix seconds). */
int pa_lti_dl_response_claims(json_t **out, const pa_lti_dl_context *c, const pa_store_version *items, size_t count,
			      int64_t now);

/* An LtiDeepLinkingRequest, verified by the launch: answer the catalogue. */
enum MHD_Result pa_lti_deep_link_request(pa_http_request *r, pa_lti *lti, const pa_store_platform *platform,
					 const json_t *claims);

/* POST /lti/deep-link. */
enum MHD_Result pa_lti_deep_link_post(pa_http_request *r, pa_lti *lti, const char *rest);

#endif
