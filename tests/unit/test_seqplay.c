/*
 * The sequencing engine as the player drives it (runtime/seqplay.h):
 * Rustici's "Golf Explained - Simple Remediation" played through SCO
 * engines, with what each SCO sets reaching sequencing at Terminate, the
 * answers the page renders (table of contents, valid requests), the data
 * model a SCO is launched with, and suspend all / resume all through the
 * saved state giving back the exact tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "support.h"
#include "common/buf.h"
#include "common/diag.h"
#include "common/error.h"
#include "runtime/seqplay.h"
#include "runtime/seqtree.h"

#define GOLF "content/golf/SequencingSimpleRemediation_SCORM20043rdEdition"

static pa_buf tree_of_golf(void)
{
	pa_buf tree = PA_BUF_INIT, dir = PA_BUF_INIT;
	pa_diag diag;

	pa_diag_init(&diag);
	pa_buf_printf(&dir, "%s/%s", pa_test_shared_dir(), GOLF);
	assert_int_equal(pa_seqtree_from_dir(&tree, dir.ptr, &diag), 0);
	pa_diag_dispose(&diag);
	pa_buf_dispose(&dir);
	return tree;
}

static json_t *answer_of(const pa_seq *seq, const pa_seq_result *r)
{
	pa_buf out = PA_BUF_INIT;
	json_t *j;

	assert_int_equal(pa_seqplay_answer_json(&out, seq, r), 0);
	j = json_loads(out.ptr, 0, NULL);
	assert_non_null(j);
	pa_buf_dispose(&out);
	return j;
}

static const json_t *toc_entry(const json_t *answer, const char *id)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(answer, "toc"), i, e)
		if (!strcmp(json_string_value(json_object_get(e, "id")), id))
			return e;
	fail_msg("no %s in the table of contents", id);
	return NULL;
}

static int flag(const json_t *o, const char *key)
{
	assert_true(json_is_boolean(json_object_get(o, key)));
	return json_is_true(json_object_get(o, key));
}

/* Request request, expect delivered (NULL: the session ends). */
static void go(pa_seq *seq, const char *request, const char *delivered)
{
	pa_seq_result r;

	assert_int_equal(pa_seqplay_navigate(seq, request, &r), 0);
	if (r.exception)
		fail_msg("%s: exception %s", request, r.exception);
	if (delivered)
		assert_string_equal(r.delivered ? r.delivered : "(none)", delivered);
	else
		assert_true(r.session_ended);
}

/* Launch the current activity's SCO as the player does, let it set
 * completion and (when success is not NULL) its verdict and score, and
 * terminate it: its data reaches sequencing. */
static void play_sco(pa_seq *seq, const char *success, const char *scaled)
{
	pa_scorm *sco;

	assert_int_equal(pa_scorm_new(&sco, PA_SCORM_2004, NULL), 0);
	assert_int_equal(pa_seqplay_prepare_sco(sco, seq, pa_seq_current(seq), 0), 0);
	assert_true(pa_scorm_initialize(sco, ""));
	assert_true(pa_scorm_set_value(sco, "cmi.completion_status", "completed"));
	if (success) {
		assert_true(pa_scorm_set_value(sco, "cmi.success_status", success));
		assert_true(pa_scorm_set_value(sco, "cmi.score.scaled", scaled));
	}
	assert_true(pa_scorm_set_value(sco, "cmi.session_time", "PT1M"));
	assert_true(pa_scorm_terminate(sco, ""));
	assert_int_equal(pa_seqplay_report(seq, sco, 60), 0);
	pa_scorm_free(sco);
}

static void test_seqplay__remediation_path(void **state)
{
	pa_buf tree = tree_of_golf();
	pa_seq *seq;
	json_t *a;

	(void)state;
	assert_int_equal(pa_seqplay_open(&seq, tree.ptr, tree.len, NULL, 0), 0);
	go(seq, "start", "playing_item");
	a = answer_of(seq, NULL);
	/* The wrapper of the lessons is hidden; the tests may not be chosen
	 * before the lessons (the organization's choice is off: flow only). */
	assert_false(flag(toc_entry(a, "content_wrapper"), "visible"));
	assert_true(flag(toc_entry(a, "playing_item"), "current"));
	assert_false(flag(json_object_get(a, "valid"), "previous"));
	assert_true(flag(json_object_get(a, "valid"), "continue"));
	json_decref(a);
	play_sco(seq, NULL, NULL);
	go(seq, "continue", "etuqiette_item");
	play_sco(seq, NULL, NULL);
	go(seq, "continue", "handicapping_item");
	play_sco(seq, NULL, NULL);
	go(seq, "continue", "havingfun_item");
	play_sco(seq, NULL, NULL);
	go(seq, "continue", "test_1");
	play_sco(seq, "failed", "0.4");
	go(seq, "continue", "test_2");
	play_sco(seq, "passed", "0.8");
	go(seq, "continue", "test_3");
	play_sco(seq, "passed", "1");
	go(seq, "continue", "test_4");
	play_sco(seq, "passed", "0.9");
	/* Remediation: the failed topic's lesson, then its quiz again. */
	go(seq, "continue", "playing_item");
	a = answer_of(seq, NULL);
	assert_string_equal(json_string_value(json_object_get(toc_entry(a, "test_1"), "success")), "failed");
	assert_string_equal(json_string_value(json_object_get(toc_entry(a, "test_2"), "success")), "passed");
	json_decref(a);
	play_sco(seq, NULL, NULL);
	go(seq, "continue", "test_1");
	play_sco(seq, "passed", "0.9");
	go(seq, "continue", "test_4");
	go(seq, "continue", NULL);
	a = answer_of(seq, NULL);
	assert_string_equal(json_string_value(json_object_get(toc_entry(a, "golf_sample_default_org"), "success")),
			    "passed");
	json_decref(a);
	pa_seq_free(seq);
	pa_buf_dispose(&tree);
}

/* A SCO is launched with what sequencing knows: its objectives as the
 * shared objectives hold them, and which requests are valid. */
static void test_seqplay__sco_data_model(void **state)
{
	pa_buf tree = tree_of_golf();
	pa_seq *seq;
	pa_scorm *sco;
	const char *count;

	(void)state;
	assert_int_equal(pa_seqplay_open(&seq, tree.ptr, tree.len, NULL, 0), 0);
	go(seq, "start", "playing_item");
	play_sco(seq, NULL, NULL);
	go(seq, "continue", "etuqiette_item");
	play_sco(seq, NULL, NULL);
	go(seq, "continue", "handicapping_item");
	play_sco(seq, NULL, NULL);
	go(seq, "continue", "havingfun_item");
	play_sco(seq, NULL, NULL);
	go(seq, "continue", "test_1");
	play_sco(seq, "failed", "0.4");
	go(seq, "continue", "test_2");

	assert_int_equal(pa_scorm_new(&sco, PA_SCORM_2004, NULL), 0);
	assert_int_equal(pa_seqplay_prepare_sco(sco, seq, "test_2", 0), 0);
	count = pa_scorm_lms_get(sco, "cmi.objectives._count");
	assert_non_null(count);
	assert_true(atoi(count) >= 1);
	/* The activity's own objective identifier, not the shared one it maps to. */
	assert_string_equal(pa_scorm_lms_get(sco, "cmi.objectives.0.id"), "learning_objective_satisfied");
	assert_string_equal(pa_scorm_lms_get(sco, "adl.nav.request_valid.continue"), "true");
	/* Not forward only: the learner may go back to test_1. */
	assert_string_equal(pa_scorm_lms_get(sco, "adl.nav.request_valid.previous"), "true");
	pa_scorm_free(sco);

	/* test_1's verdict is in the shared objective the remediation reads. */
	assert_int_equal(pa_scorm_new(&sco, PA_SCORM_2004, NULL), 0);
	assert_int_equal(pa_seqplay_prepare_sco(sco, seq, "test_1", 0), 0);
	assert_string_equal(pa_scorm_lms_get(sco, "cmi.objectives.0.success_status"), "failed");
	pa_scorm_free(sco);
	assert_int_equal(pa_seqplay_prepare_sco(NULL, seq, "no_such_item", 0), PA_ENOTFOUND);
	pa_seq_free(seq);
	pa_buf_dispose(&tree);
}

/* Suspend all mid-course, save, load in a new engine (a server restart),
 * resume all: the same activity, the same tree. */
static void test_seqplay__suspend_resume_exact(void **state)
{
	pa_buf tree = tree_of_golf();
	char err[PA_SEQ_ERR_SIZE];
	char *saved = NULL, *before = NULL, *after = NULL;
	pa_seq *seq, *again;
	pa_buf a1 = PA_BUF_INIT, a2 = PA_BUF_INIT;
	pa_seq_result r;

	(void)state;
	assert_int_equal(pa_seqplay_open(&seq, tree.ptr, tree.len, NULL, 0), 0);
	go(seq, "start", "playing_item");
	play_sco(seq, NULL, NULL);
	go(seq, "continue", "etuqiette_item");
	go(seq, "suspendAll", NULL);
	assert_int_equal(pa_seq_export(&saved, seq, err), 0);
	pa_seq_free(seq);

	assert_int_equal(pa_seqplay_open(&again, tree.ptr, tree.len, saved, strlen(saved)), 0);
	assert_int_equal(pa_seqplay_answer_json(&a1, again, NULL), 0);
	assert_int_equal(pa_seq_export(&before, again, err), 0);
	assert_string_equal(before, saved);
	assert_int_equal(pa_seqplay_navigate(again, "resumeAll", &r), 0);
	assert_null(r.exception);
	assert_string_equal(r.delivered, "etuqiette_item");
	assert_true(r.resumed);
	go(again, "suspendAll", NULL);
	assert_int_equal(pa_seq_export(&after, again, err), 0);
	assert_int_equal(pa_seqplay_answer_json(&a2, again, NULL), 0);
	/* Resuming and suspending again changes nothing but the clock-free state. */
	assert_string_equal(a1.ptr, a2.ptr);
	pa_seq_free(again);

	/* A state from a broken store is refused, not half loaded. */
	assert_int_equal(pa_seqplay_open(&again, tree.ptr, tree.len, "garbage", 7), PA_EPARSE);
	assert_null(again);
	free(saved);
	free(before);
	free(after);
	pa_buf_dispose(&a1);
	pa_buf_dispose(&a2);
	pa_buf_dispose(&tree);
}

static void test_seqplay__requests(void **state)
{
	pa_buf tree = tree_of_golf();
	pa_seq *seq;
	pa_seq_result r;

	(void)state;
	assert_int_equal(pa_seqplay_open(&seq, tree.ptr, tree.len, NULL, 0), 0);
	assert_int_equal(pa_seqplay_navigate(seq, "fly", &r), PA_EPARSE);
	assert_int_equal(pa_seqplay_navigate(seq, "_none_", &r), 0);
	assert_null(r.delivered);
	/* Nothing to resume yet: the book's exception, not an error. */
	assert_int_equal(pa_seqplay_navigate(seq, "resumeAll", &r), 0);
	assert_non_null(r.exception);
	go(seq, "start", "playing_item");
	/* The course's flow only: choosing a test is refused. */
	assert_int_equal(pa_seqplay_navigate(seq, "{target=test_3}choice", &r), 0);
	assert_non_null(r.exception);
	assert_string_equal(pa_seq_current(seq), "playing_item");
	pa_seq_free(seq);
	pa_buf_dispose(&tree);
}

/* hideLMSUI of the current activity reaches the page; the choice column
 * follows the rules (this package allows choice). */
static void test_seqplay__hide_and_choice(void **state)
{
	pa_buf tree = PA_BUF_INIT, dir = PA_BUF_INIT;
	pa_diag diag;
	pa_seq *seq;
	json_t *a, *hide;

	(void)state;
	pa_diag_init(&diag);
	pa_buf_printf(&dir, "%s/tests/sequencing/packages/suspend", pa_test_source_dir());
	assert_int_equal(pa_seqtree_from_dir(&tree, dir.ptr, &diag), 0);
	assert_int_equal(pa_seqplay_open(&seq, tree.ptr, tree.len, NULL, 0), 0);
	go(seq, "start", "s1");
	a = answer_of(seq, NULL);
	assert_int_equal(json_array_size(json_object_get(a, "hide")), 0);
	assert_true(flag(toc_entry(a, "s3"), "choice"));
	json_decref(a);
	go(seq, "{target=s3}choice", "s3");
	a = answer_of(seq, NULL);
	hide = json_object_get(a, "hide");
	assert_int_equal(json_array_size(hide), 2);
	assert_string_equal(json_string_value(json_array_get(hide, 0)), "previous");
	assert_string_equal(json_string_value(json_array_get(hide, 1)), "suspendAll");
	json_decref(a);
	pa_seq_free(seq);
	pa_diag_dispose(&diag);
	pa_buf_dispose(&dir);
	pa_buf_dispose(&tree);
}

/* The SCO reads the attempt's duration limit as cmi.max_time_allowed (RTE 4.2.14). */
static void test_seqplay__max_time_allowed(void **state)
{
	pa_buf tree = PA_BUF_INIT, dir = PA_BUF_INIT;
	pa_diag diag;
	pa_seq *seq;
	pa_scorm *sco = NULL;
	char value[64];

	(void)state;
	pa_diag_init(&diag);
	pa_buf_printf(&dir, "%s/tests/sequencing/packages/durations", pa_test_source_dir());
	assert_int_equal(pa_seqtree_from_dir(&tree, dir.ptr, &diag), 0);
	assert_int_equal(pa_seqplay_open(&seq, tree.ptr, tree.len, NULL, 0), 0);
	go(seq, "start", "reading");
	assert_int_equal(pa_scorm_new(&sco, PA_SCORM_2004, NULL), 0);
	assert_int_equal(pa_seqplay_prepare_sco(sco, seq, "reading", 0), 0);
	assert_true(pa_scorm_initialize(sco, ""));
	snprintf(value, sizeof(value), "%s", pa_scorm_get_value(sco, "cmi.max_time_allowed"));
	assert_string_equal(value, "PT1800S");
	pa_scorm_free(sco);
	/* No limit, nothing set: reading it is "not initialized" (403). */
	assert_int_equal(pa_scorm_new(&sco, PA_SCORM_2004, NULL), 0);
	assert_int_equal(pa_seqplay_prepare_sco(sco, seq, "q1", 0), 0);
	assert_true(pa_scorm_initialize(sco, ""));
	assert_string_equal(pa_scorm_get_value(sco, "cmi.max_time_allowed"), "");
	assert_int_equal(pa_scorm_get_last_error(sco), 403);
	pa_scorm_free(sco);
	pa_seq_free(seq);
	pa_diag_dispose(&diag);
	pa_buf_dispose(&dir);
	pa_buf_dispose(&tree);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seqplay__remediation_path),
		cmocka_unit_test(test_seqplay__sco_data_model),
		cmocka_unit_test(test_seqplay__suspend_resume_exact),
		cmocka_unit_test(test_seqplay__requests),
		cmocka_unit_test(test_seqplay__hide_and_choice),
		cmocka_unit_test(test_seqplay__max_time_allowed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
