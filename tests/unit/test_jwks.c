/* lti/jwks: a platform's key set served on loopback, fetched once and
 * cached; the platform rotates and an unknown kid fetches again, but not
 * more than once in 10 s; TTL; stale keys while the platform is down; the
 * size cap and the shape of the document; many threads at once. */
#include "loopback.h"
#include "rsatest.h"

#include <pthread.h>
#include <unistd.h>

#include "common/error.h"
#include "lti/jwks.h"
#include "lti/jwt.h"

typedef struct platform {
	pthread_mutex_t lock;
	char *document;        /* what /jwks.json answers */
	unsigned status;
	int fetches;
	size_t chunked;        /* > 0: a body this large instead */
} platform;

static void handler(lb_answer *a, const lb_request *r, void *ctx)
{
	platform *p = ctx;

	(void)r;
	pthread_mutex_lock(&p->lock);
	p->fetches++;
	a->status = p->status;
	a->content_type = "application/json";
	a->chunked_len = p->chunked;
	pa_buf_puts(&a->body, p->document ? p->document : "");
	pthread_mutex_unlock(&p->lock);
}

typedef struct fixture {
	keypair k1, k2, k3;
	platform p;
	lb_server server;
	char url[128];
} fixture;

static void serve(fixture *f, const json_t *a, const json_t *b)
{
	json_t *keys = json_array(), *doc;

	if (a)
		json_array_append_new(keys, json_deep_copy(a));
	if (b)
		json_array_append_new(keys, json_deep_copy(b));
	doc = json_pack("{s:o}", "keys", keys);
	pthread_mutex_lock(&f->p.lock);
	free(f->p.document);
	f->p.document = json_dumps(doc, 0);
	f->p.status = 200;
	f->p.chunked = 0;
	pthread_mutex_unlock(&f->p.lock);
	json_decref(doc);
}

static void serve_text(fixture *f, unsigned status, const char *text)
{
	pthread_mutex_lock(&f->p.lock);
	free(f->p.document);
	f->p.document = strdup(text);
	f->p.status = status;
	pthread_mutex_unlock(&f->p.lock);
}

static int fetches(fixture *f)
{
	int n;

	pthread_mutex_lock(&f->p.lock);
	n = f->p.fetches;
	pthread_mutex_unlock(&f->p.lock);
	return n;
}

static int group_setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	keypair_make(&f->k1, 2048, "k1");
	keypair_make(&f->k2, 2048, "k2");
	keypair_make(&f->k3, 2048, "k3");
	pthread_mutex_init(&f->p.lock, NULL);
	*state = f;
	return 0;
}

static int group_teardown(void **state)
{
	fixture *f = *state;

	keypair_dispose(&f->k1);
	keypair_dispose(&f->k2);
	keypair_dispose(&f->k3);
	pthread_mutex_destroy(&f->p.lock);
	free(f);
	return 0;
}

/* A fresh platform for each test. */
static int setup(void **state)
{
	fixture *f = *state;

	f->p.fetches = 0;
	serve(f, f->k1.jwk, NULL);
	lb_start(&f->server, handler, &f->p);
	snprintf(f->url, sizeof(f->url), "%s/jwks.json", f->server.base);
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	lb_stop(&f->server);
	free(f->p.document);
	f->p.document = NULL;
	return 0;
}

static char *token(const keypair *k, const char *kid)
{
	pa_buf b = PA_BUF_INIT;
	json_t *claims = json_pack("{s:s}", "iss", "https://platform.example");

	assert_int_equal(pa_jwt_sign(&b, k->pem, kid, claims), 0);
	json_decref(claims);
	return pa_buf_detach(&b);
}

static int verify(pa_lti_jwks_cache *c, const char *url, const char *t)
{
	pa_jwt jwt;
	int rc = pa_lti_jwks_verify(&jwt, c, url, t);

	if (rc == 0) {
		assert_string_equal(json_string_value(json_object_get(jwt.claims, "iss")), "https://platform.example");
		pa_jwt_dispose(&jwt);
	} else {
		assert_null(jwt.claims);
	}
	return rc;
}

static void test_jwks__fetched_once_and_cached(void **state)
{
	fixture *f = *state;
	pa_lti_jwks_cache *c = NULL;
	char *t = token(&f->k1, "k1"), *bad = token(&f->k2, "k1");

	assert_int_equal(pa_lti_jwks_cache_new(&c, 3600, 5, true), 0);
	assert_int_equal(verify(c, f->url, t), 0);
	assert_int_equal(verify(c, f->url, t), 0);
	assert_int_equal(fetches(f), 1);
	/* A bad signature is not an unknown kid: no fetch. */
	assert_int_equal(verify(c, f->url, bad), PA_EINVALID);
	assert_int_equal(fetches(f), 1);
	free(t);
	free(bad);
	pa_lti_jwks_cache_free(c);
}

static void test_jwks__platform_rotates(void **state)
{
	fixture *f = *state;
	pa_lti_jwks_cache *c = NULL;
	char *t1 = token(&f->k1, "k1"), *t2 = token(&f->k2, "k2"), *t3 = token(&f->k3, "k3");

	assert_int_equal(pa_lti_jwks_cache_new(&c, 3600, 5, true), 0);
	assert_int_equal(verify(c, f->url, t1), 0);
	/* The platform now signs with k2 and publishes k1 and k2. */
	serve(f, f->k1.jwk, f->k2.jwk);
	assert_int_equal(verify(c, f->url, t2), 0);
	assert_int_equal(fetches(f), 2);
	assert_int_equal(verify(c, f->url, t1), 0);
	assert_int_equal(verify(c, f->url, t2), 0);
	assert_int_equal(fetches(f), 2);
	/* A kid it never had, at once: no fetch (at most one in 10 s). */
	serve(f, f->k3.jwk, NULL);
	for (int i = 0; i < 20; i++)
		assert_int_equal(verify(c, f->url, t3), PA_ENOTFOUND);
	assert_int_equal(fetches(f), 2);
	free(t1), free(t2), free(t3);
	pa_lti_jwks_cache_free(c);
}

static void test_jwks__ttl(void **state)
{
	fixture *f = *state;
	pa_lti_jwks_cache *c = NULL;
	char *t1 = token(&f->k1, "k1");

	assert_int_equal(pa_lti_jwks_cache_new(&c, 1, 5, true), 0);
	assert_int_equal(verify(c, f->url, t1), 0);
	usleep(1100 * 1000);
	assert_int_equal(verify(c, f->url, t1), 0);
	assert_int_equal(fetches(f), 2);
	/* Expired and the platform down: the keys we had still serve. */
	usleep(1100 * 1000);
	serve_text(f, 503, "down");
	assert_int_equal(verify(c, f->url, t1), 0);
	assert_int_equal(fetches(f), 3);
	assert_int_equal(verify(c, f->url, t1), 0);
	assert_int_equal(fetches(f), 3);
	free(t1);
	pa_lti_jwks_cache_free(c);
}

static void test_jwks__unusable_documents(void **state)
{
	fixture *f = *state;
	pa_lti_jwks_cache *c = NULL;
	char *t1 = token(&f->k1, "k1");
	static const char *const bad[] = {
		"", "not json", "[]", "{}", "{\"keys\":{}}", "{\"keys\":[],\"keys\":[]}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pa_lti_jwks_cache_new(&c, 3600, 5, true), 0);
		serve_text(f, 200, bad[i]);
		assert_int_equal(verify(c, f->url, t1), PA_EIO);
		pa_lti_jwks_cache_free(c);
	}
	assert_int_equal(pa_lti_jwks_cache_new(&c, 3600, 5, true), 0);
	serve_text(f, 404, "{\"keys\":[]}");
	assert_int_equal(verify(c, f->url, t1), PA_EIO);
	assert_non_null(strstr(pa_error_last(), "404"));
	pa_lti_jwks_cache_free(c);
	/* Over 256 KiB. */
	assert_int_equal(pa_lti_jwks_cache_new(&c, 3600, 5, true), 0);
	pthread_mutex_lock(&f->p.lock);
	f->p.chunked = 300 * 1024;
	f->p.status = 200;
	pthread_mutex_unlock(&f->p.lock);
	assert_int_equal(verify(c, f->url, t1), PA_EIO);
	assert_non_null(strstr(pa_error_last(), "larger"));
	pa_lti_jwks_cache_free(c);
	/* Plain http without lti_allow_http; nothing listening. */
	assert_int_equal(pa_lti_jwks_cache_new(&c, 3600, 5, false), 0);
	assert_int_equal(verify(c, f->url, t1), PA_EIO);
	assert_int_equal(verify(c, "http://127.0.0.1:1/jwks", t1), PA_EIO);
	pa_lti_jwks_cache_free(c);
	free(t1);
}

typedef struct crowd {
	pa_lti_jwks_cache *c;
	const char *url;
	const char *token;
	int failures;
} crowd;

static void *crowd_run(void *arg)
{
	crowd *w = arg;
	pa_jwt jwt;

	for (int i = 0; i < 50; i++) {
		if (pa_lti_jwks_verify(&jwt, w->c, w->url, w->token) == 0)
			pa_jwt_dispose(&jwt);
		else
			w->failures++;
	}
	return NULL;
}

static void test_jwks__threads(void **state)
{
	fixture *f = *state;
	pa_lti_jwks_cache *c = NULL;
	char *t = token(&f->k1, "k1");
	pthread_t th[4];
	crowd w[4];

	assert_int_equal(pa_lti_jwks_cache_new(&c, 3600, 5, true), 0);
	for (int i = 0; i < 4; i++) {
		w[i] = (crowd){ c, f->url, t, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, crowd_run, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	/* Those that waited for the first fetch took its keys. */
	assert_int_equal(fetches(f), 1);
	free(t);
	pa_lti_jwks_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_jwks__fetched_once_and_cached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jwks__platform_rotates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jwks__ttl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jwks__unusable_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jwks__threads, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
