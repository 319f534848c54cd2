/*
 * The daemon, the routes, the admin API and the request log.
 *
 * libmicrohttpd calls handle() once when a request's headers have arrived
 * (we answer GETs there, and refuse an upload early when its token or its
 * size is wrong), then once per chunk of body, then once more at the end.
 * request_completed() is called when the answer is sent or the connection
 * dies: it writes the log line and frees what the request held.
 */
#include "runtime/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "runtime/auth.h"
#include "runtime/engines.h"
#include "runtime/http.h"
#include "runtime/import.h"
#include "lti/lti.h"

#define POST_BUFFER_SIZE (64 * 1024)

struct pa_server {
	struct MHD_Daemon *daemon;
	const pa_config *cfg;
	pa_store *store;
	const char *data_dir;
	const char *schema_dir;
	const char *public_base;
	pa_proxies proxies;
	pa_http_content_settings content;
	pa_http_player_settings player;
	pa_lti *lti;
	pa_buf content_csp, page_csp;   /* with frame_ancestors */
	uint64_t max_upload;
	uint16_t port;
	int shutdown_timeout;

	pthread_mutex_t lock;
	pthread_cond_t idle;
	unsigned inflight;   /* requests between their first call and their completion */
	unsigned suspended;  /* requests suspended and not yet resumed */
	bool stopping;       /* no more suspensions */
};

/* --- responses --- */

struct MHD_Response *pa_http_body(const char *type, const pa_buf *body)
{
	size_t len = body ? body->len : 0;
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(len, len ? body->ptr : NULL,
					       len ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
	if (resp && type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	return resp;
}

enum MHD_Result pa_http_queue(pa_http_request *r, unsigned status, struct MHD_Response *resp, uint64_t bytes)
{
	enum MHD_Result ret;

	if (!resp) {
		static const char oom[] = "{\"error\":\"out of memory\"}";

		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		bytes = sizeof(oom) - 1;
		if (!(resp = MHD_create_response_from_buffer(bytes, (void *)oom, MHD_RESPMEM_PERSISTENT)))
			return MHD_NO;
	}
	r->status = status;
	r->bytes = bytes;
	r->responded = true;
	ret = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result pa_http_json(pa_http_request *r, unsigned status, const pa_buf *body)
{
	struct MHD_Response *resp = pa_http_body("application/json", body);

	if (resp) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	}
	return pa_http_queue(r, status, resp, body ? body->len : 0);
}

enum MHD_Result pa_http_error(pa_http_request *r, unsigned status, const char *message)
{
	pa_buf body = PA_BUF_INIT;
	enum MHD_Result ret;

	pa_buf_puts(&body, "{\"error\":");
	pa_buf_put_json(&body, message);
	pa_buf_puts(&body, "}\n");
	ret = pa_http_json(r, status, &body);
	pa_buf_dispose(&body);
	return ret;
}

/* --- requests --- */

static const char *header(pa_http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *pa_http_header(pa_http_request *r, const char *name)
{
	return header(r, name);
}

const char *pa_http_arg(pa_http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct pa_lti *pa_http_lti(const pa_http_request *r)
{
	return r->server->lti;
}

enum MHD_Result pa_http_buffer_body(pa_http_request *r, size_t max, pa_http_body_fn finish)
{
	r->buffering = true;
	r->finish = finish;
	pa_buf_dispose(&r->body);
	pa_buf_init(&r->body, max);
	return MHD_YES;
}

bool pa_http_suspend(pa_http_request *r, pa_http_body_fn resumed)
{
	pa_server *s = r->server;

	pthread_mutex_lock(&s->lock);
	if (s->stopping) {
		pthread_mutex_unlock(&s->lock);
		return false;
	}
	s->suspended++;
	pthread_mutex_unlock(&s->lock);
	r->suspended = true;
	r->resumed = resumed;
	MHD_suspend_connection(r->conn);
	return true;
}

void pa_http_resume(pa_http_request *r)
{
	pa_server *s = r->server;

	/* r may be answered and freed as soon as MHD has it back: s only after. */
	MHD_resume_connection(r->conn);
	pthread_mutex_lock(&s->lock);
	if (--s->suspended == 0)
		pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->lock);
}

#define put_base_url pa_http_base_url

void pa_http_base_url(pa_buf *out, const pa_http_request *r)
{
	const pa_server *s = r->server;

	if (s->public_base && *s->public_base) {
		size_t len = strlen(s->public_base);

		pa_buf_put(out, s->public_base, s->public_base[len - 1] == '/' ? len - 1 : len);
	} else if (r->fwd.host[0]) {
		pa_buf_printf(out, "%s://%s", r->fwd.scheme, r->fwd.host);
	} else {
		pa_buf_printf(out, "%s://127.0.0.1:%u", r->fwd.scheme, s->port);
	}
}

static void request_free(pa_http_request *r)
{
	if (!r)
		return;
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	if (r->upload_fd >= 0)
		close(r->upload_fd);
	if (r->upload_dir.ptr)
		pa_fs_remove_tree(r->upload_dir.ptr);
	pa_buf_dispose(&r->upload_dir);
	pa_buf_dispose(&r->upload_path);
	pa_buf_dispose(&r->body);
	pa_buf_dispose(&r->path);
	if (r->route_data_free)
		r->route_data_free(r->route_data);
	free(r);
}

static void request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			      enum MHD_RequestTerminationCode why)
{
	pa_server *s = cls;
	pa_http_request *r = *con_cls;
	struct timespec now;
	long long ms;

	(void)conn;
	if (!r)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(now.tv_sec - r->start.tv_sec) * 1000 + (now.tv_nsec - r->start.tv_nsec) / 1000000;
	if (why == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		pa_info("http %s %s %u %llu %lldms %s", r->method, pa_buf_cstr(&r->path), r->status,
			(unsigned long long)r->bytes, ms, r->fwd.client);
	else
		pa_warn("http %s %s %u %llu %lldms %s (connection closed before the end)", r->method,
			pa_buf_cstr(&r->path), r->status, (unsigned long long)r->bytes, ms, r->fwd.client);
	request_free(r);
	*con_cls = NULL;
	pthread_mutex_lock(&s->lock);
	if (--s->inflight == 0)
		pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->lock);
}

static pa_http_request *request_new(pa_server *s, struct MHD_Connection *conn, const char *method, const char *url)
{
	pa_http_request *r = calloc(1, sizeof(*r));
	const union MHD_ConnectionInfo *info;

	if (!r)
		return NULL;
	r->server = s;
	r->conn = conn;
	r->upload_fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	snprintf(r->method, sizeof(r->method), "%s", method);
	pa_buf_init(&r->path, 4096);
	/* For the log: what the client sent may hold control characters. */
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '%')
			pa_buf_printf(&r->path, "%%%02X", *p);
		else
			pa_buf_putc(&r->path, (char)*p);
	}
	pa_buf_init(&r->upload_dir, 0);
	pa_buf_init(&r->upload_path, 0);
	pa_buf_init(&r->body, 0);
	info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	pa_forwarded_resolve(&r->fwd, &s->proxies, info ? info->client_addr : NULL,
			     header(r, "X-Forwarded-For"), header(r, "X-Forwarded-Proto"),
			     header(r, "X-Forwarded-Host"), header(r, MHD_HTTP_HEADER_HOST));
	return r;
}

/* --- routes --- */

static enum MHD_Result healthz(pa_http_request *r)
{
	pa_server *s = r->server;
	pa_buf body = PA_BUF_INIT;
	enum MHD_Result ret;
	int schema = 0;
	int rc = pa_store_ping(&schema, s->store);

	pa_buf_printf(&body, "{\"status\":\"%s\",\"version\":\"%s\",\"store\":{\"backend\":",
		      rc ? "unavailable" : "ok", PA_VERSION);
	pa_buf_put_json(&body, pa_store_backend(s->store));
	if (rc) {
		pa_err("healthz: %s", pa_error_last());
		pa_buf_puts(&body, ",\"status\":\"error\"}}\n");
	} else {
		pa_buf_printf(&body, ",\"status\":\"ok\",\"schema_version\":%d}}\n", schema);
	}
	ret = pa_http_json(r, rc ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_OK, &body);
	pa_buf_dispose(&body);
	return ret;
}

static enum MHD_Result unauthorized(pa_http_request *r, const char *message)
{
	pa_buf body = PA_BUF_INIT;
	struct MHD_Response *resp;
	size_t len;

	pa_buf_puts(&body, "{\"error\":");
	pa_buf_put_json(&body, message);
	pa_buf_puts(&body, "}\n");
	resp = pa_http_body("application/json", &body);
	if (resp)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"passerelle admin\"");
	len = body.len;
	pa_buf_dispose(&body);
	return pa_http_queue(r, MHD_HTTP_UNAUTHORIZED, resp, len);
}

/* 0 when the request carries an active admin token; otherwise the answer was queued. */
static int authorize(enum MHD_Result *ret, pa_http_request *r)
{
	int64_t id;
	int rc = pa_auth_check_admin(&id, r->server->store, header(r, MHD_HTTP_HEADER_AUTHORIZATION));

	if (rc == 0)
		return 0;
	if (rc == PA_ENOTFOUND) {
		pa_warn("http %s %s: refused: %s (from %s)", r->method, pa_buf_cstr(&r->path),
			pa_error_last(), r->fwd.client);
		*ret = unauthorized(r, "an admin token is needed: Authorization: Bearer <token>");
	} else {
		pa_err("admin: %s", pa_error_last());
		*ret = pa_http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "the store is not answering");
	}
	return rc;
}

static void put_version(pa_buf *out, const pa_store_version *v, const pa_http_request *r)
{
	pa_buf_printf(out, "{\"package\":%lld,\"version\":%d,\"identifier\":", (long long)v->package_id, v->version);
	pa_buf_put_json(out, v->identifier);
	pa_buf_puts(out, ",\"title\":");
	pa_buf_put_json(out, v->title);
	pa_buf_puts(out, ",\"scorm_version\":");
	pa_buf_put_json(out, v->scorm_version);
	pa_buf_puts(out, ",\"manifest_sha256\":");
	pa_buf_put_json(out, v->manifest_sha256);
	pa_buf_printf(out, ",\"created\":%lld,\"content\":\"", (long long)v->created);
	put_base_url(out, r);
	pa_buf_printf(out, "/content/%lld/%d/\"", (long long)v->package_id, v->version);
	if (v->tree_json) {
		pa_buf_puts(out, ",\"tree\":");
		pa_buf_puts(out, v->tree_json);
	}
	pa_buf_putc(out, '}');
}

static enum MHD_Result list_packages(pa_http_request *r)
{
	pa_store_version *list = NULL;
	pa_buf body = PA_BUF_INIT;
	enum MHD_Result ret;
	size_t n = 0;

	if (pa_store_package_list(&list, &n, r->server->store) != 0) {
		pa_err("admin: %s", pa_error_last());
		return pa_http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "the store is not answering");
	}
	pa_buf_puts(&body, "{\"packages\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			pa_buf_putc(&body, ',');
		put_version(&body, &list[i], r);
	}
	pa_buf_puts(&body, "]}\n");
	ret = pa_buf_error(&body) ? pa_http_queue(r, 500, NULL, 0) : pa_http_json(r, MHD_HTTP_OK, &body);
	pa_buf_dispose(&body);
	pa_store_version_list_free(list, n);
	return ret;
}

/* /admin/packages/<id>[/<version>] */
static enum MHD_Result show_version(pa_http_request *r, const char *rest)
{
	pa_store_version v;
	pa_buf body = PA_BUF_INIT, num = PA_BUF_INIT;
	const char *slash = strchr(rest, '/');
	int64_t id, version = 0;
	enum MHD_Result ret;
	int rc;

	pa_buf_put(&num, rest, slash ? (size_t)(slash - rest) : strlen(rest));
	if (pa_parse_int64(&id, pa_buf_cstr(&num), 1, INT64_MAX) != 0 ||
	    (slash && pa_parse_int64(&version, slash + 1, 1, INT32_MAX) != 0)) {
		pa_buf_dispose(&num);
		return pa_http_error(r, MHD_HTTP_NOT_FOUND, "no such package version");
	}
	pa_buf_dispose(&num);
	if ((rc = pa_store_version_get(&v, r->server->store, id, (int)version)) != 0)
		return rc == PA_ENOTFOUND ? pa_http_error(r, MHD_HTTP_NOT_FOUND, "no such package version")
					  : pa_http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "the store is not answering");
	put_version(&body, &v, r);
	pa_buf_putc(&body, '\n');
	ret = pa_buf_error(&body) ? pa_http_queue(r, 500, NULL, 0) : pa_http_json(r, MHD_HTTP_OK, &body);
	pa_buf_dispose(&body);
	pa_store_version_dispose(&v);
	return ret;
}

/* --- uploads --- */

static bool upload_write(pa_http_request *r, const char *data, size_t size)
{
	if (r->too_big || r->upload_failed)
		return true;
	if (r->upload_bytes + size > r->server->max_upload) {
		r->too_big = true;
		return true;
	}
	r->upload_bytes += size;
	while (size) {
		ssize_t n = write(r->upload_fd, data, size);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			pa_err("upload: %s: %s", pa_buf_cstr(&r->upload_path), strerror(errno));
			r->upload_failed = true;
			return false;
		}
		data += n;
		size -= (size_t)n;
	}
	return true;
}

/* multipart/form-data: the first field that carries a file is the package. */
static enum MHD_Result post_iterator(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *filename, const char *content_type,
				     const char *transfer_encoding, const char *data, uint64_t off, size_t size)
{
	pa_http_request *r = cls;

	(void)kind; (void)key; (void)content_type; (void)transfer_encoding; (void)off;
	if (!filename || !size)
		return MHD_YES;
	return upload_write(r, data, size) ? MHD_YES : MHD_NO;
}

static enum MHD_Result upload_begin(pa_http_request *r)
{
	pa_server *s = r->server;
	const char *length = header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *type = header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	int64_t declared;

	if (length && pa_parse_int64(&declared, length, 0, INT64_MAX) == 0 &&
	    (uint64_t)declared > s->max_upload + (type && !strncasecmp(type, "multipart/", 10) ? 65536 : 0)) {
		char msg[128];

		snprintf(msg, sizeof(msg), "the upload is larger than max_upload_bytes (%llu)",
			 (unsigned long long)s->max_upload);
		return pa_http_error(r, MHD_HTTP_CONTENT_TOO_LARGE, msg);
	}
	if (pa_import_tmpdir(&r->upload_dir, s->data_dir, "upload") != 0 ||
	    pa_path_join(&r->upload_path, r->upload_dir.ptr, "package.zip") != 0) {
		pa_err("upload: %s", pa_error_last());
		return pa_http_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot store the upload");
	}
	r->upload_fd = open(r->upload_path.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (r->upload_fd < 0) {
		pa_err("upload: %s: %s", r->upload_path.ptr, strerror(errno));
		return pa_http_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot store the upload");
	}
	if (type && !strncasecmp(type, "multipart/form-data", 19)) {
		if (!(r->pp = MHD_create_post_processor(r->conn, POST_BUFFER_SIZE, post_iterator, r)))
			return pa_http_error(r, MHD_HTTP_BAD_REQUEST, "unreadable multipart/form-data");
	}
	r->uploading = true;
	return MHD_YES;
}

static void put_diag_json(pa_buf *out, const pa_diag *diag, pa_diag_severity at_most)
{
	static const char *const names[] = { "error", "warning", "note" };
	bool first = true;

	pa_buf_putc(out, '[');
	for (size_t i = 0; i < diag->count; i++) {
		const pa_diag_entry *e = &diag->items[i];

		if (e->severity > at_most)
			continue;
		if (!first)
			pa_buf_putc(out, ',');
		first = false;
		pa_buf_puts(out, "{\"severity\":");
		pa_buf_put_json(out, names[e->severity]);
		pa_buf_puts(out, ",\"file\":");
		pa_buf_put_json(out, e->file);
		pa_buf_printf(out, ",\"line\":%u,\"column\":%u,\"message\":", e->line, e->col);
		pa_buf_put_json(out, e->message);
		pa_buf_putc(out, '}');
	}
	pa_buf_putc(out, ']');
}

static enum MHD_Result upload_finish(pa_http_request *r)
{
	pa_server *s = r->server;
	pa_import_options opts = { s->cfg, s->schema_dir, "upload" };
	pa_store_version v = { 0 };
	pa_buf body = PA_BUF_INIT, location = PA_BUF_INIT;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	pa_diag diag;
	int rc;

	if (r->too_big) {
		char msg[128];

		snprintf(msg, sizeof(msg), "the upload is larger than max_upload_bytes (%llu)",
			 (unsigned long long)s->max_upload);
		return pa_http_error(r, MHD_HTTP_CONTENT_TOO_LARGE, msg);
	}
	if (r->upload_failed || close(r->upload_fd) != 0) {
		r->upload_fd = -1;
		return pa_http_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot store the upload");
	}
	r->upload_fd = -1;
	if (r->bad_body)
		return pa_http_error(r, MHD_HTTP_BAD_REQUEST, "unreadable multipart/form-data");
	if (!r->upload_bytes)
		return pa_http_error(r, MHD_HTTP_BAD_REQUEST,
				     "no package: send the zip as the body, or as a file field of multipart/form-data");
	pa_diag_init(&diag);
	rc = pa_import_path(&v, s->store, s->data_dir, r->upload_path.ptr, &opts, &diag);
	if (rc == PA_EINVALID) {
		pa_buf_puts(&body, "{\"error\":");
		pa_buf_put_json(&body, pa_error_last());
		pa_buf_puts(&body, ",\"diagnostics\":");
		put_diag_json(&body, &diag, PA_DIAG_NOTE);
		pa_buf_puts(&body, "}\n");
		ret = pa_http_json(r, MHD_HTTP_UNPROCESSABLE_CONTENT, &body);
	} else if (rc) {
		pa_err("upload: import: %s", pa_error_last());
		ret = pa_http_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, pa_error_last());
	} else {
		pa_info("admin: imported package %lld version %d (%s) from %s", (long long)v.package_id,
			v.version, v.identifier, r->fwd.client);
		put_version(&body, &v, r);
		pa_buf_truncate(&body, body.len - 1);
		pa_buf_puts(&body, ",\"warnings\":");
		put_diag_json(&body, &diag, PA_DIAG_WARNING);
		pa_buf_puts(&body, "}\n");
		put_base_url(&location, r);
		pa_buf_printf(&location, "/admin/packages/%lld/%d", (long long)v.package_id, v.version);
		resp = pa_buf_error(&body) ? NULL : pa_http_body("application/json", &body);
		if (resp) {
			MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, pa_buf_cstr(&location));
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		}
		ret = pa_http_queue(r, MHD_HTTP_CREATED, resp, body.len);
	}
	pa_diag_dispose(&diag);
	pa_store_version_dispose(&v);
	pa_buf_dispose(&body);
	pa_buf_dispose(&location);
	return ret;
}

/* --- dispatch --- */

static bool is_get(const char *method)
{
	return !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
}

static enum MHD_Result not_allowed(pa_http_request *r, const char *allow)
{
	pa_buf body = PA_BUF_INIT;
	struct MHD_Response *resp;
	size_t len;

	pa_buf_puts(&body, "{\"error\":\"method not allowed\"}\n");
	resp = pa_http_body("application/json", &body);
	if (resp)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	len = body.len;
	pa_buf_dispose(&body);
	return pa_http_queue(r, MHD_HTTP_METHOD_NOT_ALLOWED, resp, len);
}

static bool has_body(pa_http_request *r)
{
	const char *length = header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);

	return (length && strcmp(length, "0") != 0) || header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

static enum MHD_Result commit_finish(pa_http_request *r)
{
	return pa_http_commit_finish(r, &r->server->player);
}

/* Answer a request, or get ready for its body. */
static enum MHD_Result route(pa_http_request *r, const char *url, const char *method)
{
	enum MHD_Result ret = MHD_NO;

	if (!strcmp(url, "/healthz"))
		return is_get(method) ? healthz(r) : not_allowed(r, "GET, HEAD");
	if (pa_str_startswith(url, "/lti/") || !strcmp(url, "/.well-known/jwks.json")) {
		if (!r->server->lti)
			return pa_http_error(r, MHD_HTTP_NOT_FOUND, "LTI is not enabled on this server");
		return pa_lti_route(r, r->server->lti, url, method);
	}
	if (pa_str_startswith(url, "/content/"))
		return is_get(method) ? pa_http_content(r, &r->server->content, url + strlen("/content/"))
				      : not_allowed(r, "GET, HEAD");
	if (!strcmp(url, "/admin/packages") || !strcmp(url, "/admin/packages/")) {
		if (!is_get(method) && strcmp(method, MHD_HTTP_METHOD_POST) != 0)
			return not_allowed(r, "GET, HEAD, POST");
		if (authorize(&ret, r) != 0)
			return ret;
		return is_get(method) ? list_packages(r) : upload_begin(r);
	}
	if (pa_str_startswith(url, "/play/"))
		return is_get(method) ? pa_http_play_page(r, &r->server->player, url + strlen("/play/"))
				      : not_allowed(r, "GET, HEAD");
	if (pa_str_startswith(url, "/player/"))
		return is_get(method) ? pa_http_player_asset(r, url + strlen("/player/")) : not_allowed(r, "GET, HEAD");
	if (pa_str_startswith(url, "/api/attempts/")) {
		const char *rest = url + strlen("/api/attempts/");

		if (pa_str_endswith(rest, "/commits")) {
			if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
				return not_allowed(r, "POST");
			if (!has_body(r))
				return pa_http_error(r, MHD_HTTP_BAD_REQUEST, "a commit needs a JSON body");
			ret = pa_http_commit_begin(r, &r->server->player, rest);
			if (r->buffering)
				r->finish = commit_finish;
			return ret;
		}
		return is_get(method) ? pa_http_attempt_get(r, &r->server->player, rest) : not_allowed(r, "GET, HEAD");
	}
	if (pa_str_startswith(url, "/admin/packages/") && pa_str_endswith(url, "/preview")) {
		pa_buf base = PA_BUF_INIT, num = PA_BUF_INIT;
		const char *rest = url + strlen("/admin/packages/");
		int64_t id;

		if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
			return not_allowed(r, "POST");
		if (authorize(&ret, r) != 0)
			return ret;
		pa_buf_put(&num, rest, strlen(rest) - strlen("/preview"));
		if (pa_parse_int64(&id, pa_buf_cstr(&num), 1, INT64_MAX) != 0) {
			ret = pa_http_error(r, MHD_HTTP_NOT_FOUND, "no such package");
		} else {
			put_base_url(&base, r);
			ret = pa_http_preview_link(r, &r->server->player, id, pa_buf_cstr(&base));
		}
		pa_buf_dispose(&num);
		pa_buf_dispose(&base);
		return ret;
	}
	if (pa_str_startswith(url, "/admin/packages/")) {
		if (!is_get(method))
			return not_allowed(r, "GET, HEAD");
		if (authorize(&ret, r) != 0)
			return ret;
		return show_version(r, url + strlen("/admin/packages/"));
	}
	return pa_http_error(r, MHD_HTTP_NOT_FOUND, "not found");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	pa_server *s = cls;
	pa_http_request *r = *con_cls;

	(void)version;
	if (r && r->suspended) {
		/* Resumed: the route answers now. */
		r->suspended = false;
		return r->resumed(r);
	}
	if (!r) {
		if (!(r = request_new(s, conn, method, url)))
			return MHD_NO;
		*con_cls = r;
		pthread_mutex_lock(&s->lock);
		s->inflight++;
		pthread_mutex_unlock(&s->lock);
		/* A request with a body is answered now: an upload is checked
		 * (token, size) before its body comes, and any other is refused
		 * (MHD then closes the connection). One without is answered at the
		 * next call, once MHD has it whole, so the connection stays open. */
		if (has_body(r)) {
			r->routed = true;
			return route(r, url, method);
		}
		return MHD_YES;
	}
	if (!r->routed) {
		r->routed = true;
		return route(r, url, method);
	}
	if (r->responded || (!r->uploading && !r->buffering)) {
		/* Answered already (refused early): let the body go. */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size && r->buffering) {
		/* Capped: past max_commit_bytes the buffer stops growing and the finish answers 413. */
		pa_buf_put(&r->body, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		if (r->pp) {
			if (MHD_post_process(r->pp, upload_data, *upload_size) != MHD_YES && !r->too_big &&
			    !r->upload_failed)
				r->bad_body = true;
		} else if (!upload_write(r, upload_data, *upload_size)) {
			*upload_size = 0;
			return MHD_NO;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	return r->buffering ? r->finish(r) : upload_finish(r);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* Percent-decoding of paths and arguments, in place, except "%00": a NUL
 * would cut the path short and serve another file than the one named. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *in = s, *out = s;

	(void)cls; (void)conn;
	while (*in) {
		int hi, lo;

		if (in[0] == '%' && (hi = hexval(in[1])) >= 0 && (lo = hexval(in[2])) >= 0 && (hi || lo)) {
			*out++ = (char)(hi * 16 + lo);
			in += 3;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
	return (size_t)(out - s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	pa_buf line = PA_BUF_INIT;

	(void)cls;
	pa_buf_vprintf(&line, fmt, ap);
	while (line.len && (line.ptr[line.len - 1] == '\n'))
		pa_buf_truncate(&line, line.len - 1);
	pa_warn("http: %s", pa_buf_cstr(&line));
	pa_buf_dispose(&line);
}

/* "host:port", "[v6]:port", ":port" -> address. */
static int parse_listen(struct sockaddr_storage *out, socklen_t *len, const char *listen)
{
	pa_buf host = PA_BUF_INIT;
	const char *colon, *port;
	struct addrinfo hints, *res = NULL;
	int64_t portnum;
	int rc = 0, gai;

	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');

		if (!close || close[1] != ':')
			return pa_error_set(PA_EPARSE, "listen: '%s' is not [ADDRESS]:PORT", listen);
		pa_buf_put(&host, listen + 1, (size_t)(close - listen - 1));
		port = close + 2;
	} else {
		if (!(colon = strrchr(listen, ':')))
			return pa_error_set(PA_EPARSE, "listen: '%s' is not HOST:PORT", listen);
		pa_buf_put(&host, listen, (size_t)(colon - listen));
		port = colon + 1;
	}
	if (pa_parse_int64(&portnum, port, 0, 65535) != 0) {
		rc = pa_error_set(PA_EPARSE, "listen: '%s' is not a port number", port);
		goto done;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	gai = getaddrinfo(host.len ? host.ptr : NULL, port, &hints, &res);
	if (gai != 0 || !res) {
		rc = pa_error_set(PA_EPARSE, "listen: cannot resolve '%s': %s", pa_buf_cstr(&host), gai_strerror(gai));
		goto done;
	}
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
done:
	if (res)
		freeaddrinfo(res);
	pa_buf_dispose(&host);
	return rc;
}

/*
 * The policies of content and of the player's page end with who may
 * frame them: in an LMS the browser checks every ancestor, the LMS's page
 * included, so 'self' alone would block a SCO inside Moodle's iframe.
 */
static int frame_policies(pa_server *s, const pa_config *cfg)
{
	const char *who = pa_config_string(cfg, PA_CFG_FRAME_ANCESTORS);

	if (!*who || strpbrk(who, ";,\r\n\"'"))
		return pa_error_set(PA_EINVAL, "frame_ancestors: * or origins separated by spaces (no ; , or quotes)");
	pa_buf_printf(&s->content_csp, "%s; frame-ancestors %s%s", pa_config_string(cfg, PA_CFG_CONTENT_SECURITY_POLICY),
		      strcmp(who, "*") ? "'self' " : "", who);
	pa_buf_printf(&s->page_csp, "%s; frame-ancestors %s%s", PA_HTTP_PAGE_CSP, strcmp(who, "*") ? "'self' " : "",
		      who);
	return pa_buf_error(&s->content_csp) || pa_buf_error(&s->page_csp) ? pa_error_set(PA_ENOMEM, "out of memory")
									     : 0;
}

int pa_server_start(pa_server **out, const pa_server_options *opts)
{
	const pa_config *cfg = opts->config;
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage addr;
	socklen_t addrlen = 0;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME;
	pa_server *s;
	int rc;

	*out = NULL;
	if (!(s = calloc(1, sizeof(*s))))
		return pa_error_set(PA_ENOMEM, "out of memory");
	pa_buf_init(&s->content_csp, 0);
	pa_buf_init(&s->page_csp, 0);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->idle, NULL);
	s->cfg = cfg;
	s->store = opts->store;
	s->data_dir = pa_config_string(cfg, PA_CFG_DATA_DIR);
	s->schema_dir = opts->schema_dir;
	s->public_base = pa_config_string(cfg, PA_CFG_PUBLIC_BASE_URL);
	s->max_upload = pa_config_size(cfg, PA_CFG_MAX_UPLOAD_BYTES);
	s->shutdown_timeout = (int)pa_config_int(cfg, PA_CFG_SHUTDOWN_TIMEOUT);
	s->content.data_dir = s->data_dir;
	if ((rc = frame_policies(s, cfg)) != 0)
		goto done;
	s->content.csp = pa_buf_cstr(&s->content_csp);
	s->player.page_csp = pa_buf_cstr(&s->page_csp);
	s->content.max_age = pa_config_int(cfg, PA_CFG_CONTENT_MAX_AGE);
	s->content.store = opts->store;
	s->player.store = opts->store;
	s->player.suspend_data_max = (size_t)pa_config_int(cfg, PA_CFG_SUSPEND_DATA_MAX);
	s->player.max_commit = pa_config_size(cfg, PA_CFG_MAX_COMMIT_BYTES);
	s->player.session_ttl = pa_config_int(cfg, PA_CFG_SESSION_TTL);
	s->player.commit_interval = pa_config_int(cfg, PA_CFG_COMMIT_INTERVAL);
	s->player.new_after_completion = pa_config_bool(cfg, PA_CFG_NEW_ATTEMPT_AFTER_COMPLETION);
	/* Engines handed from commit to commit: in the attempt cache's budget (0: neither). */
	if (pa_config_size(cfg, PA_CFG_ATTEMPT_CACHE) &&
	    (rc = pa_engines_new(&s->player.engines, (size_t)pa_config_size(cfg, PA_CFG_ATTEMPT_CACHE))) != 0)
		goto done;
	if ((rc = pa_session_key_load(s->player.key, s->data_dir)) != 0)
		goto done;
	if ((rc = pa_proxies_parse(&s->proxies, pa_config_string(cfg, PA_CFG_TRUSTED_PROXIES))) != 0)
		goto done;
	if ((rc = pa_lti_new(&s->lti, cfg, s->store, s->data_dir)) != 0)
		goto done;
	if ((rc = parse_listen(&addr, &addrlen, pa_config_string(cfg, PA_CFG_LISTEN))) != 0)
		goto done;
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle, s,
				     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
				     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)pa_config_int(cfg, PA_CFG_THREADS),
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned)pa_config_int(cfg, PA_CFG_MAX_CONNECTIONS),
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)pa_config_int(cfg, PA_CFG_CONNECTION_TIMEOUT),
				     MHD_OPTION_NOTIFY_COMPLETED, request_completed, s,
				     MHD_OPTION_UNESCAPE_CALLBACK, unescape, s,
				     MHD_OPTION_END);
	if (!s->daemon) {
		rc = pa_error_set(PA_EIO, "cannot listen on %s: %s", pa_config_string(cfg, PA_CFG_LISTEN),
				  errno ? strerror(errno) : "libmicrohttpd refused to start");
		goto done;
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : 0;
	rc = pa_lti_start(s->lti);
done:
	if (rc)
		pa_server_stop(s);
	else
		*out = s;
	return rc;
}

uint16_t pa_server_port(const pa_server *server)
{
	return server->port;
}

unsigned pa_server_inflight(pa_server *server)
{
	unsigned n;

	pthread_mutex_lock(&server->lock);
	n = server->inflight;
	pthread_mutex_unlock(&server->lock);
	return n;
}

void pa_server_stop(pa_server *s)
{
	MHD_socket listen_fd = MHD_INVALID_SOCKET;

	if (!s)
		return;
	if (s->daemon) {
		struct timespec deadline;

		/* No new connections; the ones open may finish what they asked. */
		listen_fd = MHD_quiesce_daemon(s->daemon);
		/* The kernel would still queue connections on the quiet socket
		 * and leave them waiting: refuse them now, so a proxy retries
		 * elsewhere. MHD's threads may still hold the descriptor, so it is
		 * closed only after they stop. */
		if (listen_fd != MHD_INVALID_SOCKET)
			shutdown(listen_fd, SHUT_RDWR);
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += s->shutdown_timeout;
		pthread_mutex_lock(&s->lock);
		s->stopping = true;
		while (s->inflight > 0) {
			if (pthread_cond_timedwait(&s->idle, &s->lock, &deadline) == ETIMEDOUT) {
				pa_warn("serve: %u request%s still running after %d s; closing them", s->inflight,
					s->inflight == 1 ? "" : "s", s->shutdown_timeout);
				break;
			}
		}
		/* A suspended request waits for the store, which answers each one,
		 * done or failed; MHD must not stop with one still suspended. */
		while (s->suspended > 0)
			pthread_cond_wait(&s->idle, &s->lock);
		pthread_mutex_unlock(&s->lock);
		MHD_stop_daemon(s->daemon);
		if (listen_fd != MHD_INVALID_SOCKET)
			close(listen_fd);
	}
	/* After the daemon: no request can reach LTI any more. */
	pa_lti_free(s->lti);
	pa_proxies_dispose(&s->proxies);
	pa_buf_dispose(&s->content_csp);
	pa_buf_dispose(&s->page_csp);
	OPENSSL_cleanse(s->player.key, sizeof(s->player.key));
	pa_engines_free(s->player.engines);
	pthread_cond_destroy(&s->idle);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
