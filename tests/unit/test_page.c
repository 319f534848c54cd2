/* packager/page: one unit rendered as a standalone SCO page. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fs.h"
#include "common/strset.h"
#include "common/util.h"
#include "packager/page.h"

#define S(x) ((char *)(x))

static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static char *langs2[] = { S("en"), S("fr") };

static pa_lstr course_title[] = { { S("en"), S("Migration & law") }, { S("fr"), S("Migration et droit") } };
static pa_lstr module_title[] = { { S("en"), S("Who is a migrant?") }, { S("fr"), S("Qui est migrant ?") } };
static pa_lstr lesson_title[] = { { S("en"), S("Introduction") }, { S("fr"), S("Introduction FR") } };
static pa_lstr lesson_src[] = { { S("en"), S("m1/intro.en.md") }, { S("fr"), S("m1/intro.fr.md") } };
static pa_lstr quiz_title[] = { { S("en"), S("Check") }, { S("fr"), S("Vérification") } };
static pa_lstr quiz_src[] = { { S("en"), S("m1/quiz.en.json") }, { S("fr"), S("m1/quiz.fr.json") } };

/* One question of each type, in English or French. */
#define A(t, m, p, c, ok, fb) \
	{ .text = t, .match = m, .pattern = p, .credit = c, .correct = ok, .feedback = fb }

static pa_answer choice_en[] = {
	A(S("The 1951 *Convention*"), NULL, NULL, 1, true, S("Right: Article 1A(2).")),
	A(S("The Global Compact"), NULL, NULL, 0, false, S("No: it is not binding.")),
};
static pa_answer choice_fr[] = {
	A(S("La *Convention* de 1951"), NULL, NULL, 1, true, S("Oui.")),
	A(S("Le Pacte mondial"), NULL, NULL, 0, false, S("Non.")),
};
static pa_answer multi[] = {
	A(S("ICCPR"), NULL, NULL, 0.5, true, NULL),
	A(S("ICESCR"), NULL, NULL, 0.5, true, NULL),
	A(S("Global Compact"), NULL, NULL, -1, false, NULL),
};
static pa_answer shorts[] = {
	A(S("non-refoulement"), NULL, NULL, 1, true, NULL),
	A(NULL, NULL, S("^non[- ]?refoulement$"), 1, true, NULL),
};
static pa_answer pairs[] = {
	A(S("ILO C97"), S("labour migration"), NULL, 0, false, NULL),
	A(S("1954 Convention"), S("statelessness"), NULL, 0, false, NULL),
};
static pa_answer items[] = {
	A(S("1951 Convention"), NULL, NULL, 0, false, NULL),
	A(S("1967 Protocol"), NULL, NULL, 0, false, NULL),
};
static pa_answer years[] = {
	{ .text = S("2000:0"), .min = 2000, .max = 2000, .credit = 1, .feedback = S("Yes, in Palermo.") },
	{ .text = S("1999..2001"), .min = 1999, .max = 2001, .credit = 0.5 },
};
static pa_answer scale[] = {
	A(S("Disagree"), NULL, NULL, 0, false, NULL),
	A(S("Agree"), NULL, NULL, 0, false, NULL),
};

#define Q(i, t, fmt, s, ans, n, l) \
	{ .id = S(i), .type = t, .format = fmt, .text = S(s), .weight = 1, .answers = ans, .answer_count = n, .line = l }

static pa_question questions_en[] = {
	Q("q1", PA_Q_CHOICE, PA_TEXT_MARKDOWN, "Which instrument defines a **refugee**?", choice_en, 2, 2),
	Q("q2", PA_Q_MULTIPLE, PA_TEXT_MARKDOWN, "Which are binding?", multi, 3, 8),
	Q("q3", PA_Q_TRUEFALSE, PA_TEXT_MARKDOWN, "Non-refoulement is customary law.", NULL, 0, 12),
	Q("q4", PA_Q_SHORT, PA_TEXT_MARKDOWN, "Name the principle.", shorts, 2, 14),
	Q("q5", PA_Q_NUMERIC, PA_TEXT_MARKDOWN, "Year of the Palermo Protocol?", years, 2, 16),
	Q("q6", PA_Q_MATCHING, PA_TEXT_MARKDOWN, "Match them.", pairs, 2, 18),
	Q("q7", PA_Q_ORDERING, PA_TEXT_MARKDOWN, "Oldest first.", items, 2, 20),
	Q("q8", PA_Q_LIKERT, PA_TEXT_MARKDOWN, "I feel confident.", scale, 2, 22),
	Q("q9", PA_Q_TEXT, PA_TEXT_PLAIN, "What would help? </script><b>not bold</b>", NULL, 0, 24),
};
static pa_question questions_fr[] = {
	Q("q1", PA_Q_CHOICE, PA_TEXT_MARKDOWN, "Quel instrument définit un **réfugié** ?", choice_fr, 2, 2),
	Q("q2", PA_Q_MULTIPLE, PA_TEXT_MARKDOWN, "Lesquels sont contraignants ?", multi, 3, 8),
	Q("q3", PA_Q_TRUEFALSE, PA_TEXT_MARKDOWN, "Le non-refoulement est coutumier.", NULL, 0, 12),
	Q("q4", PA_Q_SHORT, PA_TEXT_MARKDOWN, "Nommez le principe.", shorts, 2, 14),
	Q("q5", PA_Q_NUMERIC, PA_TEXT_MARKDOWN, "Année du Protocole de Palerme ?", years, 2, 16),
	Q("q6", PA_Q_MATCHING, PA_TEXT_MARKDOWN, "Associez.", pairs, 2, 18),
	Q("q7", PA_Q_ORDERING, PA_TEXT_MARKDOWN, "Du plus ancien.", items, 2, 20),
	Q("q8", PA_Q_LIKERT, PA_TEXT_MARKDOWN, "Je me sens à l’aise.", scale, 2, 22),
	Q("q9", PA_Q_TEXT, PA_TEXT_PLAIN, "Qu’est-ce qui aiderait ?", NULL, 0, 24),
};

typedef struct fixture {
	char *dir;
	pa_course course;
	pa_module module;
	pa_unit units[2];
	pa_quiz quizzes[2];
	pa_strset assets;
	pa_diag diag;
	pa_buf out;
	pa_page_ctx ctx;
} fixture;

static void setup(fixture *f, const char *name)
{
	memset(f, 0, sizeof(*f));
	f->dir = pa_test_tmpdir(name);
	pa_test_write_bytes(f->dir, "assets/map.png", png, sizeof(png));
	pa_test_write(f->dir, "m1/intro.en.md",
		      "Welcome.\n\n## First part\n\n![The Mediterranean routes](../assets/map.png)\n\n"
		      "## Key points\n\nRemember this.\n");
	pa_test_write(f->dir, "m1/intro.fr.md",
		      "Bienvenue.\n\n## Première partie\n\n![Les routes](../assets/map.png)\n\n"
		      "## Points clés\n\nRetenez ceci.\n");

	questions_en[4].min = questions_fr[4].min = 2000;
	questions_en[4].max = questions_fr[4].max = 2000;
	questions_en[4].number = questions_fr[4].number = 2000;
	questions_en[2].tf_answer = questions_fr[2].tf_answer = true;
	f->quizzes[0].file = S("m1/quiz.en.json");
	f->quizzes[0].questions = questions_en;
	f->quizzes[0].count = PA_ARRAY_SIZE(questions_en);
	f->quizzes[1].file = S("m1/quiz.fr.json");
	f->quizzes[1].questions = questions_fr;
	f->quizzes[1].count = PA_ARRAY_SIZE(questions_fr);

	f->units[0].id = S("m1-intro");
	f->units[0].kind = PA_UNIT_LESSON;
	f->units[0].title = (pa_lstring){ lesson_title, 2 };
	f->units[0].source = (pa_lstring){ lesson_src, 2 };
	f->units[1].id = S("m1-quiz");
	f->units[1].kind = PA_UNIT_ASSESSMENT;
	f->units[1].title = (pa_lstring){ quiz_title, 2 };
	f->units[1].questions = (pa_lstring){ quiz_src, 2 };
	f->units[1].quizzes = f->quizzes;
	f->units[1].passing_score = 70;
	f->units[1].attempt_limit = 3;
	f->units[1].shuffle = true;
	f->units[1].graded = true;
	f->units[1].time_limit = S("PT20M");

	f->module.id = S("m1");
	f->module.title = (pa_lstring){ module_title, 2 };
	f->module.units = f->units;
	f->module.unit_count = 2;

	f->course.dir = f->dir;
	f->course.id = S("org.example.migration");
	f->course.version = S("1.0.0");
	f->course.languages = langs2;
	f->course.language_count = 2;
	f->course.title = (pa_lstring){ course_title, 2 };
	f->course.licence = S("CC-BY-4.0");
	f->course.passing_score = 80;
	f->course.modules = &f->module;
	f->course.module_count = 1;

	f->ctx.course = &f->course;
	f->ctx.languages = (const char **)langs2;
	f->ctx.language_count = 2;
	f->ctx.format = PA_FORMAT_SCORM2004;
	pa_diag_init(&f->diag);
	pa_buf_init(&f->out, 0);
}

static void teardown(fixture *f)
{
	free(f->dir);
	pa_strset_dispose(&f->assets);
	pa_diag_dispose(&f->diag);
	pa_buf_dispose(&f->out);
}

static int render(fixture *f, size_t unit)
{
	int err;

	pa_buf_clear(&f->out);
	err = pa_page_render(&f->out, &f->assets, &f->ctx, &f->module, &f->units[unit], &f->diag);
	if (err == 0) {
		/* Left for a look in a browser: build/dev/test-tmp/<test>/content/. */
		pa_buf path = PA_BUF_INIT;

		pa_buf_printf(&path, "content/%s.html", f->units[unit].id);
		pa_test_write(f->dir, path.ptr, pa_buf_cstr(&f->out));
		pa_buf_dispose(&path);
	} else {
		pa_diag_print(&f->diag, stderr);
	}
	return err;
}

static const char *html(const fixture *f)
{
	return pa_buf_cstr(&f->out);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* The JSON of <script id="pa-data">, parsed. */
static json_t *page_data(const fixture *f)
{
	const char *open = "<script type=\"application/json\" id=\"pa-data\">";
	const char *start = strstr(html(f), open);
	const char *end;
	json_error_t jerr;
	json_t *root;

	assert_non_null(start);
	start += strlen(open);
	end = strstr(start, "</script>");
	assert_non_null(end);
	root = json_loadb(start, (size_t)(end - start), 0, &jerr);
	if (!root)
		fprintf(stderr, "pa-data: %s at %d\n", jerr.text, jerr.position);
	assert_non_null(root);
	return root;
}

static void test_page__lesson_in_two_languages(void **state)
{
	fixture f;
	json_t *data;

	(void)state;
	setup(&f, "page_lesson2");
	assert_int_equal(render(&f, 0), 0);
	assert_true(pa_str_startswith(html(&f), "<!DOCTYPE html>\n"));
	assert_non_null(strstr(html(&f), "<html lang=\"en\" dir=\"ltr\">"));
	assert_non_null(strstr(html(&f), "<title>Introduction – Migration &amp; law</title>"));
	assert_non_null(strstr(html(&f), "<link rel=\"stylesheet\" href=\"_pa/sco.css\">"));
	assert_non_null(strstr(html(&f), "<script src=\"_pa/sco.js\" defer></script>"));
	assert_non_null(strstr(html(&f), "<a class=\"pa-skip\" href=\"#pa-main\">"));
	assert_non_null(strstr(html(&f), "<header class=\"pa-header\">"));
	assert_non_null(strstr(html(&f), "<main id=\"pa-main\""));
	assert_non_null(strstr(html(&f), "<noscript>"));
	/* The language menu, each language in its own element, fr hidden. */
	assert_non_null(strstr(html(&f), "<label for=\"pa-lang-select\">"));
	assert_non_null(strstr(html(&f), "<option value=\"fr\" lang=\"fr\">Français</option>"));
	assert_non_null(strstr(html(&f), "<div class=\"pa-l10n pa-content\" data-pa-lang=\"en\" lang=\"en\" dir=\"ltr\">"));
	assert_non_null(strstr(html(&f), "<div class=\"pa-l10n pa-content\" data-pa-lang=\"fr\" lang=\"fr\" dir=\"ltr\" hidden>"));
	/* Sections with ids unique across languages. */
	assert_non_null(strstr(html(&f), "<h2 id=\"en-first-part\">First part</h2>"));
	assert_non_null(strstr(html(&f), "<h2 id=\"fr-premiere-partie\">Première partie</h2>"));
	assert_non_null(strstr(html(&f), "<h2 id=\"fr-points-cles\">"));
	assert_int_equal(count(html(&f), "class=\"pa-section\""), 6);
	/* The image: its course-relative path, recorded once. */
	assert_int_equal(count(html(&f), "src=\"assets/map.png\""), 2);
	assert_int_equal(f.assets.count, 1);
	assert_true(pa_strset_has(&f.assets, "assets/map.png"));
	/* A finish control per language, in its language. */
	assert_non_null(strstr(html(&f), ">Mark as complete</button>"));
	assert_non_null(strstr(html(&f), ">Marquer comme terminé</button>"));
	data = page_data(&f);
	assert_string_equal(json_string_value(json_object_get(data, "kind")), "lesson");
	assert_string_equal(json_string_value(json_object_get(data, "unit")), "m1-intro");
	assert_string_equal(json_string_value(json_object_get(data, "format")), "scorm2004");
	assert_int_equal(json_array_size(json_object_get(data, "languages")), 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(data, "titles"), "fr")),
			    "Introduction FR – Migration et droit");
	json_decref(data);
	teardown(&f);
}

static void test_page__one_language_has_no_menu(void **state)
{
	fixture f;
	const char *fr[] = { "fr" };

	(void)state;
	setup(&f, "page_lesson1");
	f.ctx.languages = fr;
	f.ctx.language_count = 1;
	f.ctx.format = PA_FORMAT_SCORM12;
	assert_int_equal(render(&f, 0), 0);
	assert_non_null(strstr(html(&f), "<html lang=\"fr\" dir=\"ltr\">"));
	assert_null(strstr(html(&f), "pa-lang-select"));
	assert_null(strstr(html(&f), " hidden>"));
	assert_null(strstr(html(&f), "data-pa-lang=\"en\""));
	assert_non_null(strstr(html(&f), "<h2 id=\"premiere-partie\">"));
	assert_non_null(strstr(html(&f), "Aller au contenu"));
	assert_non_null(strstr(html(&f), "\"format\":\"scorm12\""));
	teardown(&f);
}

static void test_page__assessment_data_is_complete_json(void **state)
{
	fixture f;
	json_t *data, *qs, *q, *a;

	(void)state;
	setup(&f, "page_quiz");
	assert_int_equal(render(&f, 1), 0);
	assert_non_null(strstr(html(&f), "<div id=\"pa-quiz\" class=\"pa-quiz\">"));
	assert_non_null(strstr(html(&f), "<h1 class=\"pa-unit-title\">Vérification</h1>"));
	data = page_data(&f);
	assert_string_equal(json_string_value(json_object_get(data, "kind")), "assessment");
	assert_int_equal(json_integer_value(json_object_get(data, "passingScore")), 70);
	assert_int_equal(json_integer_value(json_object_get(data, "attemptLimit")), 3);
	assert_true(json_is_true(json_object_get(data, "graded")));
	assert_true(json_is_true(json_object_get(data, "shuffle")));
	assert_true(json_number_value(json_object_get(data, "timeLimit")) == 1200);
	qs = json_object_get(data, "questions");
	assert_int_equal(json_array_size(qs), 9);

	q = json_array_get(qs, 0);
	assert_string_equal(json_string_value(json_object_get(q, "id")), "q1");
	assert_string_equal(json_string_value(json_object_get(q, "type")), "choice");
	assert_true(json_is_true(json_object_get(q, "scored")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(q, "text"), "en")),
			    "Which instrument defines a <strong>refugee</strong>?");
	assert_string_equal(json_string_value(json_object_get(json_object_get(q, "text"), "fr")),
			    "Quel instrument définit un <strong>réfugié</strong> ?");
	a = json_array_get(json_object_get(q, "answers"), 0);
	assert_true(json_is_true(json_object_get(a, "correct")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "text"), "fr")),
			    "La <em>Convention</em> de 1951");
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "feedback"), "en")),
			    "Right: Article 1A(2).");

	q = json_array_get(qs, 1);
	assert_true(json_number_value(json_object_get(json_array_get(json_object_get(q, "answers"), 2), "credit")) == -1);
	q = json_array_get(qs, 2);
	assert_true(json_is_true(json_object_get(q, "answer")));
	q = json_array_get(qs, 3);
	assert_false(json_is_true(json_object_get(q, "caseSensitive")));
	a = json_array_get(json_object_get(q, "answers"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "value"), "en")), "non-refoulement");
	a = json_array_get(json_object_get(q, "answers"), 1);
	assert_string_equal(json_string_value(json_object_get(a, "pattern")), "^non[- ]?refoulement$");
	q = json_array_get(qs, 4);
	assert_true(json_number_value(json_object_get(q, "min")) == 2000);
	assert_true(json_number_value(json_object_get(q, "max")) == 2000);
	a = json_array_get(json_object_get(q, "answers"), 1);
	assert_true(json_number_value(json_object_get(a, "min")) == 1999);
	assert_true(json_number_value(json_object_get(a, "max")) == 2001);
	assert_true(json_number_value(json_object_get(a, "credit")) == 0.5);
	assert_null(json_object_get(a, "text"));
	q = json_array_get(qs, 5);
	a = json_array_get(json_object_get(q, "answers"), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "match"), "en")), "statelessness");
	q = json_array_get(qs, 7);
	assert_string_equal(json_string_value(json_object_get(q, "type")), "likert");
	assert_false(json_is_true(json_object_get(q, "scored")));
	q = json_array_get(qs, 8);
	assert_string_equal(json_string_value(json_object_get(q, "type")), "text");
	assert_string_equal(json_string_value(json_object_get(json_object_get(q, "text"), "en")),
			    "What would help? &lt;/script&gt;&lt;b&gt;not bold&lt;/b&gt;");
	json_decref(data);
	teardown(&f);
}

static void test_page__titles_cannot_break_the_page(void **state)
{
	fixture f;
	static pa_lstr evil_course[] = { { S("en"), S("A </script><script>alert(1)</script> <b>course</b>") } };
	static pa_lstr evil_unit[] = { { S("en"), S("Unit \"</title><b>x</b>") } };
	json_t *data;

	(void)state;
	setup(&f, "page_escape");
	f.course.title = (pa_lstring){ evil_course, 1 };
	f.units[1].title = (pa_lstring){ evil_unit, 1 };
	assert_int_equal(render(&f, 1), 0);
	/* Only the two scripts the page owns close. */
	assert_int_equal(count(html(&f), "</script>"), 2);
	assert_int_equal(count(html(&f), "<script"), 2);
	assert_int_equal(count(html(&f), "</title>"), 1);
	assert_null(strstr(html(&f), "<b>"));
	assert_non_null(strstr(html(&f), "<title>Unit &quot;&lt;/title&gt;&lt;b&gt;x&lt;/b&gt; – A &lt;/script&gt;"));
	data = page_data(&f);
	assert_string_equal(json_string_value(json_object_get(json_object_get(data, "titles"), "fr")),
			    "Unit \"</title><b>x</b> – A </script><script>alert(1)</script> <b>course</b>");
	json_decref(data);
	teardown(&f);
}

static void test_page__content_errors_name_file_and_line(void **state)
{
	fixture f;
	static pa_question bad[] = {
		Q("q1", PA_Q_TRUEFALSE, PA_TEXT_MARKDOWN, "See ![a chart](chart.png)", NULL, 0, 7),
	};

	(void)state;
	setup(&f, "page_errors");
	pa_test_write(f.dir, "m1/intro.fr.md", "Texte.\n\n![](../assets/map.png)\n\n![Carte](../assets/absent.png)\n");
	assert_int_equal(render(&f, 0), PA_EINVALID);
	assert_true(pa_diag_has(&f.diag, PA_DIAG_ERROR, "has no text alternative"));
	assert_true(pa_diag_has(&f.diag, PA_DIAG_ERROR, "image '../assets/absent.png' not found"));
	assert_int_equal(f.diag.errors, 2);
	assert_string_equal(f.diag.items[0].file, "m1/intro.fr.md");
	assert_int_equal(f.diag.items[0].line, 3);
	assert_int_equal(f.diag.items[1].line, 5);

	pa_diag_dispose(&f.diag);
	pa_diag_init(&f.diag);
	f.quizzes[0].questions = bad;
	f.quizzes[0].count = 1;
	f.quizzes[1].questions = bad;
	f.quizzes[1].count = 1;
	assert_int_equal(render(&f, 1), PA_EINVALID);
	assert_true(pa_diag_has(&f.diag, PA_DIAG_ERROR, "image 'chart.png' not found"));
	assert_string_equal(f.diag.items[0].file, "m1/quiz.en.json");
	assert_int_equal(f.diag.items[0].line, 7);
	teardown(&f);
}

static void test_page__right_to_left_language(void **state)
{
	fixture f;
	const char *ar[] = { "ar", "en" };
	static pa_lstr src[] = { { S("ar"), S("m1/intro.en.md") } };

	(void)state;
	setup(&f, "page_rtl");
	f.ctx.languages = ar;
	f.units[0].source = (pa_lstring){ src, 1 };
	assert_int_equal(render(&f, 0), 0);
	assert_non_null(strstr(html(&f), "<html lang=\"ar\" dir=\"rtl\">"));
	assert_non_null(strstr(html(&f), "<option value=\"ar\" lang=\"ar\" selected>العربية</option>"));
	assert_non_null(strstr(html(&f), "<h2 id=\"ar-first-part\">"));
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page__lesson_in_two_languages),
		cmocka_unit_test(test_page__one_language_has_no_menu),
		cmocka_unit_test(test_page__assessment_data_is_complete_json),
		cmocka_unit_test(test_page__titles_cannot_break_the_page),
		cmocka_unit_test(test_page__content_errors_name_file_and_line),
		cmocka_unit_test(test_page__right_to_left_language),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
