/* packager/course.c: course.json rules, defaults, files, languages, and where each error is reported. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "packager/course.h"

static const char en_gift[] =
	"::q1:: Which instrument defines a refugee? {\n"
	"  =The 1951 Convention # Right.\n"
	"  ~The Global Compact # No.\n"
	"}\n"
	"\n"
	"::q2:: Non-refoulement is customary law. {T}\n";

static const char fr_gift[] =
	"::q1:: Quel instrument définit le réfugié ? {\n"
	"  =La Convention de 1951 # Oui.\n"
	"  ~Le Pacte mondial # Non.\n"
	"}\n"
	"\n"
	"::q2:: Le non-refoulement est coutumier. {T}\n";

static const char doc_course[] =
	"{\n"
	"  \"id\": \"org.example.migration-law\",\n"
	"  \"version\": \"1.0.0\",\n"
	"  \"date\": \"2026-11-01\",\n"
	"  \"languages\": [\"en\", \"fr\"],\n"
	"  \"title\": { \"en\": \"International Migration Law\", \"fr\": \"Droit international de la migration\" },\n"
	"  \"description\": { \"en\": \"About law\", \"fr\": \"Le droit\" },\n"
	"  \"audience\": \"Staff\",\n"
	"  \"duration\": \"PT3H\",\n"
	"  \"keywords\": { \"en\": [\"migration\", \"law\"], \"fr\": [\"migration\", \"droit\"] },\n"
	"  \"licence\": \"CC-BY-4.0\",\n"
	"  \"attribution\": \"Written for the programme\",\n"
	"  \"authors\": [\"A. Author\", \"B. Author\"],\n"
	"  \"passingScore\": 80,\n"
	"  \"attemptLimit\": 0,\n"
	"  \"navigation\": \"prerequisites\",\n"
	"  \"modules\": [\n"
	"    {\n"
	"      \"id\": \"m1\",\n"
	"      \"title\": { \"en\": \"Who is a migrant?\", \"fr\": \"Qui est migrant ?\" },\n"
	"      \"units\": [\n"
	"        { \"id\": \"m1-intro\", \"type\": \"lesson\", \"title\": { \"en\": \"Intro\", \"fr\": \"Intro\" },\n"
	"          \"source\": { \"en\": \"m1/intro.en.md\", \"fr\": \"./m1/../m1/intro.fr.md\" } },\n"
	"        { \"id\": \"m1-quiz\", \"type\": \"assessment\", \"title\": { \"en\": \"Check\", \"fr\": \"Vérification\" },\n"
	"          \"questions\": { \"en\": \"m1/quiz.en.gift\", \"fr\": \"m1/quiz.fr.gift\" },\n"
	"          \"passingScore\": 70, \"attemptLimit\": 3, \"shuffle\": true, \"timeLimit\": \"PT20M\" }\n"
	"      ]\n"
	"    }\n"
	"  ]\n"
	"}\n";

/* A course folder with the lesson and question files doc_course names. */
static char *course_dir(const char *name, const char *json)
{
	char *dir = pa_test_tmpdir(name);

	pa_test_write(dir, "m1/intro.en.md", "# Intro\n");
	pa_test_write(dir, "m1/intro.fr.md", "# Intro\n");
	pa_test_write(dir, "m1/quiz.en.gift", en_gift);
	pa_test_write(dir, "m1/quiz.fr.gift", fr_gift);
	if (json)
		pa_test_write(dir, "course.json", json);
	return dir;
}

static pa_course *load_ok(const char *dir, pa_diag *diag)
{
	pa_course *course = NULL;
	int rc = pa_course_load(&course, dir, diag);

	if (rc != 0 || diag->errors)
		pa_diag_print(diag, stderr);
	assert_int_equal(rc, 0);
	assert_non_null(course);
	return course;
}

/* The diagnostic holding needle must be at file:line:col (col 0: not checked). */
static void expect(const pa_diag *diag, pa_diag_severity sev, const char *file, const char *needle,
		   unsigned line, unsigned col)
{
	for (size_t i = 0; i < diag->count; i++) {
		const pa_diag_entry *e = &diag->items[i];

		if (e->severity != sev || !strstr(e->message, needle))
			continue;
		if (strcmp(e->file, file) != 0 || e->line != line || (col && e->col != col)) {
			fprintf(stderr, "'%s' at %s:%u:%u, expected %s:%u:%u\n", e->message, e->file,
				e->line, e->col, file, line, col);
			fail();
		}
		return;
	}
	pa_diag_print(diag, stderr);
	fail_msg("no diagnostic containing '%s'", needle);
}

/* Load json (with the standard files around it); it must fail with needle at line:col of course.json. */
static void course_fails(const char *json, const char *needle, unsigned line, unsigned col)
{
	char *dir = course_dir("course_fails", json);
	pa_course *course = (pa_course *)1;
	pa_diag diag;

	pa_diag_init(&diag);
	assert_int_equal(pa_course_load(&course, dir, &diag), PA_EINVALID);
	assert_null(course);
	expect(&diag, PA_DIAG_ERROR, "course.json", needle, line, col);
	pa_diag_dispose(&diag);
	free(dir);
}

/* A one-language course around a units array (written on line 3 onwards). */
static char *with_units(const char *units)
{
	pa_buf b = PA_BUF_INIT;

	pa_buf_printf(&b, "{\"id\": \"c\", \"version\": \"1\", \"languages\": [\"en\"], \"title\": \"T\", \"audience\": \"\",\n"
		      "\"licence\": \"CC0-1.0\", \"modules\": [{\"id\": \"m1\", \"title\": \"M\", \"units\": [\n"
		      "%s]}]}\n", units);
	return pa_buf_detach(&b);
}

static void units_fail(const char *units, const char *needle, unsigned line, unsigned col)
{
	char *json = with_units(units);

	course_fails(json, needle, line, col);
	free(json);
}

static void test_course__documented_example(void **state)
{
	char *dir = course_dir("course_doc", doc_course);
	pa_diag diag;
	pa_course *c;
	const pa_unit *u;

	(void)state;
	pa_diag_init(&diag);
	c = load_ok(dir, &diag);
	assert_int_equal(diag.count, 0);
	assert_string_equal(c->dir, dir);
	assert_string_equal(c->id, "org.example.migration-law");
	assert_string_equal(c->version, "1.0.0");
	assert_string_equal(c->date, "2026-11-01");
	assert_int_equal(c->language_count, 2);
	assert_string_equal(c->languages[1], "fr");
	assert_string_equal(pa_lstring_get(&c->title, "fr"), "Droit international de la migration");
	assert_string_equal(pa_lstring_get(&c->title, "fr-CA"), "Droit international de la migration");
	assert_string_equal(pa_lstring_get(&c->title, "de"), "International Migration Law");
	assert_string_equal(pa_lstring_get(&c->audience, "fr"), "Staff");
	assert_string_equal(c->duration, "PT3H");
	assert_int_equal(c->keyword_count, 2);
	assert_string_equal(c->keywords[1].lang, "fr");
	assert_string_equal(c->keywords[1].words[1], "droit");
	assert_string_equal(c->licence, "CC-BY-4.0");
	assert_string_equal(c->attribution, "Written for the programme");
	assert_int_equal(c->author_count, 2);
	assert_int_equal(c->passing_score, 80);
	assert_int_equal(c->navigation, PA_NAV_PREREQUISITES);
	assert_int_equal(c->module_count, 1);
	assert_string_equal(c->modules[0].id, "m1");
	assert_int_equal(c->modules[0].line, 18);
	assert_true(pa_module_is_graded(&c->modules[0]));
	assert_int_equal(pa_course_lang_index(c, "FR"), 1);
	assert_int_equal(pa_course_lang_index(c, "de"), -1);

	u = &c->modules[0].units[0];
	assert_int_equal(u->kind, PA_UNIT_LESSON);
	assert_int_equal(u->line, 22);
	assert_string_equal(pa_lstring_get(&u->source, "en"), "m1/intro.en.md");
	/* Paths are stored normalised. */
	assert_string_equal(pa_lstring_get(&u->source, "fr"), "m1/intro.fr.md");
	assert_null(u->quizzes);

	u = &c->modules[0].units[1];
	assert_int_equal(u->kind, PA_UNIT_ASSESSMENT);
	assert_int_equal(u->passing_score, 70);
	assert_int_equal(u->attempt_limit, 3);
	assert_true(u->shuffle);
	assert_true(u->graded);
	assert_string_equal(u->time_limit, "PT20M");
	assert_non_null(u->quizzes);
	assert_string_equal(u->quizzes[0].file, "m1/quiz.en.gift");
	assert_string_equal(u->quizzes[1].file, "m1/quiz.fr.gift");
	assert_int_equal(u->quizzes[1].count, 2);
	assert_string_equal(u->quizzes[1].questions[0].answers[0].text, "La Convention de 1951");
	pa_course_free(c);
	pa_diag_dispose(&diag);
	free(dir);
}

static void test_course__defaults(void **state)
{
	char *json = with_units(
		"{\"id\": \"l\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1/intro.en.md\"},\n"
		"{\"id\": \"a\", \"type\": \"assessment\", \"title\": \"A\", \"questions\": \"m1/quiz.en.gift\"}");
	char *dir = course_dir("course_defaults", json);
	pa_diag diag;
	pa_course *c;
	const pa_unit *u;

	(void)state;
	pa_diag_init(&diag);
	c = load_ok(dir, &diag);
	assert_int_equal(c->passing_score, 80);
	assert_int_equal(c->attempt_limit, 0);
	assert_int_equal(c->navigation, PA_NAV_FREE);
	assert_null(c->date);
	assert_null(c->duration);
	assert_null(c->attribution);
	assert_int_equal(c->author_count, 0);
	assert_int_equal(c->keyword_count, 0);
	assert_null(pa_lstring_get(&c->description, "en"));
	assert_null(pa_lstring_get(&c->audience, "en"));
	assert_string_equal(pa_lstring_get(&c->title, "en"), "T");
	u = &c->modules[0].units[1];
	assert_int_equal(u->passing_score, 80);
	assert_int_equal(u->attempt_limit, 0);
	assert_true(u->graded);
	assert_false(u->shuffle);
	assert_null(u->time_limit);
	assert_int_equal(u->quizzes[0].count, 2);
	pa_course_free(c);
	pa_diag_dispose(&diag);
	free(dir);
	free(json);
}

static void test_course__units_inherit_course_settings(void **state)
{
	static const char json[] =
		"{\"id\": \"c\", \"version\": \"1\", \"languages\": [\"en\"], \"title\": \"T\", \"licence\": \"x\",\n"
		" \"passingScore\": 60, \"attemptLimit\": 2, \"navigation\": \"forced\", \"keywords\": [\"a\", \"b\"],\n"
		" \"modules\": [{\"id\": \"m1\", \"title\": \"M\", \"units\": [\n"
		"  {\"id\": \"a\", \"type\": \"assessment\", \"title\": \"A\", \"questions\": \"m1/quiz.en.gift\"},\n"
		"  {\"id\": \"b\", \"type\": \"assessment\", \"title\": \"B\", \"questions\": \"m1/quiz.en.gift\",\n"
		"   \"attemptLimit\": 0, \"passingScore\": 0}]}]}";
	char *dir = course_dir("course_inherit", json);
	pa_diag diag;
	pa_course *c;

	(void)state;
	pa_diag_init(&diag);
	c = load_ok(dir, &diag);
	assert_int_equal(c->navigation, PA_NAV_FORCED);
	assert_int_equal(c->modules[0].units[0].passing_score, 60);
	assert_int_equal(c->modules[0].units[0].attempt_limit, 2);
	assert_int_equal(c->modules[0].units[1].passing_score, 0);
	assert_int_equal(c->modules[0].units[1].attempt_limit, 0);
	assert_int_equal(c->keyword_count, 1);
	assert_string_equal(c->keywords[0].lang, "en");
	assert_int_equal(c->keywords[0].count, 2);
	pa_course_free(c);
	pa_diag_dispose(&diag);
	free(dir);
}

static void test_course__missing_keys_point_at_their_object(void **state)
{
	(void)state;
	/* The example of docs/course-format.md. */
	units_fail("{\"id\": \"l\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1/intro.en.md\"},\n"
		   "      {\"id\": \"a\", \"type\": \"assessment\", \"title\": \"A\"}",
		   "modules[0].units[1]: \"questions\" is missing", 4, 7);
	units_fail("{\"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1/intro.en.md\"}",
		   "modules[0].units[0]: \"id\" is missing", 3, 1);
	units_fail("{\"id\": \"l\", \"title\": \"L\", \"source\": \"m1/intro.en.md\"}",
		   "modules[0].units[0]: \"type\" is missing", 3, 1);
	units_fail("{\"id\": \"l\", \"type\": \"lesson\", \"source\": \"m1/intro.en.md\"}",
		   "modules[0].units[0]: \"title\" is missing", 3, 1);
	units_fail("{\"id\": \"l\", \"type\": \"lesson\", \"title\": \"L\"}",
		   "modules[0].units[0]: \"source\" is missing", 3, 1);
	course_fails("{\"version\": \"1\", \"languages\": [\"en\"], \"title\": \"T\", \"licence\": \"x\",\n"
		     " \"modules\": [{\"id\": \"m\", \"units\": []}]}", "\"id\" is missing", 1, 1);
	course_fails("{\"version\": \"1\", \"languages\": [\"en\"], \"title\": \"T\", \"licence\": \"x\",\n"
		     " \"modules\": [{\"id\": \"m\", \"units\": []}]}", "modules[0]: \"title\" is missing", 2, 14);
	course_fails("{\"version\": \"1\", \"languages\": [\"en\"], \"title\": \"T\", \"licence\": \"x\",\n"
		     " \"modules\": [{\"id\": \"m\", \"units\": []}]}", "modules[0].units: must be an array of at least one unit", 2, 35);
	course_fails("{\"id\": \"c\", \"languages\": [\"en\"], \"title\": \"T\"}", "\"version\" is missing", 1, 1);
	course_fails("{\"id\": \"c\", \"languages\": [\"en\"], \"title\": \"T\"}", "\"licence\" is missing", 1, 1);
	course_fails("{\"id\": \"c\", \"languages\": [\"en\"], \"title\": \"T\"}", "\"modules\" is missing", 1, 1);
	course_fails("{\"id\": \"c\", \"title\": \"T\"}", "\"languages\" is missing", 1, 1);
	course_fails("{\"id\": \"c\", \"languages\": [\"en\"]}", "\"title\" is missing", 1, 1);
	course_fails("{\"id\": \"c\", \"languages\": [\"en\"], \"modules\": []}", "modules: must be an array of at least one module", 1, 45);
}

static void test_course__values_are_checked(void **state)
{
	(void)state;
	course_fails("{\"id\": \"1c\"}", "id: '1c' is not an identifier", 1, 8);
	course_fails("{\"id\": \"c c\"}", "id: 'c c' is not an identifier", 1, 8);
	course_fails("{\"id\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
		     "at most 64 characters", 1, 8);
	course_fails("{\"version\": 1}", "version: must be a string", 1, 13);
	course_fails("{\"version\": \"\"}", "version: must not be empty", 1, 13);
	course_fails("{\"date\": \"2026-02-30\"}", "date: '2026-02-30' is not a date YYYY-MM-DD", 1, 10);
	course_fails("{\"date\": \"2027-02-29\"}", "is not a date", 1, 10);
	course_fails("{\"date\": \"1979-12-31\"}", "from 1980 to 2107", 1, 10);
	course_fails("{\"date\": \"26-11-01\"}", "is not a date", 1, 10);
	course_fails("{\"duration\": \"3 hours\"}", "duration: '3 hours' is not an ISO 8601 duration", 1, 14);
	course_fails("{\"duration\": \"PT0S\"}", "duration: the duration 'PT0S' is zero", 1, 14);
	course_fails("{\"passingScore\": 101}", "passingScore: must be a whole number from 0 to 100", 1, 18);
	course_fails("{\"passingScore\": \"80\"}", "passingScore: must be a whole number", 1, 18);
	course_fails("{\"passingScore\": 80.5}", "passingScore: must be a whole number", 1, 18);
	course_fails("{\"attemptLimit\": -1}", "attemptLimit: must be a whole number from 0 to 100", 1, 18);
	course_fails("{\"navigation\": \"linear\"}", "navigation: must be \"free\", \"forced\" or \"prerequisites\"", 1, 16);
	course_fails("{\"authors\": \"me\"}", "authors: must be an array of strings", 1, 13);
	course_fails("{\"authors\": [\"me\", 2]}", "authors[1]: must be a string", 1, 20);
	course_fails("{\"keywords\": 3}", "keywords: must be an array of strings or an object", 1, 14);
	course_fails("{\"title\": 3}", "title: must be a string or an object with one string per language", 1, 11);
	course_fails("{\"title\": \"\"}", "title: must not be empty", 1, 11);
	course_fails("[1]", "course.json holds an object", 1, 1);
}

static void test_course__languages(void **state)
{
	(void)state;
	course_fails("{\"languages\": []}", "languages: must be an array of at least one language tag", 1, 15);
	course_fails("{\"languages\": \"en\"}", "languages: must be an array", 1, 15);
	course_fails("{\"languages\": [\"en\", \"english\"]}", "languages[1]: must be a language tag", 1, 22);
	course_fails("{\"languages\": [\"en\", 3]}", "languages[1]: must be a language tag", 1, 22);
	course_fails("{\"languages\": [\"pt-\"]}", "languages[0]: must be a language tag", 1, 16);
	course_fails("{\"languages\": [\"en\", \"fr\", \"EN\"]}", "languages[2]: \"EN\" is listed twice", 1, 28);
	/* Text keys must be course languages; the default one must be there. */
	course_fails("{\"languages\": [\"en\", \"fr\"],\n \"title\": {\"en\": \"T\", \"de\": \"T\"}}",
		     "title: \"de\" is not a language of the course (en, fr)", 2, 23);
	course_fails("{\"languages\": [\"en\", \"fr\"],\n \"title\": {\"fr\": \"T\"}}",
		     "title: needs a \"en\" entry (the default language)", 2, 11);
	course_fails("{\"languages\": [\"en\", \"fr\"],\n \"title\": {\"en\": \"T\", \"fr\": 3}}",
		     "title.fr: must be a string", 2, 29);
	course_fails("{\"languages\": [\"en\", \"fr\"],\n \"keywords\": {\"en\": [\"a\"], \"es\": [\"b\"]}}",
		     "keywords: \"es\" is not a language of the course", 2, 28);
}

static void test_course__valid_language_tags(void **state)
{
	static const char json[] =
		"{\"id\": \"c\", \"version\": \"1\", \"languages\": [\"pt-BR\", \"zh-Hant-TW\", \"ar\"],\n"
		" \"title\": {\"pt-br\": \"Título\", \"ar\": \"عنوان\"}, \"licence\": \"x\",\n"
		" \"modules\": [{\"id\": \"m1\", \"title\": \"M\", \"units\": [\n"
		"  {\"id\": \"l\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1/intro.en.md\"}]}]}";
	char *dir = course_dir("course_tags", json);
	pa_diag diag;
	pa_course *c;

	(void)state;
	pa_diag_init(&diag);
	c = load_ok(dir, &diag);
	assert_int_equal(c->language_count, 3);
	/* Stored under the course's spelling of the tag, in course order. */
	assert_string_equal(c->title.items[0].lang, "pt-BR");
	assert_string_equal(c->title.items[1].lang, "ar");
	assert_string_equal(pa_lstring_get(&c->title, "zh-Hant-TW"), "Título");
	pa_course_free(c);
	pa_diag_dispose(&diag);
	free(dir);
}

static void test_course__identifiers_are_unique(void **state)
{
	static const char json[] =
		"{\"id\": \"c\", \"version\": \"1\", \"languages\": [\"en\"], \"title\": \"T\", \"licence\": \"x\",\n"
		" \"modules\": [{\"id\": \"m1\", \"title\": \"M\", \"units\": [\n"
		"  {\"id\": \"u\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1/intro.en.md\"}]},\n"
		"  {\"id\": \"m1\", \"title\": \"M\", \"units\": [\n"
		"  {\"id\": \"u\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1/intro.en.md\"},\n"
		"  {\"id\": \"m2\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1/intro.en.md\"}]},\n"
		"  {\"id\": \"m2\", \"title\": \"M\", \"units\": [\n"
		"  {\"id\": \"v\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1/intro.en.md\"}]}]}";
	char *dir = course_dir("course_ids", json);
	pa_course *course;
	pa_diag diag;

	(void)state;
	pa_diag_init(&diag);
	assert_int_equal(pa_course_load(&course, dir, &diag), PA_EINVALID);
	expect(&diag, PA_DIAG_ERROR, "course.json", "modules[1].id: the module identifier 'm1' is already used", 4, 10);
	expect(&diag, PA_DIAG_ERROR, "course.json", "modules[1].units[0].id: the unit identifier 'u' is already used", 5, 10);
	expect(&diag, PA_DIAG_ERROR, "course.json", "modules[2].id: the module identifier 'm2' is already used", 7, 10);
	assert_int_equal(diag.errors, 3);
	pa_diag_dispose(&diag);
	free(dir);
}

static void test_course__paths_stay_inside_and_exist(void **state)
{
	char *dir;
	pa_course *course;
	pa_diag diag;

	(void)state;
	units_fail("{\"id\": \"l\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"../x.md\"}",
		   "modules[0].units[0].source: '../x.md' climbs out of its folder", 3, 55);
	units_fail("{\"id\": \"l\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1/../../x.md\"}",
		   "climbs out of its folder", 3, 55);
	units_fail("{\"id\": \"l\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"/etc/passwd.md\"}",
		   "'/etc/passwd.md' is an absolute path", 3, 55);
	units_fail("{\"id\": \"l\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1\\\\intro.en.md\"}",
		   "is an absolute path", 3, 55);
	units_fail("{\"id\": \"l\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1/none.md\"}",
		   "modules[0].units[0].source: 'm1/none.md' does not exist", 3, 55);
	units_fail("{\"id\": \"l\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1/intro.en.txt\"}",
		   "'m1/intro.en.txt' is not a lesson (.md, .markdown, .html, .htm)", 3, 55);
	units_fail("{\"id\": \"l\", \"type\": \"lesson\", \"title\": \"L\", \"source\": 7}",
		   "source: must be a path (a string)", 3, 55);
	units_fail("{\"id\": \"a\", \"type\": \"assessment\", \"title\": \"A\", \"questions\": \"m1/intro.en.md\"}",
		   "'m1/intro.en.md' is not a question file (.gift, .json)", 3, 62);
	units_fail("{\"id\": \"a\", \"type\": \"assessment\", \"title\": \"A\", \"questions\": {\"en\": \"none.gift\"}}",
		   "modules[0].units[0].questions.en: 'none.gift' does not exist", 3, 69);
	units_fail("{\"id\": \"l\", \"type\": \"lesson\", \"title\": \"L\", \"source\": {\"en\": \"m1/x.md\"}}",
		   "modules[0].units[0].source.en: 'm1/x.md' does not exist", 3, 62);

	/* A folder with a lesson's name, and links (which could lead out of the course). */
	dir = course_dir("course_links", NULL);
	pa_test_write(dir, "dir.md/x", "x");
	pa_test_write(dir, "course.json",
		      "{\"id\": \"c\", \"version\": \"1\", \"languages\": [\"en\"], \"title\": \"T\", \"licence\": \"x\",\n"
		      " \"modules\": [{\"id\": \"m1\", \"title\": \"M\", \"units\": [\n"
		      "  {\"id\": \"a\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"dir.md\"},\n"
		      "  {\"id\": \"b\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"link.md\"},\n"
		      "  {\"id\": \"c\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"up/intro.en.md\"}]}]}");
	{
		pa_buf target = PA_BUF_INIT, link = PA_BUF_INIT;

		pa_buf_printf(&target, "%s/m1/intro.en.md", dir);
		pa_buf_printf(&link, "%s/link.md", dir);
		assert_int_equal(symlink(target.ptr, link.ptr), 0);
		pa_buf_clear(&target);
		pa_buf_clear(&link);
		pa_buf_printf(&target, "%s/m1", dir);
		pa_buf_printf(&link, "%s/up", dir);
		assert_int_equal(symlink(target.ptr, link.ptr), 0);
		pa_buf_dispose(&target);
		pa_buf_dispose(&link);
	}
	pa_diag_init(&diag);
	assert_int_equal(pa_course_load(&course, dir, &diag), PA_EINVALID);
	expect(&diag, PA_DIAG_ERROR, "course.json", "'dir.md' is not a file", 3, 57);
	expect(&diag, PA_DIAG_ERROR, "course.json", "'link.md' is a symbolic link", 4, 57);
	expect(&diag, PA_DIAG_ERROR, "course.json", "'up' is a symbolic link", 5, 57);
	pa_diag_dispose(&diag);
	free(dir);
}

static void test_course__question_errors_name_their_file(void **state)
{
	char *dir = course_dir("course_quiz_errors", doc_course);
	pa_course *course;
	pa_diag diag;

	(void)state;
	pa_test_write(dir, "m1/quiz.fr.gift", "::q1:: A {=a ~b}\n\n\n::q2:: B {#}\n");
	pa_diag_init(&diag);
	assert_int_equal(pa_course_load(&course, dir, &diag), PA_EINVALID);
	assert_null(course);
	expect(&diag, PA_DIAG_ERROR, "m1/quiz.fr.gift", "question 'q2': a numeric answer needs a number after '#'", 4, 0);
	assert_int_equal(diag.errors, 1);
	pa_diag_dispose(&diag);

	pa_test_write(dir, "m1/quiz.fr.gift", "::q1:: A {=a ~b}\n\n::q2:: B {F}\n");
	pa_diag_init(&diag);
	assert_int_equal(pa_course_load(&course, dir, &diag), PA_EINVALID);
	expect(&diag, PA_DIAG_ERROR, "m1/quiz.fr.gift",
	       "question 'q2': the right answer is false here but true in m1/quiz.en.gift", 3, 0);
	pa_diag_dispose(&diag);

	pa_test_write(dir, "m1/quiz.fr.gift", "");
	pa_diag_init(&diag);
	assert_int_equal(pa_course_load(&course, dir, &diag), PA_EINVALID);
	expect(&diag, PA_DIAG_ERROR, "m1/quiz.fr.gift", "the file holds no question", 0, 0);
	pa_diag_dispose(&diag);
	free(dir);
}

static void test_course__default_language_file_is_shared(void **state)
{
	static const char json[] =
		"{\"id\": \"c\", \"version\": \"1\", \"languages\": [\"en\", \"fr\", \"es\"], \"title\": \"T\", \"licence\": \"x\",\n"
		" \"modules\": [{\"id\": \"m1\", \"title\": \"M\", \"units\": [\n"
		"  {\"id\": \"a\", \"type\": \"assessment\", \"title\": \"A\",\n"
		"   \"questions\": {\"en\": \"m1/quiz.en.gift\", \"fr\": \"m1/quiz.fr.gift\"}}]}]}";
	char *dir = course_dir("course_fallback", json);
	pa_course *c;
	pa_diag diag;

	(void)state;
	pa_diag_init(&diag);
	c = load_ok(dir, &diag);
	assert_string_equal(c->modules[0].units[0].quizzes[2].file, "m1/quiz.en.gift");
	assert_int_equal(c->modules[0].units[0].quizzes[2].count, 2);
	pa_course_free(c);
	pa_diag_dispose(&diag);

	/* An error in the shared file is reported once, not once per language. */
	pa_test_write(dir, "m1/quiz.en.gift", "::q1:: A {=a =b ~c}\n");
	pa_diag_init(&diag);
	assert_int_equal(pa_course_load(&c, dir, &diag), PA_EINVALID);
	expect(&diag, PA_DIAG_ERROR, "m1/quiz.en.gift", "2 answers are marked right", 1, 0);
	assert_int_equal(diag.errors, 1);
	pa_diag_dispose(&diag);
	free(dir);
}

static void test_course__surveys(void **state)
{
	char *dir = course_dir("course_survey", NULL);
	char *json;
	pa_course *c;
	pa_diag diag;

	(void)state;
	pa_test_write(dir, "survey.json", "{\"questions\": [{\"type\": \"likert\", \"text\": \"Useful?\", "
		      "\"scale\": [\"No\", \"Yes\"]}, {\"type\": \"text\", \"text\": \"Why?\"}]}");
	json = with_units("{\"id\": \"s\", \"type\": \"assessment\", \"title\": \"S\", \"questions\": \"survey.json\"}");
	pa_test_write(dir, "course.json", json);
	free(json);
	pa_diag_init(&diag);
	assert_int_equal(pa_course_load(&c, dir, &diag), PA_EINVALID);
	expect(&diag, PA_DIAG_ERROR, "course.json",
	       "modules[0].units[0]: the assessment has no scored question: set graded: false for a survey", 3, 1);
	pa_diag_dispose(&diag);

	json = with_units("{\"id\": \"s\", \"type\": \"assessment\", \"title\": \"S\", \"questions\": \"survey.json\",\n"
			  " \"graded\": false, \"passingScore\": 50}");
	pa_test_write(dir, "course.json", json);
	free(json);
	pa_diag_init(&diag);
	c = load_ok(dir, &diag);
	assert_false(c->modules[0].units[0].graded);
	assert_false(pa_module_is_graded(&c->modules[0]));
	expect(&diag, PA_DIAG_WARNING, "course.json", "\"passingScore\" is ignored", 4, 19);
	pa_course_free(c);
	pa_diag_dispose(&diag);

	/* A choice without a right answer asks a survey question: fine in a
	 * survey, an error (at the question) in a graded assessment. */
	pa_test_write(dir, "mixed.json", "{\"questions\": [\n"
		      "{\"id\": \"q\", \"type\": \"truefalse\", \"text\": \"T?\", \"answer\": true},\n"
		      "{\"id\": \"role\", \"type\": \"choice\", \"text\": \"Role?\",\n"
		      " \"choices\": [{\"text\": \"Mayor\"}, {\"text\": \"Clerk\"}]}]}");
	json = with_units("{\"id\": \"s\", \"type\": \"assessment\", \"title\": \"S\", \"questions\": \"mixed.json\"}");
	pa_test_write(dir, "course.json", json);
	free(json);
	pa_diag_init(&diag);
	assert_int_equal(pa_course_load(&c, dir, &diag), PA_EINVALID);
	expect(&diag, PA_DIAG_ERROR, "mixed.json", "question 'role' has no right answer", 3, 1);
	pa_diag_dispose(&diag);
	json = with_units("{\"id\": \"s\", \"type\": \"assessment\", \"title\": \"S\", \"questions\": \"mixed.json\",\n"
			  " \"graded\": false}");
	pa_test_write(dir, "course.json", json);
	free(json);
	pa_diag_init(&diag);
	c = load_ok(dir, &diag);
	assert_false(pa_question_is_scored(&c->modules[0].units[0].quizzes[0].questions[1]));
	pa_course_free(c);
	pa_diag_dispose(&diag);
	free(dir);
}

static void test_course__unknown_and_misplaced_keys(void **state)
{
	char *json = with_units("{\"id\": \"l\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1/intro.en.md\",\n"
				" \"sourc\": true, \"colour\": 1}");
	char *dir = course_dir("course_keys", json);
	pa_course *c;
	pa_diag diag;

	(void)state;
	free(json);
	pa_diag_init(&diag);
	c = load_ok(dir, &diag);
	expect(&diag, PA_DIAG_WARNING, "course.json", "modules[0].units[0]: unknown key \"sourc\" (did you mean \"source\"?)", 4, 2);
	expect(&diag, PA_DIAG_WARNING, "course.json", "unknown key \"colour\" (ignored)", 4, 17);
	pa_course_free(c);
	pa_diag_dispose(&diag);
	free(dir);

	/* "license" instead of "licence": the missing key and a hint. */
	course_fails("{\"license\": \"CC0\"}", "\"licence\" is missing", 1, 1);
	dir = course_dir("course_keys", "{\"license\": \"CC0\"}");
	pa_diag_init(&diag);
	assert_int_equal(pa_course_load(&c, dir, &diag), PA_EINVALID);
	expect(&diag, PA_DIAG_WARNING, "course.json", "unknown key \"license\" (did you mean \"licence\"?)", 1, 2);
	pa_diag_dispose(&diag);
	free(dir);

	units_fail("{\"id\": \"l\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1/intro.en.md\", \"passingScore\": 50}",
		   "modules[0].units[0]: \"passingScore\" does not apply to a lesson", 3, 73);
	units_fail("{\"id\": \"a\", \"type\": \"assessment\", \"title\": \"A\", \"questions\": \"m1/quiz.en.gift\", \"source\": \"x\"}",
		   "\"source\" does not apply to an assessment", 3, 81);
	units_fail("{\"id\": \"a\", \"type\": \"quiz\", \"title\": \"A\"}", "modules[0].units[0].type: must be \"lesson\" or \"assessment\"", 3, 21);
	units_fail("{\"id\": \"a\", \"type\": \"assessment\", \"title\": \"A\", \"questions\": \"m1/quiz.en.gift\", \"shuffle\": 1}",
		   "modules[0].units[0].shuffle: must be true or false", 3, 92);
	units_fail("{\"id\": \"a\", \"type\": \"assessment\", \"title\": \"A\", \"questions\": \"m1/quiz.en.gift\", \"timeLimit\": \"20m\"}",
		   "modules[0].units[0].timeLimit: '20m' is not an ISO 8601 duration", 3, 94);
	units_fail("{\"id\": \"a\", \"type\": \"assessment\", \"title\": \"A\", \"questions\": \"m1/quiz.en.gift\", \"attemptLimit\": 101}",
		   "modules[0].units[0].attemptLimit: must be a whole number from 0 to 100", 3, 97);
	units_fail("3", "modules[0].units[0]: a unit is an object", 3, 1);
}

static void test_course__syntax_errors_and_missing_file(void **state)
{
	char *dir = pa_test_tmpdir("course_missing");
	pa_course *c;
	pa_diag diag;

	(void)state;
	course_fails("{\n  \"id\": \"c\",\n  \"version\": \"1\"\n  \"title\": \"T\"\n}", "'}' expected near '\"title\"'", 4, 9);
	course_fails("{\"id\": \"c\", \"id\": \"d\"}", "duplicate object key", 1, 0);
	course_fails("", "", 1, 0);
	pa_diag_init(&diag);
	assert_int_equal(pa_course_load(&c, dir, &diag), PA_EINVALID);
	assert_null(c);
	expect(&diag, PA_DIAG_ERROR, "course.json", "not found in", 0, 0);
	pa_diag_dispose(&diag);
	free(dir);
}

static void test_course__limits(void **state)
{
	pa_buf json = PA_BUF_INIT;
	pa_course *c;
	pa_diag diag;
	char *big;

	(void)state;
	pa_buf_puts(&json, "{\"modules\": [");
	for (int i = 0; i <= PA_COURSE_MAX_MODULES; i++)
		pa_buf_printf(&json, "%s{}", i ? "," : "");
	pa_buf_puts(&json, "]}");
	course_fails(pa_buf_cstr(&json), "modules: more than 1000 modules", 1, 13);
	pa_buf_clear(&json);
	pa_buf_puts(&json, "{\"languages\": [\"en\"], \"modules\": [{\"id\": \"m1\", \"title\": \"M\", \"units\": [");
	for (int i = 0; i < 600; i++)
		pa_buf_printf(&json, "%s{\"id\": \"u%d\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1/intro.en.md\"}",
			      i ? "," : "", i);
	pa_buf_puts(&json, "]}, {\"id\": \"m2\", \"title\": \"M\", \"units\": [");
	for (int i = 0; i < 401; i++)
		pa_buf_printf(&json, "%s{\"id\": \"v%d\", \"type\": \"lesson\", \"title\": \"L\", \"source\": \"m1/intro.en.md\"}",
			      i ? "," : "", i);
	pa_buf_puts(&json, "]}]}");
	course_fails(pa_buf_cstr(&json), "modules[1].units: more than 1000 units in the course", 1, 0);
	pa_buf_dispose(&json);

	big = calloc(PA_COURSE_MAX_BYTES + 1, 1);
	assert_non_null(big);
	memset(big, ' ', PA_COURSE_MAX_BYTES + 1);
	pa_diag_init(&diag);
	assert_int_equal(pa_course_parse(&c, big, PA_COURSE_MAX_BYTES + 1, ".", &diag), PA_EINVALID);
	assert_null(c);
	expect(&diag, PA_DIAG_ERROR, "course.json", "larger than 16 MiB", 0, 0);
	pa_diag_dispose(&diag);
	free(big);
}

static void test_course__parse_from_memory(void **state)
{
	char *dir = course_dir("course_parse", NULL);
	pa_course *c;
	pa_diag diag;

	(void)state;
	pa_diag_init(&diag);
	/* Not NUL-terminated: only len bytes count. */
	assert_int_equal(pa_course_parse(&c, doc_course, sizeof(doc_course) - 1, dir, &diag), 0);
	assert_int_equal(c->modules[0].units[1].quizzes[0].count, 2);
	pa_course_free(c);
	pa_course_free(NULL);
	pa_diag_dispose(&diag);
	free(dir);
}

static void test_course__durations(void **state)
{
	static const struct { const char *iso; double seconds; } good[] = {
		{ "PT3H", 10800 }, { "PT45M", 2700 }, { "PT1H30M", 5400 }, { "P1D", 86400 },
		{ "P1DT1S", 86401 }, { "PT1.5S", 1.5 }, { "P1Y", 365.0 * 86400 }, { "P2M", 60.0 * 86400 },
		{ "PT0H1M", 60 },
	};
	static const char *const bad[] = {
		"", "P", "PT", "T1H", "P1H", "PT1D", "PT1.5M", "P1W", "PT1H1H", "PT1M1H", "P1M1Y",
		"pt1h", "PT-1H", "PT1HT", "PT1234567890S", "PT1.S", "P1DT", " PT1H",
	};
	double s;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(pa_duration_parse(&s, good[i].iso), 0);
		assert_true(s == good[i].seconds);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pa_duration_parse(&s, bad[i]) != PA_EPARSE)
			fail_msg("'%s' was accepted", bad[i]);
	}
	assert_int_equal(pa_duration_parse(&s, "PT0S"), PA_EINVALID);
	assert_int_equal(pa_duration_parse(&s, NULL), PA_EPARSE);
	assert_true(pa_course_is_identifier("a"));
	assert_true(pa_course_is_identifier("A.b_c-9"));
	assert_false(pa_course_is_identifier(""));
	assert_false(pa_course_is_identifier("-a"));
	assert_false(pa_course_is_identifier("a/b"));
	assert_false(pa_course_is_identifier("caf\xc3\xa9"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_course__documented_example),
		cmocka_unit_test(test_course__defaults),
		cmocka_unit_test(test_course__units_inherit_course_settings),
		cmocka_unit_test(test_course__missing_keys_point_at_their_object),
		cmocka_unit_test(test_course__values_are_checked),
		cmocka_unit_test(test_course__languages),
		cmocka_unit_test(test_course__valid_language_tags),
		cmocka_unit_test(test_course__identifiers_are_unique),
		cmocka_unit_test(test_course__paths_stay_inside_and_exist),
		cmocka_unit_test(test_course__question_errors_name_their_file),
		cmocka_unit_test(test_course__default_language_file_is_shared),
		cmocka_unit_test(test_course__surveys),
		cmocka_unit_test(test_course__unknown_and_misplaced_keys),
		cmocka_unit_test(test_course__syntax_errors_and_missing_file),
		cmocka_unit_test(test_course__limits),
		cmocka_unit_test(test_course__parse_from_memory),
		cmocka_unit_test(test_course__durations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
