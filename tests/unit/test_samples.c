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
		cmocka_unit_test(test_samples__every_course_packs_and_validates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
