/* runtime/server: a real server on an ephemeral port of 127.0.0.1, spoken
 * to with libcurl: health, content (MIME, Range, ETag, traversal), the
 * admin API (tokens, uploads, limits), and trusted proxies. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <curl/curl.h>

#include "common/fs.h"
#include "runtime/auth.h"
#include "runtime/http.h"
#include "runtime/import.h"
#include "runtime/proxy.h"
#include "runtime/server.h"
#include "runtime/store.h"

static const char manifest[] =
	"<?xml version=\"1.0\"?>\n"
	"<manifest identifier=\"%s\" version=\"1\" xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\""
	" xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\">\n"
	"<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>\n"
	"<organizations default=\"org\"><organization identifier=\"org\"><title>Served</title>\n"
	"<item identifier=\"i1\" identifierref=\"r1\"><title>One</title></item>\n"
	"</organization></organizations>\n"
	"<resources><resource identifier=\"r1\" type=\"webcontent\" adlcp:scormtype=\"sco\" href=\"index.html\">"
	"<file href=\"index.html\"/><file href=\"a b.txt\"/><file href=\"data.bin\"/><file href=\"sub/app.js\"/>"
	"</resource></resources></manifest>\n";

typedef struct fixture {
	char *dir;
	pa_buf data, schemas, zip, bad_zip;
	pa_config cfg;
	pa_store *store;
	pa_server *server;
	char token[64];
	char revoked[64];
} fixture;

static void write_package(pa_buf *path, const char *dir, const char *name, const char *identifier, bool good)
{
	pa_buf m = PA_BUF_INIT;
	const char *entries[] = {
		"imsmanifest.xml", NULL,
		"index.html", "<!doctype html><title>Hello</title>",
		"a b.txt", "spaced",
		"data.bin", "0123456789",
		"sub/app.js", "console.log(1)",
		NULL
	};

	pa_buf_printf(&m, manifest, identifier);
	entries[1] = m.ptr;
	if (!good)
		entries[2] = NULL; /* no launch file */
	pa_buf_printf(path, "%s/%s", dir, name);
	pa_test_write_zip(path->ptr, entries);
	pa_buf_dispose(&m);
}

static void make_token(fixture *f, char *out, const char *name)
{
	unsigned char hash[PA_STORE_TOKEN_HASH_BYTES];
	pa_buf t = PA_BUF_INIT;

	assert_int_equal(pa_auth_token_new(&t, hash), 0);
	assert_int_equal(pa_store_token_add(NULL, f->store, name, hash), 0);
	assert_true(t.len < 64);
	memcpy(out, t.ptr, t.len + 1);
	pa_buf_dispose(&t);
}

static fixture *start(const char *name, const char *trusted, const char *max_upload)
{
	fixture *f = calloc(1, sizeof(*f));
	pa_server_options opts = { 0 };
	pa_import_options io = { 0 };
	pa_diag diag;

	f->dir = pa_test_tmpdir(name);
	pa_buf_init(&f->data, 0);
	pa_buf_init(&f->schemas, 0);
	pa_buf_init(&f->zip, 0);
	pa_buf_init(&f->bad_zip, 0);
	pa_buf_printf(&f->data, "%s/data", f->dir);
	pa_buf_printf(&f->schemas, "%s/schemas", pa_test_shared_dir());
	assert_int_equal(pa_config_init(&f->cfg), 0);
	assert_int_equal(pa_config_set(&f->cfg, "data_dir", f->data.ptr), 0);
	assert_int_equal(pa_config_set(&f->cfg, "schema_dir", f->schemas.ptr), 0);
	assert_int_equal(pa_config_set(&f->cfg, "listen", "127.0.0.1:0"), 0);
	assert_int_equal(pa_config_set(&f->cfg, "threads", "2"), 0);
	assert_int_equal(pa_config_set(&f->cfg, "shutdown_timeout", "5"), 0);
	if (trusted)
		assert_int_equal(pa_config_set(&f->cfg, "trusted_proxies", trusted), 0);
	if (max_upload)
		assert_int_equal(pa_config_set(&f->cfg, "max_upload_bytes", max_upload), 0);
	assert_int_equal(pa_store_open(&f->store, f->data.ptr, &f->cfg), 0);

	write_package(&f->zip, f->dir, "course.zip", "served", true);
	write_package(&f->bad_zip, f->dir, "bad.zip", "broken", false);
	pa_diag_init(&diag);
	io.config = &f->cfg;
	assert_int_equal(pa_import_path(NULL, f->store, f->data.ptr, f->zip.ptr, &io, &diag), 0);
	pa_diag_dispose(&diag);
	make_token(f, f->token, "ops");
	make_token(f, f->revoked, "old");
	assert_int_equal(pa_store_token_revoke(f->store, "old"), 0);

	opts.config = &f->cfg;
	opts.store = f->store;
	if (pa_server_start(&f->server, &opts) != 0)
		fail_msg("server: %s", pa_error_last());
	assert_true(pa_server_port(f->server) > 0);
	return f;
}

static void stop(fixture *f)
{
	pa_server_stop(f->server);
	pa_store_close(f->store);
	pa_config_dispose(&f->cfg);
	pa_buf_dispose(&f->data);
	pa_buf_dispose(&f->schemas);
	pa_buf_dispose(&f->zip);
	pa_buf_dispose(&f->bad_zip);
	free(f->dir);
	free(f);
}

typedef struct reply {
	long status;
	pa_buf body;
	pa_buf headers;
} reply;

static size_t collect(char *data, size_t size, size_t n, void *buf)
{
	pa_buf_put(buf, data, size * n);
	return size * n;
}

/* One request. extra: headers, NULL-terminated (may be NULL); upload: a
 * file sent as the raw body of a POST, or NULL. */
static void http(reply *out, fixture *f, const char *method, const char *path,
		 const char *const *extra, const char *upload_file, bool multipart)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	curl_mime *mime = NULL;
	pa_buf url = PA_BUF_INIT, body = PA_BUF_INIT;

	assert_non_null(c);
	memset(out, 0, sizeof(*out));
	pa_buf_init(&out->body, 0);
	pa_buf_init(&out->headers, 0);
	pa_buf_printf(&url, "http://127.0.0.1:%u%s", pa_server_port(f->server), path);
	curl_easy_setopt(c, CURLOPT_URL, url.ptr);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &out->headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	for (size_t i = 0; extra && extra[i]; i++)
		hdrs = curl_slist_append(hdrs, extra[i]);
	if (upload_file && multipart) {
		curl_mimepart *part;

		mime = curl_mime_init(c);
		part = curl_mime_addpart(mime);
		curl_mime_name(part, "package");
		curl_mime_filedata(part, upload_file);
		curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	} else if (upload_file) {
		assert_int_equal(pa_fs_read(&body, upload_file, 1 << 24), 0);
		hdrs = curl_slist_append(hdrs, "Content-Type: application/zip");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.ptr);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body.len);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(hdrs);
	curl_mime_free(mime);
	curl_easy_cleanup(c);
	pa_buf_dispose(&url);
	pa_buf_dispose(&body);
}

static void reply_dispose(reply *r)
{
	pa_buf_dispose(&r->body);
	pa_buf_dispose(&r->headers);
}

/* The value of a response header (copied into out), or NULL. */
static const char *header_of(const reply *r, const char *name, char *out, size_t size)
{
	const char *p = pa_buf_cstr(&r->headers);
	size_t n = strlen(name);

	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1, *end;

			while (*v == ' ')
				v++;
			end = v + strcspn(v, "\r\n");
			snprintf(out, size, "%.*s", (int)(end - v), v);
			return out;
		}
	}
	return NULL;
}

static void bearer(char *out, size_t size, const char *token)
{
	snprintf(out, size, "Authorization: Bearer %s", token);
}

static void test_server__healthz(void **state)
{
	fixture *f = start("server-healthz", NULL, NULL);
	char v[256];
	reply r;

	(void)state;
	http(&r, f, "GET", "/healthz", NULL, NULL, false);
	assert_int_equal(r.status, 200);
	assert_string_equal(header_of(&r, "Content-Type", v, sizeof(v)), "application/json");
	assert_non_null(strstr(r.body.ptr, "\"status\":\"ok\""));
	assert_non_null(strstr(r.body.ptr, "\"version\":\"" PA_VERSION "\""));
	assert_non_null(strstr(r.body.ptr, "\"backend\":\"sqlite\""));
	{
		char want[32];

		snprintf(want, sizeof(want), "\"schema_version\":%d", PA_STORE_SCHEMA_VERSION);
		assert_non_null(strstr(r.body.ptr, want));
	}
	reply_dispose(&r);
	http(&r, f, "POST", "/healthz", NULL, NULL, false);
	assert_int_equal(r.status, 405);
	reply_dispose(&r);
	/* A body where none is expected is refused, not dropped. */
	http(&r, f, "PUT", "/healthz", NULL, f->zip.ptr, false);
	assert_int_equal(r.status, 405);
	reply_dispose(&r);
	http(&r, f, "PUT", "/content/1/1/index.html", NULL, f->zip.ptr, false);
	assert_int_equal(r.status, 405);
	reply_dispose(&r);
	http(&r, f, "GET", "/nowhere", NULL, NULL, false);
	assert_int_equal(r.status, 404);
	reply_dispose(&r);
	stop(f);
}

static void test_server__content_types_and_caching(void **state)
{
	fixture *f = start("server-content", NULL, NULL);
	char v[1024], etag[128], inm[160];
	const char *hdr[2] = { inm, NULL };
	reply r;

	(void)state;
	http(&r, f, "GET", "/content/1/1/index.html", NULL, NULL, false);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.ptr, "<!doctype html><title>Hello</title>");
	assert_string_equal(header_of(&r, "Content-Type", v, sizeof(v)), "text/html");
	/* By default any LMS may frame it: the browser checks the LMS's page too. */
	assert_non_null(strstr(header_of(&r, "Content-Security-Policy", v, sizeof(v)), "; frame-ancestors *"));
	assert_string_equal(header_of(&r, "X-Content-Type-Options", v, sizeof(v)), "nosniff");
	assert_string_equal(header_of(&r, "Cache-Control", v, sizeof(v)), "private, max-age=3600");
	assert_string_equal(header_of(&r, "Accept-Ranges", v, sizeof(v)), "bytes");
	assert_non_null(header_of(&r, "ETag", etag, sizeof(etag)));
	assert_true(etag[0] == '"');
	reply_dispose(&r);

	/* The ETag answers 304 with no body, weak or strong, in a list or alone. */
	snprintf(inm, sizeof(inm), "If-None-Match: \"other\", W/%s", etag);
	http(&r, f, "GET", "/content/1/1/index.html", hdr, NULL, false);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body.len, 0);
	assert_string_equal(header_of(&r, "ETag", v, sizeof(v)), etag);
	reply_dispose(&r);
	snprintf(inm, sizeof(inm), "If-None-Match: \"other\"");
	http(&r, f, "GET", "/content/1/1/index.html", hdr, NULL, false);
	assert_int_equal(r.status, 200);
	reply_dispose(&r);

	http(&r, f, "GET", "/content/1/1/a%20b.txt", NULL, NULL, false);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.ptr, "spaced");
	assert_string_equal(header_of(&r, "Content-Type", v, sizeof(v)), "text/plain");
	reply_dispose(&r);
	http(&r, f, "GET", "/content/1/1/sub/app.js", NULL, NULL, false);
	assert_string_equal(header_of(&r, "Content-Type", v, sizeof(v)), "text/javascript");
	reply_dispose(&r);
	http(&r, f, "GET", "/content/1/1/data.bin", NULL, NULL, false);
	assert_string_equal(header_of(&r, "Content-Type", v, sizeof(v)), "application/octet-stream");
	reply_dispose(&r);

	http(&r, f, "HEAD", "/content/1/1/data.bin", NULL, NULL, false);
	assert_int_equal(r.status, 200);
	assert_string_equal(header_of(&r, "Content-Length", v, sizeof(v)), "10");
	assert_int_equal(r.body.len, 0);
	reply_dispose(&r);
	stop(f);
}

static void test_server__content_ranges(void **state)
{
	fixture *f = start("server-ranges", NULL, NULL);
	char v[256], range[64], etag[128], ifr[160];
	const char *hdr[3] = { range, NULL, NULL };
	reply r;

	(void)state;
	snprintf(range, sizeof(range), "Range: bytes=2-5");
	http(&r, f, "GET", "/content/1/1/data.bin", hdr, NULL, false);
	assert_int_equal(r.status, 206);
	assert_string_equal(r.body.ptr, "2345");
	assert_string_equal(header_of(&r, "Content-Range", v, sizeof(v)), "bytes 2-5/10");
	header_of(&r, "ETag", etag, sizeof(etag));
	reply_dispose(&r);

	snprintf(range, sizeof(range), "Range: bytes=-3");
	http(&r, f, "GET", "/content/1/1/data.bin", hdr, NULL, false);
	assert_int_equal(r.status, 206);
	assert_string_equal(r.body.ptr, "789");
	reply_dispose(&r);

	snprintf(range, sizeof(range), "Range: bytes=7-");
	http(&r, f, "GET", "/content/1/1/data.bin", hdr, NULL, false);
	assert_int_equal(r.status, 206);
	assert_string_equal(r.body.ptr, "789");
	assert_string_equal(header_of(&r, "Content-Range", v, sizeof(v)), "bytes 7-9/10");
	reply_dispose(&r);

	snprintf(range, sizeof(range), "Range: bytes=10-20");
	http(&r, f, "GET", "/content/1/1/data.bin", hdr, NULL, false);
	assert_int_equal(r.status, 416);
	assert_string_equal(header_of(&r, "Content-Range", v, sizeof(v)), "bytes */10");
	reply_dispose(&r);

	/* If-Range with another ETag: the whole file. */
	snprintf(range, sizeof(range), "Range: bytes=2-5");
	snprintf(ifr, sizeof(ifr), "If-Range: \"stale\"");
	hdr[1] = ifr;
	http(&r, f, "GET", "/content/1/1/data.bin", hdr, NULL, false);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.ptr, "0123456789");
	reply_dispose(&r);
	snprintf(ifr, sizeof(ifr), "If-Range: %s", etag);
	http(&r, f, "GET", "/content/1/1/data.bin", hdr, NULL, false);
	assert_int_equal(r.status, 206);
	reply_dispose(&r);
	stop(f);
}

static void test_server__content_stays_inside_the_version(void **state)
{
	fixture *f = start("server-traversal", NULL, NULL);
	static const char *const refused[] = {
		"/content/1/1/../../../../etc/passwd",
		"/content/1/1/%2e%2e/%2e%2e/%2e%2e/passerelle.db",
		"/content/1/1/%2E%2E/%2E%2E/passerelle.db",
		"/content/1/1/sub/../../../passerelle.db",
		"/content/1/1/..%2f..%2f..%2fpasserelle.db",
		"/content/1/1/%2fetc%2fpasswd",
		"/content/1/1//etc/passwd",
		"/content/1/1/",
		"/content/1/1/sub",
		"/content/1/1/nothing.html",
		"/content/1/2/index.html",
		"/content/2/1/index.html",
		"/content/0/1/index.html",
		"/content/x/1/index.html",
		"/content/1/x/index.html",
		"/content/1/-1/index.html",
		"/content/1/1/link.html",
		"/content/1/1/index.html%00.png",
		"/content/",
	};
	pa_buf link = PA_BUF_INIT;
	reply r;

	(void)state;
	/* A link planted in a version folder is not followed. */
	pa_buf_printf(&link, "%s/packages/1/1/link.html", f->data.ptr);
	assert_int_equal(symlink("/etc/passwd", link.ptr), 0);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		http(&r, f, "GET", refused[i], NULL, NULL, false);
		if (r.status != 404)
			fail_msg("%s answered %ld", refused[i], r.status);
		assert_null(strstr(pa_buf_cstr(&r.body), "root:"));
		reply_dispose(&r);
	}
	/* Dots that stay inside are fine. */
	http(&r, f, "GET", "/content/1/1/sub/../index.html", NULL, NULL, false);
	assert_int_equal(r.status, 200);
	reply_dispose(&r);
	pa_buf_dispose(&link);
	stop(f);
}

static void test_server__admin_needs_a_valid_token(void **state)
{
	fixture *f = start("server-auth", NULL, NULL);
	char auth[128], v[128];
	const char *hdr[2] = { auth, NULL };
	reply r;

	(void)state;
	http(&r, f, "POST", "/admin/packages", NULL, f->zip.ptr, false);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(header_of(&r, "WWW-Authenticate", v, sizeof(v)), "Bearer"));
	reply_dispose(&r);

	bearer(auth, sizeof(auth), "not-a-token");
	http(&r, f, "POST", "/admin/packages", hdr, f->zip.ptr, false);
	assert_int_equal(r.status, 401);
	reply_dispose(&r);

	bearer(auth, sizeof(auth), f->revoked);
	http(&r, f, "POST", "/admin/packages", hdr, f->zip.ptr, false);
	assert_int_equal(r.status, 401);
	reply_dispose(&r);
	http(&r, f, "GET", "/admin/packages", hdr, NULL, false);
	assert_int_equal(r.status, 401);
	reply_dispose(&r);

	snprintf(auth, sizeof(auth), "Authorization: Basic %s", f->token);
	http(&r, f, "GET", "/admin/packages", hdr, NULL, false);
	assert_int_equal(r.status, 401);
	reply_dispose(&r);

	bearer(auth, sizeof(auth), f->token);
	http(&r, f, "DELETE", "/admin/packages", hdr, NULL, false);
	assert_int_equal(r.status, 405);
	reply_dispose(&r);
	stop(f);
}

static void test_server__admin_upload_imports(void **state)
{
	fixture *f = start("server-upload", NULL, NULL);
	char auth[128], v[256];
	const char *hdr[2] = { auth, NULL };
	reply r;

	(void)state;
	bearer(auth, sizeof(auth), f->token);
	/* Raw body. */
	http(&r, f, "POST", "/admin/packages", hdr, f->zip.ptr, false);
	assert_int_equal(r.status, 201);
	assert_non_null(strstr(r.body.ptr, "\"package\":1,\"version\":2"));
	assert_non_null(strstr(r.body.ptr, "\"warnings\":["));
	snprintf(v, sizeof(v), "http://127.0.0.1:%u/admin/packages/1/2", pa_server_port(f->server));
	{
		char loc[256];

		assert_string_equal(header_of(&r, "Location", loc, sizeof(loc)), v);
	}
	reply_dispose(&r);
	/* multipart/form-data, as curl -F sends it. */
	http(&r, f, "POST", "/admin/packages", hdr, f->zip.ptr, true);
	assert_int_equal(r.status, 201);
	assert_non_null(strstr(r.body.ptr, "\"package\":1,\"version\":3"));
	reply_dispose(&r);

	/* The new version is served. */
	http(&r, f, "GET", "/content/1/3/index.html", NULL, NULL, false);
	assert_int_equal(r.status, 200);
	reply_dispose(&r);

	/* A package with errors: 422 and the diagnostics, nothing stored. */
	http(&r, f, "POST", "/admin/packages", hdr, f->bad_zip.ptr, false);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body.ptr, "\"diagnostics\":[{\"severity\":\"error\""));
	assert_non_null(strstr(r.body.ptr, "index.html"));
	reply_dispose(&r);

	http(&r, f, "GET", "/admin/packages", hdr, NULL, false);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "\"identifier\":\"served\""));
	assert_non_null(strstr(r.body.ptr, "\"version\":3"));
	assert_null(strstr(r.body.ptr, "broken"));
	reply_dispose(&r);

	http(&r, f, "GET", "/admin/packages/1/2", hdr, NULL, false);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "\"tree\":{"));
	assert_non_null(strstr(r.body.ptr, "\"launch\":\"index.html\""));
	reply_dispose(&r);
	http(&r, f, "GET", "/admin/packages/1/9", hdr, NULL, false);
	assert_int_equal(r.status, 404);
	reply_dispose(&r);

	/* An empty upload. */
	{
		pa_buf empty = PA_BUF_INIT;

		pa_buf_printf(&empty, "%s/empty.zip", f->dir);
		pa_test_write(f->dir, "empty.zip", "");
		http(&r, f, "POST", "/admin/packages", hdr, empty.ptr, false);
		assert_int_equal(r.status, 400);
		reply_dispose(&r);
		pa_buf_dispose(&empty);
	}
	stop(f);
}

static void test_server__oversized_upload_is_refused(void **state)
{
	fixture *f = start("server-oversized", NULL, "100");
	char auth[128];
	const char *hdr[2] = { auth, NULL };
	reply r;

	(void)state;
	bearer(auth, sizeof(auth), f->token);
	http(&r, f, "POST", "/admin/packages", hdr, f->zip.ptr, false);
	assert_int_equal(r.status, 413);
	assert_non_null(strstr(r.body.ptr, "max_upload_bytes"));
	reply_dispose(&r);
	http(&r, f, "POST", "/admin/packages", hdr, f->zip.ptr, true);
	assert_int_equal(r.status, 413);
	reply_dispose(&r);
	/* The server is still there. */
	http(&r, f, "GET", "/healthz", NULL, NULL, false);
	assert_int_equal(r.status, 200);
	reply_dispose(&r);
	stop(f);
}

static void test_server__forwarded_headers_only_from_trusted_proxies(void **state)
{
	const char *fwd[] = { NULL, "X-Forwarded-Proto: https", "X-Forwarded-Host: lms.example.org",
			      "X-Forwarded-For: 203.0.113.7", NULL };
	char auth[128];
	fixture *f;
	reply r;

	(void)state;
	fwd[0] = auth;
	f = start("server-untrusted", NULL, NULL);
	bearer(auth, sizeof(auth), f->token);
	http(&r, f, "GET", "/admin/packages/1/1", fwd, NULL, false);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body.ptr, "lms.example.org"));
	assert_non_null(strstr(r.body.ptr, "\"content\":\"http://127.0.0.1:"));
	reply_dispose(&r);
	stop(f);

	f = start("server-trusted", "10.0.0.0/8, 127.0.0.1", NULL);
	bearer(auth, sizeof(auth), f->token);
	http(&r, f, "GET", "/admin/packages/1/1", fwd, NULL, false);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "\"content\":\"https://lms.example.org/content/1/1/\""));
	reply_dispose(&r);
	stop(f);
}

typedef struct slow_upload {
	fixture *f;
	pa_buf zip;
	size_t sent;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool half_sent, go;
	long status;
} slow_upload;

/* Send half of the zip, then wait for the signal to send the rest. */
static size_t slow_read(char *buf, size_t size, size_t n, void *arg)
{
	slow_upload *u = arg;
	size_t half = u->zip.len / 2, want = size * n, left;

	pthread_mutex_lock(&u->lock);
	if (u->sent >= half) {
		u->half_sent = true;
		pthread_cond_broadcast(&u->cond);
		while (!u->go)
			pthread_cond_wait(&u->cond, &u->lock);
	}
	pthread_mutex_unlock(&u->lock);
	left = (u->sent < half ? half : u->zip.len) - u->sent;
	if (want > left)
		want = left;
	memcpy(buf, u->zip.ptr + u->sent, want);
	u->sent += want;
	return want;
}

static void *slow_client(void *arg)
{
	slow_upload *u = arg;
	CURL *c = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	pa_buf url = PA_BUF_INIT, auth = PA_BUF_INIT, body = PA_BUF_INIT;

	pa_buf_printf(&url, "http://127.0.0.1:%u/admin/packages", pa_server_port(u->f->server));
	pa_buf_printf(&auth, "Authorization: Bearer %s", u->f->token);
	hdrs = curl_slist_append(hdrs, auth.ptr);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/zip");
	hdrs = curl_slist_append(hdrs, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url.ptr);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, slow_read);
	curl_easy_setopt(c, CURLOPT_READDATA, u);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)u->zip.len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &u->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	pa_buf_dispose(&url);
	pa_buf_dispose(&auth);
	pa_buf_dispose(&body);
	return NULL;
}

static void *stopper(void *arg)
{
	pa_server_stop(arg);
	return NULL;
}

static void test_server__stop_finishes_requests_in_progress(void **state)
{
	fixture *f = start("server-stop", NULL, NULL);
	slow_upload u = { 0 };
	pthread_t client, stop_thread;
	pa_buf url = PA_BUF_INIT;
	CURL *c;

	(void)state;
	u.f = f;
	pa_buf_init(&u.zip, 0);
	assert_int_equal(pa_fs_read(&u.zip, f->zip.ptr, 1 << 20), 0);
	pthread_mutex_init(&u.lock, NULL);
	pthread_cond_init(&u.cond, NULL);
	assert_int_equal(pthread_create(&client, NULL, slow_client, &u), 0);
	pthread_mutex_lock(&u.lock);
	while (!u.half_sent)
		pthread_cond_wait(&u.cond, &u.lock);
	pthread_mutex_unlock(&u.lock);
	for (int i = 0; i < 500 && pa_server_inflight(f->server) == 0; i++)
		usleep(10 * 1000);
	assert_int_equal(pa_server_inflight(f->server), 1);

	/* Stop while the upload is half way. */
	pa_buf_printf(&url, "http://127.0.0.1:%u/healthz", pa_server_port(f->server));
	assert_int_equal(pthread_create(&stop_thread, NULL, stopper, f->server), 0);
	usleep(200 * 1000);
	/* No new connection is taken... */
	c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url.ptr);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 3L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &url);
	assert_int_equal(curl_easy_perform(c), CURLE_COULDNT_CONNECT);
	curl_easy_cleanup(c);

	/* ...but the upload in progress completes. */
	pthread_mutex_lock(&u.lock);
	u.go = true;
	pthread_cond_broadcast(&u.cond);
	pthread_mutex_unlock(&u.lock);
	pthread_join(client, NULL);
	pthread_join(stop_thread, NULL);
	assert_int_equal(u.status, 201);
	f->server = NULL;

	pthread_mutex_destroy(&u.lock);
	pthread_cond_destroy(&u.cond);
	pa_buf_dispose(&u.zip);
	pa_buf_dispose(&url);
	stop(f);
}

/* A free port of 127.0.0.1, for a child process to listen on. */
static unsigned free_port(void)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port;

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static void test_server__serve_command_stops_on_sigterm(void **state)
{
	char *dir = pa_test_tmpdir("server-command");
	pa_buf data = PA_BUF_INIT, log = PA_BUF_INIT, listen_on = PA_BUF_INIT, url = PA_BUF_INIT, text = PA_BUF_INIT;
	unsigned port = free_port();
	long status = 0;
	int wstatus;
	pid_t pid;

	(void)state;
	pa_buf_printf(&data, "%s/data", dir);
	pa_buf_printf(&log, "%s/serve.log", dir);
	pa_buf_printf(&listen_on, "127.0.0.1:%u", port);
	pa_buf_printf(&url, "http://127.0.0.1:%u/healthz", port);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *err = freopen(log.ptr, "w", stderr);

		(void)err;
		execl(pa_test_binary(), "passerelle", "serve", "--data", data.ptr, "--listen", listen_on.ptr,
		      "--set", "log_level=info", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && status != 200; i++) {
		CURL *c = curl_easy_init();

		curl_easy_setopt(c, CURLOPT_URL, url.ptr);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &text);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 2L);
		if (curl_easy_perform(c) == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(c);
		if (status != 200)
			usleep(50 * 1000);
	}
	assert_int_equal(status, 200);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &wstatus, 0), pid);
	assert_true(WIFEXITED(wstatus));
	assert_int_equal(WEXITSTATUS(wstatus), 0);
	pa_buf_clear(&text);
	assert_int_equal(pa_fs_read(&text, log.ptr, 1 << 20), 0);
	assert_non_null(strstr(text.ptr, "info http GET /healthz 200 "));
	assert_non_null(strstr(text.ptr, "SIGTERM received"));
	assert_non_null(strstr(text.ptr, "info serve: stopped"));

	/* A port in use: exit 1 with the reason. */
	{
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = { 0 };
		pa_buf out = PA_BUF_INIT;

		a.sin_family = AF_INET;
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a.sin_port = htons((uint16_t)port);
		assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
		assert_int_equal(listen(fd, 1), 0);
		assert_int_equal(pa_test_run(&out, "%s serve --data %s --listen %s", pa_test_binary(), data.ptr,
					     listen_on.ptr), 1);
		assert_non_null(strstr(out.ptr, "cannot listen on"));
		close(fd);
		pa_buf_dispose(&out);
	}
	assert_int_equal(pa_test_run(NULL, "%s serve --data %s --listen nowhere", pa_test_binary(), data.ptr), 1);
	assert_int_equal(pa_test_run(NULL, "%s serve --set threads=0", pa_test_binary()), 2);
	pa_buf_dispose(&data);
	pa_buf_dispose(&log);
	pa_buf_dispose(&listen_on);
	pa_buf_dispose(&url);
	pa_buf_dispose(&text);
	free(dir);
}

static void test_server__forwarded_resolution(void **state)
{
	struct sockaddr_in peer = { 0 };
	pa_proxies p;
	pa_forwarded fw;

	(void)state;
	assert_int_equal(pa_proxies_parse(&p, "not-an-ip"), PA_EPARSE);
	assert_int_equal(pa_proxies_parse(&p, "10.0.0.0/33"), PA_EPARSE);
	assert_int_equal(pa_proxies_parse(&p, " 127.0.0.1 , 10.0.0.0/8,::1, fd00::/8 "), 0);
	assert_int_equal(p.count, 4);
	assert_true(pa_proxies_trust_text(&p, "10.200.3.4"));
	assert_true(pa_proxies_trust_text(&p, "::ffff:127.0.0.1"));
	assert_true(pa_proxies_trust_text(&p, "fd12::1"));
	assert_false(pa_proxies_trust_text(&p, "11.0.0.1"));
	assert_false(pa_proxies_trust_text(&p, "127.0.0.2"));

	peer.sin_family = AF_INET;
	inet_pton(AF_INET, "127.0.0.1", &peer.sin_addr);
	/* The rightmost address that is not a proxy is the client; a forged
	 * leftmost entry is ignored. */
	pa_forwarded_resolve(&fw, &p, (struct sockaddr *)&peer, "6.6.6.6, 198.51.100.9, 10.1.1.1",
			     "https", "lms.example.org", "127.0.0.1:8080");
	assert_true(fw.proxied);
	assert_string_equal(fw.client, "198.51.100.9");
	assert_string_equal(fw.scheme, "https");
	assert_string_equal(fw.host, "lms.example.org");
	/* A bad host or scheme is not believed. */
	pa_forwarded_resolve(&fw, &p, (struct sockaddr *)&peer, "garbage", "gopher", "evil.org/<script>",
			     "127.0.0.1:8080");
	assert_string_equal(fw.client, "127.0.0.1");
	assert_string_equal(fw.scheme, "http");
	assert_string_equal(fw.host, "127.0.0.1:8080");
	/* From an untrusted peer, nothing is believed. */
	inet_pton(AF_INET, "192.0.2.1", &peer.sin_addr);
	pa_forwarded_resolve(&fw, &p, (struct sockaddr *)&peer, "198.51.100.9", "https", "lms.example.org", "a.org");
	assert_false(fw.proxied);
	assert_string_equal(fw.client, "192.0.2.1");
	assert_string_equal(fw.scheme, "http");
	assert_string_equal(fw.host, "a.org");
	pa_proxies_dispose(&p);
}

static void test_server__range_and_etag_rules(void **state)
{
	uint64_t start = 0, len = 0;

	(void)state;
	assert_int_equal(pa_http_range(&start, &len, NULL, 10), PA_RANGE_NONE);
	assert_int_equal(pa_http_range(&start, &len, "bytes=0-0", 10), PA_RANGE_PARTIAL);
	assert_true(start == 0 && len == 1);
	assert_int_equal(pa_http_range(&start, &len, "bytes=5-100", 10), PA_RANGE_PARTIAL);
	assert_true(start == 5 && len == 5);
	assert_int_equal(pa_http_range(&start, &len, "bytes=-100", 10), PA_RANGE_PARTIAL);
	assert_true(start == 0 && len == 10);
	assert_int_equal(pa_http_range(&start, &len, "bytes=-0", 10), PA_RANGE_UNSATISFIABLE);
	assert_int_equal(pa_http_range(&start, &len, "bytes=0-", 0), PA_RANGE_UNSATISFIABLE);
	assert_int_equal(pa_http_range(&start, &len, "bytes=5-2", 10), PA_RANGE_NONE);
	assert_int_equal(pa_http_range(&start, &len, "bytes=0-1,4-5", 10), PA_RANGE_NONE);
	assert_int_equal(pa_http_range(&start, &len, "items=0-1", 10), PA_RANGE_NONE);
	assert_int_equal(pa_http_range(&start, &len, "bytes=99999999999999999999-", 10), PA_RANGE_NONE);
	assert_int_equal(pa_http_range(&start, &len, "bytes=+1-2", 10), PA_RANGE_NONE);

	assert_true(pa_http_etag_match("*", "\"a\""));
	assert_true(pa_http_etag_match("\"x\", \"a\"", "\"a\""));
	assert_true(pa_http_etag_match("W/\"a\"", "\"a\""));
	assert_false(pa_http_etag_match("\"ab\"", "\"a\""));
	assert_false(pa_http_etag_match("", "\"a\""));

	assert_string_equal(pa_http_mime("a/b/INDEX.HTM"), "text/html");
	assert_string_equal(pa_http_mime("video.mp4"), "video/mp4");
	assert_string_equal(pa_http_mime("font.woff2"), "font/woff2");
	assert_string_equal(pa_http_mime("dir.d/noext"), "application/octet-stream");
}

static void test_server__frame_ancestors_names_the_lms(void **state)
{
	fixture *f = start("server-frame", NULL, NULL);
	pa_server_options opts = { &f->cfg, f->store, NULL };
	pa_server *other = NULL;
	char v[1024];
	reply r;

	(void)state;
	pa_server_stop(f->server);
	assert_int_equal(pa_config_set(&f->cfg, "frame_ancestors", "https://moodle.example.org https://lms.example"), 0);
	assert_int_equal(pa_server_start(&f->server, &opts), 0);
	http(&r, f, "GET", "/content/1/1/index.html", NULL, NULL, false);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(header_of(&r, "Content-Security-Policy", v, sizeof(v)),
			       "; frame-ancestors 'self' https://moodle.example.org https://lms.example"));
	reply_dispose(&r);
	/* A value that would add directives of its own is refused at start. */
	assert_int_equal(pa_config_set(&f->cfg, "frame_ancestors", "* ; script-src *"), 0);
	assert_int_equal(pa_server_start(&other, &opts), PA_EINVAL);
	assert_null(other);
	stop(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server__healthz),
		cmocka_unit_test(test_server__frame_ancestors_names_the_lms),
		cmocka_unit_test(test_server__content_types_and_caching),
		cmocka_unit_test(test_server__content_ranges),
		cmocka_unit_test(test_server__content_stays_inside_the_version),
		cmocka_unit_test(test_server__admin_needs_a_valid_token),
		cmocka_unit_test(test_server__admin_upload_imports),
		cmocka_unit_test(test_server__oversized_upload_is_refused),
		cmocka_unit_test(test_server__forwarded_headers_only_from_trusted_proxies),
		cmocka_unit_test(test_server__stop_finishes_requests_in_progress),
		cmocka_unit_test(test_server__serve_command_stops_on_sigterm),
		cmocka_unit_test(test_server__forwarded_resolution),
		cmocka_unit_test(test_server__range_and_etag_rules),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
