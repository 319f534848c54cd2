/*
 * Pieces of the HTTP server (private to runtime/): the request being
 * served, responses, and the helpers of content serving, kept apart so
 * that tests can check them without a socket.
 */
#ifndef PA_HTTP_H
#define PA_HTTP_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <microhttpd.h>

#include "common/buf.h"
#include "runtime/proxy.h"
#include "runtime/server.h"
#include "runtime/session.h"

typedef struct pa_http_request pa_http_request;

/* Called once a buffered body (pa_http_buffer_body) has come whole. */
typedef enum MHD_Result (*pa_http_body_fn)(pa_http_request *r);

struct pa_http_request {
	pa_server *server;
	struct MHD_Connection *conn;
	struct timespec start;
	char method[16];
	pa_buf path;
	pa_forwarded fwd;
	unsigned status;
	uint64_t bytes;
	bool responded;
	bool routed;         /* route() ran: at the first call with a body, else the second */
	/* POST /admin/packages */
	bool uploading;
	bool too_big;
	bool upload_failed;  /* writing it failed: ours */
	bool bad_body;       /* unreadable multipart: theirs */
	int upload_fd;
	uint64_t upload_bytes;
	pa_buf upload_dir;
	pa_buf upload_path;
	struct MHD_PostProcessor *pp;
	/* A body buffered whole (commits, LTI forms): finish runs once it has come. */
	bool buffering;
	pa_http_body_fn finish;
	int64_t attempt_id;  /* POST /api/attempts/<id>/commits */
	int64_t learner_id;  /* its session token's */
	pa_buf body;         /* capped: pa_buf_error() once it passed the cap */
	void *route_data;    /* what a route keeps between its two calls */
	void (*route_data_free)(void *data);   /* frees route_data with the request; may be NULL */
	/* Suspended (pa_http_suspend): waiting, without a worker, to be resumed. */
	bool suspended;
	pa_http_body_fn resumed;
};

/* What the content handler needs of the server. */
typedef struct pa_http_content_settings {
	const char *data_dir;
	const char *csp;
	int64_t max_age;
	pa_store *store;
} pa_http_content_settings;

/* What the player's routes need of the server. */
typedef struct pa_http_player_settings {
	pa_store *store;
	unsigned char key[PA_SESSION_KEY_BYTES];
	size_t suspend_data_max;
	uint64_t max_commit;
	int64_t session_ttl;
	int64_t commit_interval;
	bool new_after_completion;
	const char *page_csp;    /* the player page's policy, PA_HTTP_PAGE_CSP and frame-ancestors */
	struct pa_engines *engines;   /* engines handed from commit to commit (runtime/engines.h); NULL: none */
} pa_http_player_settings;

/* The player page's own policy, before frame-ancestors. */
#define PA_HTTP_PAGE_CSP \
	"default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " \
	"img-src 'self' data:; frame-src 'self' https:; connect-src 'self'; object-src 'none'; base-uri 'self'"

/* A request header, or a GET argument (decoded); NULL when absent. Borrowed. */
const char *pa_http_header(pa_http_request *r, const char *name);
const char *pa_http_arg(pa_http_request *r, const char *name);

/* Where clients reach us: public_base_url, else the request's scheme and
 * host (believed only from trusted proxies); no trailing slash. */
void pa_http_base_url(pa_buf *out, const pa_http_request *r);

/* Keep the body (at most max bytes; past that r->body is in error) and call
 * finish once it has come. Returns MHD_YES for the route to return. */
enum MHD_Result pa_http_buffer_body(pa_http_request *r, size_t max, pa_http_body_fn finish);

/*
 * Let the request wait without holding a worker (a commit waiting for the
 * disk): call from a route, then return MHD_YES. Once pa_http_resume(r)
 * has been called, from any thread, resumed(r) runs on a worker to answer.
 * false when the server is stopping: nothing done, the route answers
 * itself (MHD must not stop with a request suspended; the server waits
 * for the ones suspended before).
 */
bool pa_http_suspend(pa_http_request *r, pa_http_body_fn resumed);
void pa_http_resume(pa_http_request *r);

/* The LTI side of the server (lti/lti.h), NULL when LTI is off. */
struct pa_lti *pa_http_lti(const pa_http_request *r);

/* A response holding a copy of body (may be NULL), typed; NULL when out of memory. */
struct MHD_Response *pa_http_body(const char *type, const pa_buf *body);

/* Queue resp (NULL: answer 500), record status and size for the log, release resp. */
enum MHD_Result pa_http_queue(pa_http_request *r, unsigned status, struct MHD_Response *resp, uint64_t bytes);

/* A JSON answer (not cached), and {"error": message}. */
enum MHD_Result pa_http_json(pa_http_request *r, unsigned status, const pa_buf *body);
enum MHD_Result pa_http_error(pa_http_request *r, unsigned status, const char *message);

/* GET/HEAD /content/<package>/<version>/<rest>; rest is what follows "/content/". */
enum MHD_Result pa_http_content(pa_http_request *r, const pa_http_content_settings *s, const char *rest);

/* GET /play/<attempt>?token=...: the player page. */
enum MHD_Result pa_http_play_page(pa_http_request *r, const pa_http_player_settings *s, const char *rest);

/* GET /player/<file>: the player's scripts, styles and scorm.wasm. */
enum MHD_Result pa_http_player_asset(pa_http_request *r, const char *name);

/* GET /api/attempts/<id>: what a session starts from (session token). */
enum MHD_Result pa_http_attempt_get(pa_http_request *r, const pa_http_player_settings *s, const char *rest);

/* POST /api/attempts/<id>/commits: check the token and the size before the
 * body comes (then r->buffering), and answer once it has come. */
enum MHD_Result pa_http_commit_begin(pa_http_request *r, const pa_http_player_settings *s, const char *rest);
enum MHD_Result pa_http_commit_finish(pa_http_request *r, const pa_http_player_settings *s);

/* POST /admin/packages/<id>/preview: a preview link (admin checked by the caller);
 * base is the server's base URL. */
enum MHD_Result pa_http_preview_link(pa_http_request *r, const pa_http_player_settings *s, int64_t package_id,
				     const char *base);

/* The media type of a file name (by extension, case-insensitive); application/octet-stream if unknown. */
const char *pa_http_mime(const char *name);

typedef enum pa_http_range_kind {
	PA_RANGE_NONE = 0,        /* serve everything (no header, or one we ignore) */
	PA_RANGE_PARTIAL = 1,     /* 206 with *start, *len */
	PA_RANGE_UNSATISFIABLE = 2 /* 416 */
} pa_http_range_kind;

/* One "bytes=" range of a Range header against a file of size bytes.
 * Several ranges, or a header we cannot read, mean the whole file. */
pa_http_range_kind pa_http_range(uint64_t *start, uint64_t *len, const char *header, uint64_t size);

/* Does an If-None-Match (or If-Range) header match etag? Weak comparison. */
bool pa_http_etag_match(const char *header, const char *etag);

#endif
