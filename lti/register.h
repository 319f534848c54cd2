/*
 * LTI 1.3 Dynamic Registration (1EdTech LTI Dynamic Registration 1.0):
 * the platform opens GET /lti/register?openid_configuration=URL
 * &registration_token=T in a frame; we read its OpenID configuration,
 * POST our client registration to its registration endpoint, keep the
 * platform (issuer, client id, endpoints, deployment) and answer a page
 * for the admin that closes the frame with the spec's postMessage.
 */
#ifndef PA_LTI_REGISTER_H
#define PA_LTI_REGISTER_H

#include <jansson.h>

#include "common/buf.h"
#include "lti/internal.h"

/* The claim of a platform's configuration that says it speaks LTI. */
#define PA_LTI_PLATFORM_CONFIGURATION "https://purl.imsglobal.org/spec/lti-platform-configuration"
/* The claim of a registration (and of its answer) that describes the tool. */
#define PA_LTI_TOOL_CONFIGURATION "https://purl.imsglobal.org/spec/lti-tool-configuration"

/*
 * Check a platform's OpenID configuration fetched from config_url: the
 * endpoints we need are there (issuer, authorization_endpoint,
 * token_endpoint, jwks_uri, registration_endpoint, the LTI platform
 * configuration claim) and the issuer is config_url's prefix (up to a '/'),
 * so a configuration cannot speak for another platform. PA_EINVALID with
 * the reason.
 */
int pa_lti_registration_check(const json_t *config, const char *config_url);

/* Our client registration (JSON) for a tool reached at base_url (no trailing slash). */
int pa_lti_registration_request(pa_buf *out, const char *base_url);

/* GET /lti/register. */
enum MHD_Result pa_lti_register(pa_http_request *r, pa_lti *lti, const char *rest);

#endif
