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

typedef struct pa_http_request {
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
} pa_http_request;

/* What the content handler needs of the server. */
typedef struct pa_http_content_settings {
	const char *data_dir;
	const char *csp;
	int64_t max_age;
	pa_store *store;
} pa_http_content_settings;

/* A response holding a copy of body (may be NULL), typed; NULL when out of memory. */
struct MHD_Response *pa_http_body(const char *type, const pa_buf *body);

/* Queue resp (NULL: answer 500), record status and size for the log, release resp. */
enum MHD_Result pa_http_queue(pa_http_request *r, unsigned status, struct MHD_Response *resp, uint64_t bytes);

/* A JSON answer (not cached), and {"error": message}. */
enum MHD_Result pa_http_json(pa_http_request *r, unsigned status, const pa_buf *body);
enum MHD_Result pa_http_error(pa_http_request *r, unsigned status, const char *message);

/* GET/HEAD /content/<package>/<version>/<rest>; rest is what follows "/content/". */
enum MHD_Result pa_http_content(pa_http_request *r, const pa_http_content_settings *s, const char *rest);

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
