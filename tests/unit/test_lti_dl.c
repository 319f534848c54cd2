/* lti/register and lti/deeplink: what needs no server (configuration checks,
 * the registration we send, deep linking contexts, tokens and responses). */
#include "support.h"

#include <string.h>
#include <jansson.h>

#include "common/error.h"
#include "lti/deeplink.h"
#include "lti/register.h"

static const unsigned char key[PA_SESSION_KEY_BYTES] = "0123456789abcdef0123456789abcdef";

static json_t *config_for(const char *issuer)
{
	json_t *c = json_pack("{ss ss ss ss ss s{ss}}", "issuer", issuer, "authorization_endpoint",
			      "https://lms.example/auth", "token_endpoint", "https://lms.example/token", "jwks_uri",
			      "https://lms.example/certs", "registration_endpoint", "https://lms.example/register",
			      PA_LTI_PLATFORM_CONFIGURATION, "product_family_code", "moodle");

	assert_non_null(c);
	return c;
}

static void test_lti_dl__config_accepts_moodle(void **state)
{
	json_t *c = config_for("https://lms.example");

	(void)state;
	assert_int_equal(pa_lti_registration_check(c, "https://lms.example/mod/lti/openid-configuration.php"), 0);
	json_decref(c);
	/* An issuer with a path and a trailing slash (Moodle in a subfolder). */
	c = config_for("https://school.example/moodle/");
	assert_int_equal(pa_lti_registration_check(c, "https://school.example/moodle/mod/lti/openid-configuration.php"),
			 0);
	json_decref(c);
}

static void test_lti_dl__config_issuer_must_prefix_url(void **state)
{
	json_t *c = config_for("https://lms.example");

	(void)state;
	assert_int_equal(pa_lti_registration_check(c, "https://other.example/openid"), PA_EINVALID);
	assert_non_null(strstr(pa_error_last(), "does not match"));
	/* A prefix that is not at a boundary is no match. */
	assert_int_equal(pa_lti_registration_check(c, "https://lms.example.evil/openid"), PA_EINVALID);
	assert_int_equal(pa_lti_registration_check(c, "http://lms.example/openid"), PA_EINVALID);
	json_decref(c);
}

static void test_lti_dl__config_needs_every_field(void **state)
{
	static const char *const fields[] = {
		"issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint",
		PA_LTI_PLATFORM_CONFIGURATION,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		json_t *c = config_for("https://lms.example");

		json_object_del(c, fields[i]);
		assert_int_equal(pa_lti_registration_check(c, "https://lms.example/openid"), PA_EINVALID);
		assert_non_null(strstr(pa_error_last(), i == 5 ? "LTI platform configuration" : fields[i]));
		json_decref(c);
	}
	{
		json_t *array = json_array();

		assert_int_equal(pa_lti_registration_check(array, "https://lms.example/openid"), PA_EINVALID);
		json_decref(array);
	}
}

static void test_lti_dl__registration_request(void **state)
{
	pa_buf body = PA_BUF_INIT;
	json_t *req, *tool, *msg;

	(void)state;
	assert_int_equal(pa_lti_registration_request(&body, "https://tool.example:8443"), 0);
	assert_non_null(req = json_loads(body.ptr, 0, NULL));
	assert_string_equal(json_string_value(json_object_get(req, "application_type")), "web");
	assert_string_equal(json_string_value(json_array_get(json_object_get(req, "response_types"), 0)), "id_token");
	assert_int_equal(json_array_size(json_object_get(req, "grant_types")), 2);
	assert_string_equal(json_string_value(json_object_get(req, "initiate_login_uri")),
			    "https://tool.example:8443/lti/login");
	assert_string_equal(json_string_value(json_array_get(json_object_get(req, "redirect_uris"), 0)),
			    "https://tool.example:8443/lti/launch");
	assert_string_equal(json_string_value(json_object_get(req, "jwks_uri")), "https://tool.example:8443/lti/jwks");
	assert_string_equal(json_string_value(json_object_get(req, "token_endpoint_auth_method")), "private_key_jwt");
	assert_non_null(strstr(json_string_value(json_object_get(req, "scope")),
			       "https://purl.imsglobal.org/spec/lti-ags/scope/score"));
	tool = json_object_get(req, PA_LTI_TOOL_CONFIGURATION);
	assert_string_equal(json_string_value(json_object_get(tool, "domain")), "tool.example:8443");
	assert_string_equal(json_string_value(json_object_get(tool, "target_link_uri")),
			    "https://tool.example:8443/lti/launch");
	msg = json_array_get(json_object_get(tool, "messages"), 0);
	assert_string_equal(json_string_value(json_object_get(msg, "type")), "LtiDeepLinkingRequest");
	assert_int_equal(json_array_size(json_object_get(tool, "claims")), 6);
	json_decref(req);
	pa_buf_dispose(&body);
}

static json_t *dl_claims(void)
{
	json_t *c = json_pack("{ss ss s{ss} s{ss s[ss] sb ss}}",
			      "https://purl.imsglobal.org/spec/lti/claim/message_type", "LtiDeepLinkingRequest",
			      "https://purl.imsglobal.org/spec/lti/claim/deployment_id", "dep-1",
			      "https://purl.imsglobal.org/spec/lti/claim/launch_presentation", "locale", "fr-CA",
			      PA_LTI_DL_SETTINGS, "deep_link_return_url", "https://lms.example/dl/return",
			      "accept_types", "link", "ltiResourceLink", "accept_multiple", 1, "data", "opaque=1");

	assert_non_null(c);
	return c;
}

static const pa_store_platform platform = { .id = 7, .issuer = "https://lms.example", .client_id = "client-1" };

static void test_lti_dl__context_from_claims(void **state)
{
	pa_lti_dl_context c;
	json_t *claims = dl_claims();

	(void)state;
	assert_int_equal(pa_lti_dl_context_from_claims(&c, &platform, claims), 0);
	assert_int_equal(c.platform_id, 7);
	assert_string_equal(c.issuer, "https://lms.example");
	assert_string_equal(c.client_id, "client-1");
	assert_string_equal(c.deployment_id, "dep-1");
	assert_string_equal(c.return_url, "https://lms.example/dl/return");
	assert_string_equal(c.data, "opaque=1");
	assert_true(c.accept_multiple);
	assert_string_equal(c.lang, "fr");
	pa_lti_dl_context_dispose(&c);
	json_decref(claims);
}

static void test_lti_dl__context_refuses_bad_settings(void **state)
{
	pa_lti_dl_context c;
	json_t *claims;

	(void)state;
	claims = dl_claims();
	json_object_set_new(json_object_get(claims, PA_LTI_DL_SETTINGS), "accept_types", json_pack("[s]", "file"));
	assert_int_equal(pa_lti_dl_context_from_claims(&c, &platform, claims), PA_EINVALID);
	assert_non_null(strstr(pa_error_last(), "ltiResourceLink"));
	json_decref(claims);

	claims = dl_claims();
	json_object_set_new(json_object_get(claims, PA_LTI_DL_SETTINGS), "deep_link_return_url",
			    json_string("javascript:alert(1)"));
	assert_int_equal(pa_lti_dl_context_from_claims(&c, &platform, claims), PA_EINVALID);
	json_decref(claims);

	claims = dl_claims();
	json_object_del(claims, PA_LTI_DL_SETTINGS);
	assert_int_equal(pa_lti_dl_context_from_claims(&c, &platform, claims), PA_EINVALID);
	json_decref(claims);

	claims = dl_claims();
	json_object_del(claims, "https://purl.imsglobal.org/spec/lti/claim/deployment_id");
	assert_int_equal(pa_lti_dl_context_from_claims(&c, &platform, claims), PA_EINVALID);
	json_decref(claims);

	claims = dl_claims();
	json_object_set_new(json_object_get(claims, PA_LTI_DL_SETTINGS), "data", json_integer(3));
	assert_int_equal(pa_lti_dl_context_from_claims(&c, &platform, claims), PA_EINVALID);
	json_decref(claims);
}

static void test_lti_dl__lang(void **state)
{
	(void)state;
	assert_string_equal(pa_lti_dl_lang("fr"), "fr");
	assert_string_equal(pa_lti_dl_lang("FR_fr"), "fr");
	assert_string_equal(pa_lti_dl_lang("fr-CA"), "fr");
	assert_string_equal(pa_lti_dl_lang("fry"), "en");
	assert_string_equal(pa_lti_dl_lang("en-GB"), "en");
	assert_string_equal(pa_lti_dl_lang(NULL), "en");
	assert_string_equal(pa_lti_dl_lang(""), "en");
}

static void test_lti_dl__token_round_trip(void **state)
{
	pa_lti_dl_context c, back;
	json_t *claims = dl_claims();
	pa_buf t = PA_BUF_INIT;

	(void)state;
	assert_int_equal(pa_lti_dl_context_from_claims(&c, &platform, claims), 0);
	c.expires = 5000;
	assert_int_equal(pa_lti_dl_token_make(&t, key, &c), 0);
	assert_true(strncmp(t.ptr, "dl1.", 4) == 0);
	assert_int_equal(pa_lti_dl_token_check(&back, key, t.ptr, 4999), 0);
	assert_int_equal(back.platform_id, 7);
	assert_string_equal(back.issuer, c.issuer);
	assert_string_equal(back.client_id, c.client_id);
	assert_string_equal(back.deployment_id, c.deployment_id);
	assert_string_equal(back.return_url, c.return_url);
	assert_string_equal(back.data, c.data);
	assert_true(back.accept_multiple);
	assert_string_equal(back.lang, "fr");
	pa_lti_dl_context_dispose(&back);
	assert_int_equal(pa_lti_dl_token_check(&back, key, t.ptr, 5000), PA_ELIMIT);
	/* Without data, the token says so. */
	free(c.data);
	c.data = NULL;
	pa_buf_clear(&t);
	assert_int_equal(pa_lti_dl_token_make(&t, key, &c), 0);
	assert_int_equal(pa_lti_dl_token_check(&back, key, t.ptr, 1), 0);
	assert_null(back.data);
	pa_lti_dl_context_dispose(&back);
	pa_lti_dl_context_dispose(&c);
	pa_buf_dispose(&t);
	json_decref(claims);
}

static void test_lti_dl__token_refuses_forgeries(void **state)
{
	static const unsigned char other[PA_SESSION_KEY_BYTES] = "fedcba9876543210fedcba9876543210";
	pa_lti_dl_context c, back;
	json_t *claims = dl_claims();
	pa_buf t = PA_BUF_INIT;
	char *dot;

	(void)state;
	assert_int_equal(pa_lti_dl_context_from_claims(&c, &platform, claims), 0);
	c.expires = 5000;
	assert_int_equal(pa_lti_dl_token_make(&t, key, &c), 0);
	assert_int_equal(pa_lti_dl_token_check(&back, other, t.ptr, 1), PA_EINVALID);
	/* One character of the context changed. */
	t.ptr[6] = t.ptr[6] == 'A' ? 'B' : 'A';
	assert_int_equal(pa_lti_dl_token_check(&back, key, t.ptr, 1), PA_EINVALID);
	t.ptr[6] = t.ptr[6] == 'A' ? 'B' : 'A';
	dot = strrchr(t.ptr, '.');
	dot[1] = dot[1] == '0' ? '1' : '0';
	assert_int_equal(pa_lti_dl_token_check(&back, key, t.ptr, 1), PA_EINVALID);
	dot[1] = 'X';
	assert_int_equal(pa_lti_dl_token_check(&back, key, t.ptr, 1), PA_EPARSE);
	assert_int_equal(pa_lti_dl_token_check(&back, key, "dl1.abc", 1), PA_EPARSE);
	assert_int_equal(pa_lti_dl_token_check(&back, key, "12.34.2000.00", 1), PA_EPARSE);
	assert_int_equal(pa_lti_dl_token_check(&back, key, NULL, 1), PA_EPARSE);
	assert_int_equal(pa_lti_dl_token_check(&back, key, "", 1), PA_EPARSE);
	pa_lti_dl_context_dispose(&c);
	pa_buf_dispose(&t);
	json_decref(claims);
}

static void test_lti_dl__response_claims(void **state)
{
	pa_store_version items[2] = {
		{ .package_id = 1, .identifier = "org.example.a", .title = "Module A", .scorm_version = "1.2" },
		{ .package_id = 2, .identifier = "org.example.b", .title = "Module B", .scorm_version = "2004 4th Edition" },
	};
	pa_lti_dl_context c;
	json_t *claims = dl_claims(), *out, *list, *item;

	(void)state;
	assert_int_equal(pa_lti_dl_context_from_claims(&c, &platform, claims), 0);
	assert_int_equal(pa_lti_dl_response_claims(&out, &c, items, 2, 1000), 0);
	assert_string_equal(json_string_value(json_object_get(out, "iss")), "client-1");
	assert_string_equal(json_string_value(json_object_get(out, "aud")), "https://lms.example");
	assert_int_equal(json_integer_value(json_object_get(out, "iat")), 1000);
	assert_true(json_integer_value(json_object_get(out, "exp")) > 1000);
	assert_int_equal(strlen(json_string_value(json_object_get(out, "nonce"))), 32);
	assert_string_equal(json_string_value(json_object_get(out,
			    "https://purl.imsglobal.org/spec/lti/claim/message_type")), "LtiDeepLinkingResponse");
	assert_string_equal(json_string_value(json_object_get(out, "https://purl.imsglobal.org/spec/lti/claim/version")),
			    "1.3.0");
	assert_string_equal(json_string_value(json_object_get(out,
			    "https://purl.imsglobal.org/spec/lti/claim/deployment_id")), "dep-1");
	assert_string_equal(json_string_value(json_object_get(out, "https://purl.imsglobal.org/spec/lti-dl/claim/data")),
			    "opaque=1");
	list = json_object_get(out, "https://purl.imsglobal.org/spec/lti-dl/claim/content_items");
	assert_int_equal(json_array_size(list), 2);
	item = json_array_get(list, 1);
	assert_string_equal(json_string_value(json_object_get(item, "type")), "ltiResourceLink");
	assert_string_equal(json_string_value(json_object_get(item, "title")), "Module B");
	assert_string_equal(json_string_value(json_object_get(json_object_get(item, "custom"), "package")),
			    "org.example.b");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(item, "lineItem"), "scoreMaximum")), 100);
	assert_string_equal(json_string_value(json_object_get(json_object_get(item, "lineItem"), "label")), "Module B");
	assert_string_equal(json_string_value(json_object_get(json_object_get(item, "lineItem"), "resourceId")),
			    "org.example.b");
	json_decref(out);
	/* No data in the request: none in the response. */
	free(c.data);
	c.data = NULL;
	assert_int_equal(pa_lti_dl_response_claims(&out, &c, items, 1, 1000), 0);
	assert_null(json_object_get(out, "https://purl.imsglobal.org/spec/lti-dl/claim/data"));
	json_decref(out);
	pa_lti_dl_context_dispose(&c);
	json_decref(claims);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lti_dl__config_accepts_moodle),
		cmocka_unit_test(test_lti_dl__config_issuer_must_prefix_url),
		cmocka_unit_test(test_lti_dl__config_needs_every_field),
		cmocka_unit_test(test_lti_dl__registration_request),
		cmocka_unit_test(test_lti_dl__context_from_claims),
		cmocka_unit_test(test_lti_dl__context_refuses_bad_settings),
		cmocka_unit_test(test_lti_dl__lang),
		cmocka_unit_test(test_lti_dl__token_round_trip),
		cmocka_unit_test(test_lti_dl__token_refuses_forgeries),
		cmocka_unit_test(test_lti_dl__response_claims),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
