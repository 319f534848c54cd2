/* runtime/engines: an engine goes to the next commit of its attempt only,
 * once; the memory bound holds. */
#include "support.h"

#include <string.h>

#include "runtime/engines.h"

static pa_scorm *engine_with(const char *location)
{
	pa_scorm *s = NULL;

	assert_int_equal(pa_scorm_new(&s, PA_SCORM_2004, NULL), 0);
	assert_true(pa_scorm_initialize(s, ""));
	assert_true(pa_scorm_set_value(s, "cmi.location", location));
	return s;
}

static void test_engines__handed_to_the_next_commit_only(void **state)
{
	pa_engines *e;
	pa_scorm *s;

	(void)state;
	assert_int_equal(pa_engines_new(&e, 1 << 20), 0);
	assert_null(pa_engines_take(e, 1, "sco", 0));
	pa_engines_give(e, 1, "sco", 5, engine_with("p5"), 100);
	/* once, by the commit that follows seq 5 on that SCO */
	assert_non_null(s = pa_engines_take(e, 1, "sco", 5));
	assert_string_equal(pa_scorm_get_value(s, "cmi.location"), "p5");
	assert_null(pa_engines_take(e, 1, "sco", 5));
	pa_scorm_free(s);
	/* another base (a commit in between), another SCO: gone, the state is imported */
	pa_engines_give(e, 1, "sco", 6, engine_with("p6"), 100);
	assert_null(pa_engines_take(e, 1, "sco", 7));
	assert_null(pa_engines_take(e, 1, "sco", 6));
	pa_engines_give(e, 1, "sco", 6, engine_with("p6"), 100);
	assert_null(pa_engines_take(e, 1, "other", 6));
	/* a newer one replaces the older */
	pa_engines_give(e, 2, "sco", 1, engine_with("a"), 100);
	pa_engines_give(e, 2, "sco", 2, engine_with("b"), 100);
	assert_null(pa_engines_take(e, 2, "sco", 1));
	pa_engines_give(e, 2, "sco", 2, engine_with("b"), 100);
	assert_non_null(s = pa_engines_take(e, 2, "sco", 2));
	assert_string_equal(pa_scorm_get_value(s, "cmi.location"), "b");
	pa_scorm_free(s);
	pa_engines_give(e, 3, "sco", 1, engine_with("left"), 100);
	pa_engines_free(e);   /* frees what it still holds */
}

static void test_engines__bounded(void **state)
{
	pa_engines *e;
	pa_scorm *s;
	int kept = 0;

	(void)state;
	/* each counts 2 x 10,000 + 4 KiB and more: four fit in 100 KB */
	assert_int_equal(pa_engines_new(&e, 100 * 1000), 0);
	for (int64_t id = 1; id <= 50; id++)
		pa_engines_give(e, id, "sco", 1, engine_with("x"), 10000);
	for (int64_t id = 1; id <= 50; id++) {
		if ((s = pa_engines_take(e, id, "sco", 1)) != NULL) {
			kept++;
			assert_true(id > 45);   /* the most recent */
			pa_scorm_free(s);
		}
	}
	assert_true(kept >= 3 && kept <= 4);
	/* larger than the whole bound: not kept (and freed) */
	pa_engines_give(e, 99, "sco", 1, engine_with("x"), 1000000);
	assert_null(pa_engines_take(e, 99, "sco", 1));
	pa_engines_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engines__handed_to_the_next_commit_only),
		cmocka_unit_test(test_engines__bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
