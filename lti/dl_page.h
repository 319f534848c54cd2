/*
 * The HTML pages of dynamic registration and deep linking: people read
 * them inside the platform's frame (an admin, an instructor), so they may
 * be framed anywhere, never cached, and run only the inline script and
 * style that carry the page's nonce.
 */
#ifndef PA_LTI_DL_PAGE_H
#define PA_LTI_DL_PAGE_H

#include "common/buf.h"
#include "lti/internal.h"

typedef struct pa_lti_dl_page {
	pa_buf body;
	char nonce[33];   /* for <script nonce> and <style nonce> */
} pa_lti_dl_page;

/* Start a page: doctype, head (title, our style), <body><main>. */
int pa_lti_dl_page_begin(pa_lti_dl_page *p, const char *lang, const char *title);

/* End the page, send it with status, dispose of it. */
enum MHD_Result pa_lti_dl_page_send(pa_http_request *r, pa_lti_dl_page *p, unsigned status);

#endif
