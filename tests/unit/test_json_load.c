/* common/json_load: the same values as jansson's reader, the same refusals. */
#include "support.h"

#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "common/json_load.h"

/* What jansson makes of text, with the flags pa_json_load matches. */
static json_t *jansson(const char *text, size_t len)
{
	json_error_t err;

	return json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
}

static void same(const char *text)
{
	json_t *ours = NULL, *theirs = jansson(text, strlen(text));

	if (pa_json_load(&ours, text, strlen(text)) != 0)
		fail_msg("refused %s: %s", text, pa_error_last());
	assert_non_null(theirs);
	if (!json_equal(ours, theirs))
		fail_msg("differs from jansson: %s", text);
	json_decref(ours);
	json_decref(theirs);
}

static void refused(const char *text, size_t len)
{
	json_t *ours = (json_t *)1, *theirs = jansson(text, len);

	assert_int_equal(pa_json_load(&ours, text, len), PA_EPARSE);
	assert_null(ours);
	assert_null(theirs);
	json_decref(theirs);
}

static void test_json_load__values_as_jansson_reads_them(void **state)
{
	(void)state;
	same("{}");
	same(" [ ] ");
	same("{\"seq\":12,\"sco\":\"item_1\",\"calls\":[{\"fn\":\"SetValue\",\"args\":[\"cmi.location\",\"p3\"],"
	     "\"result\":\"true\",\"error\":0}],\"nav\":\"continue\"}");
	same("[true,false,null,0,-0,1,-17,9223372036854775807,-9223372036854775808]");
	same("[0.5,-1.25e3,1E-2,2e+2,1e-400,3.14159265358979]");
	same("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20AC\\ud83d\\ude00 caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	same("{\"a\\u0062\":1,\"ab\\\"\":{\"x\":[[[]]]}}");
	same("{\"k\":\"\\u00e9\",\"\\u00e9\":\"v\"}");
	same("42");
	same("\"\"");
}

static void test_json_load__refusals(void **state)
{
	static const char *bad[] = {
		"", " ", "{", "[", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "1.", ".5", "-", "1e",
		"+1", "tru", "nul", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\"",
		"\"\\ud800\\u0041\"", "\"\x01\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe2\x82\"",
		"{\"a\":1,\"a\":2}", "{\"\\u0061\":1,\"a\":2}", "[1] x", "99999999999999999999", "1e400", "{}{}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(bad[i], strlen(bad[i]));
	refused("\"a\0b\"", 5);   /* a NUL byte in the text */
}

static void test_json_load__depth_is_bounded(void **state)
{
	size_t n = PA_JSON_MAX_DEPTH + 1;
	char *text = malloc(2 * n + 1);
	json_t *v = NULL;

	(void)state;
	memset(text, '[', n);
	memset(text + n, ']', n);
	text[2 * n] = '\0';
	assert_int_equal(pa_json_load(&v, text, 2 * n), PA_EPARSE);
	assert_null(v);
	/* one level less is fine */
	assert_int_equal(pa_json_load(&v, text + 1, 2 * n - 2), 0);
	json_decref(v);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_load__values_as_jansson_reads_them),
		cmocka_unit_test(test_json_load__refusals),
		cmocka_unit_test(test_json_load__depth_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
