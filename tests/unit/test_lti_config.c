/* lti/config: the URLs an admin copies into the LMS, and `passerelle lti-config`. */
#include "support.h"

#include <string.h>
#include <jansson.h>

#include "lti/config.h"

static json_t *config_json(const char *base)
{
	pa_buf b = PA_BUF_INIT;
	json_error_t err;
	json_t *j;

	assert_int_equal(pa_lti_config_json(&b, base, NULL), 0);
	j = json_loads(b.ptr, JSON_REJECT_DUPLICATES, &err);
	if (!j)
		fail_msg("not JSON (%s): %s", err.text, b.ptr);
	pa_buf_dispose(&b);
	return j;
}

static void test_lti_config__json_has_every_url(void **state)
{
	json_t *j = config_json("https://passerelle.example.org/tools");
	const char *key;
	json_t *v;

	(void)state;
	assert_string_equal(json_string_value(json_object_get(j, "base_url")), "https://passerelle.example.org/tools");
	assert_string_equal(json_string_value(json_object_get(j, "dynamic_registration")),
			    "https://passerelle.example.org/tools/lti/register");
	assert_string_equal(json_string_value(json_object_get(j, "oidc_login")), "https://passerelle.example.org/tools/lti/login");
	assert_string_equal(json_string_value(json_object_get(j, "launch")), "https://passerelle.example.org/tools/lti/launch");
	assert_string_equal(json_string_value(json_object_get(j, "deep_linking")), "https://passerelle.example.org/tools/lti/launch");
	assert_string_equal(json_string_value(json_object_get(j, "jwks")), "https://passerelle.example.org/tools/lti/jwks");
	assert_string_equal(json_string_value(json_object_get(j, "lti11_launch")),
			    "https://passerelle.example.org/tools/lti/11/launch");
	assert_int_equal(json_array_size(json_object_get(j, "redirect_uris")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "redirect_uris"), 0)),
			    "https://passerelle.example.org/tools/lti/launch");
	/* Nothing else: scripts may rely on the shape. */
	assert_int_equal(json_object_size(j), 8);
	json_object_foreach(j, key, v)
		assert_true(json_is_string(v) || json_is_array(v));
	json_decref(j);
}

static void test_lti_config__json_escapes_the_base(void **state)
{
	json_t *j = config_json("https://a\"b");

	(void)state;
	assert_string_equal(json_string_value(json_object_get(j, "jwks")), "https://a\"b/lti/jwks");
	json_decref(j);
}

static const char *checked(pa_buf *b, const char *url)
{
	pa_buf_clear(b);
	if (pa_lti_base_url_check(b, url) != 0)
		return NULL;
	return pa_buf_cstr(b);
}

static void test_lti_config__base_urls_checked_and_normalized(void **state)
{
	pa_buf b = PA_BUF_INIT;

	(void)state;
	assert_string_equal(checked(&b, "https://passerelle.example.org"), "https://passerelle.example.org");
	assert_string_equal(checked(&b, "HTTPS://Passerelle.Example.ORG/Tools//"), "https://passerelle.example.org/Tools");
	assert_string_equal(checked(&b, "http://127.0.0.1:8080/"), "http://127.0.0.1:8080");
	assert_string_equal(checked(&b, "https://[::1]:8443"), "https://[::1]:8443");
	assert_null(checked(&b, ""));
	assert_null(checked(&b, NULL));
	assert_null(checked(&b, "passerelle.example.org"));
	assert_null(checked(&b, "ftp://passerelle.example.org"));
	assert_null(checked(&b, "https://"));
	assert_null(checked(&b, "https:///path"));
	assert_null(checked(&b, "https://user@host"));
	assert_null(checked(&b, "https://host/?q=1"));
	assert_null(checked(&b, "https://host/#top"));
	assert_null(checked(&b, "https://host/a b"));
	assert_null(checked(&b, "https://ho\"st"));
	assert_null(checked(&b, "https://host\n"));
	pa_buf_dispose(&b);
}

static void test_lti_config__text_and_html_name_every_url(void **state)
{
	pa_buf text = PA_BUF_INIT, html = PA_BUF_INIT, url = PA_BUF_INIT;

	(void)state;
	assert_int_equal(pa_lti_config_text(&text, "https://p.example", NULL), 0);
	assert_int_equal(pa_lti_config_html(&html, "https://p.example/<x>"), 0);
	for (size_t i = 0; i < pa_lti_config_url_count; i++) {
		pa_buf_clear(&url);
		pa_buf_printf(&url, "https://p.example%s\n", pa_lti_config_urls[i].path);
		assert_non_null(strstr(text.ptr, url.ptr));
		assert_non_null(strstr(text.ptr, pa_lti_config_urls[i].moodle));
		pa_buf_clear(&url);
		pa_buf_printf(&url, "<code>https://p.example/&lt;x&gt;%s</code>", pa_lti_config_urls[i].path);
		assert_non_null(strstr(html.ptr, url.ptr));
	}
	assert_null(strstr(html.ptr, "<x>"));
	pa_buf_dispose(&text);
	pa_buf_dispose(&html);
	pa_buf_dispose(&url);
}

static void test_lti_config__the_command(void **state)
{
	pa_buf out = PA_BUF_INIT;
	json_t *j;

	(void)state;
	assert_int_equal(pa_test_run(&out, "'%s' lti-config --base-url https://passerelle.example.org/ --json 2>&1",
				     pa_test_binary()), 0);
	j = json_loads(out.ptr, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "oidc_login")), "https://passerelle.example.org/lti/login");
	json_decref(j);
	/* public_base_url when --base-url is not given; text for people. */
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "'%s' lti-config --set public_base_url=https://lms-tools.example 2>&1",
				     pa_test_binary()), 0);
	assert_non_null(strstr(out.ptr, "\n  https://lms-tools.example/lti/jwks\n  Moodle: Public keyset"));
	/* http works (tests), with a warning. */
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "('%s' lti-config --base-url http://127.0.0.1:9 --json 2>&1 >/dev/null)",
				     pa_test_binary()), 0);
	assert_non_null(strstr(out.ptr, "warning: LMSs require https"));
	/* No base URL anywhere, or a bad one: usage errors. */
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "env -u PASSERELLE_PUBLIC_BASE_URL -u PASSERELLE_CONFIG '%s' lti-config 2>&1",
				     pa_test_binary()), 2);
	assert_non_null(strstr(out.ptr, "--base-url"));
	assert_int_equal(pa_test_run(NULL, "'%s' lti-config --base-url 'https://x/?y' 2>/dev/null", pa_test_binary()), 2);
	assert_int_equal(pa_test_run(NULL, "'%s' lti-config --jsn 2>/dev/null", pa_test_binary()), 2);
	pa_buf_dispose(&out);
}

static void test_lti_config__registration_key_only_where_asked(void **state)
{
	pa_buf b = PA_BUF_INIT, t = PA_BUF_INIT;

	(void)state;
	assert_int_equal(pa_lti_config_json(&b, "https://p.example", "k&y z"), 0);
	assert_non_null(strstr(b.ptr, "\"dynamic_registration\":\"https://p.example/lti/register?key=k%26y%20z\""));
	/* Only on the registration URL. */
	assert_null(strstr(b.ptr, "/lti/login?key"));
	assert_int_equal(pa_lti_config_text(&t, "https://p.example", "abc"), 0);
	assert_non_null(strstr(t.ptr, "https://p.example/lti/register?key=abc\n"));
	pa_buf_clear(&b);
	assert_int_equal(pa_lti_config_json(&b, "https://p.example", ""), 0);
	assert_non_null(strstr(b.ptr, "\"dynamic_registration\":\"https://p.example/lti/register\""));
	pa_buf_dispose(&b);
	pa_buf_dispose(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lti_config__registration_key_only_where_asked),
		cmocka_unit_test(test_lti_config__json_has_every_url),
		cmocka_unit_test(test_lti_config__json_escapes_the_base),
		cmocka_unit_test(test_lti_config__base_urls_checked_and_normalized),
		cmocka_unit_test(test_lti_config__text_and_html_name_every_url),
		cmocka_unit_test(test_lti_config__the_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
