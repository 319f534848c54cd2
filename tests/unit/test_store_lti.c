/* runtime/store_lti: single-use values, links, grade targets and a link's attempts. */
#include "support.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "runtime/store.h"
#include "runtime/store_lti.h"

static pa_store *open_store(const char *dir)
{
	pa_store *s = NULL;

	if (pa_store_open(&s, dir, NULL) != 0)
		fail_msg("open %s: %s", dir, pa_error_last());
	return s;
}

static void test_store_lti__nonce_is_single_use(void **state)
{
	char *dir = pa_test_tmpdir("store-lti-nonce");
	pa_store *s = open_store(dir);
	int64_t later = pa_store_now_ms() + 60000;
	char *data = NULL;

	(void)state;
	assert_int_equal(pa_store_nonce_put(s, "state", "abc", "{\"p\":1}", later), 0);
	/* The same value again, while alive: a replay. */
	assert_int_equal(pa_store_nonce_put(s, "state", "abc", NULL, later), PA_EEXISTS);
	/* Scopes are apart. */
	assert_int_equal(pa_store_nonce_put(s, "oauth1 key", "abc", NULL, later), 0);
	assert_int_equal(pa_store_nonce_take(&data, s, "state", "abc"), 0);
	assert_string_equal(data, "{\"p\":1}");
	free(data);
	data = NULL;
	assert_int_equal(pa_store_nonce_take(&data, s, "state", "abc"), PA_ENOTFOUND);
	assert_null(data);
	assert_int_equal(pa_store_nonce_take(NULL, s, "state", "never"), PA_ENOTFOUND);
	assert_int_equal(pa_store_nonce_put(s, "", "x", NULL, later), PA_EINVAL);
	pa_store_close(s);
	free(dir);
}

static void test_store_lti__expired_nonce_is_refused_and_reusable(void **state)
{
	char *dir = pa_test_tmpdir("store-lti-nonce-expiry");
	pa_store *s = open_store(dir);
	int64_t soon = pa_store_now_ms() + 50;

	(void)state;
	assert_int_equal(pa_store_nonce_put(s, "state", "old", "d", soon), 0);
	assert_int_equal(pa_store_nonce_put(s, "oauth1 k", "n1", NULL, soon), 0);
	usleep(120 * 1000);
	/* An expired state cannot be taken. */
	assert_int_equal(pa_store_nonce_take(NULL, s, "state", "old"), PA_ENOTFOUND);
	/* An OAuth nonce past its window may come back: the timestamp check refuses
	 * the old request, and the table does not grow for ever. */
	assert_int_equal(pa_store_nonce_put(s, "oauth1 k", "n1", NULL, pa_store_now_ms() + 60000), 0);
	pa_store_close(s);
	free(dir);
}

static void test_store_lti__link_upsert_keeps_what_is_not_said(void **state)
{
	char *dir = pa_test_tmpdir("store-lti-link");
	pa_store *s = open_store(dir);
	pa_store_lti_link in = { 0 }, out = { 0 }, again = { 0 };
	pa_store_new_version nv = { "org.example.m", "M", "2004 4th Edition", "00", "{\"items\":[]}" };
	pa_store_version v;

	(void)state;
	assert_int_equal(pa_store_version_create(&v, s, &nv, NULL), 0);
	in.lti_version = 13;
	in.owner_id = 7;
	in.resource_link_id = "rl-1";
	in.context_id = "course-9";
	in.title = "Migration law";
	in.package_id = v.package_id;
	in.lineitem = "https://lms.example/li/1?type=x";
	assert_int_equal(pa_store_lti_link_upsert(&out, s, &in), 0);
	assert_true(out.id > 0);
	assert_int_equal(out.package_id, v.package_id);
	assert_string_equal(out.lineitem, "https://lms.example/li/1?type=x");
	assert_null(out.outcome_url);

	/* A later launch that says less changes nothing it does not say. */
	memset(&in, 0, sizeof(in));
	in.lti_version = 13;
	in.owner_id = 7;
	in.resource_link_id = "rl-1";
	in.title = "Migration law (2027)";
	assert_int_equal(pa_store_lti_link_upsert(&again, s, &in), 0);
	assert_int_equal(again.id, out.id);
	assert_int_equal(again.package_id, v.package_id);
	assert_string_equal(again.title, "Migration law (2027)");
	assert_string_equal(again.context_id, "course-9");
	assert_string_equal(again.lineitem, "https://lms.example/li/1?type=x");
	pa_store_lti_link_dispose(&again);

	/* Same id from another platform, or as LTI 1.1: another link. */
	in.owner_id = 8;
	assert_int_equal(pa_store_lti_link_upsert(&again, s, &in), 0);
	assert_true(again.id != out.id);
	pa_store_lti_link_dispose(&again);
	in.owner_id = 7;
	in.lti_version = 11;
	assert_int_equal(pa_store_lti_link_upsert(&again, s, &in), 0);
	assert_true(again.id != out.id);
	pa_store_lti_link_dispose(&again);

	assert_int_equal(pa_store_lti_link_get(&again, s, out.id), 0);
	assert_string_equal(again.resource_link_id, "rl-1");
	assert_int_equal(again.lti_version, 13);
	pa_store_lti_link_dispose(&again);
	assert_int_equal(pa_store_lti_link_get(&again, s, 999), PA_ENOTFOUND);

	in.lti_version = 12;
	assert_int_equal(pa_store_lti_link_upsert(NULL, s, &in), PA_EINVAL);
	in.lti_version = 13;
	in.resource_link_id = "";
	assert_int_equal(pa_store_lti_link_upsert(NULL, s, &in), PA_EINVAL);
	pa_store_lti_link_dispose(&out);
	pa_store_version_dispose(&v);
	pa_store_close(s);
	free(dir);
}

static void test_store_lti__link_attempts_follow_grade_targets(void **state)
{
	char *dir = pa_test_tmpdir("store-lti-attempts");
	pa_store *s = open_store(dir);
	pa_store_new_version nv = { "org.example.m", "M", "2004 4th Edition", "00", "{\"items\":[]}" };
	pa_store_lti_link in = { 0 }, link = { 0 };
	pa_store_lti_link_attempt *list = NULL;
	pa_store_version v;
	int64_t amina, luis, a1, a2, a3;
	size_t n = 0;

	(void)state;
	assert_int_equal(pa_store_version_create(&v, s, &nv, NULL), 0);
	in.lti_version = 11;
	in.owner_id = 1;
	in.resource_link_id = "rl";
	in.outcome_url = "https://lms.example/outcomes";
	assert_int_equal(pa_store_lti_link_upsert(&link, s, &in), 0);
	assert_int_equal(pa_store_learner_ensure(&amina, s, "lti11 k amina", "Diallo, Amina"), 0);
	assert_int_equal(pa_store_learner_ensure(&luis, s, "lti11 k luis", NULL), 0);
	assert_int_equal(pa_store_attempt_create(&a1, s, v.id, amina, false), 0);
	assert_int_equal(pa_store_attempt_create(&a2, s, v.id, luis, false), 0);
	assert_int_equal(pa_store_attempt_create(&a3, s, v.id, luis, false), 0);   /* not through this link */
	assert_int_equal(pa_store_lti_grade_target_set(s, a1, link.id, "src-amina"), 0);
	assert_int_equal(pa_store_lti_grade_target_set(s, a2, link.id, "src-luis"), 0);
	/* Set again (a relaunch): replaced, not doubled. */
	assert_int_equal(pa_store_lti_grade_target_set(s, a2, link.id, "src-luis-2"), 0);
	/* No ref (a launch without scores back): the one known stays. */
	assert_int_equal(pa_store_lti_grade_target_set(s, a2, link.id, ""), 0);
	assert_int_equal(pa_store_lti_grade_target_set(s, 999, link.id, "x"), PA_EINVALID);

	assert_int_equal(pa_store_lti_link_attempts(&list, &n, s, link.id), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		if (list[i].attempt_id == a1) {
			assert_string_equal(list[i].learner_name, "Diallo, Amina");
			assert_string_equal(list[i].completion_status, "unknown");
			assert_false(list[i].has_score);
		} else {
			assert_int_equal(list[i].attempt_id, a2);
			assert_null(list[i].learner_name);
			assert_string_equal(list[i].learner_subject, "lti11 k luis");
		}
	}
	pa_store_lti_link_attempts_free(list, n);
	pa_store_lti_link_dispose(&link);
	pa_store_version_dispose(&v);
	pa_store_close(s);
	free(dir);
}

static void test_store_lti__learner_of_a_launch(void **state)
{
	char *dir = pa_test_tmpdir("store-lti-learner");
	pa_store *s = open_store(dir);
	pa_store_learner l;
	int64_t id;

	(void)state;
	assert_int_equal(pa_store_learner_ensure(&id, s, "lti13 https://lms.example 8a7f 2", "Diallo, Amina"), 0);
	assert_int_equal(pa_store_learner_get(&l, s, id), 0);
	assert_int_equal(l.id, id);
	assert_string_equal(l.subject, "lti13 https://lms.example 8a7f 2");
	assert_string_equal(l.name, "Diallo, Amina");
	/* What the SCO sees: the LMS's id, spaces and all. */
	assert_string_equal(pa_store_learner_lms_id(l.subject), "8a7f 2");
	pa_store_learner_dispose(&l);
	assert_string_equal(pa_store_learner_lms_id("lti11 key-1 u42"), "u42");
	assert_string_equal(pa_store_learner_lms_id("preview:passerelle"), "preview:passerelle");
	assert_string_equal(pa_store_learner_lms_id("lti11 key-only"), "lti11 key-only");
	assert_int_equal(pa_store_learner_get(&l, s, id + 100), PA_ENOTFOUND);
	pa_store_close(s);
	free(dir);
}

static int64_t count_rows(pa_store *s, const char *what)
{
	pa_store_lti_link_attempt *list = NULL;
	size_t n = 0;

	(void)what;
	assert_int_equal(pa_store_lti_link_attempts(&list, &n, s, 1), 0);
	pa_store_lti_link_attempts_free(list, n);
	return (int64_t)n;
}

static void test_store_lti__launch_recorded_in_one_go(void **state)
{
	char *dir = pa_test_tmpdir("store-lti-launch");
	pa_store *s = open_store(dir);
	pa_store_new_version nv = { "org.example.m", "M", "2004 4th Edition", "00", "{\"items\":[]}" };
	pa_store_lti_link link = { 0 };
	pa_store_lti_launch_in in = { 0 };
	pa_store_lti_launch_out out, again;
	pa_store_version v;
	int64_t later = pa_store_now_ms() + 60000;
	pa_store_commit done = { 0 };

	(void)state;
	assert_int_equal(pa_store_version_create(&v, s, &nv, NULL), 0);
	link.lti_version = 13;
	link.owner_id = 1;
	link.resource_link_id = "rl";
	link.package_id = v.package_id;
	link.lineitem = "https://lms.example/li/1";
	in.subject = "lti13 https://lms.example u1";
	in.name = "Diallo, Amina";
	in.link = &link;
	in.attempt = true;
	in.new_after_completion = true;
	in.user_ref = "u1";
	in.nonce_scope = "nonce 1";
	in.nonce = "n-1";
	in.nonce_expires = later;
	assert_int_equal(pa_store_lti_launch_record(&out, s, &in), 0);
	assert_true(out.learner_id > 0 && out.attempt_id > 0 && out.new_attempt);
	assert_int_equal(out.link.package_id, v.package_id);
	assert_int_equal(count_rows(s, "attempts"), 1);

	/* The same nonce again: refused, and nothing of it recorded. */
	in.subject = "lti13 https://lms.example someone-else";
	assert_int_equal(pa_store_lti_launch_record(&again, s, &in), PA_EEXISTS);
	assert_int_equal(again.attempt_id, 0);
	assert_int_equal(pa_store_learner_ensure(&again.learner_id, s, "lti13 https://lms.example someone-else", NULL), 0);
	assert_int_equal(pa_store_lti_launch_record(&again, s, &in), PA_EEXISTS);

	/* A relaunch finds the same attempt; without a ref the one known stays. */
	in.subject = "lti13 https://lms.example u1";
	in.nonce = "n-2";
	in.user_ref = NULL;
	assert_int_equal(pa_store_lti_launch_record(&again, s, &in), 0);
	assert_int_equal(again.attempt_id, out.attempt_id);
	assert_false(again.new_attempt);
	pa_store_lti_link_dispose(&again.link);

	/* Completed: a new attempt, by policy. */
	done.attempt_id = out.attempt_id;
	done.seq = 1;
	done.calls = "[]";
	done.result = "{}";
	done.completion_status = "completed";
	assert_int_equal(pa_store_commit_append(s, &done), 0);
	in.nonce = "n-3";
	assert_int_equal(pa_store_lti_launch_record(&again, s, &in), 0);
	assert_true(again.attempt_id != out.attempt_id && again.new_attempt);
	pa_store_lti_link_dispose(&again.link);
	assert_int_equal(count_rows(s, "attempts"), 2);

	/* A learner whose LMS sends no scores back is on the link's page all the same. */
	in.subject = "lti13 https://lms.example u2";
	in.nonce = "n-4";
	assert_int_equal(pa_store_lti_launch_record(&again, s, &in), 0);
	pa_store_lti_link_dispose(&again.link);
	assert_int_equal(count_rows(s, "attempts"), 3);

	/* An instructor: learner and link, no attempt. */
	in.attempt = false;
	in.nonce = NULL;
	in.subject = "lti13 https://lms.example teacher";
	assert_int_equal(pa_store_lti_launch_record(&again, s, &in), 0);
	assert_int_equal(again.attempt_id, 0);
	assert_int_equal(again.link.id, out.link.id);
	pa_store_lti_link_dispose(&again.link);
	pa_store_lti_link_dispose(&out.link);
	pa_store_version_dispose(&v);
	pa_store_close(s);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_lti__nonce_is_single_use),
		cmocka_unit_test(test_store_lti__expired_nonce_is_refused_and_reusable),
		cmocka_unit_test(test_store_lti__link_upsert_keeps_what_is_not_said),
		cmocka_unit_test(test_store_lti__link_attempts_follow_grade_targets),
		cmocka_unit_test(test_store_lti__learner_of_a_launch),
		cmocka_unit_test(test_store_lti__launch_recorded_in_one_go),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
