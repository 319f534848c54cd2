/* common/csv: RFC 4180 quoting and the formula guard. */
#include "support.h"

#include <string.h>

#include "common/csv.h"

static const char *field(pa_buf *b, const char *value)
{
	pa_buf_clear(b);
	assert_int_equal(pa_csv_text(b, value), 0);
	return pa_buf_cstr(b);
}

static void test_csv__plain_text_as_is(void **state)
{
	pa_buf b = PA_BUF_INIT;

	(void)state;
	assert_string_equal(field(&b, "Doe, Jane") , "\"Doe, Jane\"");
	assert_string_equal(field(&b, "passed"), "passed");
	assert_string_equal(field(&b, ""), "");
	assert_string_equal(field(&b, NULL), "");
	assert_string_equal(field(&b, "Élodie Müller 日本"), "Élodie Müller 日本");
	assert_string_equal(field(&b, "a-b=c"), "a-b=c");   /* only the first character matters */
	pa_buf_dispose(&b);
}

static void test_csv__quotes_doubled_and_breaks_quoted(void **state)
{
	pa_buf b = PA_BUF_INIT;

	(void)state;
	assert_string_equal(field(&b, "say \"hi\""), "\"say \"\"hi\"\"\"");
	assert_string_equal(field(&b, "\""), "\"\"\"\"");
	assert_string_equal(field(&b, "two\nlines"), "\"two\nlines\"");
	assert_string_equal(field(&b, "cr\r\nlf"), "\"cr\r\nlf\"");
	assert_string_equal(field(&b, " padded "), "\" padded \"");
	pa_buf_dispose(&b);
}

static void test_csv__formulas_stay_text(void **state)
{
	pa_buf b = PA_BUF_INIT;

	(void)state;
	assert_string_equal(field(&b, "=1+1"), "'=1+1");
	assert_string_equal(field(&b, "+33 6 12"), "'+33 6 12");
	assert_string_equal(field(&b, "-2"), "'-2");
	assert_string_equal(field(&b, "@SUM(A1:A2)"), "'@SUM(A1:A2)");
	assert_string_equal(field(&b, "\tx"), "'\tx");
	/* Guarded and quoted: the guard goes inside the quotes. */
	assert_string_equal(field(&b, "=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
	assert_string_equal(field(&b, "\r=cmd"), "\"'\r=cmd\"");
	pa_buf_dispose(&b);
}

static void test_csv__rows_end_in_crlf(void **state)
{
	pa_buf b = PA_BUF_INIT;
	const char *row[] = { "id", "Doe, Jane", "=2", NULL };

	(void)state;
	assert_int_equal(pa_csv_row(&b, row, 4), 0);
	assert_int_equal(pa_csv_row(&b, row, 1), 0);
	assert_string_equal(pa_buf_cstr(&b), "id,\"Doe, Jane\",'=2,\r\nid\r\n");
	pa_buf_dispose(&b);
}

static void test_csv__errors_are_reported(void **state)
{
	pa_buf b;

	(void)state;
	pa_buf_init(&b, 4);
	assert_int_equal(pa_csv_text(&b, "far too long"), PA_ELIMIT);
	pa_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv__plain_text_as_is),
		cmocka_unit_test(test_csv__quotes_doubled_and_breaks_quoted),
		cmocka_unit_test(test_csv__formulas_stay_text),
		cmocka_unit_test(test_csv__rows_end_in_crlf),
		cmocka_unit_test(test_csv__errors_are_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
