/* GET /lti/jwks: the tool's public keys, for platforms to verify what we sign. */
#include "lti/internal.h"

#include "common/log.h"
#include "lti/keys.h"

enum MHD_Result pa_lti_http_jwks(pa_http_request *r, pa_lti *lti, const char *rest)
{
	pa_buf body = PA_BUF_INIT;
	struct MHD_Response *resp;
	size_t len;

	(void)rest;
	if (pa_lti_keyring_jwks(&body, lti->keys) != 0) {
		pa_err("lti: /lti/jwks: %s", pa_error_last());
		pa_buf_dispose(&body);
		return pa_http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "the keys cannot be read");
	}
	resp = pa_http_body("application/json", &body);
	if (resp) {
		/* Short: a rotation must reach platforms well within lti_key_grace. */
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=300");
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, "*");
		MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	}
	len = body.len;
	pa_buf_dispose(&body);
	return pa_http_queue(r, MHD_HTTP_OK, resp, len);
}
