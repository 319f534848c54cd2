/* packager/quiz_gift.c: Moodle's GIFT format, every question kind and every error with its line. */
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "packager/quiz.h"

static void parse_ok(pa_quiz *quiz, const char *text)
{
	pa_diag diag;
	int rc;

	pa_diag_init(&diag);
	rc = pa_quiz_parse_gift(quiz, text, strlen(text), "q.gift", &diag);
	if (rc != 0 || diag.errors)
		pa_diag_print(&diag, stderr);
	assert_int_equal(rc, 0);
	assert_int_equal(diag.errors, 0);
	pa_diag_dispose(&diag);
}

/* Parsing text fails with an error containing needle on line (0: any line). */
static void parse_fails(const char *text, const char *needle, unsigned line)
{
	pa_diag diag;
	pa_quiz quiz;
	bool found = false;

	pa_diag_init(&diag);
	assert_int_equal(pa_quiz_parse_gift(&quiz, text, strlen(text), "m1/quiz.gift", &diag), PA_EINVALID);
	assert_null(quiz.questions);
	assert_int_equal(quiz.count, 0);
	for (size_t i = 0; i < diag.count; i++) {
		const pa_diag_entry *e = &diag.items[i];

		if (e->severity == PA_DIAG_ERROR && strstr(e->message, needle)) {
			found = true;
			assert_string_equal(e->file, "m1/quiz.gift");
			if (line && e->line != line) {
				fprintf(stderr, "'%s' on line %u, expected %u\n", e->message, e->line, line);
				fail();
			}
		}
	}
	if (!found) {
		pa_diag_print(&diag, stderr);
		fail_msg("no error containing '%s'", needle);
	}
	pa_diag_dispose(&diag);
}

/* Exactly the example of docs/course-format.md. */
static const char doc_example[] =
	"// A comment\n"
	"::q1:: Which instrument defines a refugee? {\n"
	"  =The 1951 Convention relating to the Status of Refugees # Right: Article 1A(2).\n"
	"  ~The 2018 Global Compact for Migration # No: it is not binding and defines no status.\n"
	"}\n"
	"::q2:: Non-refoulement binds states that have not ratified the 1951 Convention. {T\n"
	"  #Wrong: it is also customary international law.#Right: it is customary law too.}\n"
	"::q3:: In which year was the Palermo Protocol on trafficking adopted? {#2000:0}\n"
	"::q4:: Name the principle that forbids returning a refugee to persecution. {\n"
	"  =non-refoulement =non refoulement # Yes. }\n"
	"::q5:: Match each instrument to its subject. {\n"
	"  =ILO C97 -> labour migration\n"
	"  =1954 Convention -> statelessness\n"
	"  =Palermo Protocols -> trafficking and smuggling }\n"
	"::q6:: Which are binding treaties? {\n"
	"  ~%50%ICCPR ~%50%ICESCR ~%-100%Global Compact for Migration }\n"
	"::q7:: What is one thing your city could do better? {}\n";

static void test_gift__documented_example(void **state)
{
	pa_quiz quiz;
	const pa_question *q;

	(void)state;
	parse_ok(&quiz, doc_example);
	assert_int_equal(quiz.count, 7);
	assert_string_equal(quiz.file, "q.gift");

	q = &quiz.questions[0];
	assert_string_equal(q->id, "q1");
	assert_int_equal(q->type, PA_Q_CHOICE);
	assert_int_equal(q->line, 2);
	assert_string_equal(q->text, "Which instrument defines a refugee?");
	assert_int_equal(q->answer_count, 2);
	assert_true(q->answers[0].correct);
	assert_true(q->answers[0].credit == 1);
	assert_string_equal(q->answers[0].text, "The 1951 Convention relating to the Status of Refugees");
	assert_string_equal(q->answers[0].feedback, "Right: Article 1A(2).");
	assert_false(q->answers[1].correct);
	assert_int_equal(q->answers[1].line, 4);
	assert_true(pa_question_is_scored(q));

	q = &quiz.questions[1];
	assert_int_equal(q->type, PA_Q_TRUEFALSE);
	assert_true(q->tf_answer);
	assert_int_equal(q->answer_count, 0);
	assert_string_equal(q->feedback_incorrect, "Wrong: it is also customary international law.");
	assert_string_equal(q->feedback_correct, "Right: it is customary law too.");

	q = &quiz.questions[2];
	assert_int_equal(q->type, PA_Q_NUMERIC);
	assert_int_equal(q->line, 8);
	assert_true(q->number == 2000 && q->tolerance == 0 && q->min == 2000 && q->max == 2000);
	assert_int_equal(q->answer_count, 1);

	q = &quiz.questions[3];
	assert_int_equal(q->type, PA_Q_SHORT);
	assert_int_equal(q->answer_count, 2);
	assert_string_equal(q->answers[0].text, "non-refoulement");
	assert_string_equal(q->answers[1].text, "non refoulement");
	assert_string_equal(q->answers[1].feedback, "Yes.");
	assert_false(q->case_sensitive);

	q = &quiz.questions[4];
	assert_int_equal(q->type, PA_Q_MATCHING);
	assert_int_equal(q->answer_count, 3);
	assert_string_equal(q->answers[0].text, "ILO C97");
	assert_string_equal(q->answers[0].match, "labour migration");
	assert_string_equal(q->answers[2].match, "trafficking and smuggling");

	q = &quiz.questions[5];
	assert_int_equal(q->type, PA_Q_MULTIPLE);
	assert_true(q->answers[0].correct && q->answers[1].correct && !q->answers[2].correct);
	assert_true(q->answers[0].credit == 0.5 && q->answers[2].credit == -1);
	assert_string_equal(q->answers[2].text, "Global Compact for Migration");

	q = &quiz.questions[6];
	assert_int_equal(q->type, PA_Q_TEXT);
	assert_false(pa_question_is_scored(q));
	assert_int_equal(q->answer_count, 0);
	pa_quiz_dispose(&quiz);
	assert_null(quiz.questions);
}

static void test_gift__true_false_spellings(void **state)
{
	pa_quiz quiz;

	(void)state;
	parse_ok(&quiz, "A? {T}\n\nB? {F}\n\nC? {TRUE}\n\nD? {false #no}\n\nE? {t####Always.}\n");
	assert_int_equal(quiz.count, 5);
	assert_true(quiz.questions[0].tf_answer);
	assert_false(quiz.questions[1].tf_answer);
	assert_true(quiz.questions[2].tf_answer);
	assert_false(quiz.questions[3].tf_answer);
	assert_string_equal(quiz.questions[3].feedback_incorrect, "no");
	assert_null(quiz.questions[3].feedback_correct);
	assert_true(quiz.questions[4].tf_answer);
	assert_string_equal(quiz.questions[4].feedback_general, "Always.");
	/* Identifiers by position. */
	assert_string_equal(quiz.questions[4].id, "q5");
	pa_quiz_dispose(&quiz);
}

static void test_gift__numeric_forms(void **state)
{
	pa_quiz quiz;
	const pa_question *q;

	(void)state;
	parse_ok(&quiz,
		 "::a:: Pi? {#3.14:0.01}\n\n"
		 "::b:: Between? {#1..5}\n\n"
		 "::c:: Exactly? {#-42 #Negative indeed.}\n\n"
		 "::d:: When? {#\n  =1822:0 # Exactly.\n  =%50%1822:2 # Close.\n  ~1900 # Far off.\n"
		 "  ####Champollion.}\n");
	q = &quiz.questions[0];
	assert_true(q->number == 3.14 && q->tolerance == 0.01);
	assert_true(fabs(q->min - 3.13) < 1e-9 && fabs(q->max - 3.15) < 1e-9);
	assert_string_equal(q->answers[0].text, "3.14:0.01");
	q = &quiz.questions[1];
	assert_true(q->min == 1 && q->max == 5 && q->number == 3 && q->tolerance == 2);
	q = &quiz.questions[2];
	assert_true(q->number == -42 && q->min == -42);
	assert_string_equal(q->answers[0].feedback, "Negative indeed.");
	q = &quiz.questions[3];
	assert_int_equal(q->type, PA_Q_NUMERIC);
	assert_int_equal(q->answer_count, 3);
	assert_true(q->number == 1822 && q->tolerance == 0);
	assert_true(q->answers[1].credit == 0.5 && q->answers[1].min == 1820 && q->answers[1].max == 1824);
	assert_true(q->answers[2].credit == 0);
	assert_true(q->answers[0].correct && q->answers[1].correct && !q->answers[2].correct);
	assert_string_equal(q->answers[0].feedback, "Exactly.");
	assert_string_equal(q->answers[2].feedback, "Far off.");
	assert_int_equal(q->answers[1].line, 9);
	assert_string_equal(q->feedback_general, "Champollion.");
	pa_quiz_dispose(&quiz);
}

static void test_gift__choices_feedback_and_credits(void **state)
{
	pa_quiz quiz;
	const pa_question *q;

	(void)state;
	parse_ok(&quiz,
		 "::single:: Capital of France? {=Paris#Yes ~%25%Lyon#Second city ~Nice####Paris since 987.}\n\n"
		 "::multi:: Primes? {~%33.333%2 ~%33.333%3 ~%33.334%5 ~%-50%4 ~6}\n\n"
		 "::short:: Spell it. {=colour =%50%color #US spelling}\n");
	q = &quiz.questions[0];
	assert_int_equal(q->type, PA_Q_CHOICE);
	assert_true(q->answers[0].correct && q->answers[0].credit == 1);
	assert_true(!q->answers[1].correct && q->answers[1].credit == 0.25);
	assert_string_equal(q->answers[1].feedback, "Second city");
	assert_string_equal(q->feedback_general, "Paris since 987.");
	q = &quiz.questions[1];
	assert_int_equal(q->type, PA_Q_MULTIPLE);
	assert_int_equal(q->answer_count, 5);
	assert_true(q->answers[2].correct && !q->answers[3].correct && !q->answers[4].correct);
	assert_true(q->answers[3].credit == -0.5);
	q = &quiz.questions[2];
	assert_int_equal(q->type, PA_Q_SHORT);
	assert_true(q->answers[0].credit == 1 && q->answers[1].credit == 0.5);
	assert_true(q->answers[0].correct && q->answers[1].correct);
	assert_string_equal(q->answers[1].feedback, "US spelling");
	pa_quiz_dispose(&quiz);
}

static void test_gift__comments_categories_and_layout(void **state)
{
	pa_quiz quiz;

	(void)state;
	parse_ok(&quiz,
		 "\xEF\xBB\xBF// made in Moodle\r\n"
		 "$CATEGORY: $course$/Migration\r\n"
		 "\r\n"
		 "   \t\r\n"
		 "::one:: First line\r\n"
		 "// a comment inside a question does not end it\r\n"
		 "second line {\r\n"
		 "=yes\r\n"
		 "~no}\r\n"
		 "\r\n\r\n\r\n"
		 "$CATEGORY: other\n"
		 "::two:: Next? {T}");
	assert_int_equal(quiz.count, 2);
	assert_string_equal(quiz.questions[0].text, "First line\nsecond line");
	assert_int_equal(quiz.questions[0].line, 5);
	assert_string_equal(quiz.questions[0].answers[1].text, "no");
	assert_int_equal(quiz.questions[0].answers[1].line, 9);
	assert_string_equal(quiz.questions[1].id, "two");
	assert_int_equal(quiz.questions[1].line, 14);
	pa_quiz_dispose(&quiz);
}

static void test_gift__titled_questions_one_under_another(void **state)
{
	pa_quiz quiz;

	(void)state;
	/* A "::" line after closed answers starts a question; before them it is text. */
	parse_ok(&quiz, "::a:: A {T}\n::b:: B {=x ~y}\n::c:: C\n::not a title:: {\n=1\n~2\n}\n::d:: D {F}");
	assert_int_equal(quiz.count, 4);
	assert_string_equal(quiz.questions[1].id, "b");
	assert_int_equal(quiz.questions[1].line, 2);
	assert_string_equal(quiz.questions[2].text, "C\n::not a title::");
	assert_int_equal(quiz.questions[3].line, 8);
	pa_quiz_dispose(&quiz);
}

static void test_gift__formats(void **state)
{
	pa_quiz quiz;

	(void)state;
	parse_ok(&quiz,
		 "::a::[html]<p>Hello</p> {T}\n\n"
		 "::b:: [plain] *not emphasis* {T}\n\n"
		 "[markdown]**Bold** {T}\n\n"
		 "Plain default {T}\n");
	assert_int_equal(quiz.questions[0].format, PA_TEXT_HTML);
	assert_string_equal(quiz.questions[0].text, "<p>Hello</p>");
	assert_int_equal(quiz.questions[1].format, PA_TEXT_PLAIN);
	assert_string_equal(quiz.questions[1].text, "*not emphasis*");
	assert_int_equal(quiz.questions[2].format, PA_TEXT_MARKDOWN);
	assert_string_equal(quiz.questions[2].text, "**Bold**");
	assert_int_equal(quiz.questions[3].format, PA_TEXT_MARKDOWN);
	pa_quiz_dispose(&quiz);
}

static void test_gift__escapes(void **state)
{
	pa_quiz quiz;
	const pa_question *q;

	(void)state;
	parse_ok(&quiz,
		 "::esc:: a \\~ b \\= c \\# d \\{ e \\} f \\: g \\\\ h\\ni \\* j {\n"
		 "  =1 \\= 1 # yes \\# 1\n"
		 "  ~2 \\-> 3 \\~ 4}\n");
	q = &quiz.questions[0];
	assert_string_equal(q->text, "a ~ b = c # d { e } f : g \\ h\ni \\* j");
	assert_int_equal(q->type, PA_Q_CHOICE);
	assert_string_equal(q->answers[0].text, "1 = 1");
	assert_string_equal(q->answers[0].feedback, "yes # 1");
	assert_string_equal(q->answers[1].text, "2 \\-> 3 ~ 4");
	pa_quiz_dispose(&quiz);
}

static void test_gift__missing_word(void **state)
{
	pa_quiz quiz;

	(void)state;
	parse_ok(&quiz, "The 1951 Convention was adopted in {=Geneva ~New York} in July.\n\n"
		 "{=Paris} is the capital.\n");
	assert_string_equal(quiz.questions[0].text, "The 1951 Convention was adopted in _____ in July.");
	assert_int_equal(quiz.questions[0].type, PA_Q_CHOICE);
	assert_string_equal(quiz.questions[1].text, "_____ is the capital.");
	assert_int_equal(quiz.questions[1].type, PA_Q_SHORT);
	pa_quiz_dispose(&quiz);
}

static void test_gift__essay_with_general_feedback(void **state)
{
	pa_quiz quiz;

	(void)state;
	parse_ok(&quiz, "::e:: Tell us. {####Thank you.}\n");
	assert_int_equal(quiz.questions[0].type, PA_Q_TEXT);
	assert_string_equal(quiz.questions[0].feedback_general, "Thank you.");
	pa_quiz_dispose(&quiz);
}

static void test_gift__syntax_errors_have_lines(void **state)
{
	(void)state;
	parse_fails("::ok:: A {T}\n\n// c\n::q3:: In which year? {#}\n", "question 'q3': a numeric answer needs a number after '#'", 4);
	parse_fails("Year? {#abc}\n", "question 'q1': 'abc' is not a number", 1);
	parse_fails("\n\nRange? {#5..1}\n", "the range 5..1 is empty", 3);
	parse_fails("Tol? {#5:-1}\n", "tolerance in '5:-1' must not be negative", 1);
	parse_fails("Huge? {#1e308:1e308}\n", "beyond the largest number", 1);
	parse_fails("::a:: Open {\n=yes\n~no\n\n::b:: Next {T}\n", "are not closed", 1);
	parse_fails("::a:: Nested {=a {b} ~c}\n", "'{' inside the answers", 1);
	parse_fails("::a:: Two {=a ~b} and {=c ~d}\n", "one question has one set of answers", 1);
	parse_fails("::a:: One {T} ::b:: Two {F}\n", "questions are separated by a blank line", 1);
	parse_fails("::a:: No answers here.\n", "no answers", 1);
	parse_fails("::a Title never closed {T}\n", "the title has no closing '::'", 1);
	parse_fails("::a:: [moodle]Old {T}\n", "[moodle] text format is not supported", 1);
	parse_fails("::a:: Bad start {yes}\n", "answers start with '='", 1);
	parse_fails("::a:: Credit {~%abc%x =y}\n", "'%abc%' is not a credit", 1);
	parse_fails("::a:: Credit {~%200%x =y}\n", "'%200%' is not a credit", 1);
	parse_fails("::a:: Credit {~%50 x =y}\n", "the closing % is missing", 1);
	parse_fails("::a:: TF {T#one#two#three}\n", "two feedbacks at most", 1);
	parse_fails("::a:: TF {T junk}\n", "only feedback may follow", 1);
	parse_fails("::a:: Empty answer {\n=\n~b}\n", "an answer after '=' has no text", 2);
	parse_fails("::a:: Essay {} with text after\n", "text after {} is not allowed", 1);
	parse_fails("::a:: Match {=a -> b =c -> d} more\n", "not allowed in a matching question", 1);
	parse_fails("::a:: Mixed {=a -> b ~c}\n", "only '=left -> right' answers", 1);
}

static void test_gift__semantic_errors(void **state)
{
	(void)state;
	parse_fails("A {T}\n\n::Q 1:: Bad id {T}\n", "'Q 1' is not a valid identifier", 3);
	parse_fails("::1st:: Digit first {T}\n", "'1st' is not a valid identifier", 1);
	parse_fails("::dup:: A {T}\n\n::dup:: B {F}\n", "the identifier 'dup' is used by an earlier question", 3);
	/* An explicit id may collide with one given by position. */
	parse_fails("::q2:: A {T}\n\nB {F}\n", "the identifier 'q2' is used", 3);
	parse_fails("::a:: Which? {=x =y ~z}\n", "2 answers are marked right with '='", 1);
	parse_fails("::a:: Which? {~x ~y}\n", "no right answer", 1);
	parse_fails("::a:: Which? {~%50%x ~%40%y ~z}\n", "add up to 90%, not 100%", 1);
	parse_fails("::a:: Which? {=x}\n\n::b:: Only one {=x ~%100%y}\n", "cannot be worth 100%", 3);
	parse_fails("::a:: Which? {=%50%x ~y}\n", "the right answer ('=') of a single choice is worth 100%", 1);
	parse_fails("::a:: One? {~%100%x}\n", "at least two choices", 1);
	parse_fails("::a:: Short {=%50%x =%20%y}\n", "needs an answer worth 100%", 1);
	parse_fails("::a:: Num {#=%50%5}\n", "a numeric question needs an answer worth 100%", 1);
	parse_fails("::a:: Match {=a -> b}\n", "at least two pairs", 1);
	parse_fails("::a:: {T}\n", "the question has no text", 1);
	parse_fails("", "the file holds no question", 0);
	parse_fails("// only a comment\n\n", "the file holds no question", 0);
}

static void test_gift__invalid_utf8_and_nul(void **state)
{
	static const char bad[] = "A {T}\n\nB \xC3\x28 {T}\n";
	pa_diag diag;
	pa_quiz quiz;

	(void)state;
	parse_fails("A {T}\n\nB \xC3\x28 {T}\n", "not valid UTF-8", 3);
	pa_diag_init(&diag);
	assert_int_equal(pa_quiz_parse_gift(&quiz, "A {T}\0\nB", 8, "x.gift", &diag), PA_EINVALID);
	assert_int_equal(diag.items[0].line, 1);
	pa_diag_dispose(&diag);
	(void)bad;
}

static void test_gift__question_limit(void **state)
{
	pa_buf text = PA_BUF_INIT;

	(void)state;
	for (int i = 0; i < PA_QUIZ_MAX_QUESTIONS + 5; i++)
		pa_buf_printf(&text, "Q%d {T}\n\n", i);
	parse_fails(pa_buf_cstr(&text), "more than 1000 questions", 2001);
	pa_buf_dispose(&text);
}

static void test_gift__translations_must_agree(void **state)
{
	pa_quiz en, fr;
	pa_diag diag;

	(void)state;
	parse_ok(&en, "::a:: Yes? {T}\n\n::b:: Pick {=x ~y ~z}\n\n::c:: N {#5:1}\n");
	pa_diag_init(&diag);

	parse_ok(&fr, "::a:: Oui ? {T}\n\n::b:: Choisir {=x ~y ~z}\n\n::c:: N {#5:1}\n");
	assert_int_equal(pa_quiz_check_translation(&en, &fr, &diag), 0);
	assert_int_equal(diag.count, 0);
	pa_quiz_dispose(&fr);

	parse_ok(&fr, "::a:: Oui ? {F}\n\n::b:: Choisir {~x =y ~z}\n\n::c:: N {#5:2}\n");
	assert_int_equal(pa_quiz_check_translation(&en, &fr, &diag), PA_EINVALID);
	assert_true(pa_diag_has(&diag, PA_DIAG_ERROR, "question 'a': the right answer is false here but true in q.gift"));
	assert_true(pa_diag_has(&diag, PA_DIAG_ERROR, "question 'b': the right answers differ from q.gift"));
	assert_true(pa_diag_has(&diag, PA_DIAG_ERROR, "question 'c': the right answers differ"));
	assert_int_equal(diag.items[1].line, 3);
	pa_quiz_dispose(&fr);
	pa_diag_dispose(&diag);

	parse_ok(&fr, "::a:: Oui ? {T}\n\n::x:: Choisir {=x ~y}\n\n::c:: N {=cinq}\n\n::d:: Extra {T}\n");
	pa_diag_init(&diag);
	assert_int_equal(pa_quiz_check_translation(&en, &fr, &diag), PA_EINVALID);
	assert_true(pa_diag_has(&diag, PA_DIAG_ERROR, "4 questions here but 3 in q.gift"));
	assert_true(pa_diag_has(&diag, PA_DIAG_ERROR, "question 2 is 'b' in q.gift"));
	assert_true(pa_diag_has(&diag, PA_DIAG_ERROR, "question 'c': a short question here but a numeric question in q.gift"));
	pa_quiz_dispose(&fr);
	pa_diag_dispose(&diag);

	parse_ok(&fr, "::a:: Oui ? {T}\n\n::b:: Choisir {=x ~y}\n\n::c:: N {#5:1}\n");
	pa_diag_init(&diag);
	assert_int_equal(pa_quiz_check_translation(&en, &fr, &diag), PA_EINVALID);
	assert_true(pa_diag_has(&diag, PA_DIAG_ERROR, "question 'b': 2 answers here but 3 in q.gift"));
	assert_int_equal(diag.items[0].line, 3);
	pa_quiz_dispose(&fr);
	pa_diag_dispose(&diag);
	pa_quiz_dispose(&en);
}

static void test_gift__load_by_extension(void **state)
{
	char *dir = pa_test_tmpdir("gift_load");
	pa_buf path = PA_BUF_INIT;
	pa_diag diag;
	pa_quiz quiz;

	(void)state;
	pa_test_write(dir, "a.GIFT", "::a:: Yes? {T}\n");
	pa_test_write(dir, "b.txt", "::a:: Yes? {T}\n");
	pa_diag_init(&diag);
	pa_buf_printf(&path, "%s/a.GIFT", dir);
	assert_int_equal(pa_quiz_load(&quiz, path.ptr, "a.GIFT", &diag), 0);
	assert_int_equal(quiz.count, 1);
	assert_string_equal(quiz.file, "a.GIFT");
	pa_quiz_dispose(&quiz);
	pa_buf_clear(&path);
	pa_buf_printf(&path, "%s/b.txt", dir);
	assert_int_equal(pa_quiz_load(&quiz, path.ptr, "b.txt", &diag), PA_EINVALID);
	assert_true(pa_diag_has(&diag, PA_DIAG_ERROR, "a question file ends in .gift or .json"));
	pa_buf_clear(&path);
	pa_buf_printf(&path, "%s/none.gift", dir);
	assert_int_equal(pa_quiz_load(&quiz, path.ptr, "none.gift", &diag), PA_EINVALID);
	assert_true(pa_diag_has(&diag, PA_DIAG_ERROR, "the question file does not exist"));
	assert_string_equal(diag.items[1].file, "none.gift");
	pa_diag_dispose(&diag);
	pa_buf_dispose(&path);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gift__documented_example),
		cmocka_unit_test(test_gift__true_false_spellings),
		cmocka_unit_test(test_gift__numeric_forms),
		cmocka_unit_test(test_gift__choices_feedback_and_credits),
		cmocka_unit_test(test_gift__comments_categories_and_layout),
		cmocka_unit_test(test_gift__titled_questions_one_under_another),
		cmocka_unit_test(test_gift__formats),
		cmocka_unit_test(test_gift__escapes),
		cmocka_unit_test(test_gift__missing_word),
		cmocka_unit_test(test_gift__essay_with_general_feedback),
		cmocka_unit_test(test_gift__syntax_errors_have_lines),
		cmocka_unit_test(test_gift__semantic_errors),
		cmocka_unit_test(test_gift__invalid_utf8_and_nul),
		cmocka_unit_test(test_gift__question_limit),
		cmocka_unit_test(test_gift__translations_must_agree),
		cmocka_unit_test(test_gift__load_by_extension),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
