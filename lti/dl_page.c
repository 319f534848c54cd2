/* The pages of dynamic registration and deep linking (lti/dl_page.h). */
#include "lti/dl_page.h"

#include <string.h>
#include <openssl/rand.h>

static const char style[] =
	"body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}"
	"main{max-width:46rem;margin:0 auto;padding:1rem 1.25rem}"
	"h1{font-size:1.4rem;margin:.5rem 0 1rem}"
	".note{padding:.75rem 1rem;border-left:4px solid #0b5cad;background:#eef4fb}"
	".bad{border-left-color:#b00020;background:#fdecee}"
	"ul.items{list-style:none;padding:0;margin:1rem 0}"
	"ul.items li{border:1px solid #c9c9c9;border-radius:4px;margin:.5rem 0;padding:.5rem .75rem}"
	"ul.items label{display:flex;gap:.75rem;align-items:flex-start;cursor:pointer}"
	"ul.items input{margin-top:.35rem;width:1.1rem;height:1.1rem}"
	".meta{color:#4a4a4a;font-size:.9rem;word-break:break-all}"
	".search{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}"
	".search input{font:inherit;padding:.35rem .5rem;min-width:16rem}"
	"button{font:inherit;padding:.45rem 1rem;border-radius:4px;border:1px solid #0b5cad;background:#0b5cad;color:#fff;cursor:pointer}"
	"button.secondary{background:#fff;color:#0b5cad}"
	"button:focus,input:focus{outline:3px solid #f2a900;outline-offset:2px}"
	"[hidden]{display:none!important}";

int pa_lti_dl_page_begin(pa_lti_dl_page *p, const char *lang, const char *title)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[16];

	pa_buf_init(&p->body, 4u << 20);
	memset(p->nonce, 0, sizeof(p->nonce));
	if (RAND_bytes(raw, sizeof(raw)) == 1) {
		for (size_t i = 0; i < sizeof(raw); i++) {
			p->nonce[2 * i] = hex[raw[i] >> 4];
			p->nonce[2 * i + 1] = hex[raw[i] & 15];
		}
	} else {
		/* Only our own scripts are on the page (every value is escaped): a fixed nonce still works. */
		memcpy(p->nonce, "unavailable", sizeof("unavailable"));
	}
	pa_buf_printf(&p->body, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>", lang);
	pa_buf_put_xml(&p->body, title);
	pa_buf_printf(&p->body, "</title><style nonce=\"%s\">%s</style></head>\n<body><main>\n", p->nonce, style);
	return pa_buf_error(&p->body);
}

enum MHD_Result pa_lti_dl_page_send(pa_http_request *r, pa_lti_dl_page *p, unsigned status)
{
	struct MHD_Response *resp = NULL;
	pa_buf csp = PA_BUF_INIT;
	size_t len;

	pa_buf_puts(&p->body, "</main></body></html>\n");
	/* No form-action: the deep linking answer posts to the platform. */
	pa_buf_printf(&csp, "default-src 'none'; script-src 'nonce-%s'; style-src 'nonce-%s'; base-uri 'none'; "
		      "frame-ancestors *", p->nonce, p->nonce);
	if (!pa_buf_error(&p->body) && !pa_buf_error(&csp))
		resp = pa_http_body("text/html; charset=utf-8", &p->body);
	if (resp) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
		MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
		MHD_add_response_header(resp, "Content-Security-Policy", csp.ptr);
	}
	len = p->body.len;
	pa_buf_dispose(&p->body);
	pa_buf_dispose(&csp);
	return pa_http_queue(r, status, resp, len);
}
