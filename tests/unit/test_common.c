/* common/: buffer, numbers, paths, UTF-8, secrets, diagnostics, sets. */
#include "support.h"

#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fs.h"
#include "common/strset.h"
#include "common/util.h"

static void test_common__buf_appends_and_terminates(void **state)
{
	pa_buf b = PA_BUF_INIT;

	(void)state;
	assert_string_equal(pa_buf_cstr(&b), "");
	assert_int_equal(pa_buf_puts(&b, "abc"), 0);
	assert_int_equal(pa_buf_printf(&b, "-%d-", 42), 0);
	assert_int_equal(pa_buf_putc(&b, 'z'), 0);
	assert_string_equal(pa_buf_cstr(&b), "abc-42-z");
	assert_int_equal(b.len, 8);
	pa_buf_truncate(&b, 2);
	assert_string_equal(pa_buf_cstr(&b), "ab");
	pa_buf_dispose(&b);
}

static void test_common__buf_cap_is_sticky(void **state)
{
	pa_buf b;

	(void)state;
	pa_buf_init(&b, 4);
	assert_int_equal(pa_buf_puts(&b, "abcd"), 0);
	assert_int_equal(pa_buf_putc(&b, 'e'), PA_ELIMIT);
	/* Sticky: a small append after a failure fails too. */
	assert_int_equal(pa_buf_puts(&b, ""), PA_ELIMIT);
	assert_int_equal(pa_buf_error(&b), PA_ELIMIT);
	assert_null(pa_buf_detach(&b));
	assert_string_equal(pa_buf_cstr(&b), "abcd");
	pa_buf_dispose(&b);
}

static void test_common__buf_escapes(void **state)
{
	pa_buf b = PA_BUF_INIT;

	(void)state;
	pa_buf_put_xml(&b, "a<b>&\"c'");
	assert_string_equal(pa_buf_cstr(&b), "a&lt;b&gt;&amp;&quot;c&#39;");
	pa_buf_clear(&b);
	pa_buf_put_json(&b, "say \"hi\"\n</script>\x01");
	assert_string_equal(pa_buf_cstr(&b), "\"say \\\"hi\\\"\\n\\u003c/script\\u003e\\u0001\"");
	pa_buf_dispose(&b);
}

static void test_common__parse_numbers_strictly(void **state)
{
	int64_t i;
	double d;

	(void)state;
	assert_int_equal(pa_parse_int64(&i, "42", 0, 100), 0);
	assert_int_equal(i, 42);
	assert_int_equal(pa_parse_int64(&i, "-7", -10, 10), 0);
	assert_int_equal(i, -7);
	assert_int_equal(pa_parse_int64(&i, " 42", 0, 100), PA_EPARSE);
	assert_int_equal(pa_parse_int64(&i, "42x", 0, 100), PA_EPARSE);
	assert_int_equal(pa_parse_int64(&i, "", 0, 100), PA_EPARSE);
	assert_int_equal(pa_parse_int64(&i, "101", 0, 100), PA_ELIMIT);
	assert_int_equal(pa_parse_int64(&i, "99999999999999999999", INT64_MIN, INT64_MAX), PA_ELIMIT);
	assert_int_equal(pa_parse_double(&d, "0.75", 0, 1), 0);
	assert_true(d == 0.75);
	assert_int_equal(pa_parse_double(&d, "1e400", -1e300, 1e300), PA_ELIMIT);
	assert_int_equal(pa_parse_double(&d, "nan", 0, 1), PA_EPARSE);
	assert_int_equal(pa_parse_double(&d, "0x10", 0, 100), PA_EPARSE);
	assert_int_equal(pa_parse_double(&d, "1.5", 0, 1), PA_ELIMIT);
}

static void test_common__path_normalize_refuses_escapes(void **state)
{
	pa_buf b = PA_BUF_INIT;

	(void)state;
	assert_int_equal(pa_path_normalize(&b, "a/./b/../c.png"), 0);
	assert_string_equal(pa_buf_cstr(&b), "a/c.png");
	pa_buf_clear(&b);
	assert_int_equal(pa_path_normalize(&b, "../etc/passwd"), PA_EUNSAFE);
	pa_buf_clear(&b);
	assert_int_equal(pa_path_normalize(&b, "a/../../x"), PA_EUNSAFE);
	pa_buf_clear(&b);
	assert_int_equal(pa_path_normalize(&b, "/etc/passwd"), PA_EUNSAFE);
	pa_buf_clear(&b);
	assert_int_equal(pa_path_normalize(&b, "C:/x"), PA_EUNSAFE);
	pa_buf_clear(&b);
	assert_int_equal(pa_path_normalize(&b, "a\\..\\..\\x"), PA_EUNSAFE);
	pa_buf_clear(&b);
	assert_int_equal(pa_path_relative(&b, "content/m1.html", "content/assets/a.png"), 0);
	assert_string_equal(pa_buf_cstr(&b), "assets/a.png");
	pa_buf_clear(&b);
	assert_int_equal(pa_path_relative(&b, "a/b/c.html", "a/x/y.png"), 0);
	assert_string_equal(pa_buf_cstr(&b), "../x/y.png");
	pa_buf_dispose(&b);
}

static void test_common__utf8_validation(void **state)
{
	size_t bad = 0;

	(void)state;
	{ const char *ok = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8c\x8d"; assert_true(pa_utf8_valid(ok, strlen(ok), NULL)); }
	assert_false(pa_utf8_valid("ab\xc3", 3, &bad));
	assert_int_equal(bad, 2);
	assert_false(pa_utf8_valid("\xc0\xaf", 2, NULL));         /* overlong '/' */
	assert_false(pa_utf8_valid("\xed\xa0\x80", 3, NULL));     /* surrogate */
	assert_false(pa_utf8_valid("\xf4\x90\x80\x80", 4, NULL)); /* > U+10FFFF */
}

static void test_common__secret_equal(void **state)
{
	(void)state;
	assert_true(pa_secret_equal("abc", 3, "abc", 3));
	assert_false(pa_secret_equal("abc", 3, "abd", 3));
	assert_false(pa_secret_equal("abc", 3, "abcd", 4));
}

static void test_common__diag_formats_like_a_compiler(void **state)
{
	pa_diag d;
	char out[512] = { 0 };
	FILE *f = fmemopen(out, sizeof(out) - 1, "w");

	(void)state;
	pa_diag_init(&d);
	pa_diag_add(&d, PA_DIAG_ERROR, "course.json", 3, 7, "\"title\" is missing");
	pa_diag_warning(&d, "imsmanifest.xml", 9, "file %s is not referenced", "x.png");
	pa_diag_error(&d, "", 0, "no file");
	assert_int_equal(d.errors, 2);
	assert_int_equal(d.warnings, 1);
	pa_diag_print(&d, f);
	fclose(f);
	assert_string_equal(out, "course.json:3:7: error: \"title\" is missing\n"
				 "imsmanifest.xml:9: warning: file x.png is not referenced\n"
				 "error: no file\n");
	assert_true(pa_diag_has(&d, PA_DIAG_WARNING, "not referenced"));
	pa_diag_promote_warnings(&d);
	assert_int_equal(d.errors, 3);
	pa_diag_dispose(&d);
}

static void test_common__diag_is_bounded(void **state)
{
	pa_diag d;

	(void)state;
	pa_diag_init(&d);
	d.max = 3;
	for (int i = 0; i < 10; i++)
		pa_diag_error(&d, "f", (unsigned)i + 1, "e%d", i);
	assert_int_equal(d.count, 3);
	assert_int_equal(d.errors, 10);
	assert_int_equal(d.dropped, 7);
	pa_diag_dispose(&d);
}

static void test_common__strset_sorted_unique(void **state)
{
	pa_strset s = PA_STRSET_INIT;

	(void)state;
	pa_strset_add(&s, "b");
	pa_strset_add(&s, "a");
	pa_strset_add(&s, "c");
	pa_strset_add(&s, "a");
	assert_int_equal(s.count, 3);
	assert_string_equal(s.items[0], "a");
	assert_string_equal(s.items[2], "c");
	assert_true(pa_strset_has(&s, "b"));
	assert_false(pa_strset_has(&s, "d"));
	pa_strset_dispose(&s);
}

static void test_common__buf_utc_time(void **state)
{
	pa_buf b = PA_BUF_INIT;

	(void)state;
	pa_buf_put_utc(&b, 0);
	pa_buf_putc(&b, ' ');
	pa_buf_put_utc(&b, 1795729456999);   /* milliseconds are dropped, not rounded */
	assert_string_equal(pa_buf_cstr(&b), "1970-01-01T00:00:00Z 2026-11-26T21:44:16Z");
	pa_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_common__buf_appends_and_terminates),
		cmocka_unit_test(test_common__buf_cap_is_sticky),
		cmocka_unit_test(test_common__buf_escapes),
		cmocka_unit_test(test_common__buf_utc_time),
		cmocka_unit_test(test_common__parse_numbers_strictly),
		cmocka_unit_test(test_common__path_normalize_refuses_escapes),
		cmocka_unit_test(test_common__utf8_validation),
		cmocka_unit_test(test_common__secret_equal),
		cmocka_unit_test(test_common__diag_formats_like_a_compiler),
		cmocka_unit_test(test_common__diag_is_bounded),
		cmocka_unit_test(test_common__strset_sorted_unique),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
