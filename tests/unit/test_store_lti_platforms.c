/* runtime/store_lti.h: LTI 1.3 platforms and their deployments. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

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

static pa_store_platform moodle(void)
{
	pa_store_platform p;

	memset(&p, 0, sizeof(p));
	p.issuer = "https://moodle.example.org";
	p.client_id = "Xq3kZ";
	p.name = "Moodle of the example university";
	p.auth_url = "https://moodle.example.org/mod/lti/auth.php";
	p.token_url = "https://moodle.example.org/mod/lti/token.php";
	p.jwks_url = "https://moodle.example.org/mod/lti/certs.php";
	return p;
}

static void test_store_lti_platforms__add_get_find(void **state)
{
	pa_store *s = open_store("lti-platforms-add");
	pa_store_platform in = moodle(), p;
	int64_t id = 0;

	(void)state;
	assert_int_equal(pa_store_platform_add(&id, s, &in), 0);
	assert_true(id > 0);
	assert_int_equal(pa_store_deployment_add(s, id, "1"), 0);
	assert_int_equal(pa_store_deployment_add(s, id, "7"), 0);
	assert_int_equal(pa_store_deployment_add(s, id, "1"), 0);  /* again: not an error */

	assert_int_equal(pa_store_platform_get(&p, s, id), 0);
	assert_int_equal(p.id, id);
	assert_string_equal(p.issuer, in.issuer);
	assert_string_equal(p.client_id, in.client_id);
	assert_string_equal(p.name, in.name);
	assert_string_equal(p.auth_url, in.auth_url);
	assert_string_equal(p.token_url, in.token_url);
	assert_string_equal(p.jwks_url, in.jwks_url);
	assert_null(p.token_audience);
	assert_true(p.created > 0);
	assert_int_equal(p.ndeployments, 2);
	assert_string_equal(p.deployments[0], "1");
	assert_string_equal(p.deployments[1], "7");
	pa_store_platform_dispose(&p);

	assert_int_equal(pa_store_platform_find(&p, s, in.issuer, in.client_id), 0);
	assert_int_equal(p.id, id);
	assert_int_equal(p.ndeployments, 2);
	pa_store_platform_dispose(&p);
	/* Without a client id: the only one of the issuer. */
	assert_int_equal(pa_store_platform_find(&p, s, in.issuer, NULL), 0);
	assert_int_equal(p.id, id);
	pa_store_platform_dispose(&p);

	assert_int_equal(pa_store_platform_find(&p, s, in.issuer, "other"), PA_ENOTFOUND);
	assert_null(p.issuer);
	assert_int_equal(pa_store_platform_find(&p, s, "https://canvas.example.org", NULL), PA_ENOTFOUND);
	assert_int_equal(pa_store_platform_get(&p, s, id + 1), PA_ENOTFOUND);
	pa_store_close(s);
}

static void test_store_lti_platforms__one_per_issuer_and_client(void **state)
{
	pa_store *s = open_store("lti-platforms-unique");
	pa_store_platform in = moodle(), p;
	int64_t a, b;

	(void)state;
	assert_int_equal(pa_store_platform_add(&a, s, &in), 0);
	assert_int_equal(pa_store_platform_add(NULL, s, &in), PA_EEXISTS);
	assert_non_null(strstr(pa_error_last(), "already registered"));
	/* The same platform with a second tool registration (another client id). */
	in.client_id = "second";
	in.token_audience = "https://moodle.example.org/mod/lti/token.php#aud";
	assert_int_equal(pa_store_platform_add(&b, s, &in), 0);
	assert_int_not_equal(a, b);
	assert_int_equal(pa_store_platform_find(&p, s, in.issuer, NULL), PA_EINVALID);
	assert_non_null(strstr(pa_error_last(), "client id"));
	assert_int_equal(pa_store_platform_find(&p, s, in.issuer, "second"), 0);
	assert_int_equal(p.id, b);
	assert_string_equal(p.token_audience, in.token_audience);
	pa_store_platform_dispose(&p);
	pa_store_close(s);
}

static void test_store_lti_platforms__required_fields(void **state)
{
	pa_store *s = open_store("lti-platforms-required");
	pa_store_platform in = moodle();

	(void)state;
	in.jwks_url = "";
	assert_int_equal(pa_store_platform_add(NULL, s, &in), PA_EINVAL);
	in = moodle();
	in.issuer = NULL;
	assert_int_equal(pa_store_platform_add(NULL, s, &in), PA_EINVAL);
	in = moodle();
	in.client_id = "";
	assert_int_equal(pa_store_platform_add(NULL, s, &in), PA_EINVAL);
	pa_store_close(s);
}

static void test_store_lti_platforms__deployments(void **state)
{
	pa_store *s = open_store("lti-platforms-deployments");
	pa_store_platform in = moodle();
	int64_t a, b;

	(void)state;
	assert_int_equal(pa_store_platform_add(&a, s, &in), 0);
	in.client_id = "b";
	assert_int_equal(pa_store_platform_add(&b, s, &in), 0);
	assert_int_equal(pa_store_deployment_add(s, a, "dep-1"), 0);
	assert_int_equal(pa_store_deployment_check(s, a, "dep-1"), 0);
	/* A deployment belongs to its platform only. */
	assert_int_equal(pa_store_deployment_check(s, b, "dep-1"), PA_ENOTFOUND);
	assert_int_equal(pa_store_deployment_check(s, a, "dep-2"), PA_ENOTFOUND);
	assert_non_null(strstr(pa_error_last(), "dep-2"));
	assert_int_equal(pa_store_deployment_check(s, a, NULL), PA_ENOTFOUND);
	assert_int_equal(pa_store_deployment_check(s, a, ""), PA_ENOTFOUND);
	assert_int_equal(pa_store_deployment_add(s, a, ""), PA_EINVAL);
	assert_int_equal(pa_store_deployment_add(s, b + 100, "dep-1"), PA_ENOTFOUND);
	assert_non_null(strstr(pa_error_last(), "no platform"));
	pa_store_close(s);
}

static void test_store_lti_platforms__list_and_remove(void **state)
{
	pa_store *s = open_store("lti-platforms-list");
	pa_store_platform in = moodle(), *list, p;
	int64_t ids[3];
	size_t n;

	(void)state;
	assert_int_equal(pa_store_platform_list(&list, &n, s), 0);
	assert_int_equal(n, 0);
	pa_store_platform_list_free(list, n);
	for (int i = 0; i < 3; i++) {
		char client[8] = { 'c', (char)('0' + i), '\0' };

		in.client_id = client;
		in.name = i == 1 ? NULL : "named";
		assert_int_equal(pa_store_platform_add(&ids[i], s, &in), 0);
	}
	assert_int_equal(pa_store_deployment_add(s, ids[0], "x"), 0);
	assert_int_equal(pa_store_deployment_add(s, ids[2], "y"), 0);
	assert_int_equal(pa_store_deployment_add(s, ids[2], "z"), 0);

	assert_int_equal(pa_store_platform_list(&list, &n, s), 0);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].id, ids[0]);
	assert_string_equal(list[0].client_id, "c0");
	assert_int_equal(list[0].ndeployments, 1);
	assert_string_equal(list[0].deployments[0], "x");
	assert_null(list[1].name);
	assert_int_equal(list[1].ndeployments, 0);
	assert_int_equal(list[2].ndeployments, 2);
	assert_string_equal(list[2].deployments[1], "z");
	pa_store_platform_list_free(list, n);

	/* Removed with its deployments; the others stay. */
	assert_int_equal(pa_store_platform_remove(s, ids[2]), 0);
	assert_int_equal(pa_store_platform_remove(s, ids[2]), PA_ENOTFOUND);
	assert_int_equal(pa_store_platform_get(&p, s, ids[2]), PA_ENOTFOUND);
	assert_int_equal(pa_store_deployment_check(s, ids[2], "y"), PA_ENOTFOUND);
	assert_int_equal(pa_store_deployment_check(s, ids[0], "x"), 0);
	assert_int_equal(pa_store_platform_list(&list, &n, s), 0);
	assert_int_equal(n, 2);
	pa_store_platform_list_free(list, n);
	/* Registering it again starts afresh. */
	in.client_id = "c2";
	assert_int_equal(pa_store_platform_add(&ids[2], s, &in), 0);
	assert_int_equal(pa_store_deployment_check(s, ids[2], "y"), PA_ENOTFOUND);
	pa_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_lti_platforms__add_get_find),
		cmocka_unit_test(test_store_lti_platforms__one_per_issuer_and_client),
		cmocka_unit_test(test_store_lti_platforms__required_fields),
		cmocka_unit_test(test_store_lti_platforms__deployments),
		cmocka_unit_test(test_store_lti_platforms__list_and_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
