/* samples/: the curriculum the programme ships. Every course packs in both
 * formats, and every package passes `validate --strict` against the
 * npm XSD set the product uses and against the full ADL sets in
 * ../shared/schemas. */
#include "support.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/strset.h"
#include "packager/course.h"

static const char *const expected[] = {
	"countering-trafficking",
	"international-migration-law",
	"local-governance-of-migration",
	"training-needs-assessment",
};

static void list_courses(pa_strset *out)
{
	pa_buf dir = PA_BUF_INIT;
	struct dirent *e;
	DIR *d;

	pa_path_join(&dir, pa_test_source_dir(), "samples");
	d = opendir(dir.ptr);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		pa_buf json = PA_BUF_INIT;

		pa_buf_printf(&json, "%s/%s/course.json", dir.ptr, e->d_name);
		if (e->d_name[0] != '.' && pa_fs_is_file(json.ptr))
			assert_int_equal(pa_strset_add(out, e->d_name), 0);
		pa_buf_dispose(&json);
	}
	closedir(d);
	pa_buf_dispose(&dir);
}

static void test_samples__the_curriculum_is_there(void **state)
{
	pa_strset courses = PA_STRSET_INIT;

	(void)state;
	list_courses(&courses);
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		if (!pa_strset_has(&courses, expected[i]))
			fail_msg("samples/%s/course.json is missing", expected[i]);
	}
	pa_strset_dispose(&courses);
}

static bool file_has(const char *course, const char *rel, const char *const needles[])
{
	pa_buf path = PA_BUF_INIT, text = PA_BUF_INIT;
	bool found = false;

	pa_buf_printf(&path, "%s/samples/%s/%s", pa_test_source_dir(), course, rel);
	assert_int_equal(pa_fs_read(&text, path.ptr, 16u << 20), 0);
	for (size_t i = 0; needles[i] && !found; i++)
		found = strstr(pa_buf_cstr(&text), needles[i]) != NULL;
	pa_buf_dispose(&path);
	pa_buf_dispose(&text);
	return found;
}

static bool question_has_feedback(const pa_question *q)
{
	if (q->feedback_general || (q->feedback_correct && q->feedback_incorrect))
		return true;
	for (size_t i = 0; i < q->answer_count; i++) {
		if (!q->answers[i].feedback)
			return false;
	}
	return q->answer_count > 0;
}

/* What the programme asks of every graded course (issue: the curriculum). */
static void check_graded_course(const char *name, const pa_course *c)
{
	static const char *const image[] = { "![", "<img", NULL };
	static const char *const key_points[] = { "## Key points", "## Points clés", NULL };
	static const char *const sources[] = { "## Sources", NULL };

	if (c->module_count < 3)
		fail_msg("%s: %zu modules, at least 3 wanted", name, c->module_count);
	for (size_t m = 0; m < c->module_count; m++) {
		const pa_module *mod = &c->modules[m];
		size_t graded = 0;

		for (size_t l = 0; l < c->language_count; l++) {
			bool has_image = false, has_key_points = false;

			for (size_t u = 0; u < mod->unit_count; u++) {
				const pa_unit *unit = &mod->units[u];
				const char *src;

				if (unit->kind != PA_UNIT_LESSON)
					continue;
				src = pa_lstring_get(&unit->source, c->languages[l]);
				has_image = has_image || file_has(name, src, image);
				has_key_points = has_key_points || file_has(name, src, key_points);
				if (!file_has(name, src, sources))
					fail_msg("%s/%s: no \"Sources\" section", name, src);
			}
			if (!has_image || !has_key_points)
				fail_msg("%s: module %s (%s) needs a lesson with an image and one with key points",
					 name, mod->id, c->languages[l]);
		}
		for (size_t u = 0; u < mod->unit_count; u++) {
			const pa_unit *unit = &mod->units[u];
			const pa_quiz *quiz;
			unsigned types = 0, ntypes = 0;

			if (unit->kind != PA_UNIT_ASSESSMENT || !unit->graded)
				continue;
			graded++;
			quiz = &unit->quizzes[0];
			if (quiz->count < 5 || quiz->count > 10)
				fail_msg("%s: %s has %zu questions, 5 to 10 wanted", name, unit->id, quiz->count);
			for (size_t q = 0; q < quiz->count; q++) {
				types |= 1u << quiz->questions[q].type;
				if (!question_has_feedback(&quiz->questions[q]))
					fail_msg("%s: %s, question %s has no feedback", name, quiz->file, quiz->questions[q].id);
			}
			for (unsigned t = types; t; t &= t - 1)
				ntypes++;
			if (ntypes < 4)
				fail_msg("%s: %s uses %u question types, at least 4 wanted", name, unit->id, ntypes);
		}
		if (graded == 0)
			fail_msg("%s: module %s has no graded assessment", name, mod->id);
	}
}

static void test_samples__each_course_has_what_the_programme_asks(void **state)
{
	static const struct { const char *name; pa_nav_mode nav; const char *langs; } want[] = {
		{ "international-migration-law", PA_NAV_PREREQUISITES, "en fr" },
		{ "local-governance-of-migration", PA_NAV_FREE, "en" },
		{ "countering-trafficking", PA_NAV_FORCED, "en" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		pa_buf dir = PA_BUF_INIT;
		pa_course *c = NULL;
		pa_diag diag;
		const pa_module *last;
		const pa_unit *final;

		pa_diag_init(&diag);
		pa_buf_printf(&dir, "%s/samples/%s", pa_test_source_dir(), want[i].name);
		if (pa_course_load(&c, dir.ptr, &diag) != 0 || diag.warnings) {
			pa_diag_print(&diag, stderr);
			fail_msg("%s does not load cleanly", want[i].name);
		}
		assert_int_equal(c->navigation, want[i].nav);
		if (strcmp(want[i].langs, "en fr") == 0)
			assert_true(pa_course_lang_index(c, "fr") >= 0 && pa_course_lang_index(c, "en") >= 0);
		assert_non_null(c->licence);
		assert_non_null(c->attribution);
		assert_true(c->passing_score > 0);
		last = &c->modules[c->module_count - 1];
		final = &last->units[last->unit_count - 1];
		assert_int_equal(final->kind, PA_UNIT_ASSESSMENT);
		if (final->attempt_limit <= 0)
			fail_msg("%s: the final assessment has no attempt limit", want[i].name);
		check_graded_course(want[i].name, c);
		pa_course_free(c);
		pa_diag_dispose(&diag);
		pa_buf_dispose(&dir);
	}
}

static void validate_ok(const char *zip, const char *schemas)
{
	pa_buf out = PA_BUF_INIT;
	int rc;

	if (schemas)
		rc = pa_test_run(&out, "'%s' validate --strict --schemas '%s' '%s'", pa_test_binary(), schemas, zip);
	else
		rc = pa_test_run(&out, "'%s' validate --strict '%s'", pa_test_binary(), zip);
	if (rc != 0 || !strstr(pa_buf_cstr(&out), ": 0 errors, 0 warnings"))
		fail_msg("%s (schemas %s) does not validate:\n%s", zip, schemas ? schemas : "default", pa_buf_cstr(&out));
	pa_buf_dispose(&out);
}

static void test_samples__every_course_packs_and_validates(void **state)
{
	static const char *const formats[] = { "scorm12", "scorm2004" };
	pa_strset courses = PA_STRSET_INIT;
	char *tmp = pa_test_tmpdir("samples");
	pa_buf shared = PA_BUF_INIT, out = PA_BUF_INIT, zip = PA_BUF_INIT;

	(void)state;
	pa_path_join(&shared, pa_test_shared_dir(), "schemas");
	list_courses(&courses);
	assert_true(courses.count > 0);
	for (size_t i = 0; i < courses.count; i++) {
		for (size_t f = 0; f < 2; f++) {
			pa_buf_clear(&zip);
			pa_buf_printf(&zip, "%s/%s-%s.zip", tmp, courses.items[i], formats[f]);
			pa_buf_clear(&out);
			if (pa_test_run(&out, "'%s' pack '%s/samples/%s' --format %s -o '%s' --quiet",
					pa_test_binary(), pa_test_source_dir(), courses.items[i], formats[f], zip.ptr) != 0)
				fail_msg("packing %s as %s failed:\n%s", courses.items[i], formats[f], pa_buf_cstr(&out));
			validate_ok(zip.ptr, NULL);
			validate_ok(zip.ptr, shared.ptr);
		}
	}
	pa_buf_dispose(&zip);
	pa_buf_dispose(&out);
	pa_buf_dispose(&shared);
	pa_strset_dispose(&courses);
	free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples__the_curriculum_is_there),
		cmocka_unit_test(test_samples__each_course_has_what_the_programme_asks),
		cmocka_unit_test(test_samples__every_course_packs_and_validates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
