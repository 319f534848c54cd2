/* common/jsonpos: line and column of a value found by its path. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/jsonpos.h"

static const char doc[] =
	"{\n"
	"  \"id\": \"c1\",\n"
	"  \"modules\": [\n"
	"    { \"id\": \"m1\", \"units\": [ 1, {\"x\": [true, null]} ] },\n"
	"    {\n"
	"      \"id\": \"m2\", \"t\\u00e9\": \"caf\xc3\xa9\", \"k\": \"v\"\n"
	"    }\n"
	"  ]\n"
	"}\n";

static void find(const char *text, const pa_jsonpos_step *path, size_t depth, bool key,
		 int rc, unsigned line, unsigned col)
{
	unsigned l = 0, c = 0;

	assert_int_equal(pa_jsonpos_find(&l, &c, text, strlen(text), path, depth, key), rc);
	assert_int_equal(l, line);
	assert_int_equal(c, col);
}

static void test_jsonpos__root_and_members(void **state)
{
	pa_jsonpos_step id[] = { { "id", 0 } };

	(void)state;
	find(doc, NULL, 0, false, 0, 1, 1);
	find(doc, id, 1, false, 0, 2, 9);
	find(doc, id, 1, true, 0, 2, 3);
}

static void test_jsonpos__nested_arrays(void **state)
{
	pa_jsonpos_step m0[] = { { "modules", 0 }, { NULL, 0 } };
	pa_jsonpos_step u1x1[] = { { "modules", 0 }, { NULL, 0 }, { "units", 0 }, { NULL, 1 },
				   { "x", 0 }, { NULL, 1 } };
	pa_jsonpos_step m1id[] = { { "modules", 0 }, { NULL, 1 }, { "id", 0 } };

	(void)state;
	find(doc, m0, 2, false, 0, 4, 5);
	find(doc, u1x1, 6, false, 0, 4, 46);
	find(doc, m1id, 3, false, 0, 6, 13);
}

static void test_jsonpos__escaped_keys_and_utf8_columns(void **state)
{
	/* The key is written t\u00e9 but jansson gives it decoded as "té". */
	pa_jsonpos_step te[] = { { "modules", 0 }, { NULL, 1 }, { "t\xc3\xa9", 0 } };
	/* "café" holds a two-byte character: columns count characters. */
	pa_jsonpos_step k[] = { { "modules", 0 }, { NULL, 1 }, { "k", 0 } };

	(void)state;
	find(doc, te, 3, true, 0, 6, 19);
	find(doc, k, 3, false, 0, 6, 43);
}

static void test_jsonpos__surrogate_pair_key(void **state)
{
	const char *text = "{\"a\": 1, \"\\ud83d\\ude00\": 2}";
	pa_jsonpos_step smile[] = { { "\xf0\x9f\x98\x80", 0 } };

	(void)state;
	find(text, smile, 1, false, 0, 1, 26);
}

static void test_jsonpos__absent_paths_give_the_deepest_found(void **state)
{
	pa_jsonpos_step nokey[] = { { "modules", 0 }, { NULL, 0 }, { "title", 0 } };
	pa_jsonpos_step noindex[] = { { "modules", 0 }, { NULL, 7 } };
	pa_jsonpos_step wrongkind[] = { { "id", 0 }, { NULL, 0 } };

	(void)state;
	find(doc, nokey, 3, false, PA_ENOTFOUND, 4, 5);
	find(doc, noindex, 2, false, PA_ENOTFOUND, 3, 14);
	find(doc, wrongkind, 2, false, PA_ENOTFOUND, 2, 9);
}

static void test_jsonpos__malformed_text_never_overruns(void **state)
{
	static const char *const bad[] = {
		"", "{", "{\"a\"", "{\"a\":", "{\"a\": [1, 2", "{\"a\\", "[\"\\u12",
		"{\"a\": \"x\\\"}", "]]]", "{\"a\" 1}", "{\"x\": 1 \"a\": 2}",
	};
	pa_jsonpos_step a[] = { { "a", 0 }, { NULL, 5 } };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned l, c;

		assert_int_equal(pa_jsonpos_find(&l, &c, bad[i], strlen(bad[i]), a, 2, false), PA_ENOTFOUND);
		assert_true(l >= 1 && c >= 1);
	}
}

static void test_jsonpos__offsets(void **state)
{
	unsigned l, c;

	(void)state;
	pa_jsonpos_of_offset(&l, &c, "ab\ncd", 5, 4);
	assert_int_equal(l, 2);
	assert_int_equal(c, 2);
	pa_jsonpos_of_offset(&l, &c, "ab", 2, 99);
	assert_int_equal(l, 1);
	assert_int_equal(c, 3);
}

static void test_jsonpos__empty_key(void **state)
{
	const char *text = "{\"\": [1, 2], \"a\": 3}";
	pa_jsonpos_step empty[] = { { "", 0 }, { NULL, 1 } };
	pa_jsonpos_step a[] = { { "a", 0 } };

	(void)state;
	find(text, empty, 2, false, 0, 1, 10);
	find(text, a, 1, false, 0, 1, 19);
}

/* A context gives the same answers as single lookups, in any order. */
static void test_jsonpos__context_resumes_in_any_order(void **state)
{
	pa_buf text = PA_BUF_INIT;
	pa_jsonpos jp;
	size_t order[] = { 0, 1, 2, 7, 8, 3, 299, 150, 150, 0, 298, 299 };

	(void)state;
	pa_buf_puts(&text, "{\"questions\": [\n");
	for (int i = 0; i < 300; i++)
		pa_buf_printf(&text, "%s  {\"id\": \"q%d\", \"items\": [\"a\", {\"x\": %d}, \"\u00e9\u00e9\"]}",
			      i ? ",\n" : "", i, i);
	pa_buf_puts(&text, "\n]}");
	pa_jsonpos_init(&jp, text.ptr, text.len);
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		for (size_t item = 0; item < 4; item++) {
			pa_jsonpos_step path[] = { { "questions", 0 }, { NULL, order[k] }, { "items", 0 },
						   { NULL, item }, { "x", 0 } };
			size_t depth = item == 1 ? 5 : 4;
			unsigned l1, c1, l2, c2;
			int rc1 = pa_jsonpos_locate(&jp, &l1, &c1, path, depth, item == 1);
			int rc2 = pa_jsonpos_find(&l2, &c2, text.ptr, text.len, path, depth, item == 1);

			assert_int_equal(rc1, rc2);
			assert_int_equal(rc1, item == 3 ? PA_ENOTFOUND : 0);
			assert_int_equal(l1, l2);
			assert_int_equal(c1, c2);
			assert_int_equal(l1, order[k] + 2);
		}
	}
	/* Any order at all, forwards and backwards, keys and values. */
	srand(7);
	for (int k = 0; k < 20000; k++) {
		size_t qi = (size_t)rand() % 310, item = (size_t)rand() % 4;
		bool key = rand() % 2;
		pa_jsonpos_step path[] = { { "questions", 0 }, { NULL, qi }, { rand() % 5 ? "items" : "id", 0 },
					   { NULL, item }, { "x", 0 } };
		size_t depth = (size_t)rand() % 6;
		unsigned l1, c1, l2, c2;
		int rc1 = pa_jsonpos_locate(&jp, &l1, &c1, path, depth, key);
		int rc2 = pa_jsonpos_find(&l2, &c2, text.ptr, text.len, path, depth, key);

		if (rc1 != rc2 || l1 != l2 || c1 != c2) fprintf(stderr, "k=%d qi=%zu item=%zu key=%d depth=%zu sub=%s: %d %u:%u vs %d %u:%u\n", k, qi, item, key, depth, path[2].key, rc1, l1, c1, rc2, l2, c2);
		assert_int_equal(rc1, rc2);
		assert_int_equal(l1, l2);
		assert_int_equal(c1, c2);
	}
	pa_jsonpos_dispose(&jp);
	pa_buf_dispose(&text);
}

static void test_jsonpos__too_deep(void **state)
{
	pa_jsonpos_step deep[PA_JSONPOS_MAX_DEPTH + 1];
	char text[2 * (PA_JSONPOS_MAX_DEPTH + 1) + 1];
	unsigned l, c;

	(void)state;
	for (size_t i = 0; i <= PA_JSONPOS_MAX_DEPTH; i++) {
		deep[i].key = NULL;
		deep[i].index = 0;
		text[i] = '[';
		text[PA_JSONPOS_MAX_DEPTH + 1 + i] = ']';
	}
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(pa_jsonpos_find(&l, &c, text, strlen(text), deep, PA_JSONPOS_MAX_DEPTH + 1, false),
			 PA_ENOTFOUND);
	assert_int_equal(c, PA_JSONPOS_MAX_DEPTH + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonpos__root_and_members),
		cmocka_unit_test(test_jsonpos__nested_arrays),
		cmocka_unit_test(test_jsonpos__escaped_keys_and_utf8_columns),
		cmocka_unit_test(test_jsonpos__surrogate_pair_key),
		cmocka_unit_test(test_jsonpos__absent_paths_give_the_deepest_found),
		cmocka_unit_test(test_jsonpos__malformed_text_never_overruns),
		cmocka_unit_test(test_jsonpos__offsets),
		cmocka_unit_test(test_jsonpos__empty_key),
		cmocka_unit_test(test_jsonpos__context_resumes_in_any_order),
		cmocka_unit_test(test_jsonpos__too_deep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
