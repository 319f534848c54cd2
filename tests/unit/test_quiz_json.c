/* packager/quiz_json.c: the JSON question format, every type, every error at its line:col. */
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "packager/quiz.h"

static void parse_ok(pa_quiz *quiz, const char *text, pa_diag *diag)
{
	int rc = pa_quiz_parse_json(quiz, text, strlen(text), "q.json", diag);

	if (rc != 0 || diag->errors)
		pa_diag_print(diag, stderr);
	assert_int_equal(rc, 0);
	assert_int_equal(diag->errors, 0);
}

/* The diagnostic of severity holding needle, checked to be at line:col (0: not checked). */
static void expect(const pa_diag *diag, pa_diag_severity sev, const char *needle, unsigned line, unsigned col)
{
	for (size_t i = 0; i < diag->count; i++) {
		const pa_diag_entry *e = &diag->items[i];

		if (e->severity != sev || !strstr(e->message, needle))
			continue;
		assert_string_equal(e->file, "q.json");
		if ((line && e->line != line) || (col && e->col != col)) {
			fprintf(stderr, "'%s' at %u:%u, expected %u:%u\n", e->message, e->line, e->col, line, col);
			fail();
		}
		return;
	}
	pa_diag_print(diag, stderr);
	fail_msg("no diagnostic containing '%s'", needle);
}

static void parse_fails(const char *text, const char *needle, unsigned line, unsigned col)
{
	pa_diag diag;
	pa_quiz quiz;

	pa_diag_init(&diag);
	assert_int_equal(pa_quiz_parse_json(&quiz, text, strlen(text), "q.json", &diag), PA_EINVALID);
	assert_null(quiz.questions);
	expect(&diag, PA_DIAG_ERROR, needle, line, col);
	pa_diag_dispose(&diag);
}

static const char doc_example[] =
	"{\n"
	"  \"questions\": [\n"
	"    { \"id\": \"q1\", \"type\": \"choice\", \"text\": \"Which instrument?\", \"weight\": 2, \"shuffle\": true,\n"
	"      \"choices\": [\n"
	"        { \"text\": \"The 1951 Convention\", \"correct\": true, \"feedback\": \"Right: Article 1A(2).\" },\n"
	"        { \"text\": \"The Global Compact\", \"feedback\": \"No: it is not binding.\" } ],\n"
	"      \"feedback\": { \"correct\": \"Good\", \"incorrect\": \"Bad\", \"general\": \"See the Convention\" } },\n"
	"    { \"id\": \"q2\", \"type\": \"multiple\", \"text\": \"Treaties?\",\n"
	"      \"choices\": [ { \"text\": \"ICCPR\", \"correct\": true }, { \"text\": \"ICESCR\", \"correct\": true },\n"
	"                   { \"text\": \"Global Compact\" } ] },\n"
	"    { \"id\": \"q3\", \"type\": \"truefalse\", \"text\": \"Binding?\", \"answer\": true,\n"
	"      \"feedback\": { \"correct\": \"Yes\", \"incorrect\": \"No\" } },\n"
	"    { \"id\": \"q4\", \"type\": \"short\", \"text\": \"Principle?\", \"caseSensitive\": false,\n"
	"      \"answers\": [ { \"text\": \"non-refoulement\" }, { \"pattern\": \"^non[- ]?refoulement$\" } ] },\n"
	"    { \"id\": \"q5\", \"type\": \"numeric\", \"text\": \"Year?\", \"answer\": 2000, \"tolerance\": 0 },\n"
	"    { \"id\": \"q6\", \"type\": \"matching\", \"text\": \"Match\",\n"
	"      \"pairs\": [ { \"left\": \"ILO C97\", \"right\": \"labour migration\" },\n"
	"                 { \"left\": \"1954 Convention\", \"right\": \"statelessness\" } ] },\n"
	"    { \"id\": \"q7\", \"type\": \"ordering\", \"text\": \"Order\",\n"
	"      \"items\": [ \"1951 Convention\", \"1967 Protocol\", \"1990 Convention\" ] },\n"
	"    { \"id\": \"q8\", \"type\": \"likert\", \"text\": \"Confident?\",\n"
	"      \"scale\": [ \"Strongly disagree\", \"Disagree\", \"Neutral\", \"Agree\", \"Strongly agree\" ] },\n"
	"    { \"id\": \"q9\", \"type\": \"text\", \"text\": \"What training would help you most?\" }\n"
	"  ]\n"
	"}\n";

static void test_quiz_json__documented_example(void **state)
{
	pa_quiz quiz;
	pa_diag diag;
	const pa_question *q;

	(void)state;
	pa_diag_init(&diag);
	parse_ok(&quiz, doc_example, &diag);
	assert_int_equal(diag.count, 0);
	assert_int_equal(quiz.count, 9);

	q = &quiz.questions[0];
	assert_string_equal(q->id, "q1");
	assert_int_equal(q->type, PA_Q_CHOICE);
	assert_int_equal(q->line, 3);
	assert_int_equal(q->col, 5);
	assert_true(q->weight == 2 && q->shuffle);
	assert_true(q->answers[0].correct && q->answers[0].credit == 1 && !q->answers[1].correct);
	assert_string_equal(q->answers[1].feedback, "No: it is not binding.");
	assert_int_equal(q->answers[1].line, 6);
	assert_string_equal(q->feedback_correct, "Good");
	assert_string_equal(q->feedback_incorrect, "Bad");
	assert_string_equal(q->feedback_general, "See the Convention");

	q = &quiz.questions[1];
	assert_int_equal(q->type, PA_Q_MULTIPLE);
	/* Without credits the right ones share 100%. */
	assert_true(q->answers[0].credit == 0.5 && q->answers[1].credit == 0.5 && q->answers[2].credit == 0);

	q = &quiz.questions[2];
	assert_int_equal(q->type, PA_Q_TRUEFALSE);
	assert_true(q->tf_answer);

	q = &quiz.questions[3];
	assert_int_equal(q->type, PA_Q_SHORT);
	assert_string_equal(q->answers[0].text, "non-refoulement");
	assert_null(q->answers[1].text);
	assert_string_equal(q->answers[1].pattern, "^non[- ]?refoulement$");
	assert_true(q->answers[1].credit == 1);

	q = &quiz.questions[4];
	assert_int_equal(q->type, PA_Q_NUMERIC);
	assert_true(q->number == 2000 && q->tolerance == 0 && q->min == 2000 && q->max == 2000);
	assert_int_equal(q->answer_count, 1);

	q = &quiz.questions[5];
	assert_int_equal(q->type, PA_Q_MATCHING);
	assert_string_equal(q->answers[1].text, "1954 Convention");
	assert_string_equal(q->answers[1].match, "statelessness");

	q = &quiz.questions[6];
	assert_int_equal(q->type, PA_Q_ORDERING);
	assert_int_equal(q->answer_count, 3);
	assert_string_equal(q->answers[2].text, "1990 Convention");

	q = &quiz.questions[7];
	assert_int_equal(q->type, PA_Q_LIKERT);
	assert_int_equal(q->answer_count, 5);
	assert_false(pa_question_is_scored(q));

	q = &quiz.questions[8];
	assert_int_equal(q->type, PA_Q_TEXT);
	assert_false(pa_question_is_scored(q));
	pa_quiz_dispose(&quiz);
	pa_diag_dispose(&diag);
}

static void test_quiz_json__credits_ranges_formats_and_ids(void **state)
{
	pa_quiz quiz;
	pa_diag diag;
	const pa_question *q;

	(void)state;
	pa_diag_init(&diag);
	parse_ok(&quiz,
		 "{\"questions\": [\n"
		 " {\"type\": \"multiple\", \"text\": \"a\", \"choices\": [\n"
		 "   {\"text\": \"x\", \"credit\": 60}, {\"text\": \"y\", \"credit\": 40, \"correct\": true},\n"
		 "   {\"text\": \"z\", \"credit\": -100}]},\n"
		 " {\"type\": \"numeric\", \"text\": \"b\", \"min\": 1.5, \"max\": 2.5, \"format\": \"html\"},\n"
		 " {\"type\": \"short\", \"text\": \"c\", \"caseSensitive\": true,\n"
		 "  \"answers\": [{\"text\": \"A\"}, {\"text\": \"B\", \"credit\": 50, \"feedback\": \"half\"}]},\n"
		 " {\"type\": \"truefalse\", \"text\": \"d\", \"answer\": false, \"format\": \"plain\"}\n"
		 "]}", &diag);
	q = &quiz.questions[0];
	assert_string_equal(q->id, "q1");
	assert_true(q->answers[0].correct && q->answers[0].credit == 0.6);
	assert_true(!q->answers[2].correct && q->answers[2].credit == -1);
	q = &quiz.questions[1];
	assert_string_equal(q->id, "q2");
	assert_int_equal(q->format, PA_TEXT_HTML);
	assert_true(q->min == 1.5 && q->max == 2.5 && q->number == 2 && q->tolerance == 0.5);
	assert_string_equal(q->answers[0].text, "1.5..2.5");
	q = &quiz.questions[2];
	assert_true(q->case_sensitive);
	assert_true(q->answers[1].credit == 0.5);
	assert_string_equal(q->answers[1].feedback, "half");
	q = &quiz.questions[3];
	assert_false(q->tf_answer);
	assert_int_equal(q->format, PA_TEXT_PLAIN);
	pa_quiz_dispose(&quiz);
	pa_diag_dispose(&diag);
}

static void test_quiz_json__unknown_keys_are_warnings(void **state)
{
	pa_quiz quiz;
	pa_diag diag;

	(void)state;
	pa_diag_init(&diag);
	parse_ok(&quiz,
		 "{\"questions\": [\n"
		 "  {\"type\": \"truefalse\", \"text\": \"a\", \"answer\": true, \"shufle\": true,\n"
		 "   \"choices\": [], \"shuffle\": true}\n"
		 "], \"version\": 2}", &diag);
	assert_int_equal(diag.warnings, 4);
	expect(&diag, PA_DIAG_WARNING, "question 'q1': unknown key \"shufle\" in a question", 2, 54);
	expect(&diag, PA_DIAG_WARNING, "unknown key \"shuffle\" in a question (ignored)", 3, 19);
	expect(&diag, PA_DIAG_WARNING, "unknown key \"choices\" in a question", 3, 4);
	expect(&diag, PA_DIAG_WARNING, "unknown key \"version\" in the question file", 4, 4);
	assert_false(quiz.questions[0].shuffle);
	pa_quiz_dispose(&quiz);
	pa_diag_dispose(&diag);
}

static void test_quiz_json__syntax_errors(void **state)
{
	(void)state;
	parse_fails("{\"questions\": [\n  {\"type\": \"text\",}\n]}", "", 2, 19);
	parse_fails("{\"questions\": [], \"questions\": []}", "duplicate object key", 1, 0);
	parse_fails("[1, 2]", "a question file holds an object", 1, 1);
	parse_fails("{\"q\": []}", "\"questions\" must be an array", 1, 1);
	parse_fails("{\"questions\": []}", "the file holds no question", 0, 0);
	parse_fails("{\"questions\": [\"x\"]}", "question 'q1': a question is an object", 1, 16);
}

static void test_quiz_json__field_errors_at_line_and_column(void **state)
{
	(void)state;
	parse_fails("{\"questions\": [\n {\"text\": \"a\"}]}", "question 'q1': \"type\" is missing", 2, 2);
	parse_fails("{\"questions\": [\n {\"type\": \"essay\", \"text\": \"a\"}]}",
		    "\"type\" is one of choice, multiple", 2, 11);
	parse_fails("{\"questions\": [\n {\"type\": \"text\"}]}", "\"text\" is missing", 2, 2);
	parse_fails("{\"questions\": [\n {\"type\": \"text\", \"text\": 5}]}", "\"text\" must be a string", 2, 27);
	parse_fails("{\"questions\": [\n {\"type\": \"text\", \"text\": \"a\", \"weight\": \"1\"}]}",
		    "\"weight\" must be a number", 2, 42);
	parse_fails("{\"questions\": [\n {\"type\": \"text\", \"text\": \"a\", \"weight\": 0}]}",
		    "the weight must be more than 0 and at most 1000", 2, 2);
	parse_fails("{\"questions\": [\n {\"type\": \"text\", \"text\": \"a\", \"weight\": 1001}]}",
		    "at most 1000", 2, 2);
	parse_fails("{\"questions\": [\n {\"type\": \"text\", \"text\": \"a\", \"format\": \"rtf\"}]}",
		    "\"format\" is \"markdown\", \"html\" or \"plain\"", 2, 42);
	parse_fails("{\"questions\": [\n {\"type\": \"text\", \"text\": \"a\", \"feedback\": \"x\"}]}",
		    "\"feedback\" is an object", 2, 44);
	parse_fails("{\"questions\": [\n {\"id\": \"1x\", \"type\": \"text\", \"text\": \"a\"}]}",
		    "'1x' is not a valid identifier", 2, 2);
	parse_fails("{\"questions\": [\n {\"id\": \"a\", \"type\": \"text\", \"text\": \"a\"},\n"
		    " {\"id\": \"a\", \"type\": \"text\", \"text\": \"b\"}]}",
		    "question 'a': the identifier 'a' is used by an earlier question", 3, 2);
	parse_fails("{\"questions\": [\n {\"type\": \"text\", \"text\": \"  \"}]}", "the question has no text", 2, 2);
}

static void test_quiz_json__type_rules(void **state)
{
	(void)state;
	parse_fails("{\"questions\": [{\"type\": \"choice\", \"text\": \"a\",\n"
		    " \"choices\": [{\"text\": \"x\", \"correct\": true}, {\"text\": \"y\", \"correct\": true}]}]}",
		    "one right answer (or none in a survey), not 2", 1, 16);
	parse_fails("{\"questions\": [{\"type\": \"choice\", \"text\": \"a\",\n"
		    " \"choices\": [{\"text\": \"x\", \"correct\": true}]}]}", "at least two choices", 1, 16);
	parse_fails("{\"questions\": [{\"type\": \"choice\", \"text\": \"a\",\n"
		    " \"choices\": [{\"text\": \"x\", \"correct\": true}, {\"correct\": false}]}]}",
		    "\"text\" is missing", 2, 46);
	parse_fails("{\"questions\": [{\"type\": \"choice\", \"text\": \"a\",\n"
		    " \"choices\": [{\"text\": \"x\", \"correct\": true, \"credit\": 50}, {\"text\": \"y\"}]}]}",
		    "the right answer of a single choice is worth 100%", 2, 14);
	parse_fails("{\"questions\": [{\"type\": \"choice\", \"text\": \"a\", \"choices\": 3}]}",
		    "\"choices\" must be an array", 1, 59);
	parse_fails("{\"questions\": [{\"type\": \"choice\", \"text\": \"a\"}]}", "\"choices\" is missing", 1, 16);
	parse_fails("{\"questions\": [{\"type\": \"multiple\", \"text\": \"a\",\n"
		    " \"choices\": [{\"text\": \"x\", \"credit\": 50}, {\"text\": \"y\", \"credit\": 40}]}]}",
		    "add up to 90%, not 100%", 1, 16);
	parse_fails("{\"questions\": [{\"type\": \"multiple\", \"text\": \"a\",\n"
		    " \"choices\": [{\"text\": \"x\", \"credit\": 100}, {\"text\": \"y\", \"correct\": true}]}]}",
		    "give a \"credit\" to every right answer or to none", 2, 13);
	parse_fails("{\"questions\": [{\"type\": \"multiple\", \"text\": \"a\",\n"
		    " \"choices\": [{\"text\": \"x\", \"credit\": 100, \"correct\": false}, {\"text\": \"y\"}]}]}",
		    "a right answer has a credit above 0", 2, 14);
	parse_fails("{\"questions\": [{\"type\": \"multiple\", \"text\": \"a\",\n"
		    " \"choices\": [{\"text\": \"x\", \"credit\": 150}, {\"text\": \"y\"}]}]}",
		    "\"credit\" is a percentage from -100 to 100", 2, 38);
	parse_fails("{\"questions\": [{\"type\": \"truefalse\", \"text\": \"a\"}]}", "\"answer\" is missing", 1, 16);
	parse_fails("{\"questions\": [{\"type\": \"truefalse\", \"text\": \"a\", \"answer\": \"yes\"}]}",
		    "\"answer\" must be true or false", 1, 61);
	parse_fails("{\"questions\": [{\"type\": \"short\", \"text\": \"a\", \"answers\": []}]}",
		    "at least one accepted answer", 1, 16);
	parse_fails("{\"questions\": [{\"type\": \"short\", \"text\": \"a\", \"answers\": [{\"feedback\": \"x\"}]}]}",
		    "answer 1 needs either \"text\" or \"pattern\"", 1, 59);
	parse_fails("{\"questions\": [{\"type\": \"short\", \"text\": \"a\",\n"
		    " \"answers\": [{\"text\": \"x\", \"pattern\": \"y\"}]}]}", "either \"text\" or \"pattern\"", 2, 14);
	parse_fails("{\"questions\": [{\"type\": \"short\", \"text\": \"a\",\n"
		    " \"answers\": [{\"pattern\": \"(unclosed\"}]}]}", "is not a valid regular expression", 2, 14);
	parse_fails("{\"questions\": [{\"type\": \"short\", \"text\": \"a\",\n"
		    " \"answers\": [{\"text\": \"x\", \"credit\": 50}]}]}", "needs an answer worth 100%", 1, 16);
	parse_fails("{\"questions\": [{\"type\": \"numeric\", \"text\": \"a\"}]}",
		    "\"answer\" (and \"tolerance\"), or \"min\" and \"max\"", 1, 16);
	parse_fails("{\"questions\": [{\"type\": \"numeric\", \"text\": \"a\", \"answer\": 1, \"min\": 0, \"max\": 2}]}",
		    "or \"min\" and \"max\"", 1, 16);
	parse_fails("{\"questions\": [{\"type\": \"numeric\", \"text\": \"a\", \"min\": 0}]}",
		    "or \"min\" and \"max\"", 1, 16);
	parse_fails("{\"questions\": [{\"type\": \"numeric\", \"text\": \"a\", \"answer\": 1, \"tolerance\": -1}]}",
		    "\"tolerance\" must not be negative", 1, 75);
	parse_fails("{\"questions\": [{\"type\": \"numeric\", \"text\": \"a\", \"min\": 3, \"max\": 2}]}",
		    "\"min\" is more than \"max\"", 1, 56);
	parse_fails("{\"questions\": [{\"type\": \"numeric\", \"text\": \"a\", \"answer\": 1e308, \"tolerance\": 1e308}]}",
		    "reaches beyond the largest number", 1, 16);
	parse_fails("{\"questions\": [{\"type\": \"matching\", \"text\": \"a\",\n"
		    " \"pairs\": [{\"left\": \"x\", \"right\": \"y\"}]}]}", "at least two pairs", 1, 16);
	parse_fails("{\"questions\": [{\"type\": \"matching\", \"text\": \"a\",\n"
		    " \"pairs\": [{\"left\": \"x\", \"right\": \"y\"}, {\"left\": \"z\", \"right\": \"\"}]}]}",
		    "pair 2 is empty", 2, 41);
	parse_fails("{\"questions\": [{\"type\": \"ordering\", \"text\": \"a\", \"items\": [\"x\"]}]}",
		    "at least two items", 1, 16);
	parse_fails("{\"questions\": [{\"type\": \"ordering\", \"text\": \"a\", \"items\": [\"x\", 2]}]}",
		    "\"items\" holds strings", 1, 65);
	parse_fails("{\"questions\": [{\"type\": \"likert\", \"text\": \"a\", \"scale\": [\"x\"]}]}",
		    "at least two scale labels", 1, 16);
}

static void test_quiz_json__choices_without_a_right_answer_are_survey_questions(void **state)
{
	pa_quiz quiz;
	pa_diag diag;

	(void)state;
	pa_diag_init(&diag);
	parse_ok(&quiz, "{\"questions\": [\n"
		 " {\"id\": \"role\", \"type\": \"choice\", \"text\": \"Your role?\",\n"
		 "  \"choices\": [{\"text\": \"Elected official\"}, {\"text\": \"Civil servant\"}]},\n"
		 " {\"id\": \"topics\", \"type\": \"multiple\", \"text\": \"Topics?\",\n"
		 "  \"choices\": [{\"text\": \"Law\"}, {\"text\": \"Health\"}, {\"text\": \"Housing\"}]},\n"
		 " {\"id\": \"q\", \"type\": \"choice\", \"text\": \"Scored?\",\n"
		 "  \"choices\": [{\"text\": \"Yes\", \"correct\": true}, {\"text\": \"No\"}]}]}", &diag);
	assert_int_equal(quiz.count, 3);
	assert_false(pa_question_is_scored(&quiz.questions[0]));
	assert_false(pa_question_is_scored(&quiz.questions[1]));
	assert_true(pa_question_is_scored(&quiz.questions[2]));
	pa_quiz_dispose(&quiz);
	pa_diag_dispose(&diag);
}

static void test_quiz_json__long_patterns_are_refused(void **state)
{
	pa_buf text = PA_BUF_INIT;

	(void)state;
	pa_buf_puts(&text, "{\"questions\": [{\"type\": \"short\", \"text\": \"a\", \"answers\": [{\"pattern\": \"");
	for (int i = 0; i < 1001; i++)
		pa_buf_putc(&text, 'a');
	pa_buf_puts(&text, "\"}]}]}");
	parse_fails(pa_buf_cstr(&text), "the pattern is longer than 1000 characters", 1, 59);
	pa_buf_dispose(&text);
}

static void test_quiz_json__limits(void **state)
{
	pa_buf text = PA_BUF_INIT;

	(void)state;
	pa_buf_puts(&text, "{\"questions\": [");
	for (int i = 0; i <= PA_QUIZ_MAX_QUESTIONS; i++)
		pa_buf_printf(&text, "%s{\"type\": \"text\", \"text\": \"a\"}", i ? "," : "");
	pa_buf_puts(&text, "]}");
	parse_fails(pa_buf_cstr(&text), "more than 1000 questions in one file", 1, 1);
	pa_buf_clear(&text);
	pa_buf_puts(&text, "{\"questions\": [{\"type\": \"ordering\", \"text\": \"a\", \"items\": [");
	for (int i = 0; i <= PA_QUIZ_MAX_ANSWERS; i++)
		pa_buf_printf(&text, "%s\"x\"", i ? "," : "");
	pa_buf_puts(&text, "]}]}");
	parse_fails(pa_buf_cstr(&text), "more than 1000 entries in \"items\"", 1, 59);
	pa_buf_dispose(&text);
	{
		char *big = malloc(PA_QUIZ_MAX_BYTES + 1);
		pa_diag diag;
		pa_quiz quiz;

		assert_non_null(big);
		memset(big, ' ', PA_QUIZ_MAX_BYTES + 1);
		pa_diag_init(&diag);
		assert_int_equal(pa_quiz_parse_json(&quiz, big, PA_QUIZ_MAX_BYTES + 1, "q.json", &diag), PA_EINVALID);
		assert_int_equal(pa_quiz_parse_gift(&quiz, big, PA_QUIZ_MAX_BYTES + 1, "q.json", &diag), PA_EINVALID);
		assert_int_equal(diag.errors, 2);
		expect(&diag, PA_DIAG_ERROR, "the question file is larger than 16 MiB", 0, 0);
		pa_diag_dispose(&diag);
		free(big);
	}
}

static void test_quiz_json__translation_of_json_and_gift(void **state)
{
	static const char gift[] = "::q1:: Oui ? {T}\n\n::q2:: Choisir {~%50%a ~%50%b ~c}\n";
	static const char json[] = "{\"questions\": [{\"type\": \"truefalse\", \"text\": \"Yes?\", \"answer\": true},\n"
				   " {\"type\": \"multiple\", \"text\": \"Pick\", \"choices\": [\n"
				   "  {\"text\": \"a\", \"correct\": true}, {\"text\": \"b\", \"correct\": true}, {\"text\": \"c\"}]}]}";
	pa_quiz en, fr;
	pa_diag diag;

	(void)state;
	pa_diag_init(&diag);
	parse_ok(&en, json, &diag);
	assert_int_equal(pa_quiz_parse_gift(&fr, gift, strlen(gift), "fr.gift", &diag), 0);
	assert_int_equal(pa_quiz_check_translation(&en, &fr, &diag), 0);
	pa_quiz_dispose(&fr);
	assert_int_equal(pa_quiz_parse_gift(&fr, "::q1:: Oui ? {T}\n\n::q2:: Choisir {~%50%a ~c ~%50%b}\n",
					    51, "fr.gift", &diag), 0);
	assert_int_equal(pa_quiz_check_translation(&en, &fr, &diag), PA_EINVALID);
	assert_true(pa_diag_has(&diag, PA_DIAG_ERROR, "question 'q2': the right answers differ from q.json"));
	assert_string_equal(diag.items[0].file, "fr.gift");
	assert_int_equal(diag.items[0].line, 3);
	pa_quiz_dispose(&fr);
	pa_quiz_dispose(&en);
	pa_diag_dispose(&diag);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiz_json__documented_example),
		cmocka_unit_test(test_quiz_json__credits_ranges_formats_and_ids),
		cmocka_unit_test(test_quiz_json__unknown_keys_are_warnings),
		cmocka_unit_test(test_quiz_json__syntax_errors),
		cmocka_unit_test(test_quiz_json__field_errors_at_line_and_column),
		cmocka_unit_test(test_quiz_json__type_rules),
		cmocka_unit_test(test_quiz_json__choices_without_a_right_answer_are_survey_questions),
		cmocka_unit_test(test_quiz_json__long_patterns_are_refused),
		cmocka_unit_test(test_quiz_json__limits),
		cmocka_unit_test(test_quiz_json__translation_of_json_and_gift),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
