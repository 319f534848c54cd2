/*
 * GET /lti/admin/grades: the outbox for admins, as JSON (what `passerelle
 * grades list` prints), behind an admin token.
 */
#include "lti/outbox.h"

#include <string.h>
#include <time.h>

#include "common/error.h"
#include "common/log.h"
#include "common/util.h"
#include "lti/internal.h"
#include "runtime/auth.h"
#include "runtime/store_lti.h"

/* Newest first; a page is enough to see what goes wrong. */
#define LIST_DEFAULT 100
#define LIST_MAX 1000

/* JSON: the time as a string, or null for none. */
static void put_time(pa_buf *out, int64_t ms)
{
	if (!ms) {
		pa_buf_puts(out, "null");
		return;
	}
	pa_buf_putc(out, '"');
	pa_buf_put_utc(out, ms);
	pa_buf_putc(out, '"');
}

static void put_string(pa_buf *out, const char *s)
{
	if (s)
		pa_buf_put_json(out, s);
	else
		pa_buf_puts(out, "null");
}

static const char *const state_names[] = { "pending", "sent", "failed" };

static void put_row(pa_buf *out, const pa_store_lti_outbox_row *r)
{
	pa_buf_printf(out, "{\"id\":%lld,\"state\":\"%s\",\"tries\":%lld,\"link\":%lld,\"lti_version\":%d,\"attempt\":%lld,"
		      "\"user\":", (long long)r->id, state_names[r->state], (long long)r->tries, (long long)r->link_id,
		      r->lti_version, (long long)r->attempt_id);
	put_string(out, r->user_ref);
	pa_buf_puts(out, ",\"completion\":");
	put_string(out, r->completion_status);
	pa_buf_puts(out, ",\"success\":");
	put_string(out, r->success_status);
	if (r->has_score)
		pa_buf_printf(out, ",\"score\":%.10g", r->score_scaled);
	else
		pa_buf_puts(out, ",\"score\":null");
	pa_buf_puts(out, ",\"created\":");
	put_time(out, r->created);
	pa_buf_puts(out, ",\"next_try\":");
	put_time(out, r->state == PA_OUTBOX_PENDING ? r->next_try : 0);
	pa_buf_puts(out, ",\"sent\":");
	put_time(out, r->sent);
	if (r->last_status)
		pa_buf_printf(out, ",\"last_status\":%ld", r->last_status);
	else
		pa_buf_puts(out, ",\"last_status\":null");
	pa_buf_puts(out, ",\"last_answer\":");
	put_string(out, r->last_answer);
	pa_buf_putc(out, '}');
}

enum MHD_Result pa_lti_grades_admin(pa_http_request *r, pa_lti *lti, const char *rest)
{
	const char *state = pa_http_arg(r, "state"), *limit = pa_http_arg(r, "limit");
	pa_store_lti_outbox_row *rows = NULL;
	pa_buf body = PA_BUF_INIT;
	int64_t id, max = LIST_DEFAULT;
	size_t n = 0;
	pa_outbox_filter filter;
	enum MHD_Result ret;
	int rc;

	(void)rest;
	if ((rc = pa_auth_check_admin(&id, lti->store, pa_http_header(r, "Authorization"))) == PA_ENOTFOUND)
		return pa_http_error(r, MHD_HTTP_UNAUTHORIZED, "an admin token is needed: Authorization: Bearer <token>");
	if (rc)
		return pa_http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "the store is not answering");
	if (!state || !strcmp(state, "undelivered"))
		filter = PA_OUTBOX_UNDELIVERED;
	else if (!strcmp(state, "all"))
		filter = PA_OUTBOX_ALL;
	else if (!strcmp(state, "pending"))
		filter = PA_OUTBOX_ONLY_PENDING;
	else if (!strcmp(state, "failed"))
		filter = PA_OUTBOX_ONLY_FAILED;
	else if (!strcmp(state, "sent"))
		filter = PA_OUTBOX_ONLY_SENT;
	else
		return pa_http_error(r, MHD_HTTP_BAD_REQUEST, "state: undelivered (the default), pending, failed, sent or all");
	if (limit && pa_parse_int64(&max, limit, 1, LIST_MAX) != 0)
		return pa_http_error(r, MHD_HTTP_BAD_REQUEST, "limit: a number from 1 to 1000");
	if ((rc = pa_store_lti_outbox_list(&rows, &n, lti->store, filter, (size_t)max)) != 0) {
		pa_err("lti: admin grades: %s", pa_error_last());
		return pa_http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "the store is not answering");
	}
	pa_buf_puts(&body, "{\"grades\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			pa_buf_putc(&body, ',');
		put_row(&body, &rows[i]);
	}
	pa_buf_puts(&body, "]}\n");
	pa_store_lti_outbox_rows_free(rows, n);
	if (pa_buf_error(&body))
		ret = pa_http_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	else
		ret = pa_http_json(r, MHD_HTTP_OK, &body);
	pa_buf_dispose(&body);
	return ret;
}
