/* packager/manifest: SCORM 2004 and 1.2 manifests of hand-built plans,
 * validated against the full official schemas and checked by XPath. */
#include "manifest_check.h"

#include <stdlib.h>

#include "common/util.h"
#include "packager/manifest.h"

/* A course built in memory: m1 graded, m2 ungraded (a lesson and a
 * survey), m3 graded with limits. */
typedef struct fixture {
	pa_lstr title[2], m1t[2], m2t[1], m3t[1], desc[2], ut[6][1];
	pa_unit m1u[2], m2u[2], m3u[2];
	pa_module modules[3];
	char *languages[2];
	char *kw_en[2], *kw_fr[1];
	pa_lstrlist keywords[2];
	char *authors[1];
	pa_course course;
	const char *langs[2];
	pa_plan_sco scos[6];
	pa_plan plan;
} fixture;

#define LS(arr) { (arr), sizeof(arr) / sizeof((arr)[0]) }

static void unit(pa_unit *u, pa_lstr *title, const char *id, const char *text, pa_unit_kind kind)
{
	title->lang = (char *)"en";
	title->text = (char *)text;
	u->id = (char *)id;
	u->kind = kind;
	u->title.items = title;
	u->title.count = 1;
	u->passing_score = 80;
	u->graded = true;
}

static void build(fixture *f, pa_nav_mode nav, pa_format format)
{
	static const char *const ids[] = { "m1-intro", "m1-quiz", "m2-read", "m2-survey", "m3-read", "m3-quiz" };
	pa_unit *units[] = { &f->m1u[0], &f->m1u[1], &f->m2u[0], &f->m2u[1], &f->m3u[0], &f->m3u[1] };
	pa_module *mods[] = { &f->modules[0], &f->modules[0], &f->modules[1], &f->modules[1],
			      &f->modules[2], &f->modules[2] };
	char href[64];

	memset(f, 0, sizeof(*f));
	f->title[0] = (pa_lstr){ (char *)"en", (char *)"Migration law" };
	f->title[1] = (pa_lstr){ (char *)"fr", (char *)"Droit de la migration" };
	f->desc[0] = (pa_lstr){ (char *)"en", (char *)"An introduction." };
	f->desc[1] = (pa_lstr){ (char *)"fr", (char *)"Une introduction." };
	f->m1t[0] = (pa_lstr){ (char *)"en", (char *)"Who is a migrant?" };
	f->m1t[1] = (pa_lstr){ (char *)"fr", (char *)"Qui est migrant ?" };
	f->m2t[0] = (pa_lstr){ (char *)"en", (char *)"Your city" };
	f->m3t[0] = (pa_lstr){ (char *)"en", (char *)"Rights & duties" };

	unit(&f->m1u[0], f->ut[0], ids[0], "Introduction", PA_UNIT_LESSON);
	unit(&f->m1u[1], f->ut[1], ids[1], "Check", PA_UNIT_ASSESSMENT);
	f->m1u[1].passing_score = 70;
	unit(&f->m2u[0], f->ut[2], ids[2], "Reading", PA_UNIT_LESSON);
	unit(&f->m2u[1], f->ut[3], ids[3], "Survey", PA_UNIT_ASSESSMENT);
	f->m2u[1].graded = false;
	unit(&f->m3u[0], f->ut[4], ids[4], "Rights", PA_UNIT_LESSON);
	unit(&f->m3u[1], f->ut[5], ids[5], "Final check", PA_UNIT_ASSESSMENT);
	f->m3u[1].attempt_limit = 3;
	f->m3u[1].time_limit = (char *)"PT1H20M";

	f->modules[0] = (pa_module){ .id = (char *)"m1", .title = LS(f->m1t), .units = f->m1u, .unit_count = 2 };
	f->modules[1] = (pa_module){ .id = (char *)"m2", .title = LS(f->m2t), .units = f->m2u, .unit_count = 2 };
	f->modules[2] = (pa_module){ .id = (char *)"m3", .title = LS(f->m3t), .units = f->m3u, .unit_count = 2 };

	f->languages[0] = (char *)"en";
	f->languages[1] = (char *)"fr";
	f->kw_en[0] = (char *)"migration";
	f->kw_en[1] = (char *)"law";
	f->kw_fr[0] = (char *)"droit";
	f->keywords[0] = (pa_lstrlist){ (char *)"en", f->kw_en, 2 };
	f->keywords[1] = (pa_lstrlist){ (char *)"fr", f->kw_fr, 1 };
	f->authors[0] = (char *)"Smith; John";

	f->course = (pa_course){
		.id = (char *)"org.example.law", .version = (char *)"2.0.1", .date = (char *)"2026-11-01",
		.languages = f->languages, .language_count = 2, .title = LS(f->title),
		.description = LS(f->desc), .duration = (char *)"PT3H", .keywords = f->keywords,
		.keyword_count = 2, .licence = (char *)"CC-BY-4.0", .attribution = (char *)"IOM",
		.authors = f->authors, .author_count = 1, .passing_score = 80, .navigation = nav,
		.modules = f->modules, .module_count = 3,
	};
	f->langs[0] = "en";
	f->langs[1] = "fr";
	f->plan = (pa_plan){ .course = &f->course, .format = format, .languages = f->langs,
			     .language_count = 2, .scos = f->scos, .sco_count = 6 };
	for (size_t i = 0; i < 6; i++) {
		snprintf(href, sizeof(href), "content/%s.html", ids[i]);
		f->scos[i].module = mods[i];
		f->scos[i].unit = units[i];
		f->scos[i].href = strdup(href);
		assert_int_equal(pa_strset_add(&f->scos[i].files, href), 0);
	}
	assert_int_equal(pa_strset_add(&f->scos[0].files, "content/assets/routes map.png"), 0);
	assert_int_equal(pa_strset_add(&f->plan.shared_files, "content/_pa/sco.js"), 0);
	assert_int_equal(pa_strset_add(&f->plan.shared_files, "content/_pa/sco.css"), 0);
}

static void dispose(fixture *f)
{
	for (size_t i = 0; i < 6; i++) {
		free(f->scos[i].href);
		pa_strset_dispose(&f->scos[i].files);
	}
	pa_strset_dispose(&f->plan.shared_files);
}

/* Write, validate against the full schemas, open for XPath. */
static void write_valid(fixture *f, pa_buf *xml, check_doc *d)
{
	pa_buf errors = PA_BUF_INIT;

	assert_int_equal(pa_manifest_write(xml, &f->plan), 0);
	if (check_validate(xml->ptr, xml->len, f->plan.format == PA_FORMAT_SCORM2004, &errors) != 0) {
		fprintf(stderr, "%s\ninvalid manifest:\n%s", xml->ptr, errors.ptr);
		fail();
	}
	pa_buf_dispose(&errors);
	check_open(d, xml->ptr, xml->len);
}

#define ORG "/cp:manifest/cp:organizations/cp:organization"
#define MOD(id) ORG "/cp:item[@identifier='MOD-" id "']"
#define UNIT(m, id) MOD(m) "/cp:item[@identifier='ITEM-" id "']"

static void test_manifest__scorm2004_prerequisites(void **state)
{
	fixture f;
	pa_buf xml = PA_BUF_INIT;
	check_doc d;

	(void)state;
	build(&f, PA_NAV_PREREQUISITES, PA_FORMAT_SCORM2004);
	write_valid(&f, &xml, &d);

	assert_xpath_string(&d, "ADL SCORM", "/cp:manifest/cp:metadata/cp:schema");
	assert_xpath_string(&d, "2004 4th Edition", "/cp:manifest/cp:metadata/cp:schemaversion");
	assert_xpath_string(&d, "Droit de la migration",
			    "/cp:manifest/cp:metadata/lom:lom/lom:general/lom:title/lom:string[@language='fr']");
	assert_xpath_count(&d, 3, "//lom:general/lom:keyword");
	assert_xpath_string(&d, "PT3H", "//lom:typicalLearningTime/lom:duration");
	assert_xpath_string(&d, "2.0.1", "//lom:lifeCycle/lom:version/lom:string");
	assert_xpath_count(&d, 1, "//lom:contribute/lom:entity[contains(., 'FN:Smith\\; John')]");
	assert_xpath_string(&d, "CC-BY-4.0. IOM", "//lom:rights/lom:description/lom:string");
	assert_xpath_string(&d, "org.example.law", "/cp:manifest/@identifier");
	assert_xpath_string(&d, "Migration law", ORG "/cp:title");
	assert_xpath_string(&d, "Rights & duties", MOD("m3") "/cp:title");

	/* Choice and flow everywhere. */
	assert_xpath_count(&d, 1, ORG "/imsss:sequencing/imsss:controlMode[@choice='true' and @flow='true']");
	assert_xpath_count(&d, 3, ORG "/cp:item/imsss:sequencing/imsss:controlMode[@choice='true' and @flow='true']");

	/* m1: passed at its assessment's score, written to the global objective. */
	assert_xpath_string(&d, "true", MOD("m1") "/imsss:sequencing/imsss:objectives/imsss:primaryObjective/@satisfiedByMeasure");
	assert_xpath_string(&d, "0.7", MOD("m1") "/imsss:sequencing/imsss:objectives/imsss:primaryObjective/imsss:minNormalizedMeasure");
	assert_xpath_count(&d, 1, MOD("m1") "/imsss:sequencing/imsss:objectives/imsss:primaryObjective/imsss:mapInfo"
			   "[@targetObjectiveID='urn:passerelle:org.example.law:m1' and @writeSatisfiedStatus='true'"
			   " and @writeNormalizedMeasure='true']");
	assert_xpath_count(&d, 0, MOD("m1") "/imsss:sequencing/imsss:sequencingRules");
	/* Lessons do not spoil the rollup; the assessment carries the objective. */
	assert_xpath_count(&d, 1, UNIT("m1", "m1-intro") "/imsss:sequencing/imsss:rollupRules"
			   "[@rollupObjectiveSatisfied='false' and @objectiveMeasureWeight='0']");
	assert_xpath_count(&d, 1, UNIT("m1", "m1-intro") "/imsss:sequencing/imsss:deliveryControls[@completionSetByContent='true']");
	assert_xpath_string(&d, "0.7", UNIT("m1", "m1-quiz") "/imsss:sequencing/imsss:objectives/imsss:primaryObjective"
			    "[@satisfiedByMeasure='true']/imsss:minNormalizedMeasure");
	assert_xpath_count(&d, 1, UNIT("m1", "m1-quiz") "/imsss:sequencing/imsss:deliveryControls"
			   "[@completionSetByContent='true' and @objectiveSetByContent='true']");
	assert_xpath_count(&d, 0, UNIT("m1", "m1-quiz") "/imsss:sequencing/imsss:limitConditions");

	/* m2 (ungraded): out of the course's satisfaction, closed until m1 is passed. */
	assert_xpath_count(&d, 1, MOD("m2") "/imsss:sequencing/imsss:rollupRules[@rollupObjectiveSatisfied='false']");
	assert_xpath_count(&d, 1, MOD("m2") "/imsss:sequencing/imsss:sequencingRules/imsss:preConditionRule"
			   "[imsss:ruleAction/@action='disabled']/imsss:ruleConditions[@conditionCombination='any']"
			   "/imsss:ruleCondition[@operator='not' and @condition='satisfied' and @referencedObjective='previous-module-passed']");
	assert_xpath_count(&d, 1, MOD("m2") "/imsss:sequencing/imsss:objectives/imsss:objective[@objectiveID='previous-module-passed']"
			   "/imsss:mapInfo[@targetObjectiveID='urn:passerelle:org.example.law:m1' and @readSatisfiedStatus='true']");
	assert_xpath_count(&d, 0, MOD("m2") "//imsss:mapInfo[@writeSatisfiedStatus='true']");
	assert_xpath_count(&d, 1, UNIT("m2", "m2-survey") "/imsss:sequencing/imsss:rollupRules[@objectiveMeasureWeight='0']");

	/* m3 follows an ungraded module: it depends on the last graded one, m1. */
	assert_xpath_count(&d, 1, MOD("m3") "/imsss:sequencing/imsss:objectives/imsss:objective"
			   "/imsss:mapInfo[@targetObjectiveID='urn:passerelle:org.example.law:m1']");
	assert_xpath_count(&d, 1, MOD("m3") "/imsss:sequencing/imsss:objectives/imsss:primaryObjective"
			   "/imsss:mapInfo[@targetObjectiveID='urn:passerelle:org.example.law:m3']");
	assert_xpath_count(&d, 1, UNIT("m3", "m3-quiz") "/imsss:sequencing/imsss:limitConditions"
			   "[@attemptLimit='3' and @attemptAbsoluteDurationLimit='PT1H20M']");
	assert_xpath_string(&d, "exit,message", UNIT("m3", "m3-quiz") "/adlcp:timeLimitAction");
	assert_xpath_string(&d, "false", ORG "/@adlseq:objectivesGlobalToSystem");

	/* Resources: a SCO per unit naming its files and the shared run-time. */
	assert_xpath_count(&d, 6, "//cp:resource[@adlcp:scormType='sco' and @type='webcontent']"
			   "[cp:dependency/@identifierref='SHARED-runtime']");
	assert_xpath_string(&d, "content/m1-intro.html", "//cp:resource[@identifier='RES-m1-intro']/@href");
	assert_xpath_count(&d, 1, "//cp:resource[@identifier='RES-m1-intro']/cp:file[@href='content/assets/routes%20map.png']");
	assert_xpath_count(&d, 2, "//cp:resource[@identifier='SHARED-runtime' and @adlcp:scormType='asset']/cp:file");
	assert_xpath_count(&d, 6, ORG "//cp:item[@identifierref]");
	assert_xpath_count(&d, 0, ORG "//cp:item[@identifierref][not(@identifierref = //cp:resource/@identifier)]");

	check_close(&d);
	pa_buf_dispose(&xml);
	dispose(&f);
}

static void test_manifest__scorm2004_forced_and_free(void **state)
{
	fixture f;
	pa_buf xml = PA_BUF_INIT;
	check_doc d;

	(void)state;
	build(&f, PA_NAV_FORCED, PA_FORMAT_SCORM2004);
	write_valid(&f, &xml, &d);
	assert_xpath_count(&d, 1, ORG "/imsss:sequencing/imsss:controlMode[@choice='false' and @flow='true']");
	assert_xpath_count(&d, 3, ORG "/cp:item/imsss:sequencing/imsss:controlMode[@choice='false' and @flow='true']");
	assert_xpath_count(&d, 0, "//imsss:sequencingRules");
	assert_xpath_count(&d, 0, "//imsss:mapInfo");
	/* Still graded by measure, still rolled up from the graded modules only. */
	assert_xpath_count(&d, 2, ORG "/cp:item/imsss:sequencing/imsss:objectives/imsss:primaryObjective[@satisfiedByMeasure='true']");
	assert_xpath_count(&d, 1, MOD("m2") "/imsss:sequencing/imsss:rollupRules[@rollupObjectiveSatisfied='false']");
	check_close(&d);
	dispose(&f);

	pa_buf_clear(&xml);
	build(&f, PA_NAV_FREE, PA_FORMAT_SCORM2004);
	write_valid(&f, &xml, &d);
	assert_xpath_count(&d, 4, "//imsss:controlMode[@choice='true' and @flow='true']");
	assert_xpath_count(&d, 0, "//imsss:controlMode[@choice='false']");
	assert_xpath_count(&d, 0, "//imsss:sequencingRules");
	assert_xpath_count(&d, 0, "//imsss:mapInfo");
	check_close(&d);
	dispose(&f);
	pa_buf_dispose(&xml);
}

static void test_manifest__scorm2004_module_with_two_assessments(void **state)
{
	fixture f;
	pa_buf xml = PA_BUF_INIT;
	check_doc d;

	(void)state;
	build(&f, PA_NAV_PREREQUISITES, PA_FORMAT_SCORM2004);
	/* m1's lesson becomes a second graded assessment. */
	f.m1u[0].kind = PA_UNIT_ASSESSMENT;
	f.m1u[0].passing_score = 90;
	write_valid(&f, &xml, &d);
	/* Passed when both are (default rollup), not by one measure. */
	assert_xpath_count(&d, 0, MOD("m1") "/imsss:sequencing/imsss:objectives/imsss:primaryObjective[@satisfiedByMeasure]");
	assert_xpath_count(&d, 1, MOD("m1") "/imsss:sequencing/imsss:objectives/imsss:primaryObjective/imsss:mapInfo[@writeSatisfiedStatus='true']");
	assert_xpath_string(&d, "0.9", UNIT("m1", "m1-intro") "//imsss:minNormalizedMeasure");
	assert_xpath_count(&d, 0, UNIT("m1", "m1-intro") "//imsss:rollupRules");
	check_close(&d);
	dispose(&f);
	pa_buf_dispose(&xml);
}

static void test_manifest__scorm12(void **state)
{
	fixture f;
	pa_buf xml = PA_BUF_INIT;
	check_doc d;

#define ORG12 "/cp12:manifest/cp12:organizations/cp12:organization"
#define UNIT12(id) ORG12 "/cp12:item/cp12:item[@identifier='ITEM-" id "']"
	(void)state;
	build(&f, PA_NAV_PREREQUISITES, PA_FORMAT_SCORM12);
	write_valid(&f, &xml, &d);
	assert_xpath_string(&d, "1.2", "/cp12:manifest/cp12:metadata/cp12:schemaversion");
	assert_xpath_string(&d, "Droit de la migration", "//imsmd:general/imsmd:title/imsmd:langstring[@xml:lang='fr']");
	assert_xpath_string(&d, "03:00:00", "//imsmd:typicallearningtime/imsmd:datetime");
	assert_xpath_string(&d, "70", UNIT12("m1-quiz") "/adlcp12:masteryscore");
	assert_xpath_string(&d, "80", UNIT12("m3-quiz") "/adlcp12:masteryscore");
	assert_xpath_count(&d, 0, UNIT12("m2-survey") "/adlcp12:masteryscore");
	assert_xpath_count(&d, 0, UNIT12("m1-intro") "/adlcp12:masteryscore");
	assert_xpath_string(&d, "01:20:00", UNIT12("m3-quiz") "/adlcp12:maxtimeallowed");
	assert_xpath_string(&d, "exit,message", UNIT12("m3-quiz") "/adlcp12:timelimitaction");
	/* A module opens when the previous graded module's assessment is passed. */
	assert_xpath_count(&d, 0, ORG12 "/cp12:item[@identifier='MOD-m1']//adlcp12:prerequisites");
	assert_xpath_string(&d, "ITEM-m1-quiz", UNIT12("m2-read") "/adlcp12:prerequisites[@type='aicc_script']");
	assert_xpath_string(&d, "ITEM-m1-quiz", UNIT12("m3-read") "/adlcp12:prerequisites");
	assert_xpath_count(&d, 6, "//cp12:resource[@adlcp12:scormtype='sco']");
	assert_xpath_count(&d, 1, "//cp12:resource[@identifier='SHARED-runtime' and @adlcp12:scormtype='asset']");
	check_close(&d);
	dispose(&f);

	pa_buf_clear(&xml);
	build(&f, PA_NAV_FORCED, PA_FORMAT_SCORM12);
	write_valid(&f, &xml, &d);
	assert_xpath_count(&d, 5, "//adlcp12:prerequisites");
	assert_xpath_count(&d, 0, UNIT12("m1-intro") "/adlcp12:prerequisites");
	assert_xpath_string(&d, "ITEM-m1-intro", UNIT12("m1-quiz") "/adlcp12:prerequisites");
	assert_xpath_string(&d, "ITEM-m1-quiz", UNIT12("m2-read") "/adlcp12:prerequisites");
	assert_xpath_string(&d, "ITEM-m3-read", UNIT12("m3-quiz") "/adlcp12:prerequisites");
	check_close(&d);
	dispose(&f);

	pa_buf_clear(&xml);
	build(&f, PA_NAV_FREE, PA_FORMAT_SCORM12);
	write_valid(&f, &xml, &d);
	assert_xpath_count(&d, 0, "//adlcp12:prerequisites");
	check_close(&d);
	dispose(&f);
	pa_buf_dispose(&xml);
}

static void test_manifest__deterministic_and_safe_text(void **state)
{
	fixture f;
	pa_buf a = PA_BUF_INIT, b = PA_BUF_INIT;
	check_doc d;

	(void)state;
	build(&f, PA_NAV_PREREQUISITES, PA_FORMAT_SCORM2004);
	f.course.id = (char *)"2026.course";
	f.title[0].text = (char *)"Bell\x07 and <tags> & \"quotes\"";
	write_valid(&f, &a, &d);
	/* xs:ID cannot start with a digit. */
	assert_xpath_string(&d, "course-2026.course", "/cp:manifest/@identifier");
	assert_xpath_string(&d, "Bell and <tags> & \"quotes\"", ORG "/cp:title");
	check_close(&d);
	assert_int_equal(pa_manifest_write(&b, &f.plan), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.ptr, b.ptr, a.len);
	assert_true(pa_str_startswith(a.ptr, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest"));
	assert_non_null(strstr(a.ptr, "\n  <metadata>\n"));

	/* Bytes that are not UTF-8 are refused, not written. */
	pa_buf_clear(&b);
	f.m3t[0].text = (char *)"Bad \xff byte";
	assert_int_equal(pa_manifest_write(&b, &f.plan), PA_EINVALID);
	assert_non_null(strstr(pa_error_last(), "UTF-8"));
	assert_int_equal(b.len, 0);
	dispose(&f);
	pa_buf_dispose(&a);
	pa_buf_dispose(&b);
}

/* Replace the first from by to in xml. */
static void mutate(pa_buf *out, const pa_buf *xml, const char *from, const char *to)
{
	const char *at = strstr(xml->ptr, from);

	assert_non_null(at);
	pa_buf_clear(out);
	pa_buf_put(out, xml->ptr, (size_t)(at - xml->ptr));
	pa_buf_puts(out, to);
	pa_buf_puts(out, at + strlen(from));
}

/* The checks above mean something only if the validator rejects. */
static void test_manifest__validator_rejects_broken_manifests(void **state)
{
	static const char *const bad2004[][2] = {
		{ "attemptLimit=\"3\"", "attemptLimit=\"three\"" },
		{ "<lom:value>author</lom:value>", "<lom:value>writer</lom:value>" },
		{ "<imsss:controlMode choice=\"true\"", "<imsss:controlMode choice=\"maybe\"" },
		{ "identifier=\"ITEM-m1-intro\"", "identifier=\"ITEM-m1-quiz\"" },
	};
	fixture f;
	pa_buf xml = PA_BUF_INIT, bad = PA_BUF_INIT, errors = PA_BUF_INIT;

	(void)state;
	build(&f, PA_NAV_PREREQUISITES, PA_FORMAT_SCORM2004);
	assert_int_equal(pa_manifest_write(&xml, &f.plan), 0);
	for (size_t i = 0; i < sizeof(bad2004) / sizeof(bad2004[0]); i++) {
		mutate(&bad, &xml, bad2004[i][0], bad2004[i][1]);
		pa_buf_clear(&errors);
		assert_int_not_equal(check_validate(bad.ptr, bad.len, true, &errors), 0);
	}
	dispose(&f);
	pa_buf_clear(&xml);
	build(&f, PA_NAV_PREREQUISITES, PA_FORMAT_SCORM12);
	assert_int_equal(pa_manifest_write(&xml, &f.plan), 0);
	mutate(&bad, &xml, "adlcp:scormtype=\"sco\"", "adlcp:scormtype=\"scorm\"");
	assert_int_not_equal(check_validate(bad.ptr, bad.len, false, &errors), 0);
	mutate(&bad, &xml, "<imsmd:technical>", "<imsmd:technical><imsmd:unknown/>");
	assert_int_not_equal(check_validate(bad.ptr, bad.len, false, &errors), 0);
	dispose(&f);
	pa_buf_dispose(&xml);
	pa_buf_dispose(&bad);
	pa_buf_dispose(&errors);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest__scorm2004_prerequisites),
		cmocka_unit_test(test_manifest__scorm2004_forced_and_free),
		cmocka_unit_test(test_manifest__scorm2004_module_with_two_assessments),
		cmocka_unit_test(test_manifest__scorm12),
		cmocka_unit_test(test_manifest__deterministic_and_safe_text),
		cmocka_unit_test(test_manifest__validator_rejects_broken_manifests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
