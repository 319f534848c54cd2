/* common/form: urlencoded bodies in, RFC 3986 encoding out. */
#include "support.h"

#include <string.h>

#include "common/error.h"
#include "common/form.h"

static void test_form__parses_fields_in_order(void **state)
{
	static const char body[] = "iss=https%3A%2F%2Flms.example&login_hint=42&name=Amina+Diallo&empty=&flag&iss=dup";
	pa_form f = PA_FORM_INIT;

	(void)state;
	assert_int_equal(pa_form_parse(&f, body, strlen(body)), 0);
	assert_int_equal(f.count, 6);
	assert_string_equal(pa_form_get(&f, "iss"), "https://lms.example");
	assert_string_equal(pa_form_get(&f, "name"), "Amina Diallo");
	assert_string_equal(pa_form_get(&f, "empty"), "");
	assert_string_equal(pa_form_get(&f, "flag"), "");
	assert_null(pa_form_get(&f, "missing"));
	assert_int_equal(pa_form_count(&f, "iss"), 2);
	assert_string_equal(f.fields[5].value, "dup");
	pa_form_dispose(&f);
	assert_int_equal(pa_form_parse(&f, "", 0), 0);
	assert_int_equal(f.count, 0);
	assert_int_equal(pa_form_parse(&f, "&&a=1&&", 7), 0);
	assert_int_equal(f.count, 1);
	pa_form_dispose(&f);
}

static void test_form__refuses_bad_input(void **state)
{
	static const char *const bad[] = {
		"a=%4", "a=%G1", "a=%", "a=%00", "a=%C3%28", "%ZZ=1", "a=%ED%A0%80",
	};
	pa_form f = PA_FORM_INIT;
	pa_buf many = PA_BUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pa_form_parse(&f, bad[i], strlen(bad[i])), PA_EPARSE);
		assert_int_equal(f.count, 0);
	}
	/* A NUL byte inside the length. */
	assert_int_equal(pa_form_parse(&f, "a=b\0c", 5), PA_EPARSE);
	for (int i = 0; i <= PA_FORM_MAX_FIELDS; i++)
		pa_buf_printf(&many, "f%d=1&", i);
	assert_int_equal(pa_form_parse(&f, many.ptr, many.len), PA_ELIMIT);
	assert_int_equal(f.count, 0);
	pa_buf_dispose(&many);
	pa_form_dispose(NULL);
}

static void test_form__encodes_as_rfc3986(void **state)
{
	pa_buf out = PA_BUF_INIT;

	(void)state;
	/* RFC 5849 3.6: unreserved characters stay, everything else %XX upper-case. */
	assert_int_equal(pa_form_encode(&out, "Ladies + Gentlemen"), 0);
	assert_string_equal(out.ptr, "Ladies%20%2B%20Gentlemen");
	pa_buf_clear(&out);
	assert_int_equal(pa_form_encode(&out, "An encoded string!-._~*'()"), 0);
	assert_string_equal(out.ptr, "An%20encoded%20string%21-._~%2A%27%28%29");
	pa_buf_clear(&out);
	assert_int_equal(pa_form_encode(&out, "\xe2\x98\x83"), 0);
	assert_string_equal(out.ptr, "%E2%98%83");
	pa_buf_dispose(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form__parses_fields_in_order),
		cmocka_unit_test(test_form__refuses_bad_input),
		cmocka_unit_test(test_form__encodes_as_rfc3986),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
