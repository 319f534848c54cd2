/* GET /lti/config: lti/config.h's table for the server's own base URL. */
#include <stdbool.h>
#include <string.h>

#include "lti/admin.h"
#include "lti/config.h"

enum MHD_Result pa_lti_config_route(pa_http_request *r, pa_lti *lti, const char *rest)
{
	const char *accept = pa_http_header(r, MHD_HTTP_HEADER_ACCEPT);
	pa_buf base = PA_BUF_INIT, body = PA_BUF_INIT;
	struct MHD_Response *resp = NULL;
	bool html = accept && strstr(accept, "text/html");
	enum MHD_Result ret;

	(void)lti;
	(void)rest;
	pa_http_base_url(&base, r);
	if ((html ? pa_lti_config_html(&body, pa_buf_cstr(&base)) : pa_lti_config_json(&body, pa_buf_cstr(&base), NULL)) == 0)
		resp = pa_http_body(html ? "text/html; charset=utf-8" : "application/json", &body);
	if (resp) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept");
		MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
		if (html)
			MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'self'");
	}
	ret = pa_http_queue(r, MHD_HTTP_OK, resp, body.len);
	pa_buf_dispose(&base);
	pa_buf_dispose(&body);
	return ret;
}
