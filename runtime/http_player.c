/*
 * The player's routes: the page, its assets, the session state of an
 * attempt and its commits. Every attempt route wants the attempt's session
 * token (?token= or Authorization: Bearer); a commit is replayed through
 * the native engine (runtime/player.c) and stored only as the server's
 * engine has it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "common/log.h"
#include "common/util.h"
#include "packager/embedded.h"
#include "runtime/auth.h"
#include "runtime/engines.h"
#include "runtime/http.h"
#include "runtime/player.h"

/* The files of runtime/player, engine.mjs and scorm.wasm, compiled in (cmake/embed.cmake). */
extern const pa_embedded_file pa_player_assets[];


static const char *header(pa_http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static enum MHD_Result refuse(pa_http_request *r, unsigned status, const char *message)
{
	pa_warn("http %s %s: %s (from %s)", r->method, pa_buf_cstr(&r->path), message, r->fwd.client);
	return pa_http_error(r, status, message);
}

/* A refusal a learner reads (the page, not the API): a short page in English and French. */
static enum MHD_Result refuse_page(pa_http_request *r, unsigned status, const char *message)
{
	pa_buf page = PA_BUF_INIT;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	const char *fr = status == MHD_HTTP_UNAUTHORIZED ? "Ce lien n’est pas (ou plus) valable : rouvrez le cours depuis son lien."
			 : status == MHD_HTTP_FORBIDDEN ? "Ce lien ouvre la tentative d’une autre personne."
			 : "Cette tentative n’existe pas.";

	pa_warn("http %s %s: %s (from %s)", r->method, pa_buf_cstr(&r->path), message, r->fwd.client);
	pa_buf_puts(&page, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
			   "<title>Passerelle</title></head><body><main><h1>Passerelle</h1><p>");
	pa_buf_put_xml(&page, message);
	pa_buf_puts(&page, "</p><p lang=\"fr\">");
	pa_buf_put_xml(&page, fr);
	pa_buf_puts(&page, "</p></main></body></html>\n");
	resp = pa_buf_error(&page) ? NULL : pa_http_body("text/html; charset=utf-8", &page);
	if (resp) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
		MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'");
	}
	ret = pa_http_queue(r, status, resp, page.len);
	pa_buf_dispose(&page);
	return ret;
}

/* "<id>" or "<id>/<tail>": the id, and the tail (or NULL) in *tail. */
static int parse_id(int64_t *out, const char *rest, const char **tail)
{
	char num[24];
	const char *slash = strchr(rest, '/');
	size_t len = slash ? (size_t)(slash - rest) : strlen(rest);

	*tail = slash ? slash + 1 : NULL;
	if (len == 0 || len >= sizeof(num))
		return PA_EPARSE;
	memcpy(num, rest, len);
	num[len] = '\0';
	return pa_parse_int64(out, num, 1, INT64_MAX);
}

/*
 * 0 and *claims the token's when the request's token is valid and for
 * attempt_id (the store not asked); otherwise the answer (401, 403) was
 * queued in *ret.
 */
static int authorize_token(enum MHD_Result *ret, pa_session_claims *claims, pa_http_request *r, const pa_http_player_settings *s,
			   int64_t attempt_id, bool page)
{
	enum MHD_Result (*no)(pa_http_request *, unsigned, const char *) = page ? refuse_page : refuse;
	const char *token = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "token");
	char copy[256];
	const char *bearer;
	size_t len;
	int rc;

	if (!token && pa_auth_bearer(&bearer, &len, header(r, MHD_HTTP_HEADER_AUTHORIZATION)) == 0 &&
	    len < sizeof(copy)) {
		memcpy(copy, bearer, len);
		copy[len] = '\0';
		token = copy;
	}
	if (!token) {
		*ret = no(r, MHD_HTTP_UNAUTHORIZED, "a session token is needed: open the course from its link");
		return PA_ENOTFOUND;
	}
	rc = pa_session_token_check(claims, s->key, token, (int64_t)time(NULL));
	if (rc == PA_ELIMIT) {
		*ret = no(r, MHD_HTTP_UNAUTHORIZED, "the session has expired: open the course again from its link");
		return rc;
	}
	if (rc) {
		*ret = no(r, MHD_HTTP_UNAUTHORIZED, "the session token is not valid");
		return rc;
	}
	if (claims->attempt_id != attempt_id) {
		*ret = no(r, MHD_HTTP_FORBIDDEN, "the session token is for another attempt");
		return PA_EINVALID;
	}
	return 0;
}

/*
 * 0 and *a the attempt when the request's token opens attempt_id;
 * otherwise the answer (401, 403, 404, 503) was queued in *ret.
 */
static int authorize(enum MHD_Result *ret, pa_store_attempt *a, pa_http_request *r, const pa_http_player_settings *s,
		     int64_t attempt_id, bool page)
{
	enum MHD_Result (*no)(pa_http_request *, unsigned, const char *) = page ? refuse_page : refuse;
	pa_session_claims claims;
	int rc;

	memset(a, 0, sizeof(*a));
	if ((rc = authorize_token(ret, &claims, r, s, attempt_id, page)) != 0)
		return rc;
	if ((rc = pa_store_attempt_get(a, s->store, attempt_id)) != 0) {
		*ret = rc == PA_ENOTFOUND ? no(r, MHD_HTTP_NOT_FOUND, "no such attempt")
					  : pa_http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "the store is not answering");
		return rc;
	}
	if (a->learner_id != claims.learner_id) {
		pa_store_attempt_dispose(a);
		*ret = no(r, MHD_HTTP_FORBIDDEN, "the session token is for another learner");
		return PA_EINVALID;
	}
	return 0;
}

enum MHD_Result pa_http_play_page(pa_http_request *r, const pa_http_player_settings *s, const char *rest)
{
	pa_store_attempt a;
	pa_buf page = PA_BUF_INIT;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	const char *tail;
	int64_t id;

	if (parse_id(&id, rest, &tail) != 0 || tail)
		return pa_http_error(r, MHD_HTTP_NOT_FOUND, "no such attempt");
	if (authorize(&ret, &a, r, s, id, true) != 0)
		return ret;
	pa_store_attempt_dispose(&a);
	pa_buf_printf(&page,
		      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		      "<title>Passerelle</title><link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"../player/player.css\"></head>\n"
		      "<body><div id=\"player\" data-attempt=\"%lld\" data-interval=\"%lld\"></div>\n"
		      "<script type=\"module\" src=\"../player/player.js\"></script></body></html>\n",
		      (long long)id, (long long)s->commit_interval);
	resp = pa_buf_error(&page) ? NULL : pa_http_body("text/html; charset=utf-8", &page);
	if (resp) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
		MHD_add_response_header(resp, "Content-Security-Policy", s->page_csp ? s->page_csp : PA_HTTP_PAGE_CSP);
		MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	}
	ret = pa_http_queue(r, MHD_HTTP_OK, resp, page.len);
	pa_buf_dispose(&page);
	return ret;
}

enum MHD_Result pa_http_player_asset(pa_http_request *r, const char *name)
{
	struct MHD_Response *resp;
	const char *type;

	for (const pa_embedded_file *f = pa_player_assets; f->name; f++) {
		if (strcmp(f->name, name) != 0)
			continue;
		type = pa_str_endswith(name, ".wasm") ? "application/wasm"
		       : pa_str_endswith(name, ".mjs") || pa_str_endswith(name, ".js") ? "text/javascript; charset=utf-8"
		       : pa_str_endswith(name, ".css") ? "text/css; charset=utf-8" : "application/octet-stream";
		resp = MHD_create_response_from_buffer(f->size, (void *)f->data, MHD_RESPMEM_PERSISTENT);
		if (resp) {
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
			MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
		}
		return pa_http_queue(r, MHD_HTTP_OK, resp, f->size);
	}
	return pa_http_error(r, MHD_HTTP_NOT_FOUND, "not found");
}

/*
 * The player context of an attempt: its version (kept in *v) and learner
 * (in *l). The learner is read when a SCO may start afresh (need_learner:
 * its engine is given their id and name), their shared objectives when
 * sequencing runs (need_globals): a commit of a SCO already launched needs
 * neither, and is the hot path.
 */
static int context_of(pa_player_context *ctx, pa_store_version *v, pa_store_learner *l, pa_buf *globals,
		      const pa_http_player_settings *s, const pa_store_attempt *a, bool need_learner, bool need_globals)
{
	int rc = pa_store_version_by_id(v, s->store, a->version_id);

	memset(ctx, 0, sizeof(*ctx));
	memset(l, 0, sizeof(*l));
	if (rc || (!a->preview && need_learner && (rc = pa_store_learner_get(l, s->store, a->learner_id)) != 0))
		return rc;
	/* Objectives global to the system are the learner's, across packages
	 * (SCORM 2004 only); previews keep theirs in the attempt. */
	if (!a->preview && need_globals && pa_player_standard(v->scorm_version) == PA_SCORM_2004) {
		if ((rc = pa_store_learner_globals(globals, s->store, a->learner_id)) != 0)
			return rc;
		ctx->learner_globals = globals->len ? pa_buf_cstr(globals) : NULL;
	}
	ctx->attempt = a;
	ctx->tree_json = v->tree_json;
	ctx->scorm_version = v->scorm_version;
	ctx->learner_id = a->preview ? "preview" : l->subject ? pa_store_learner_lms_id(l->subject) : NULL;
	ctx->learner_name = a->preview ? "Preview, Learner" : l->name;
	ctx->suspend_data_max = s->suspend_data_max;
	ctx->engines = s->engines;
	return 0;
}

/* Has the attempt (read with this SCO) a stored state for sco? */
static bool has_row(const pa_store_attempt *a, const char *sco)
{
	for (size_t i = 0; i < a->nscos; i++)
		if (!strcmp(a->scos[i].id, sco))
			return true;
	return false;
}

static enum MHD_Result store_failed(pa_http_request *r, const char *what)
{
	pa_err("player: %s: %s", what, pa_error_last());
	return pa_http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "the store is not answering");
}

enum MHD_Result pa_http_attempt_get(pa_http_request *r, const pa_http_player_settings *s, const char *rest)
{
	pa_store_attempt a = { 0 };
	pa_store_version v = { 0 };
	pa_store_learner l = { 0 };
	pa_buf globals = PA_BUF_INIT;
	pa_session_claims claims;
	pa_player_context ctx;
	pa_buf body = PA_BUF_INIT;
	enum MHD_Result ret;
	const char *tail;
	int64_t id;
	int rc;

	if (parse_id(&id, rest, &tail) != 0 || tail)
		return pa_http_error(r, MHD_HTTP_NOT_FOUND, "no such attempt");
	if (authorize_token(&ret, &claims, r, s, id, false) != 0)
		return ret;
	if ((rc = pa_store_attempt_read(&a, s->store, id, NULL)) != 0) {
		ret = rc == PA_ENOTFOUND ? refuse(r, MHD_HTTP_NOT_FOUND, "no such attempt") : store_failed(r, "attempt");
		goto done;
	}
	if (a.learner_id != claims.learner_id) {
		ret = refuse(r, MHD_HTTP_FORBIDDEN, "the session token is for another learner");
		goto done;
	}
	if ((rc = context_of(&ctx, &v, &l, &globals, s, &a, true, true)) != 0) {
		ret = store_failed(r, "attempt");
		goto done;
	}
	pa_buf_printf(&body, "{\"content\":\"content/%lld/%d/\",\"commit_interval\":%lld,\"session\":",
		      (long long)v.package_id, v.version, (long long)s->commit_interval);
	if ((rc = pa_player_session_json(&body, &ctx)) != 0) {
		pa_err("player: attempt %lld: %s", (long long)id, pa_error_last());
		ret = pa_http_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "the attempt cannot be read");
		goto done;
	}
	pa_buf_puts(&body, "}\n");
	ret = pa_buf_error(&body) ? pa_http_queue(r, 500, NULL, 0) : pa_http_json(r, MHD_HTTP_OK, &body);
done:
	pa_buf_dispose(&body);
	pa_store_learner_dispose(&l);
	pa_buf_dispose(&globals);
	pa_store_version_dispose(&v);
	pa_store_attempt_dispose(&a);
	return ret;
}

enum MHD_Result pa_http_commit_begin(pa_http_request *r, const pa_http_player_settings *s, const char *rest)
{
	const char *length = header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	pa_session_claims claims;
	enum MHD_Result ret;
	const char *tail;
	int64_t id, declared;

	if (parse_id(&id, rest, &tail) != 0 || !tail || strcmp(tail, "commits") != 0)
		return pa_http_error(r, MHD_HTTP_NOT_FOUND, "not found");
	/* The attempt itself is read once the body has come (one read per commit). */
	if (authorize_token(&ret, &claims, r, s, id, false) != 0)
		return ret;
	r->learner_id = claims.learner_id;
	if (length && pa_parse_int64(&declared, length, 0, INT64_MAX) == 0 && (uint64_t)declared > s->max_commit)
		return refuse(r, MHD_HTTP_CONTENT_TOO_LARGE, "the commit is larger than max_commit_bytes");
	r->attempt_id = id;
	return pa_http_buffer_body(r, s->max_commit, NULL);
}

/* The answer to a seq already stored: what was answered then. */
static enum MHD_Result stored_answer(pa_http_request *r, const pa_http_player_settings *s, int64_t seq)
{
	pa_buf body = PA_BUF_INIT;
	enum MHD_Result ret;

	if (pa_store_commit_result(&body, s->store, r->attempt_id, seq) != 0) {
		pa_buf_dispose(&body);
		return store_failed(r, "commit");
	}
	pa_buf_putc(&body, '\n');
	ret = pa_http_json(r, MHD_HTTP_OK, &body);
	pa_buf_dispose(&body);
	return ret;
}

/* A commit the engine refused: the SCO hears 391 (2004) or 101 (1.2). */
static enum MHD_Result rejected(pa_http_request *r, unsigned status, int64_t seq, int64_t last_seq, int code,
				const char *why)
{
	pa_buf body = PA_BUF_INIT;
	enum MHD_Result ret;

	pa_warn("player: attempt %lld: commit %lld refused: %s", (long long)r->attempt_id, (long long)seq, why);
	pa_buf_printf(&body, "{\"seq\":%lld,\"ok\":false,\"code\":%d,\"last_seq\":%lld,\"error\":", (long long)seq,
		      code, (long long)last_seq);
	pa_buf_put_json(&body, why);
	pa_buf_puts(&body, "}\n");
	ret = pa_http_json(r, status, &body);
	pa_buf_dispose(&body);
	return ret;
}

/* A commit on its way to the disk: the request waits, suspended, for the writer. */
typedef struct pending_commit {
	const pa_http_player_settings *settings;
	pa_player_outcome outcome;
	pa_store_commit commit;
	int64_t last_seq;
	int rc;                 /* the store's answer */
	char why[512];
} pending_commit;

static void pending_free(void *data)
{
	pending_commit *p = data;

	if (p) {
		pa_player_outcome_dispose(&p->outcome);
		free(p);
	}
}

/* On the store's writer thread: the commit is on disk, or failed. */
static void commit_done(void *arg, int rc)
{
	pa_http_request *r = arg;
	pending_commit *p = r->route_data;

	p->rc = rc;
	if (rc)
		snprintf(p->why, sizeof(p->why), "%s", pa_error_last());
	pa_http_resume(r);
}

/* Resumed on a worker: answer as the store did. */
static enum MHD_Result commit_answer(pa_http_request *r)
{
	pending_commit *p = r->route_data;
	const pa_http_player_settings *s = p->settings;
	int64_t seq = p->commit.seq;

	if (p->rc)
		pa_error_set(p->rc, "%s", p->why);
	if (p->rc == PA_EEXISTS) {
		/* Another request with this seq won the race: answer as it was answered. */
		return stored_answer(r, s, seq);
	}
	if (p->rc == PA_EINVALID)
		return rejected(r, MHD_HTTP_CONFLICT, seq, p->last_seq, 0, "another commit was stored first");
	if (p->rc)
		return store_failed(r, "commit");
	/* Stored: its engine is the next commit's (before the answer lets that one come). */
	if (p->outcome.engine) {
		pa_engines_give(s->engines, p->commit.attempt_id, p->outcome.engine_sco, seq, p->outcome.engine,
				p->outcome.engine_bytes);
		p->outcome.engine = NULL;
	}
	pa_buf_putc(&p->outcome.result, '\n');
	return pa_http_json(r, MHD_HTTP_OK, &p->outcome.result);
}

enum MHD_Result pa_http_commit_finish(pa_http_request *r, const pa_http_player_settings *s)
{
	pa_store_attempt a = { 0 };
	pa_store_version v = { 0 };
	pa_store_learner l = { 0 };
	pa_buf globals = PA_BUF_INIT;
	pa_player_context ctx;
	pending_commit *p = NULL;
	pa_store_commit *c;
	enum MHD_Result ret;
	json_t *req = NULL;
	json_error_t err;
	const char *scope;
	int64_t seq;
	int code, rc;

	if (!(p = calloc(1, sizeof(*p))))
		return pa_http_queue(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, 0);
	p->settings = s;
	pa_player_outcome_init(&p->outcome);
	if (pa_buf_error(&r->body)) {
		ret = refuse(r, MHD_HTTP_CONTENT_TOO_LARGE, "the commit is larger than max_commit_bytes");
		goto done;
	}
	req = pa_player_commit_parse(r->body.ptr, r->body.len, &err);
	if (!json_is_integer(json_object_get(req, "seq")) || json_integer_value(json_object_get(req, "seq")) < 1) {
		ret = refuse(r, MHD_HTTP_BAD_REQUEST, "the commit is not a JSON object with a seq (1, 2...)");
		goto done;
	}
	seq = json_integer_value(json_object_get(req, "seq"));
	scope = pa_player_commit_scope(req);
	if ((rc = pa_store_attempt_read(&a, s->store, r->attempt_id, scope)) != 0) {
		ret = rc == PA_ENOTFOUND ? refuse(r, MHD_HTTP_NOT_FOUND, "no such attempt") : store_failed(r, "commit");
		goto done;
	}
	if (a.learner_id != r->learner_id) {
		ret = refuse(r, MHD_HTTP_FORBIDDEN, "the session token is for another learner");
		goto done;
	}
	/* A page closing sends its last commits at once, and they may arrive out
	 * of order: give the ones before a little time to land. Read from the
	 * store itself (scope NULL): the commits may have come through another
	 * process serving this data folder, behind this one's cache. */
	for (int waited = 0; seq > a.last_seq + 1 && (!waited || seq <= a.last_seq + 16) && waited < 20; waited++) {
		struct timespec pause = { 0, 100 * 1000 * 1000 };

		if (waited)
			nanosleep(&pause, NULL);
		pa_store_attempt_dispose(&a);
		if ((rc = pa_store_attempt_read(&a, s->store, r->attempt_id, NULL)) != 0) {
			ret = store_failed(r, "commit");
			goto done;
		}
	}
	if (seq <= a.last_seq) {
		ret = stored_answer(r, s, seq);
		goto done;
	}
	if (seq > a.last_seq + 1) {
		char msg[128];

		snprintf(msg, sizeof(msg), "commit %lld does not follow the last stored (%lld)", (long long)seq,
			 (long long)a.last_seq);
		ret = rejected(r, MHD_HTTP_CONFLICT, seq, a.last_seq, 0, msg);
		goto done;
	}
	if ((rc = context_of(&ctx, &v, &l, &globals, s, &a, !scope || !has_row(&a, scope), !scope)) != 0) {
		ret = store_failed(r, "commit");
		goto done;
	}
	code = pa_player_standard(v.scorm_version) == PA_SCORM_12 ? 101 : 391;
	rc = pa_player_replay_json(&p->outcome, &ctx, req);
	if (rc == PA_EPARSE) {
		ret = refuse(r, MHD_HTTP_BAD_REQUEST, pa_error_last());
		goto done;
	}
	if (rc == PA_EINVALID || rc == PA_ELIMIT) {
		ret = rejected(r, MHD_HTTP_UNPROCESSABLE_CONTENT, seq, a.last_seq, code, pa_error_last());
		goto done;
	}
	if (rc) {
		pa_err("player: attempt %lld: commit %lld: %s", (long long)a.id, (long long)seq, pa_error_last());
		ret = pa_http_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "the commit could not be replayed");
		goto done;
	}
	c = &p->commit;
	c->attempt_id = a.id;
	c->seq = seq;
	c->calls = r->body.ptr;
	c->result = p->outcome.result.ptr;
	c->state = p->outcome.seq_state.len ? (const unsigned char *)p->outcome.seq_state.ptr : NULL;
	c->state_len = p->outcome.seq_state.len;
	c->scos = p->outcome.scos;
	c->nscos = p->outcome.nscos;
	c->completion_status = p->outcome.completion_status;
	c->success_status = p->outcome.success_status;
	c->score_scaled = p->outcome.score_scaled;
	c->has_score = p->outcome.has_score;
	c->suspended = p->outcome.suspended;
	c->globals = p->outcome.globals.len ? pa_buf_cstr(&p->outcome.globals) : NULL;
	p->last_seq = a.last_seq;
	/* The worker goes back to other connections while the batch syncs;
	 * the answer leaves once the commit is on disk (commit_done). */
	r->route_data = p;
	r->route_data_free = pending_free;
	if (!pa_http_suspend(r, commit_answer)) {
		/* The server is stopping: this worker waits for the disk itself. */
		if ((p->rc = pa_store_commit_append(s->store, c)) != 0)
			snprintf(p->why, sizeof(p->why), "%s", pa_error_last());
		p = NULL;
		ret = commit_answer(r);
	} else {
		p = NULL;
		if ((rc = pa_store_commit_append_async(s->store, c, commit_done, r)) != 0)
			commit_done(r, rc);
		ret = MHD_YES;
	}
done:
	json_decref(req);
	pending_free(p);
	pa_store_learner_dispose(&l);
	pa_buf_dispose(&globals);
	pa_store_version_dispose(&v);
	pa_store_attempt_dispose(&a);
	return ret;
}

enum MHD_Result pa_http_preview_link(pa_http_request *r, const pa_http_player_settings *s, int64_t package_id,
				     const char *base)
{
	pa_buf path = PA_BUF_INIT, body = PA_BUF_INIT;
	enum MHD_Result ret;
	int rc = pa_player_preview_path(&path, s->store, s->key, package_id, s->session_ttl, s->new_after_completion);

	if (rc == PA_ENOTFOUND) {
		ret = pa_http_error(r, MHD_HTTP_NOT_FOUND, "no such package");
	} else if (rc) {
		ret = store_failed(r, "preview");
	} else {
		pa_buf url = PA_BUF_INIT;

		pa_buf_printf(&url, "%s%s", base, pa_buf_cstr(&path));
		pa_buf_printf(&body, "{\"package\":%lld,\"url\":", (long long)package_id);
		pa_buf_put_json(&body, pa_buf_cstr(&url));
		pa_buf_puts(&body, "}\n");
		if (pa_buf_error(&url))
			pa_buf_truncate(&body, 0);
		pa_buf_dispose(&url);
		ret = pa_buf_error(&body) ? pa_http_queue(r, 500, NULL, 0) : pa_http_json(r, MHD_HTTP_OK, &body);
	}
	pa_buf_dispose(&path);
	pa_buf_dispose(&body);
	return ret;
}
