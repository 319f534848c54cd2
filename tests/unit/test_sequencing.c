/*
 * The sequencing engine: the scripts of tests/sequencing played through
 * `passerelle sequence` against their expected output, the tree
 * description parser and the manifest reader on malformed input, and the
 * API (export/import, request validity, objectives shared across packages).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "common/buf.h"
#include "common/diag.h"
#include "common/fs.h"
#include "runtime/scorm/seq.h"
#include "runtime/scorm/seq_impl.h"
#include "runtime/seqtree.h"


static char *slurp(const char *path)
{
	pa_buf b = PA_BUF_INIT;
	char *s;

	assert_int_equal(pa_fs_read(&b, path, 4 * 1024 * 1024), 0);
	s = pa_buf_detach(&b);
	assert_non_null(s);
	return s;
}

/* "# key: value" header of a script, or NULL. */
static char *header(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, "# ", 2) == 0 && strncmp(l + 2, key, kl) == 0 && l[2 + kl] == ':') {
			const char *v = l + 3 + kl, *e = strchr(v, '\n');
			size_t n;
			char *s;

			while (*v == ' ')
				v++;
			n = e ? (size_t)(e - v) : strlen(v);
			s = malloc(n + 1);
			memcpy(s, v, n);
			s[n] = '\0';
			return s;
		}
	}
	return NULL;
}

static void relative_to_manifest(pa_buf *out, const char *package_dir)
{
	pa_buf manifest = PA_BUF_INIT, path = PA_BUF_INIT, id = PA_BUF_INIT, result = PA_BUF_INIT;
	const char *m, *q, *p;

	pa_buf_printf(&path, "%s/imsmanifest.xml", package_dir);
	assert_int_equal(pa_fs_read(&manifest, path.ptr, 16u << 20), 0);
	m = strstr(pa_buf_cstr(&manifest), "<manifest");
	assert_non_null(m);
	m = strstr(m, "identifier=\"");
	assert_non_null(m);
	m += strlen("identifier=\"");
	assert_non_null(q = strchr(m, '"'));
	pa_buf_put(&id, m, (size_t)(q - m));
	for (p = pa_buf_cstr(out); (q = strstr(p, id.ptr)) != NULL; p = q + id.len) {
		pa_buf_put(&result, p, (size_t)(q - p));
		pa_buf_puts(&result, "MANIFEST");
	}
	pa_buf_puts(&result, p);
	pa_buf_clear(out);
	pa_buf_put(out, pa_buf_cstr(&result), result.len);
	pa_buf_dispose(&manifest);
	pa_buf_dispose(&path);
	pa_buf_dispose(&id);
	pa_buf_dispose(&result);
}

static void run_script(const char *name)
{
	pa_buf path = PA_BUF_INIT, expected_path = PA_BUF_INIT, out = PA_BUF_INIT, dir = PA_BUF_INIT;
	char *script, *expected, *pkg, *shared, *seed;
	int rc;

	pa_buf_printf(&path, "%s/tests/sequencing/%s.seq", pa_test_source_dir(), name);
	pa_buf_printf(&expected_path, "%s/tests/sequencing/%s.out", pa_test_source_dir(), name);
	script = slurp(path.ptr);
	expected = slurp(expected_path.ptr);
	pkg = header(script, "package");
	shared = header(script, "shared-package");
	seed = header(script, "seed");
	if (pkg)
		pa_buf_printf(&dir, "%s/tests/sequencing/packages/%s", pa_test_source_dir(), pkg);
	else if (shared)
		pa_buf_printf(&dir, "%s/%s", pa_test_shared_dir(), shared);
	else
		fail_msg("%s: no '# package:' or '# shared-package:' line", name);
	rc = pa_test_run(&out, "'%s' sequence '%s' --script '%s' --seed %s", pa_test_binary(),
			 dir.ptr, path.ptr, seed ? seed : "0");
	/* A vendor's package (read from shared/, never copied) is compared with
	 * its manifest identifier written MANIFEST, so that the expected output
	 * repeats none of its identifiers. */
	if (shared)
		relative_to_manifest(&out, dir.ptr);
	if (rc != 0 || strcmp(pa_buf_cstr(&out), expected) != 0)
		fail_msg("%s: exit %d, output differs from %s:\n%s", name, rc, expected_path.ptr, pa_buf_cstr(&out));
	free(script);
	free(expected);
	free(pkg);
	free(shared);
	free(seed);
	pa_buf_dispose(&path);
	pa_buf_dispose(&expected_path);
	pa_buf_dispose(&out);
	pa_buf_dispose(&dir);
}

#define SCRIPT(n, file) static void test_sequencing__script_##n(void **state) { (void)state; run_script(file); }
SCRIPT(flow, "flow")
SCRIPT(choice, "choice")
SCRIPT(choiceonly, "choiceonly")
SCRIPT(rules, "rules")
SCRIPT(rollup, "rollup")
SCRIPT(selection, "selection")
SCRIPT(selection_seed2, "selection-seed2")
SCRIPT(globals, "globals")
SCRIPT(limits, "limits")
SCRIPT(suspend, "suspend")
SCRIPT(edge, "edge")
SCRIPT(golf_remediation, "golf-remediation")
SCRIPT(postflow, "postflow")
SCRIPT(retryall, "retryall")
SCRIPT(durations, "durations")
SCRIPT(timerange, "timerange")

/* Every script in the folder has a test above (a new one is not forgotten). */
static void test_sequencing__every_script_listed(void **state)
{
	static const char *const listed[] = { "flow", "choice", "choiceonly", "rules", "rollup", "selection",
		"selection-seed2", "globals", "limits", "suspend", "edge", "golf-remediation", "postflow",
		"retryall", "durations", "timerange" };
	pa_buf d = PA_BUF_INIT;
	DIR *dir;
	struct dirent *e;

	(void)state;
	pa_buf_printf(&d, "%s/tests/sequencing", pa_test_source_dir());
	dir = opendir(d.ptr);
	assert_non_null(dir);
	while ((e = readdir(dir))) {
		size_t n = strlen(e->d_name);
		bool found = false;

		if (n < 5 || strcmp(e->d_name + n - 4, ".seq") != 0)
			continue;
		for (size_t i = 0; i < sizeof(listed) / sizeof(listed[0]); i++)
			if (strlen(listed[i]) == n - 4 && strncmp(listed[i], e->d_name, n - 4) == 0)
				found = true;
		if (!found)
			fail_msg("tests/sequencing/%s has no test", e->d_name);
	}
	closedir(dir);
	pa_buf_dispose(&d);
}

/* --- tree description ------------------------------------------------------------ */

static void expect_tree_error(const char *text, const char *needle)
{
	pa_seq *seq = (pa_seq *)1;
	char err[PA_SEQ_ERR_SIZE];
	int rc = pa_seq_new(&seq, text, strlen(text), 0, err);

	assert_true(rc < 0);
	assert_null(seq);
	if (!strstr(err, needle))
		fail_msg("error '%s' lacks '%s'", err, needle);
}

static void test_sequencing__tree_malformed(void **state)
{
	(void)state;
	expect_tree_error("", "line 1: empty description");
	expect_tree_error("hello\n", "line 1: not a tree description");
	expect_tree_error("pa-seqtree 2\n", "unsupported version");
	expect_tree_error("pa-seqtree 1\n", "no activity");
	expect_tree_error("pa-seqtree 1\nactivity r -\nactivity a nowhere\n", "line 3: activity 'a': unknown parent 'nowhere'");
	expect_tree_error("pa-seqtree 1\nactivity r -\nactivity r r\n", "defined twice");
	expect_tree_error("pa-seqtree 1\nactivity r -\nactivity s -\n", "only the first activity is the root");
	expect_tree_error("pa-seqtree 1\nactivity r - attemptLimit=-1\n", "attemptLimit: '-1' is not a non-negative integer");
	expect_tree_error("pa-seqtree 1\nactivity r - objectiveMeasureWeight=1.5\n", "out of range [0, 1]");
	expect_tree_error("pa-seqtree 1\nactivity r - flow=maybe\n", "flow must be 0 or 1");
	expect_tree_error("pa-seqtree 1\nactivity r - colour=blue\n", "unknown activity attribute 'colour'");
	expect_tree_error("pa-seqtree 1\nactivity r - attemptAbsoluteDurationLimit=-1\n", "out of range");
	expect_tree_error("pa-seqtree 1\nactivity r - attemptExperiencedDurationLimit=soon\n", "is not a number");
	expect_tree_error("pa-seqtree 1\nactivity r - selectionTiming=sometimes\n", "not never, once or onEachNewAttempt");
	expect_tree_error("pa-seqtree 1\nactivity r -\nrule r pre exitAll all always\n", "not a precondition action");
	expect_tree_error("pa-seqtree 1\nactivity r -\nrule r pre skip all sunny\n", "unknown condition 'sunny'");
	expect_tree_error("pa-seqtree 1\nactivity r -\nrule r pre skip all satisfied/nope\n", "has no objective 'nope'");
	expect_tree_error("pa-seqtree 1\nactivity r -\nrule r pre skip all objectiveMeasureGreaterThan@2\n", "out of range [-1, 1]");
	expect_tree_error("pa-seqtree 1\nactivity r -\nrule r pre skip\n", "rule needs");
	expect_tree_error("pa-seqtree 1\nactivity r -\nrollup r most satisfied all satisfied\n", "child activity set");
	expect_tree_error("pa-seqtree 1\nactivity r -\nrollup r all satisfied all always\n", "not a rollup condition");
	expect_tree_error("pa-seqtree 1\nactivity r -\nmap r o g\n", "has no objective 'o'");
	expect_tree_error("pa-seqtree 1\nactivity r -\nobjective r o primary\nobjective r p primary\n", "second primary");
	expect_tree_error("pa-seqtree 1\nactivity r%zz -\n", "bad identifier");
	expect_tree_error("pa-seqtree 1\nactivity r -\nrule x pre skip all always\n", "unknown activity 'x'");
	expect_tree_error("pa-seqtree 1\nactivity a -\nactivity b a\nactivity c b\nactivity d b\nactivity e a\nactivity f c\n", "not in preorder");
	expect_tree_error("pa-seqtree 1\nfrobnicate\n", "the first activity");
	{
		const char text[] = "pa-seqtree 1\nactivity r -\0\n";

		pa_seq *seq;
		char err[PA_SEQ_ERR_SIZE];

		assert_true(pa_seq_new(&seq, text, sizeof(text) - 1, 0, err) < 0);
		assert_non_null(strstr(err, "NUL"));
	}
}

static void test_sequencing__tree_bounds(void **state)
{
	pa_buf t = PA_BUF_INIT;
	pa_seq *seq;
	char err[PA_SEQ_ERR_SIZE];

	(void)state;
	/* Deeper than the bound: refused, no stack overflow. */
	pa_buf_puts(&t, "pa-seqtree 1\nactivity a0 -\n");
	for (int i = 1; i < 200; i++)
		pa_buf_printf(&t, "activity a%d a%d\n", i, i - 1);
	assert_true(pa_seq_new(&seq, t.ptr, t.len, 0, err) < 0);
	assert_non_null(strstr(err, "deeper"));
	pa_buf_clear(&t);
	/* Wide trees are fine and skip chains do not recurse. */
	pa_buf_puts(&t, "pa-seqtree 1\nactivity r - flow=1 choice=0\n");
	for (int i = 0; i < 3000; i++)
		pa_buf_printf(&t, "activity a%d r\nrule a%d pre skip all always\n", i, i);
	pa_buf_puts(&t, "activity last r\n");
	assert_int_equal(pa_seq_new(&seq, t.ptr, t.len, 0, err), 0);
	{
		pa_seq_result r;

		assert_int_equal(pa_seq_navigate(seq, PA_SEQ_NAV_START, NULL, &r), 0);
		assert_string_equal(r.delivered, "last");
	}
	pa_seq_free(seq);
	pa_buf_dispose(&t);
}

/* --- manifests ------------------------------------------------------------------- */

static const char manifest_head[] =
	"<?xml version=\"1.0\"?>\n"
	"<manifest identifier=\"m\" xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"\n"
	" xmlns:adlseq=\"http://www.adlnet.org/xsd/adlseq_v1p3\"\n"
	" xmlns:adlnav=\"http://www.adlnet.org/xsd/adlnav_v1p3\"\n"
	" xmlns:imsss=\"http://www.imsglobal.org/xsd/imsss\">\n"
	"<organizations default=\"o\"><organization identifier=\"o\"><title>T</title>\n";

static void expect_manifest(const char *body, const char *tail, const char *needle, bool ok)
{
	pa_buf xml = PA_BUF_INIT, tree = PA_BUF_INIT;
	pa_diag diag;
	int rc;

	pa_diag_init(&diag);
	pa_buf_printf(&xml, "%s%s</organization></organizations><resources/>%s</manifest>\n",
		      manifest_head, body, tail);
	rc = pa_seqtree_from_manifest(&tree, xml.ptr, xml.len, "imsmanifest.xml", &diag);
	if (ok) {
		if (rc != 0) {
			pa_diag_print(&diag, stderr);
			fail_msg("expected success");
		}
		if (needle && !strstr(pa_buf_cstr(&tree), needle))
			fail_msg("tree lacks '%s':\n%s", needle, pa_buf_cstr(&tree));
	} else {
		assert_true(rc != 0);
		if (!pa_diag_has(&diag, PA_DIAG_ERROR, needle)) {
			pa_diag_print(&diag, stderr);
			fail_msg("no error containing '%s'", needle);
		}
	}
	pa_diag_dispose(&diag);
	pa_buf_dispose(&xml);
	pa_buf_dispose(&tree);
}

static void test_sequencing__manifest_malformed(void **state)
{
	pa_buf xml = PA_BUF_INIT, tree = PA_BUF_INIT;
	pa_diag diag;

	(void)state;
	expect_manifest("<item identifier=\"a\"><imsss:sequencing IDRef=\"nope\"/></item>", "",
			"IDRef 'nope' names no sequencing", false);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:limitConditions attemptLimit=\"-3\"/></imsss:sequencing></item>", "",
			"attemptLimit: '-3'", false);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:rollupRules objectiveMeasureWeight=\"2\"/></imsss:sequencing></item>", "",
			"objectiveMeasureWeight: '2' is not a number in [0, 1]", false);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:controlMode flow=\"yes\"/></imsss:sequencing></item>", "",
			"flow must be true or false, not 'yes'", false);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:randomizationControls selectionTiming=\"daily\"/></imsss:sequencing></item>", "",
			"selectionTiming: 'daily' is not in its vocabulary", false);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:sequencingRules><imsss:preConditionRule>"
			"<imsss:ruleConditions><imsss:ruleCondition condition=\"sunny\"/></imsss:ruleConditions>"
			"<imsss:ruleAction action=\"skip\"/></imsss:preConditionRule></imsss:sequencingRules></imsss:sequencing></item>", "",
			"condition: 'sunny' is not a sequencing rule condition", false);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:sequencingRules><imsss:postConditionRule>"
			"<imsss:ruleConditions><imsss:ruleCondition condition=\"always\"/></imsss:ruleConditions>"
			"<imsss:ruleAction action=\"skip\"/></imsss:postConditionRule></imsss:sequencingRules></imsss:sequencing></item>", "",
			"action: 'skip' is not a postConditionRule action", false);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:sequencingRules><imsss:preConditionRule>"
			"<imsss:ruleConditions><imsss:ruleCondition referencedObjective=\"ghost\" condition=\"satisfied\"/></imsss:ruleConditions>"
			"<imsss:ruleAction action=\"skip\"/></imsss:preConditionRule></imsss:sequencingRules></imsss:sequencing></item>", "",
			"referencedObjective 'ghost' is no objective", false);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:objectives><imsss:primaryObjective objectiveID=\"p\">"
			"<imsss:minNormalizedMeasure>1.5</imsss:minNormalizedMeasure></imsss:primaryObjective></imsss:objectives></imsss:sequencing></item>", "",
			"minNormalizedMeasure: '1.5'", false);
	expect_manifest("<item identifier=\"a\"><adlnav:presentation><adlnav:navigationInterface><adlnav:hideLMSUI>everything</adlnav:hideLMSUI>"
			"</adlnav:navigationInterface></adlnav:presentation></item>", "", "hideLMSUI: 'everything'", false);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:rollupRules><imsss:rollupRule childActivitySet=\"atLeastCount\" minimumCount=\"x\">"
			"<imsss:rollupConditions><imsss:rollupCondition condition=\"satisfied\"/></imsss:rollupConditions><imsss:rollupAction action=\"satisfied\"/>"
			"</imsss:rollupRule></imsss:rollupRules></imsss:sequencing></item>", "", "minimumCount: 'x'", false);
	expect_manifest("<item identifier=\"a\"/><item identifier=\"a\"/>", "", "identifier 'a' is used by another item", false);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:limitConditions attemptAbsoluteDurationLimit=\"soon\"/></imsss:sequencing></item>", "",
			"attemptAbsoluteDurationLimit: 'soon' is not a duration", false);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:limitConditions activityExperiencedDurationLimit=\"-PT1H\"/></imsss:sequencing></item>", "",
			"activityExperiencedDurationLimit: '-PT1H' is not a duration", false);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:limitConditions attemptAbsoluteDurationLimit=\"P999999999Y\"/></imsss:sequencing></item>", "",
			"longer than the engine counts", false);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:limitConditions attemptAbsoluteDurationLimit=\"PT1H30M0.5S\" "
			"activityAbsoluteDurationLimit=\"P1D\"/></imsss:sequencing></item>",
			"", "attemptAbsoluteDurationLimit=5400.50 activityAbsoluteDurationLimit=86400.00", true);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:limitConditions beginTimeLimit=\"2026-02-30T10:00:00Z\"/></imsss:sequencing></item>", "",
			"beginTimeLimit: '2026-02-30T10:00:00Z' is not a date and time", false);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:limitConditions endTimeLimit=\"tomorrow\"/></imsss:sequencing></item>", "",
			"endTimeLimit: 'tomorrow' is not a date and time", false);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:limitConditions beginTimeLimit=\"1970-01-01T01:00:00+01:00\" "
			"endTimeLimit=\"2000-02-29T00:00:00.5\"/></imsss:sequencing></item>",
			"", "beginTimeLimit=0.000 endTimeLimit=951782400.500", true);
	expect_manifest("<item identifier=\"a\"><adlcp:completionThreshold xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_v1p3\">0.75</adlcp:completionThreshold></item>",
			"", "completedByMeasure=1 minProgressMeasure=0.75", true);
	expect_manifest("<item identifier=\"a\"><imsss:sequencing><imsss:objectives><imsss:primaryObjective satisfiedByMeasure=\"true\">"
			"<imsss:minNormalizedMeasure>0.5</imsss:minNormalizedMeasure></imsss:primaryObjective></imsss:objectives></imsss:sequencing></item>",
			"", "objective a - primary satisfiedByMeasure=1 minMeasure=0.5", true);
	/* The item's own elements replace the collection's of the same name. */
	expect_manifest("<item identifier=\"a\"><imsss:sequencing IDRef=\"c\"><imsss:controlMode flow=\"false\"/></imsss:sequencing></item>",
			"<imsss:sequencingCollection><imsss:sequencing ID=\"c\"><imsss:controlMode flow=\"true\" forwardOnly=\"true\"/>"
			"<imsss:limitConditions attemptLimit=\"3\"/></imsss:sequencing></imsss:sequencingCollection>",
			"activity a o flow=0 attemptLimit=3", true);
	/* Not XML at all, and an XML bomb: a diagnostic, no crash. */
	pa_diag_init(&diag);
	assert_true(pa_seqtree_from_manifest(&tree, "<manifest", 9, "imsmanifest.xml", &diag) != 0);
	assert_true(diag.errors > 0);
	pa_diag_dispose(&diag);
	pa_diag_init(&diag);
	pa_buf_puts(&xml, "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><m>&b;</m>");
	assert_true(pa_seqtree_from_manifest(&tree, xml.ptr, xml.len, "imsmanifest.xml", &diag) != 0);
	pa_diag_dispose(&diag);
	pa_buf_dispose(&xml);
	pa_buf_dispose(&tree);
}

/* Diagnostics point at the line of the faulty element. */
static void test_sequencing__manifest_line_numbers(void **state)
{
	const char *xml =
		"<?xml version=\"1.0\"?>\n"
		"<manifest identifier=\"m\" xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"\n"
		" xmlns:imsss=\"http://www.imsglobal.org/xsd/imsss\">\n"
		"<organizations><organization identifier=\"o\">\n"
		"<item identifier=\"a\">\n"
		"  <imsss:sequencing IDRef=\"missing\"/>\n"
		"</item></organization></organizations></manifest>\n";
	pa_buf tree = PA_BUF_INIT;
	pa_diag diag;

	(void)state;
	pa_diag_init(&diag);
	assert_int_equal(pa_seqtree_from_manifest(&tree, xml, strlen(xml), "imsmanifest.xml", &diag), PA_EINVALID);
	assert_int_equal(diag.errors, 1);
	assert_string_equal(diag.items[0].file, "imsmanifest.xml");
	assert_int_equal(diag.items[0].line, 6);
	pa_diag_dispose(&diag);
	pa_buf_dispose(&tree);
}

/* --- API ------------------------------------------------------------------------- */

static const char two_scos[] =
	"pa-seqtree 1\n"
	"activity r - flow=1 choice=1\n"
	"activity a r completionSetByContent=1 objectiveSetByContent=1\n"
	"objective a pa primary\n"
	"map a pa shared%20goal readSatisfied=0 writeSatisfied=1 writeMeasure=1\n"
	"activity b r\n"
	"objective b pb primary\n"
	"map b pb shared%20goal\n"
	"rule b pre skip all satisfied\n"
	"activity c r\n";

static void test_sequencing__export_import(void **state)
{
	pa_seq *s, *t;
	pa_seq_result r;
	pa_seq_report rep;
	char err[PA_SEQ_ERR_SIZE], *state_text, *again;

	(void)state;
	assert_int_equal(pa_seq_new(&s, two_scos, strlen(two_scos), 7, err), 0);
	assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_START, NULL, &r), 0);
	assert_string_equal(r.delivered, "a");
	assert_false(r.resumed);
	memset(&rep, 0, sizeof(rep));
	rep.success_status = "passed";
	rep.scaled_set = 1;
	rep.scaled = 0.75;
	rep.exit = "suspend";
	assert_int_equal(pa_seq_report_runtime(s, &rep), 0);
	assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_SUSPEND_ALL, NULL, &r), 0);
	assert_true(r.session_ended);
	assert_int_equal(pa_seq_export(&state_text, s, err), 0);

	assert_int_equal(pa_seq_new(&t, two_scos, strlen(two_scos), 7, err), 0);
	assert_int_equal(pa_seq_import(t, state_text, strlen(state_text), err), 0);
	assert_int_equal(pa_seq_export(&again, t, err), 0);
	assert_string_equal(state_text, again);
	assert_int_equal(pa_seq_request_valid(t, PA_SEQ_NAV_RESUME_ALL, NULL), 1);
	assert_int_equal(pa_seq_request_valid(t, PA_SEQ_NAV_CONTINUE, NULL), 0);
	assert_int_equal(pa_seq_navigate(t, PA_SEQ_NAV_RESUME_ALL, NULL, &r), 0);
	assert_string_equal(r.delivered, "a");
	assert_true(r.resumed);
	/* b reads the shared objective a wrote: skipped. */
	assert_int_equal(pa_seq_navigate(t, PA_SEQ_NAV_CONTINUE, NULL, &r), 0);
	assert_string_equal(r.delivered, "c");
	/* Unknown navigation request. */
	assert_int_equal(pa_seq_navigate(t, PA_SEQ_NAV_NONE, NULL, &r), 0);
	assert_string_equal(r.exception, "NB.2.1-13");
	assert_string_equal(pa_seq_exception_text("SB.2.9-7"), "choice exit sequencing control mode violation");

	/* A malformed state changes nothing. */
	{
		static const char *const bad[] = {
			"pa-seqstate 2\n", "pa-seqstate 1\nsession zz - 1\n",
			"pa-seqstate 1\nact a 1,0 -\n", "pa-seqstate 1\nact r 0,0,0,0,0,0,0,0,0,0,0,0,0 a,a\n",
			"pa-seqstate 1\nobj a 9 0,0,0,0,0,0,0,0,0,0,0,0,0,0\n", "pa-seqstate 1\nsession - - 0\n",
			"pa-seqstate 1\nact r 0,0,0,nan,0,0,0,0,0,0,0,0,0 a\n",
		};
		char *before, *after;

		assert_int_equal(pa_seq_export(&before, t, err), 0);
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			assert_true(pa_seq_import(t, bad[i], strlen(bad[i]), err) < 0);
		assert_int_equal(pa_seq_export(&after, t, err), 0);
		assert_string_equal(before, after);
		free(before);
		free(after);
	}
	free(state_text);
	free(again);
	pa_seq_free(s);
	pa_seq_free(t);
}

/* Two packages of one learner share an objective by its ID. */
static void test_sequencing__globals_across_packages(void **state)
{
	static const char writer[] =
		"pa-seqtree 1\nactivity r - flow=1\nactivity w r objectiveSetByContent=1\n"
		"objective w o primary\nmap w o urn:goal writeSatisfied=1 writeMeasure=1 readSatisfied=0\n";
	static const char reader[] =
		"pa-seqtree 1\nactivity r - flow=1\nactivity x r\nobjective x o primary\nmap x o urn:goal\n"
		"rule x pre skip all satisfied\nactivity y r\n";
	pa_seq *w, *x;
	pa_seq_result r;
	pa_seq_report rep;
	pa_seq_global g;
	char err[PA_SEQ_ERR_SIZE], *globals;

	(void)state;
	assert_int_equal(pa_seq_new(&w, writer, strlen(writer), 0, err), 0);
	assert_int_equal(pa_seq_new(&x, reader, strlen(reader), 0, err), 0);
	assert_int_equal(pa_seq_globals_to_system(w), 1);
	assert_int_equal(pa_seq_navigate(w, PA_SEQ_NAV_START, NULL, &r), 0);
	memset(&rep, 0, sizeof(rep));
	rep.success_status = "passed";
	rep.scaled_set = 1;
	rep.scaled = 0.5;
	assert_int_equal(pa_seq_report_runtime(w, &rep), 0);
	assert_int_equal(pa_seq_global_count(w), 1);
	assert_int_equal(pa_seq_global_at(w, 0, &g), 0);
	assert_string_equal(g.id, "urn:goal");
	assert_true(g.satisfied_known && g.satisfied && g.measure_known);
	assert_int_equal(pa_seq_export_globals(&globals, w, err), 0);
	assert_int_equal(pa_seq_import_globals(x, globals, strlen(globals), err), 0);
	assert_int_equal(pa_seq_navigate(x, PA_SEQ_NAV_START, NULL, &r), 0);
	assert_string_equal(r.delivered, "y");
	free(globals);
	pa_seq_free(w);
	pa_seq_free(x);
}

/* The same seed gives the same selection; the state keeps it. */
static void test_sequencing__seeded_selection(void **state)
{
	static const char tree[] =
		"pa-seqtree 1\nactivity r - flow=1 selectCount=3 selectionTiming=once reorderChildren=1 randomizationTiming=once\n"
		"activity a r\nactivity b r\nactivity c r\nactivity d r\nactivity e r\nactivity f r\n";
	char order[2][32];
	char err[PA_SEQ_ERR_SIZE];

	(void)state;
	for (int k = 0; k < 2; k++) {
		pa_seq *s;
		pa_seq_result r;
		size_t n = 0, avail = 0;

		assert_int_equal(pa_seq_new(&s, tree, strlen(tree), 42, err), 0);
		assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_START, NULL, &r), 0);
		while (r.delivered && n < 10) {
			order[k][n++] = r.delivered[0];
			assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_CONTINUE, NULL, &r), 0);
		}
		order[k][n] = '\0';
		assert_int_equal(n, 3);
		for (size_t i = 0; i < pa_seq_count(s); i++) {
			pa_seq_status st;

			assert_int_equal(pa_seq_status_at(s, i, &st), 0);
			avail += st.available;
		}
		assert_int_equal(avail, 4);  /* the root and three children */
		pa_seq_free(s);
	}
	assert_string_equal(order[0], order[1]);
}

/* What the data model asks of the engine: adl.nav.request values, and the
 * objectives and thresholds that initialize a SCO's data model. */
static void test_sequencing__data_model_queries(void **state)
{
	static const char tree[] =
		"pa-seqtree 1\nactivity r - flow=1\n"
		"activity a r completedByMeasure=1 minProgressMeasure=0.7 objectiveSetByContent=1\n"
		"objective a main primary satisfiedByMeasure=1 minMeasure=0.6\n"
		"objective a side\nmap a side g%2Fside readRaw=1 readCompletion=1\n"
		"activity b r\nobjective b other primary\nmap b other g%2Fside writeRaw=1 writeCompletion=1 readSatisfied=0\n";
	pa_seq *s;
	pa_seq_nav nav;
	pa_seq_status st;
	pa_seq_global o;
	pa_seq_result r;
	pa_seq_report rep;
	pa_seq_objective_report orep;
	char target[64], err[PA_SEQ_ERR_SIZE];

	(void)state;
	assert_int_equal(pa_seq_nav_request_parse(&nav, target, sizeof(target), "{target=a b}choice"), 0);
	assert_int_equal(nav, PA_SEQ_NAV_CHOICE);
	assert_string_equal(target, "a b");
	assert_int_equal(pa_seq_nav_request_parse(&nav, target, sizeof(target), "{target=x}jump"), 0);
	assert_int_equal(nav, PA_SEQ_NAV_JUMP);
	assert_int_equal(pa_seq_nav_request_parse(&nav, target, sizeof(target), "suspendAll"), 0);
	assert_int_equal(nav, PA_SEQ_NAV_SUSPEND_ALL);
	assert_string_equal(target, "");
	assert_int_equal(pa_seq_nav_request_parse(&nav, target, sizeof(target), "_none_"), 0);
	assert_int_equal(nav, PA_SEQ_NAV_NONE);
	assert_int_equal(pa_seq_nav_request_parse(&nav, target, sizeof(target), "choice"), -1);
	assert_int_equal(pa_seq_nav_request_parse(&nav, target, sizeof(target), "{target=}choice"), -1);
	assert_int_equal(pa_seq_nav_request_parse(&nav, target, sizeof(target), "{target=a}continue"), -1);
	assert_int_equal(pa_seq_nav_request_parse(&nav, target, sizeof(target), "forward"), -1);
	assert_int_equal(pa_seq_nav_request_parse(&nav, target, sizeof(target), "{target=a"), -1);

	assert_int_equal(pa_seq_new(&s, tree, strlen(tree), 0, err), 0);
	assert_int_equal(pa_seq_status_at(s, 1, &st), 0);
	assert_true(st.scaled_passing_score_set);
	assert_true(st.scaled_passing_score == 0.6);
	assert_true(st.completion_threshold_set);
	assert_true(st.completion_threshold == 0.7);
	assert_int_equal(st.objective_count, 2);
	assert_int_equal(pa_seq_objective_at(s, 1, 0, &o), 0);
	assert_string_equal(o.id, "main");
	assert_int_equal(pa_seq_objective_at(s, 1, 1, &o), 0);
	assert_string_equal(o.id, "side");
	assert_false(o.raw_known);
	assert_int_equal(pa_seq_objective_at(s, 1, 2, &o), PA_SEQ_EINVAL);

	/* b writes raw score and completion; a's "side" reads them. */
	assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_CHOICE, "b", &r), 0);
	assert_string_equal(r.delivered, "b");
	memset(&rep, 0, sizeof(rep));
	memset(&orep, 0, sizeof(orep));
	rep.raw_set = 1;
	rep.raw = 42;
	rep.completion_status = "completed";
	assert_int_equal(pa_seq_report_runtime(s, &rep), 0);
	assert_int_equal(pa_seq_objective_at(s, 1, 1, &o), 0);
	assert_true(o.raw_known && o.raw == 42);
	assert_true(o.completion_known && o.completed);

	/* a: the scaled score decides satisfaction, the progress measure completion. */
	assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_CHOICE, "a", &r), 0);
	assert_string_equal(r.delivered, "a");
	memset(&rep, 0, sizeof(rep));
	rep.scaled_set = 1;
	rep.scaled = 0.65;
	rep.progress_set = 1;
	rep.progress = 0.5;
	orep.id = "side";
	orep.success_status = "failed";
	rep.objectives = &orep;
	rep.objective_count = 1;
	rep.session_time_set = 1;
	rep.session_time = 60;
	rep.elapsed_set = 1;
	rep.elapsed = 90;
	assert_int_equal(pa_seq_report_runtime(s, &rep), 0);
	assert_int_equal(pa_seq_status_at(s, 1, &st), 0);
	assert_true(st.attempt_experienced_duration == 60 && st.activity_absolute_duration == 90);
	assert_int_equal(pa_seq_status_at(s, 0, &st), 0);
	assert_true(st.activity_experienced_duration == 60 && st.attempt_absolute_duration == 90);
	assert_int_equal(pa_seq_status_at(s, 1, &st), 0);
	assert_true(st.satisfied_known && st.satisfied);
	assert_true(st.progress_known && !st.completed);
	assert_int_equal(pa_seq_objective_at(s, 1, 1, &o), 0);
	assert_true(o.satisfied_known && !o.satisfied);
	assert_string_equal(pa_seq_current(s), "a");
	pa_seq_free(s);
}

static void test_sequencing__cli_errors(void **state)
{
	pa_buf out = PA_BUF_INIT;
	char *dir = pa_test_tmpdir("seq-cli");

	(void)state;
	pa_test_write(dir, "s.seq", "start\nfly away\n");
	assert_int_equal(pa_test_run(&out, "'%s' sequence '%s/tests/sequencing/packages/flow' --script '%s/s.seq'",
				     pa_test_binary(), pa_test_source_dir(), dir), 1);
	assert_non_null(strstr(pa_buf_cstr(&out), "s.seq:2: unknown step 'fly'"));
	pa_buf_clear(&out);
	pa_test_write(dir, "t.seq", "start\nset cmi.score.scaled 7\n");
	assert_int_equal(pa_test_run(&out, "'%s' sequence '%s/tests/sequencing/packages/flow' --script '%s/t.seq'",
				     pa_test_binary(), pa_test_source_dir(), dir), 1);
	assert_non_null(strstr(pa_buf_cstr(&out), "not a number in [-1, 1]"));
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "'%s' sequence '%s'", pa_test_binary(), dir), 2);
	pa_buf_clear(&out);
	pa_test_write(dir, "pkg/imsmanifest.xml", "<manifest xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\" "
		      "xmlns:imsss=\"http://www.imsglobal.org/xsd/imsss\"><organizations><organization identifier=\"o\">"
		      "<item identifier=\"i\"><imsss:sequencing IDRef=\"x\"/></item></organization></organizations></manifest>");
	assert_int_equal(pa_test_run(&out, "'%s' sequence '%s/pkg' --script '%s/s.seq'", pa_test_binary(), dir, dir), 1);
	assert_non_null(strstr(pa_buf_cstr(&out), "imsmanifest.xml:1:"));
	assert_non_null(strstr(pa_buf_cstr(&out), "IDRef 'x'"));
	pa_buf_dispose(&out);
	free(dir);
}


/* --- codes no navigation request reaches --------------------------------------- */

/*
 * The Navigation Request Process (NB.2.1) checks what the sequencing,
 * termination and delivery processes check again, and the engine never
 * issues some requests itself: these codes are reached by calling the
 * process directly, each beside the code the navigation request gets in
 * the same state (docs/sequencing.md, "Coverage").
 */
static const char process_tree[] =
	"pa-seqtree 1\n"
	"activity org - flow=1\n"
	"activity a org\n"
	"activity b org\n"
	"activity m org choice=0 flow=1\n"
	"activity m1 m\n";

static void expect_code(const char *got, const char *want)
{
	if (!got || strcmp(got, want) != 0)
		fail_msg("expected %s, got %s", want, got ? got : "no exception");
}

static void test_sequencing__processes_before_the_session(void **state)
{
	pa_seq *s;
	pa_seq_result r;
	char err[PA_SEQ_ERR_SIZE];

	(void)state;
	assert_int_equal(pa_seq_new(&s, process_tree, strlen(process_tree), 0, err), 0);
	/* Sequencing requests with no current activity (SB.2.7-1, ...): the
	 * navigation request is refused first (NB.2.1-1, NB.2.1-2). */
	expect_code(pa_seq__sequencing_request(s, SR_CONTINUE, -1), "SB.2.7-1");
	expect_code(pa_seq__navigation_request(s, PA_SEQ_NAV_CONTINUE, NULL), "NB.2.1-1");
	expect_code(pa_seq__sequencing_request(s, SR_PREVIOUS, -1), "SB.2.8-1");
	expect_code(pa_seq__navigation_request(s, PA_SEQ_NAV_PREVIOUS, NULL), "NB.2.1-2");
	expect_code(pa_seq__sequencing_request(s, SR_JUMP, 1), "SB.2.13-1");
	expect_code(pa_seq__navigation_request(s, PA_SEQ_NAV_JUMP, "a"), "NB.2.1-2");
	expect_code(pa_seq__sequencing_request(s, SR_EXIT, -1), "SB.2.11-1");
	expect_code(pa_seq__navigation_request(s, PA_SEQ_NAV_EXIT, NULL), "NB.2.1-2");
	expect_code(pa_seq__sequencing_request(s, SR_RESUME_ALL, -1), "SB.2.6-2");
	expect_code(pa_seq__navigation_request(s, PA_SEQ_NAV_RESUME_ALL, NULL), "NB.2.1-3");
	/* Retry comes only from post condition rules, after a termination. */
	expect_code(pa_seq__sequencing_request(s, SR_RETRY, -1), "SB.2.10-1");
	/* Choice with no target (NB.2.1-11 when the identifier names nothing). */
	expect_code(pa_seq__sequencing_request(s, SR_CHOICE, -1), "SB.2.9-1");
	expect_code(pa_seq__navigation_request(s, PA_SEQ_NAV_CHOICE, "nowhere"), "NB.2.1-11");
	/* Choice of a child of a cluster with choice="false" (NB.2.1-10). */
	expect_code(pa_seq__sequencing_request(s, SR_CHOICE, pa_seq__find(s, "m1")), "SB.2.9-4");
	expect_code(pa_seq__navigation_request(s, PA_SEQ_NAV_CHOICE, "m1"), "NB.2.1-10");
	/* No sequencing request: the book's "undefined" request. */
	expect_code(pa_seq__sequencing_request(s, SR_NONE, -1), "SB.2.12-1");
	/* Termination with no current activity (every navigation request
	 * that terminates needs one: NB.2.1-2). */
	expect_code(pa_seq__termination_request(s, TR_EXIT_ALL), "TB.2.3-1");
	expect_code(pa_seq__navigation_request(s, PA_SEQ_NAV_EXIT_ALL, NULL), "NB.2.1-2");
	/* _none_ is no navigation request (adl.nav.request's "nothing"). */
	assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_NONE, NULL, &r), 0);
	expect_code(r.exception, "NB.2.1-13");
	/* Nothing changed: the session starts as usual. */
	assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_START, NULL, &r), 0);
	assert_string_equal(r.delivered, "a");
	pa_seq_free(s);
}

static void test_sequencing__processes_during_the_session(void **state)
{
	pa_seq *s;
	pa_seq_result r;
	char err[PA_SEQ_ERR_SIZE];
	int a, b;

	(void)state;
	assert_int_equal(pa_seq_new(&s, process_tree, strlen(process_tree), 0, err), 0);
	a = pa_seq__find(s, "a");
	b = pa_seq__find(s, "b");
	assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_START, NULL, &r), 0);
	assert_string_equal(r.delivered, "a");
	/* The session has begun (NB.2.1-1 for start and resume all). */
	expect_code(pa_seq__sequencing_request(s, SR_START, -1), "SB.2.5-1");
	expect_code(pa_seq__navigation_request(s, PA_SEQ_NAV_START, NULL), "NB.2.1-1");
	expect_code(pa_seq__sequencing_request(s, SR_RESUME_ALL, -1), "SB.2.6-1");
	expect_code(pa_seq__navigation_request(s, PA_SEQ_NAV_RESUME_ALL, NULL), "NB.2.1-1");
	/* The current activity is still active: a navigation request ends
	 * its attempt (termination) before retry or exit run. */
	expect_code(pa_seq__sequencing_request(s, SR_RETRY, -1), "SB.2.10-2");
	expect_code(pa_seq__sequencing_request(s, SR_EXIT, -1), "SB.2.11-2");
	/* Delivery while the current activity is active (OP.1 terminates
	 * first). */
	assert_null(pa_seq__delivery_request(s, b));
	expect_code(pa_seq__content_delivery_environment(s, b), "DB.2-1");
	/* Termination requests the book leaves undefined: none, and exit
	 * parent, which only a post condition rule asks for inside TB.2.3. */
	expect_code(pa_seq__termination_request(s, TR_NONE), "TB.2.3-7");
	expect_code(pa_seq__termination_request(s, TR_EXIT_PARENT), "TB.2.3-7");
	/* Choice Activity Traversal backward from the root: choice moves
	 * backward only between siblings (SB.2.9 case 2), never from the root. */
	expect_code(pa_seq__choice_activity_traversal(s, 0, DIR_BACKWARD), "SB.2.4-3");
	assert_null(pa_seq__choice_activity_traversal(s, b, DIR_BACKWARD));
	/* Exit or abandon of an attempt already ended (NB.2.1-12). */
	assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_ABANDON, NULL, &r), 0);
	assert_null(r.exception);
	assert_int_equal(s->current, a);
	expect_code(pa_seq__termination_request(s, TR_EXIT), "TB.2.3-2");
	expect_code(pa_seq__termination_request(s, TR_ABANDON), "TB.2.3-2");
	expect_code(pa_seq__navigation_request(s, PA_SEQ_NAV_EXIT, NULL), "NB.2.1-12");
	/* The current activity is no longer active: delivery goes on. */
	assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_CONTINUE, NULL, &r), 0);
	assert_string_equal(r.delivered, "b");
	/* Past the last activity the flow ends the session with SB.2.1-1,
	 * which OP.1 reports as the session's end (the script's `end`). */
	assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_CONTINUE, NULL, &r), 0);
	assert_string_equal(r.delivered, "m1");
	assert_null(pa_seq__termination_request(s, TR_EXIT));
	expect_code(pa_seq__sequencing_request(s, SR_CONTINUE, -1), "SB.2.1-1");
	pa_seq_free(s);
}

/* xs:dateTime, strictly: the time limits' format. */
static void test_sequencing__datetime(void **state)
{
	static const char *const bad[] = { "", "2026-03-01", "2026-03-01T09:00", "2026-3-01T09:00:00Z",
		"2026-03-01T24:00:00Z", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
		"0000-01-01T00:00:00Z", "2026-03-01T09:00:00.Z", "2026-03-01T09:00:00+1:00", "2026-03-01T09:00:00+15:00",
		"2026-03-01T09:00:00Zjunk", " 2026-03-01T09:00:00Z" };
	double t;

	(void)state;
	assert_int_equal(pa_seqtree_parse_datetime(&t, "1970-01-01T00:00:00Z"), 0);
	assert_true(t == 0);
	assert_int_equal(pa_seqtree_parse_datetime(&t, "2026-03-01T10:00:00+01:00"), 0);
	assert_true(t == 1772355600);
	assert_int_equal(pa_seqtree_parse_datetime(&t, "1969-12-31T23:59:59.25-00:00"), 0);
	assert_true(t == -0.75);
	assert_int_equal(pa_seqtree_parse_datetime(&t, "2000-02-29T12:00:00"), 0);
	assert_true(t == 951825600);
	assert_int_equal(pa_seqtree_parse_datetime(&t, "0001-01-01T00:00:00Z"), 0);
	assert_true(t == -62135596800.0);
	assert_int_equal(pa_seqtree_parse_datetime(&t, "9999-12-31T23:59:59Z"), 0);
	assert_true(t == 253402300799.0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pa_seqtree_parse_datetime(&t, bad[i]) == 0)
			fail_msg("'%s' parsed", bad[i]);
}

/*
 * Limit Conditions Check Process [UP.1] step 6: an attempt over its
 * absolute duration limit counts once its progress is known (Attempt
 * Progress Status), and the limit reaches the SCO as cmi.max_time_allowed.
 */
static void test_sequencing__duration_limit(void **state)
{
	static const char tree[] =
		"pa-seqtree 1\n"
		"activity org - flow=1\n"
		"activity a org attemptAbsoluteDurationLimit=600 completionSetByContent=1\n"
		"activity b org\n";
	pa_seq *s;
	pa_seq_result r;
	pa_seq_report rep;
	pa_seq_status st;
	char err[PA_SEQ_ERR_SIZE];

	(void)state;
	assert_int_equal(pa_seq_new(&s, tree, strlen(tree), 0, err), 0);
	assert_int_equal(pa_seq_status_at(s, 1, &st), 0);
	assert_true(st.max_time_allowed_set);
	assert_true(st.max_time_allowed == 600);
	assert_int_equal(pa_seq_status_at(s, 2, &st), 0);
	assert_false(st.max_time_allowed_set);

	/* 20 minutes of wall clock, 5 of them reported by the SCO, and no
	 * completion status: the attempt's progress is unknown, the limit
	 * does not count yet. */
	assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_START, NULL, &r), 0);
	assert_string_equal(r.delivered, "a");
	memset(&rep, 0, sizeof(rep));
	rep.session_time_set = 1;
	rep.session_time = 300;
	rep.elapsed_set = 1;
	rep.elapsed = 1200;
	assert_int_equal(pa_seq_report_runtime(s, &rep), 0);
	assert_int_equal(pa_seq_status_at(s, 1, &st), 0);
	assert_true(st.attempt_absolute_duration == 1200);
	assert_true(st.attempt_experienced_duration == 300);
	assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_CONTINUE, NULL, &r), 0);
	assert_string_equal(r.delivered, "b");
	assert_int_equal(pa_seq_request_valid(s, PA_SEQ_NAV_CHOICE, "a"), 1);

	/* A second attempt, completed this time, 10 minutes long. */
	assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_CHOICE, "a", &r), 0);
	assert_string_equal(r.delivered, "a");
	assert_int_equal(pa_seq_status_at(s, 1, &st), 0);
	assert_true(st.attempt_absolute_duration == 0);
	memset(&rep, 0, sizeof(rep));
	rep.completion_status = "completed";
	rep.session_time_set = 1;
	rep.session_time = 600;
	assert_int_equal(pa_seq_report_runtime(s, &rep), 0);
	assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_CONTINUE, NULL, &r), 0);
	assert_string_equal(r.delivered, "b");
	assert_int_equal(pa_seq_request_valid(s, PA_SEQ_NAV_CHOICE, "a"), 0);
	assert_int_equal(pa_seq_navigate(s, PA_SEQ_NAV_CHOICE, "a", &r), 0);
	expect_code(r.exception, "DB.1.1-3");
	pa_seq_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequencing__script_flow),
		cmocka_unit_test(test_sequencing__script_choice),
		cmocka_unit_test(test_sequencing__script_choiceonly),
		cmocka_unit_test(test_sequencing__script_rules),
		cmocka_unit_test(test_sequencing__script_rollup),
		cmocka_unit_test(test_sequencing__script_selection),
		cmocka_unit_test(test_sequencing__script_selection_seed2),
		cmocka_unit_test(test_sequencing__script_globals),
		cmocka_unit_test(test_sequencing__script_limits),
		cmocka_unit_test(test_sequencing__script_suspend),
		cmocka_unit_test(test_sequencing__script_edge),
		cmocka_unit_test(test_sequencing__script_golf_remediation),
		cmocka_unit_test(test_sequencing__script_postflow),
		cmocka_unit_test(test_sequencing__script_retryall),
		cmocka_unit_test(test_sequencing__script_durations),
		cmocka_unit_test(test_sequencing__script_timerange),
		cmocka_unit_test(test_sequencing__every_script_listed),
		cmocka_unit_test(test_sequencing__tree_malformed),
		cmocka_unit_test(test_sequencing__tree_bounds),
		cmocka_unit_test(test_sequencing__manifest_malformed),
		cmocka_unit_test(test_sequencing__manifest_line_numbers),
		cmocka_unit_test(test_sequencing__export_import),
		cmocka_unit_test(test_sequencing__globals_across_packages),
		cmocka_unit_test(test_sequencing__seeded_selection),
		cmocka_unit_test(test_sequencing__data_model_queries),
		cmocka_unit_test(test_sequencing__cli_errors),
		cmocka_unit_test(test_sequencing__processes_before_the_session),
		cmocka_unit_test(test_sequencing__processes_during_the_session),
		cmocka_unit_test(test_sequencing__duration_limit),
		cmocka_unit_test(test_sequencing__datetime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
