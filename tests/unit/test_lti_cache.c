/* lti/cache: platforms and packages as launches read them, kept a moment. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lti/cache.h"
#include "runtime/store.h"
#include "runtime/store_lti.h"

static pa_store *open_store(const char *name)
{
	char *dir = pa_test_tmpdir(name);
	pa_store *s = NULL;

	if (pa_store_open(&s, dir, NULL) != 0)
		fail_msg("open %s: %s", dir, pa_error_last());
	free(dir);
	return s;
}

static int64_t add_platform(pa_store *s, const char *issuer, const char *client_id)
{
	pa_store_platform p;
	int64_t id = 0;

	memset(&p, 0, sizeof(p));
	p.issuer = (char *)issuer;
	p.client_id = (char *)client_id;
	p.auth_url = "https://lms.example/auth";
	p.token_url = "https://lms.example/token";
	p.jwks_url = "https://lms.example/jwks";
	assert_int_equal(pa_store_platform_add(&id, s, &p), 0);
	assert_int_equal(pa_store_deployment_add(s, id, "d1"), 0);
	return id;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Found once, kept: the store's removal is seen only once the entry has expired. */
static void test_lti_cache__platform_kept_then_expires(void **state)
{
	pa_store *s = open_store("lti-cache-expires");
	pa_lti_cache *kept = NULL, *expired = NULL;
	pa_store_platform p;
	int64_t id;

	(void)state;
	id = add_platform(s, "https://lms.example", "client-1");
	assert_int_equal(pa_lti_cache_new(&kept, s, 600000), 0);
	assert_int_equal(pa_lti_cache_new(&expired, s, 0), 0);   /* every entry expired at once */
	assert_int_equal(pa_lti_cache_platform_get(&p, kept, id), 0);
	assert_string_equal(p.issuer, "https://lms.example");
	assert_int_equal(p.ndeployments, 1);
	pa_store_platform_dispose(&p);
	assert_int_equal(pa_lti_cache_platform_find(&p, kept, "https://lms.example", "client-1"), 0);
	assert_int_equal(p.id, id);
	pa_store_platform_dispose(&p);
	assert_int_equal(pa_lti_cache_platform_get(&p, expired, id), 0);
	pa_store_platform_dispose(&p);

	assert_int_equal(pa_store_platform_remove(s, id), 0);
	/* within the TTL: the copy of a moment ago */
	assert_int_equal(pa_lti_cache_platform_get(&p, kept, id), 0);
	assert_string_equal(p.client_id, "client-1");
	pa_store_platform_dispose(&p);
	assert_int_equal(pa_lti_cache_platform_find(&p, kept, "https://lms.example", "client-1"), 0);
	pa_store_platform_dispose(&p);
	/* past it: the store's answer */
	assert_int_equal(pa_lti_cache_platform_get(&p, expired, id), PA_ENOTFOUND);
	assert_int_equal(pa_lti_cache_platform_find(&p, expired, "https://lms.example", "client-1"), PA_ENOTFOUND);
	pa_lti_cache_free(kept);
	pa_lti_cache_free(expired);
	pa_store_close(s);
}

/* Nothing missing is kept: a platform added after a miss is found at once. */
static void test_lti_cache__misses_are_not_kept(void **state)
{
	pa_store *s = open_store("lti-cache-misses");
	pa_lti_cache *c = NULL;
	pa_store_platform p;
	int64_t id;

	(void)state;
	assert_int_equal(pa_lti_cache_new(&c, s, 60000), 0);
	assert_int_equal(pa_lti_cache_platform_find(&p, c, "https://new.example", NULL), PA_ENOTFOUND);
	id = add_platform(s, "https://new.example", "client-2");
	assert_int_equal(pa_lti_cache_platform_find(&p, c, "https://new.example", NULL), 0);
	assert_int_equal(p.id, id);
	pa_store_platform_dispose(&p);
	/* "find without a client id" and "with it" are kept apart, and both name the same platform */
	assert_int_equal(pa_lti_cache_platform_find(&p, c, "https://new.example", "client-2"), 0);
	assert_int_equal(p.id, id);
	pa_store_platform_dispose(&p);
	assert_int_equal(pa_lti_cache_platform_find(&p, c, "https://new.example", "client-3"), PA_ENOTFOUND);
	pa_lti_cache_free(c);
	pa_store_close(s);
}

/* A deployment added after the platform was kept is seen (the store is asked); an unknown one is refused. */
static void test_lti_cache__deployment_added_later(void **state)
{
	pa_store *s = open_store("lti-cache-deployments");
	pa_lti_cache *c = NULL;
	pa_store_platform p;
	int64_t id;

	(void)state;
	id = add_platform(s, "https://lms.example", "client-1");
	assert_int_equal(pa_lti_cache_new(&c, s, 60000), 0);
	assert_int_equal(pa_lti_cache_platform_get(&p, c, id), 0);
	assert_int_equal(pa_lti_cache_deployment_check(c, &p, "d1"), 0);
	assert_int_equal(pa_lti_cache_deployment_check(c, &p, "d2"), PA_ENOTFOUND);
	assert_int_equal(pa_store_deployment_add(s, id, "d2"), 0);
	assert_int_equal(pa_lti_cache_deployment_check(c, &p, "d2"), 0);
	pa_store_platform_dispose(&p);
	pa_lti_cache_free(c);
	pa_store_close(s);
}

static void test_lti_cache__packages(void **state)
{
	pa_store *s = open_store("lti-cache-packages");
	pa_lti_cache *c = NULL;
	char name[32];

	(void)state;
	assert_int_equal(pa_lti_cache_new(&c, s, 1000), 0);
	assert_int_equal(pa_lti_cache_package_get(c, "golf"), 0);
	pa_lti_cache_package_put(c, "golf", 7);
	pa_lti_cache_package_put(c, "12", 12);
	assert_int_equal(pa_lti_cache_package_get(c, "golf"), 7);
	assert_int_equal(pa_lti_cache_package_get(c, "12"), 12);
	pa_lti_cache_package_put(c, "golf", 8);
	assert_int_equal(pa_lti_cache_package_get(c, "golf"), 8);
	/* bounded: many names start it again empty, the last one kept */
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "module-%d", i);
		pa_lti_cache_package_put(c, name, i + 1);
	}
	assert_int_equal(pa_lti_cache_package_get(c, "module-999"), 1000);
	pause_ms(1100);
	assert_int_equal(pa_lti_cache_package_get(c, "module-999"), 0);
	pa_lti_cache_free(c);
	pa_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lti_cache__platform_kept_then_expires),
		cmocka_unit_test(test_lti_cache__misses_are_not_kept),
		cmocka_unit_test(test_lti_cache__deployment_added_later),
		cmocka_unit_test(test_lti_cache__packages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
