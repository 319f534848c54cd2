/*
 * Requests to platforms through libcurl. One easy handle per request: a
 * handle is not shared between threads, and the connection cache it
 * would save is worth little next to a platform's own latency.
 */
#include "lti/httpc.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <curl/curl.h>

#include "common/error.h"
#include "common/util.h"

#define HTTPC_DEFAULT_TIMEOUT 10
#define HTTPC_DEFAULT_MAX ((size_t)1024 * 1024)

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void pa_httpc_response_init(pa_httpc_response *r)
{
	memset(r, 0, sizeof(*r));
	pa_buf_init(&r->body, 0);
	r->retry_after_s = -1;
}

void pa_httpc_response_dispose(pa_httpc_response *r)
{
	if (!r)
		return;
	pa_buf_dispose(&r->body);
	r->status = 0;
	r->content_type[0] = '\0';
	r->retry_after_s = -1;
}

typedef struct transfer {
	pa_httpc_response *resp;
	size_t max;
	bool over;
} transfer;

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
	transfer *t = userdata;
	size_t n = size * nmemb;  /* curl promises size == 1 */

	if (n > t->max - t->resp->body.len) {
		t->over = true;
		return 0;  /* abort: CURLE_WRITE_ERROR */
	}
	if (pa_buf_put(&t->resp->body, data, n) != 0)
		return 0;
	return n;
}

/* Retry-After: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
static long parse_retry_after(const char *v, size_t len)
{
	char tmp[64];
	int64_t secs;
	time_t when, now;

	while (len && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\r' || v[len - 1] == '\n'))
		len--;
	while (len && (*v == ' ' || *v == '\t'))
		v++, len--;
	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, v, len);
	tmp[len] = '\0';
	if (tmp[0] >= '0' && tmp[0] <= '9')
		return pa_parse_int64(&secs, tmp, 0, 86400 * 365) == 0 ? (long)secs : -1;
	if ((when = curl_getdate(tmp, NULL)) < 0)
		return -1;
	now = time(NULL);
	return when > now ? (long)(when - now) : 0;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
	transfer *t = userdata;
	size_t n = size * nmemb;
	static const char name[] = "retry-after:";

	/* A new status line (after a 100 Continue): forget what came before. */
	if (n >= 5 && !memcmp(data, "HTTP/", 5))
		t->resp->retry_after_s = -1;
	else if (n > sizeof(name) - 1 && !strncasecmp(data, name, sizeof(name) - 1))
		t->resp->retry_after_s = parse_retry_after(data + sizeof(name) - 1, n - (sizeof(name) - 1));
	return n;
}

/* A header value we put on the wire: no CR or LF may smuggle another. */
static int add_header(struct curl_slist **list, const char *name, const char *value)
{
	char line[8192];
	struct curl_slist *l;
	int n;

	if (strpbrk(value, "\r\n"))
		return pa_error_set(PA_EINVALID, "http: a line break in the %s header", name);
	n = snprintf(line, sizeof(line), "%s: %s", name, value);
	if (n < 0 || (size_t)n >= sizeof(line))
		return pa_error_set(PA_ELIMIT, "http: the %s header is too long", name);
	if (!(l = curl_slist_append(*list, line)))
		return pa_error_set(PA_ENOMEM, "http: out of memory");
	*list = l;
	return 0;
}

static int check_url(const pa_httpc_request *req)
{
	if (!req->url || !req->url[0])
		return pa_error_set(PA_EINVALID, "http: no URL");
	if (strpbrk(req->url, " \t\r\n"))
		return pa_error_set(PA_EINVALID, "http: white space in URL");
	if (!strncasecmp(req->url, "https://", 8))
		return 0;
	if (!strncasecmp(req->url, "http://", 7)) {
		if (req->allow_http)
			return 0;
		return pa_error_set(PA_EINVALID, "http: %s is plain http; only https is allowed "
				    "(lti_allow_http is for tests)", req->url);
	}
	return pa_error_set(PA_EINVALID, "http: %s is not an http(s) URL", req->url);
}

int pa_httpc_perform(pa_httpc_response *out, const pa_httpc_request *req)
{
	CURL *h = NULL;
	struct curl_slist *headers = NULL;
	transfer t;
	CURLcode cc;
	const char *method = req->method ? req->method : "GET";
	char *ct = NULL;
	char errbuf[CURL_ERROR_SIZE];
	long timeout = req->timeout_s > 0 ? req->timeout_s : HTTPC_DEFAULT_TIMEOUT;
	int rc = 0;

	pa_buf_clear(&out->body);
	out->status = 0;
	out->content_type[0] = '\0';
	out->retry_after_s = -1;
	if ((rc = check_url(req)) != 0)
		return rc;
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK)
		return pa_error_set(PA_EIO, "http: libcurl: %s", curl_easy_strerror(global_rc));
	if (!(h = curl_easy_init()))
		return pa_error_set(PA_ENOMEM, "http: out of memory");

	t.resp = out;
	t.max = req->max_response ? req->max_response : HTTPC_DEFAULT_MAX;
	t.over = false;
	errbuf[0] = '\0';

	if (req->accept && (rc = add_header(&headers, "Accept", req->accept)) != 0)
		goto done;
	if (req->authorization && (rc = add_header(&headers, "Authorization", req->authorization)) != 0)
		goto done;
	if (req->content_type && (rc = add_header(&headers, "Content-Type", req->content_type)) != 0)
		goto done;
	/* No "Expect: 100-continue" round trip before a POST body. */
	if (!(headers = curl_slist_append(headers, "Expect:"))) {
		rc = pa_error_set(PA_ENOMEM, "http: out of memory");
		goto done;
	}

	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, req->allow_http ? "http,https" : "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t.max);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "passerelle/" PA_VERSION);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
	/* Compressed answers would dodge max_response until inflated: ask for none. */
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, NULL);

	if (!strcmp(method, "GET")) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else if (!strcmp(method, "POST") || !strcmp(method, "PUT") || !strcmp(method, "DELETE")) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	} else {
		rc = pa_error_set(PA_EINVAL, "http: method %s not supported", method);
		goto done;
	}

	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	if (t.over || cc == CURLE_FILESIZE_EXCEEDED) {
		rc = pa_error_set(PA_ELIMIT, "http: the answer of %s is larger than %zu bytes", req->url, t.max);
		goto done;
	}
	if (cc == CURLE_WRITE_ERROR && pa_buf_error(&out->body)) {
		rc = pa_error_set(pa_buf_error(&out->body), "http: the answer of %s could not be kept", req->url);
		goto done;
	}
	if (cc == CURLE_UNSUPPORTED_PROTOCOL) {
		rc = pa_error_set(PA_EINVALID, "http: %s: %s", req->url, errbuf[0] ? errbuf : curl_easy_strerror(cc));
		goto done;
	}
	if (cc != CURLE_OK) {
		rc = pa_error_set(PA_EIO, "http: %s %s: %s", method, req->url,
				  errbuf[0] ? errbuf : curl_easy_strerror(cc));
		goto done;
	}
	if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct) {
		size_t n = strlen(ct);

		if (n < sizeof(out->content_type)) {
			memcpy(out->content_type, ct, n + 1);
		}
	}
done:
	if (rc) {
		pa_buf_clear(&out->body);
		out->content_type[0] = '\0';
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	return rc;
}
