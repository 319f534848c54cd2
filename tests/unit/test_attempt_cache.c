/* runtime/attempt_cache: what a read needs, commits moving entries
 * forward, reads never going back in time, the memory bound. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "runtime/attempt_cache.h"

static pa_store_sco row(const char *id, const char *state, bool summarized)
{
	pa_store_sco r;

	memset(&r, 0, sizeof(r));
	r.id = (char *)id;
	r.state = (unsigned char *)state;
	r.state_len = state ? strlen(state) : 0;
	r.summarized = summarized;
	snprintf(r.completion_status, sizeof(r.completion_status), "incomplete");
	snprintf(r.success_status, sizeof(r.success_status), "unknown");
	return r;
}

static pa_store_attempt attempt(int64_t id, int64_t last_seq, pa_store_sco *rows, size_t n)
{
	pa_store_attempt a;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.version_id = 7;
	a.learner_id = 9;
	a.last_seq = last_seq;
	a.completion_status = (char *)"incomplete";
	a.success_status = (char *)"unknown";
	a.scos = rows;
	a.nscos = n;
	return a;
}

static const pa_store_sco *find(const pa_store_attempt *a, const char *id)
{
	for (size_t i = 0; i < a->nscos; i++)
		if (!strcmp(a->scos[i].id, id))
			return &a->scos[i];
	return NULL;
}

static void test_attempt_cache__reads_get_what_they_need(void **state)
{
	pa_attempt_cache *c;
	pa_store_sco rows[3] = { row("a", "A", true), row("b", NULL, true), row("old", "OLD", false) };
	pa_store_attempt in = attempt(1, 4, rows, 3), out;

	(void)state;
	assert_int_equal(pa_attempt_cache_new(&c, 1 << 20), 0);
	assert_int_equal(pa_attempt_cache_get(&out, c, 1, "a"), PA_ENOTFOUND);
	pa_attempt_cache_put(c, &in);
	/* a's state is here, and the one not summed up: a commit on a reads from memory */
	assert_int_equal(pa_attempt_cache_get(&out, c, 1, "a"), 0);
	assert_int_equal(out.last_seq, 4);
	assert_int_equal(out.version_id, 7);
	assert_string_equal((const char *)find(&out, "a")->state, "A");
	assert_string_equal((const char *)find(&out, "old")->state, "OLD");
	assert_null(find(&out, "b")->state);
	assert_string_equal(out.completion_status, "incomplete");
	pa_store_attempt_dispose(&out);
	/* b's is not, nor every state */
	assert_int_equal(pa_attempt_cache_get(&out, c, 1, "b"), PA_ENOTFOUND);
	assert_int_equal(pa_attempt_cache_get(&out, c, 1, NULL), PA_ENOTFOUND);
	/* a SCO never launched needs nothing */
	assert_int_equal(pa_attempt_cache_get(&out, c, 1, "new"), 0);
	assert_null(find(&out, "a")->state);
	pa_store_attempt_dispose(&out);
	/* a read of the same commit with b's state keeps a's */
	rows[0] = row("a", NULL, true);
	rows[1] = row("b", "B", true);
	pa_attempt_cache_put(c, &in);
	assert_int_equal(pa_attempt_cache_get(&out, c, 1, NULL), 0);
	assert_string_equal((const char *)find(&out, "a")->state, "A");
	assert_string_equal((const char *)find(&out, "b")->state, "B");
	pa_store_attempt_dispose(&out);
	pa_attempt_cache_free(c);
}

static void test_attempt_cache__commits_move_forward(void **state)
{
	pa_attempt_cache *c;
	pa_store_sco rows[1] = { row("a", "A1", true) }, w[2];
	pa_store_attempt in = attempt(2, 1, rows, 1), out;
	pa_store_commit m = { 0 };

	(void)state;
	assert_int_equal(pa_attempt_cache_new(&c, 1 << 20), 0);
	pa_attempt_cache_put(c, &in);
	w[0] = row("a", "A2", true);
	snprintf(w[0].completion_status, sizeof(w[0].completion_status), "completed");
	w[0].has_score = true;
	w[0].score_scaled = 0.75;
	w[1] = row("z", "Z2", true);
	m = (pa_store_commit){ .attempt_id = 2, .seq = 2, .calls = "[]", .scos = w, .nscos = 2,
			       .completion_status = "completed", .has_score = true, .score_scaled = 0.75,
			       .state = (const unsigned char *)"SEQ", .state_len = 3, .suspended = true };
	pa_attempt_cache_commit(c, &m, 1234);
	assert_int_equal(pa_attempt_cache_get(&out, c, 2, NULL), 0);
	assert_int_equal(out.last_seq, 2);
	assert_int_equal(out.updated, 1234);
	assert_string_equal(out.completion_status, "completed");
	assert_string_equal(out.success_status, "unknown");
	assert_true(out.has_score && out.score_scaled == 0.75);
	assert_true(out.suspended);
	assert_string_equal((const char *)out.state, "SEQ");
	assert_int_equal(out.nscos, 2);
	assert_string_equal((const char *)find(&out, "a")->state, "A2");
	assert_string_equal(find(&out, "a")->completion_status, "completed");
	assert_string_equal((const char *)find(&out, "z")->state, "Z2");
	pa_store_attempt_dispose(&out);
	/* a read from before that commit does not take the cache back */
	pa_attempt_cache_put(c, &in);
	assert_int_equal(pa_attempt_cache_get(&out, c, 2, "a"), 0);
	assert_int_equal(out.last_seq, 2);
	pa_store_attempt_dispose(&out);
	/* a commit on another base than the cache's: forgotten */
	m.seq = 4;
	pa_attempt_cache_commit(c, &m, 1);
	assert_int_equal(pa_attempt_cache_get(&out, c, 2, "a"), PA_ENOTFOUND);
	pa_attempt_cache_put(c, &in);
	pa_attempt_cache_drop(c, 2);
	assert_int_equal(pa_attempt_cache_get(&out, c, 2, "a"), PA_ENOTFOUND);
	pa_attempt_cache_free(c);
}

/* A bug fixed: rows copied into an entry were not laid out as
 * pa_array_push grows them, so a commit adding a fourth SCO wrote past
 * the end (heap corruption in e2e/seqplay). */
static void test_attempt_cache__commit_adds_rows_to_any_count(void **state)
{
	pa_attempt_cache *c;
	pa_store_sco rows[3] = { row("a", "A", true), row("b", "B", true), row("c", "C", true) }, w[1];
	pa_store_attempt in = attempt(3, 1, rows, 3), out;
	pa_store_commit m = { 0 };
	char id[8];

	(void)state;
	assert_int_equal(pa_attempt_cache_new(&c, 1 << 20), 0);
	pa_attempt_cache_put(c, &in);
	for (int k = 0; k < 6; k++) {
		snprintf(id, sizeof(id), "n%d", k);
		w[0] = row(id, id, true);
		m = (pa_store_commit){ .attempt_id = 3, .seq = 2 + k, .calls = "[]", .scos = w, .nscos = 1 };
		pa_attempt_cache_commit(c, &m, 1);
	}
	assert_int_equal(pa_attempt_cache_get(&out, c, 3, NULL), 0);
	assert_int_equal(out.last_seq, 7);
	assert_int_equal(out.nscos, 9);
	assert_string_equal((const char *)find(&out, "c")->state, "C");
	assert_string_equal((const char *)find(&out, "n5")->state, "n5");
	pa_store_attempt_dispose(&out);
	pa_attempt_cache_free(c);
}

static void test_attempt_cache__bounded(void **state)
{
	pa_attempt_cache *c;
	pa_attempt_cache_stats st;
	char *big = malloc(10001);
	pa_store_sco rows[1];
	pa_store_attempt in, out;

	(void)state;
	assert_non_null(big);
	memset(big, 'x', 10000);
	big[10000] = '\0';
	rows[0] = row("a", big, true);
	assert_int_equal(pa_attempt_cache_new(&c, 100 * 1024), 0);
	for (int64_t id = 1; id <= 3000; id++) {
		in = attempt(id, 1, rows, 1);
		pa_attempt_cache_put(c, &in);
		/* the first stays, being read all along */
		assert_int_equal(pa_attempt_cache_get(&out, c, 1, "a"), 0);
		pa_store_attempt_dispose(&out);
	}
	pa_attempt_cache_stats_get(&st, c);
	assert_true(st.bytes <= 100 * 1024);
	assert_true(st.attempts >= 5 && st.attempts < 11);
	assert_int_equal(pa_attempt_cache_get(&out, c, 2, "a"), PA_ENOTFOUND);
	assert_int_equal(pa_attempt_cache_get(&out, c, 3000, "a"), 0);
	pa_store_attempt_dispose(&out);
	/* larger than the whole cache: not kept */
	in = attempt(5000, 1, rows, 1);
	pa_attempt_cache_free(c);
	assert_int_equal(pa_attempt_cache_new(&c, 4096), 0);
	pa_attempt_cache_put(c, &in);
	assert_int_equal(pa_attempt_cache_get(&out, c, 5000, "a"), PA_ENOTFOUND);
	pa_attempt_cache_free(c);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attempt_cache__reads_get_what_they_need),
		cmocka_unit_test(test_attempt_cache__commits_move_forward),
		cmocka_unit_test(test_attempt_cache__commit_adds_rows_to_any_count),
		cmocka_unit_test(test_attempt_cache__bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
