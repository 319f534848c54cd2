/* lti/httpc: requests to a loopback server: status and body whatever the
 * status, headers both ways, the response cap (with and without a
 * Content-Length), a timeout, Retry-After, and the URLs we refuse. */
#include "loopback.h"

#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/error.h"
#include "lti/httpc.h"

static void handler(lb_answer *a, const lb_request *r, void *ctx)
{
	(void)ctx;
	if (!strcmp(r->path, "/ok")) {
		a->content_type = "application/json; charset=utf-8";
		pa_buf_puts(&a->body, "{\"hello\":\"world\"}");
	} else if (!strcmp(r->path, "/echo")) {
		a->status = 201;
		a->content_type = "text/plain";
		pa_buf_printf(&a->body, "%s|%s|%s|%s|", r->method, r->accept ? r->accept : "-",
			      r->authorization ? r->authorization : "-", r->content_type ? r->content_type : "-");
		pa_buf_put(&a->body, r->body, r->body_len);
	} else if (!strcmp(r->path, "/missing")) {
		a->status = 404;
		pa_buf_puts(&a->body, "no such thing");
	} else if (!strcmp(r->path, "/busy")) {
		a->status = 429;
		a->header_name = "Retry-After";
		a->header_value = "7";
	} else if (!strcmp(r->path, "/down")) {
		a->status = 503;
		a->header_name = "Retry-After";
		a->header_value = "Wed, 21 Oct 2015 07:28:00 GMT";  /* in the past: now */
	} else if (!strcmp(r->path, "/bad-retry")) {
		a->status = 503;
		a->header_name = "Retry-After";
		a->header_value = "soon";
	} else if (!strcmp(r->path, "/big")) {
		for (int i = 0; i < 3000; i++)
			pa_buf_puts(&a->body, "0123456789");
	} else if (!strcmp(r->path, "/big-chunked")) {
		a->chunked_len = 200000;
	} else if (!strcmp(r->path, "/slow")) {
		sleep(3);
		pa_buf_puts(&a->body, "late");
	} else if (!strcmp(r->path, "/redirect")) {
		a->status = 302;
		a->header_name = "Location";
		a->header_value = "/ok";
	} else {
		a->status = 400;
	}
}

typedef struct fixture {
	lb_server server;
	pa_httpc_response resp;
	char url[256];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	lb_start(&f->server, handler, NULL);
	pa_httpc_response_init(&f->resp);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	pa_httpc_response_dispose(&f->resp);
	lb_stop(&f->server);
	free(f);
	return 0;
}

static const char *url(fixture *f, const char *path)
{
	snprintf(f->url, sizeof(f->url), "%s%s", f->server.base, path);
	return f->url;
}

static int get(fixture *f, const char *path, size_t max, long timeout)
{
	pa_httpc_request req = { .method = "GET", .url = url(f, path), .allow_http = true,
				 .max_response = max, .timeout_s = timeout };

	return pa_httpc_perform(&f->resp, &req);
}

static void test_httpc__get(void **state)
{
	fixture *f = *state;

	assert_int_equal(get(f, "/ok", 0, 0), 0);
	assert_int_equal(f->resp.status, 200);
	assert_string_equal(pa_buf_cstr(&f->resp.body), "{\"hello\":\"world\"}");
	assert_string_equal(f->resp.content_type, "application/json; charset=utf-8");
	assert_int_equal(f->resp.retry_after_s, -1);
}

static void test_httpc__status_is_the_callers(void **state)
{
	fixture *f = *state;

	assert_int_equal(get(f, "/missing", 0, 0), 0);
	assert_int_equal(f->resp.status, 404);
	assert_string_equal(pa_buf_cstr(&f->resp.body), "no such thing");
}

static void test_httpc__post_with_headers(void **state)
{
	fixture *f = *state;
	static const char body[] = "{\"scoreGiven\":1}";
	pa_httpc_request req = {
		.method = "POST", .url = url(f, "/echo"), .allow_http = true,
		.content_type = "application/vnd.ims.lis.v1.score+json", .accept = "application/json",
		.authorization = "Bearer abc.def", .body = body, .body_len = sizeof(body) - 1,
	};

	assert_int_equal(pa_httpc_perform(&f->resp, &req), 0);
	assert_int_equal(f->resp.status, 201);
	assert_string_equal(pa_buf_cstr(&f->resp.body),
			    "POST|application/json|Bearer abc.def|application/vnd.ims.lis.v1.score+json|"
			    "{\"scoreGiven\":1}");
	assert_string_equal(f->resp.content_type, "text/plain");
}

static void test_httpc__header_injection_refused(void **state)
{
	fixture *f = *state;
	pa_httpc_request req = { .method = "GET", .url = url(f, "/echo"), .allow_http = true,
				 .authorization = "Bearer x\r\nX-Evil: 1" };

	assert_int_equal(pa_httpc_perform(&f->resp, &req), PA_EINVALID);
}

static void test_httpc__retry_after(void **state)
{
	fixture *f = *state;

	assert_int_equal(get(f, "/busy", 0, 0), 0);
	assert_int_equal(f->resp.status, 429);
	assert_int_equal(f->resp.retry_after_s, 7);
	assert_int_equal(get(f, "/down", 0, 0), 0);
	assert_int_equal(f->resp.status, 503);
	assert_int_equal(f->resp.retry_after_s, 0);
	assert_int_equal(get(f, "/bad-retry", 0, 0), 0);
	assert_int_equal(f->resp.retry_after_s, -1);
	/* A later answer forgets an earlier one's. */
	assert_int_equal(get(f, "/ok", 0, 0), 0);
	assert_int_equal(f->resp.retry_after_s, -1);
}

static void test_httpc__cap(void **state)
{
	fixture *f = *state;

	assert_int_equal(get(f, "/big", 30000, 0), 0);
	assert_int_equal(f->resp.body.len, 30000);
	assert_int_equal(get(f, "/big", 29999, 0), PA_ELIMIT);
	assert_int_equal(f->resp.body.len, 0);
	/* No Content-Length: the transfer is cut when the cap is passed. */
	assert_int_equal(get(f, "/big-chunked", 1000, 0), PA_ELIMIT);
	assert_int_equal(f->resp.body.len, 0);
	assert_int_equal(get(f, "/big-chunked", 200000, 0), 0);
	assert_int_equal(f->resp.body.len, 200000);
}

static void test_httpc__timeout(void **state)
{
	fixture *f = *state;
	time_t start = time(NULL);

	assert_int_equal(get(f, "/slow", 0, 1), PA_EIO);
	assert_true(time(NULL) - start < 3);  /* the server answers after 3 s */
	assert_non_null(strstr(pa_error_last(), "/slow"));
}

static void test_httpc__no_redirects(void **state)
{
	fixture *f = *state;

	assert_int_equal(get(f, "/redirect", 0, 0), 0);
	assert_int_equal(f->resp.status, 302);
}

static void test_httpc__refused_urls(void **state)
{
	fixture *f = *state;
	pa_httpc_request req = { .method = "GET", .url = url(f, "/ok") };

	/* Plain http without allow_http: refused before any connection. */
	assert_int_equal(pa_httpc_perform(&f->resp, &req), PA_EINVALID);
	assert_non_null(strstr(pa_error_last(), "https"));
	req.url = "ftp://127.0.0.1/x";
	req.allow_http = true;
	assert_int_equal(pa_httpc_perform(&f->resp, &req), PA_EINVALID);
	req.url = "file:///etc/passwd";
	assert_int_equal(pa_httpc_perform(&f->resp, &req), PA_EINVALID);
	req.url = "";
	assert_int_equal(pa_httpc_perform(&f->resp, &req), PA_EINVALID);
}

static void test_httpc__connection_refused(void **state)
{
	fixture *f = *state;
	pa_httpc_request req = { .method = "GET", .url = "http://127.0.0.1:1/", .allow_http = true };

	assert_int_equal(pa_httpc_perform(&f->resp, &req), PA_EIO);
	assert_int_equal(f->resp.status, 0);
}

static void test_httpc__https_to_plain_server_fails(void **state)
{
	fixture *f = *state;
	char u[128];
	pa_httpc_request req = { .method = "GET", .url = u, .timeout_s = 3 };

	snprintf(u, sizeof(u), "https://127.0.0.1:%u/ok", f->server.port);
	assert_int_equal(pa_httpc_perform(&f->resp, &req), PA_EIO);
}

/* A self-signed certificate for 127.0.0.1: a server we cannot trust. */
static void self_signed(char **key_pem, char **cert_pem)
{
	EVP_PKEY *pkey = EVP_RSA_gen(2048);
	X509 *x = X509_new();
	X509_NAME *name;
	BIO *bio;
	char *data;
	long n;

	assert_non_null(pkey);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, pkey);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"127.0.0.1", -1, -1, 0);
	X509_set_issuer_name(x, name);
	assert_true(X509_sign(x, pkey, EVP_sha256()) > 0);
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL);
	n = BIO_get_mem_data(bio, &data);
	*key_pem = strndup(data, (size_t)n);
	BIO_free(bio);
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(bio, x);
	n = BIO_get_mem_data(bio, &data);
	*cert_pem = strndup(data, (size_t)n);
	BIO_free(bio);
	X509_free(x);
	EVP_PKEY_free(pkey);
}

static void test_httpc__untrusted_certificate_refused(void **state)
{
	fixture *f = *state;
	lb_server tls;
	char *key, *cert, u[128];
	pa_httpc_request req = { .method = "GET", .url = u, .timeout_s = 5 };

	self_signed(&key, &cert);
	lb_start_tls(&tls, handler, NULL, key, cert);
	snprintf(u, sizeof(u), "https://127.0.0.1:%u/ok", tls.port);
	assert_int_equal(pa_httpc_perform(&f->resp, &req), PA_EIO);
	assert_non_null(strstr(pa_error_last(), "certificate"));
	assert_int_equal(f->resp.body.len, 0);
	lb_stop(&tls);
	free(key);
	free(cert);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_httpc__get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_httpc__status_is_the_callers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_httpc__post_with_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_httpc__header_injection_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_httpc__retry_after, setup, teardown),
		cmocka_unit_test_setup_teardown(test_httpc__cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_httpc__timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_httpc__no_redirects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_httpc__refused_urls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_httpc__connection_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_httpc__https_to_plain_server_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_httpc__untrusted_certificate_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
