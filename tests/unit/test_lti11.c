/*
 * LTI 1.1 apart from OAuth (test_oauth1.c): consumers in the store, the
 * POX of Basic Outcomes both ways, and replaceResult delivered to the test
 * LMS's outcomes service (tests/lms/consumer11.mjs, which checks the
 * signature and body hash with python3-oauthlib) over loopback.
 */
#include "support.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "lti/httpc.h"
#include "lti/lti11.h"
#include "lti/lti11_pox.h"
#include "runtime/store.h"
#include "runtime/store_lti.h"

static void test_lti11__consumers_in_the_store(void **state)
{
	char *dir = pa_test_tmpdir("lti11-consumers");
	pa_store *s = NULL;
	pa_store_consumer c, *list;
	size_t n;
	int64_t id1, id2;

	(void)state;
	assert_int_equal(pa_store_open(&s, dir, NULL), 0);
	assert_int_equal(pa_store_consumer_add(&id1, s, "moodle.example.org", "s3cret", "Université X"), 0);
	assert_int_equal(pa_store_consumer_add(&id2, s, "canvas", "other", NULL), 0);
	assert_int_equal(pa_store_consumer_add(NULL, s, "canvas", "again", NULL), PA_EEXISTS);
	assert_int_equal(pa_store_consumer_add(NULL, s, "", "x", NULL), PA_EINVAL);
	assert_int_equal(pa_store_consumer_get(&c, s, "moodle.example.org"), 0);
	assert_int_equal(c.id, id1);
	assert_string_equal(c.secret, "s3cret");
	assert_string_equal(c.name, "Université X");
	assert_true(c.created > 0);
	pa_store_consumer_dispose(&c);
	assert_int_equal(pa_store_consumer_by_id(&c, s, id2), 0);
	assert_string_equal(c.key, "canvas");
	assert_null(c.name);
	pa_store_consumer_dispose(&c);
	assert_int_equal(pa_store_consumer_get(&c, s, "nobody"), PA_ENOTFOUND);
	assert_int_equal(pa_store_consumer_by_id(&c, s, 999), PA_ENOTFOUND);
	assert_int_equal(pa_store_consumer_list(&list, &n, s), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].key, "moodle.example.org");
	assert_string_equal(list[1].key, "canvas");
	pa_store_consumer_list_free(list, n);
	assert_int_equal(pa_store_consumer_remove(s, "canvas"), 0);
	assert_int_equal(pa_store_consumer_remove(s, "canvas"), PA_ENOTFOUND);
	assert_int_equal(pa_store_consumer_get(&c, s, "canvas"), PA_ENOTFOUND);
	/* The key is free again. */
	assert_int_equal(pa_store_consumer_add(NULL, s, "canvas", "new", NULL), 0);
	pa_store_close(s);
	free(dir);
}

static void expect_score(double score, const char *text)
{
	pa_buf b = PA_BUF_INIT;
	char want[80];

	assert_int_equal(pa_lti11_pox_replace(&b, "m1", "s", score), 0);
	snprintf(want, sizeof(want), "<textString>%s</textString>", text);
	assert_non_null(strstr(b.ptr, want));
	pa_buf_dispose(&b);
}

static void test_lti11__pox_request(void **state)
{
	pa_buf b = PA_BUF_INIT;

	(void)state;
	assert_int_equal(pa_lti11_pox_replace(&b, "id<1>", "course&<user>\"1\"", 0.92), 0);
	assert_true(pa_str_startswith(b.ptr, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<imsx_POXEnvelopeRequest "
					       "xmlns=\"http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0\">"));
	assert_non_null(strstr(b.ptr, "<imsx_messageIdentifier>id&lt;1&gt;</imsx_messageIdentifier>"));
	assert_non_null(strstr(b.ptr, "<sourcedId>course&amp;&lt;user&gt;&quot;1&quot;</sourcedId>"));
	assert_non_null(strstr(b.ptr, "<replaceResultRequest>"));
	assert_non_null(strstr(b.ptr, "<textString>0.9200</textString>"));
	pa_buf_dispose(&b);
	expect_score(0.0, "0.0000");
	expect_score(1.0, "1.0000");
	expect_score(0.123456, "0.1235");
	expect_score(0.99999, "1.0000");
	expect_score(1e-9, "0.0000");
	assert_int_equal(pa_lti11_pox_replace(&b, "m", "s", -0.01), PA_EINVAL);
	assert_int_equal(pa_lti11_pox_replace(&b, "m", "s", 1.01), PA_EINVAL);
	assert_int_equal(pa_lti11_pox_replace(&b, "m", "s", NAN), PA_EINVAL);
	pa_buf_dispose(&b);
}

#define ANSWER(status)                                                                                   \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                                    \
	"<imsx_POXEnvelopeResponse xmlns=\"http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0\">" \
	"<imsx_POXHeader><imsx_POXResponseHeaderInfo><imsx_version>V1.0</imsx_version>"                 \
	"<imsx_messageIdentifier>4560</imsx_messageIdentifier>" status                                   \
	"</imsx_POXResponseHeaderInfo></imsx_POXHeader><imsx_POXBody><replaceResultResponse/></imsx_POXBody>" \
	"</imsx_POXEnvelopeResponse>"

static int status_of(char *major, pa_buf *desc, const char *xml)
{
	pa_buf_clear(desc);
	return pa_lti11_pox_status(major, 32, desc, xml, strlen(xml));
}

static void test_lti11__pox_answer(void **state)
{
	char major[32];
	pa_buf d = PA_BUF_INIT;
	pa_buf big = PA_BUF_INIT;

	(void)state;
	assert_int_equal(status_of(major, &d, ANSWER("<imsx_statusInfo><imsx_codeMajor> success\n</imsx_codeMajor>"
						     "<imsx_severity>status</imsx_severity><imsx_description>Score "
						     "for 3124567 is now 0.92</imsx_description></imsx_statusInfo>")), 0);
	assert_string_equal(major, "success");
	assert_string_equal(d.ptr, "Score for 3124567 is now 0.92");
	assert_int_equal(status_of(major, &d, ANSWER("<imsx_statusInfo><imsx_codeMajor>failure</imsx_codeMajor>"
						     "<imsx_description>no such &amp; sourcedid</imsx_description>"
						     "</imsx_statusInfo>")), 0);
	assert_string_equal(major, "failure");
	assert_string_equal(d.ptr, "no such & sourcedid");
	/* Namespace prefixes are the consumer's choice. */
	assert_int_equal(status_of(major, &d, "<x:imsx_POXEnvelopeResponse xmlns:x=\"urn:x\"><x:imsx_POXHeader>"
				   "<x:imsx_POXResponseHeaderInfo><x:imsx_statusInfo><x:imsx_codeMajor>unsupported"
				   "</x:imsx_codeMajor></x:imsx_statusInfo></x:imsx_POXResponseHeaderInfo>"
				   "</x:imsx_POXHeader></x:imsx_POXEnvelopeResponse>"), 0);
	assert_string_equal(major, "unsupported");
	/* Refused: a DTD (entities), not XML, not POX, no status. */
	assert_int_equal(status_of(major, &d, "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e \"x\">]>"
				   ANSWER("<imsx_statusInfo><imsx_codeMajor>&e;</imsx_codeMajor></imsx_statusInfo>")),
			 PA_EUNSAFE);
	assert_int_equal(status_of(major, &d, "<!DOCTYPE r SYSTEM \"http://127.0.0.1:9/x.dtd\"><r/>"), PA_EUNSAFE);
	assert_int_equal(status_of(major, &d, "<html><body>Moodle error</body></html>"), PA_EPARSE);
	assert_int_equal(status_of(major, &d, "not xml at all"), PA_EPARSE);
	assert_int_equal(status_of(major, &d, ANSWER("")), PA_EPARSE);
	assert_int_equal(status_of(major, &d, ANSWER("<imsx_statusInfo><imsx_codeMajor>"
						     "a-very-long-code-major-no-consumer-sends</imsx_codeMajor>"
						     "</imsx_statusInfo>")), PA_EPARSE);
	for (int i = 0; i < 70000; i++)
		pa_buf_putc(&big, ' ');
	pa_buf_puts(&big, "<r/>");
	assert_int_equal(pa_lti11_pox_status(major, sizeof(major), &d, big.ptr, big.len), PA_ELIMIT);
	pa_buf_dispose(&big);
	pa_buf_dispose(&d);
}

/* --- replaceResult to the test LMS --- */

typedef struct consumer {
	pid_t pid;
	char outcomes[256];
	char scores[256];
	char origin[128];
} consumer;

/* Start tests/lms/consumer11.mjs for key and secret; false when node is not there. */
static bool consumer_start(consumer *c, const char *key, const char *secret)
{
	char script[1024], line[300];
	int out[2], in[2];
	FILE *f;

	snprintf(script, sizeof(script), "%s/tests/lms/consumer11.mjs", pa_test_source_dir());
	if (access("/usr/bin/node", X_OK) != 0 || access("/usr/bin/python3", X_OK) != 0)
		return false;
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(in), 0);
	c->pid = fork();
	assert_true(c->pid >= 0);
	if (c->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl("/usr/bin/node", "node", script, key, secret, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	/* in[1] stays open: the consumer lives until we kill it. */
	f = fdopen(out[0], "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(sscanf(line, "outcomes %255s", c->outcomes), 1);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(sscanf(line, "scores %255s", c->scores), 1);
	fclose(f);
	snprintf(c->origin, sizeof(c->origin), "%.*s", (int)(strstr(c->scores, "/scores") - c->scores), c->scores);
	return true;
}

static void consumer_stop(consumer *c)
{
	int status;

	kill(c->pid, SIGTERM);
	waitpid(c->pid, &status, 0);
}

static void consumer_mode(consumer *c, const char *mode)
{
	pa_httpc_response r;
	char url[300];
	pa_httpc_request req = { .method = "POST", .url = url, .allow_http = true, .body = "", .body_len = 0,
				 .content_type = "text/plain" };

	snprintf(url, sizeof(url), "%s/mode?set=%s", c->origin, mode);
	pa_httpc_response_init(&r);
	assert_int_equal(pa_httpc_perform(&r, &req), 0);
	assert_int_equal(r.status, 204);
	pa_httpc_response_dispose(&r);
}

static void scores_json(consumer *c, pa_buf *out)
{
	pa_httpc_response r;
	pa_httpc_request req = { .method = "GET", .url = c->scores, .allow_http = true };

	pa_httpc_response_init(&r);
	assert_int_equal(pa_httpc_perform(&r, &req), 0);
	assert_int_equal(r.status, 200);
	pa_buf_clear(out);
	pa_buf_puts(out, pa_buf_cstr(&r.body));
	pa_httpc_response_dispose(&r);
}

static void test_lti11__outcome_delivery(void **state)
{
	consumer c;
	pa_buf answer = PA_BUF_INIT, json = PA_BUF_INIT;
	pa_lti11_outcome o = { NULL, "moodle-key", "the s3cret & more", "course1:user&2", 0.75, 5, true };
	long status;

	(void)state;
	if (!consumer_start(&c, "moodle-key", "the s3cret & more"))
		skip();
	o.url = c.outcomes;
	/* Accepted: signed right (oauthlib checked it), the score recorded. */
	assert_int_equal(pa_lti11_outcome_replace(&status, &answer, &o), 0);
	assert_int_equal(status, 200);
	assert_string_equal(answer.ptr, "Score for course1:user&2 is now 0.7500");
	o.score = 1.0;
	assert_int_equal(pa_lti11_outcome_replace(&status, &answer, &o), 0);
	scores_json(&c, &json);
	assert_non_null(strstr(json.ptr, "\"sourcedid\":\"course1:user&2\",\"score\":0.75,"));
	assert_non_null(strstr(json.ptr, "\"score\":1,\"text\":\"1.0000\""));
	assert_non_null(strstr(json.ptr, "\"refused\":[]"));
	/* The wrong secret: the consumer refuses, for good. */
	o.secret = "not the secret";
	assert_int_equal(pa_lti11_outcome_replace(&status, &answer, &o), PA_EINVALID);
	assert_int_equal(status, 200);
	assert_non_null(strstr(answer.ptr, "signature does not match"));
	o.secret = "the s3cret & more";
	/* The consumer refuses the sourcedid. */
	consumer_mode(&c, "fail");
	assert_int_equal(pa_lti11_outcome_replace(&status, &answer, &o), PA_EINVALID);
	assert_string_equal(answer.ptr, "sourcedid course1:user&2 is not known");
	/* Down for a while: try again later. */
	consumer_mode(&c, "down");
	assert_int_equal(pa_lti11_outcome_replace(&status, &answer, &o), PA_EIO);
	assert_int_equal(status, 503);
	assert_string_equal(answer.ptr, "down for maintenance");
	consumer_mode(&c, "ok");
	assert_int_equal(pa_lti11_outcome_replace(&status, &answer, &o), 0);
	/* Plain http when it is not allowed: refused before any request. */
	o.allow_http = false;
	assert_int_equal(pa_lti11_outcome_replace(&status, &answer, &o), PA_EINVALID);
	assert_int_equal(status, 0);
	o.allow_http = true;
	/* Bad scores never leave. */
	o.score = 1.5;
	assert_int_equal(pa_lti11_outcome_replace(&status, &answer, &o), PA_EINVAL);
	scores_json(&c, &json);
	assert_non_null(strstr(json.ptr, "\"refused\":[\"the signature does not match\"]"));
	consumer_stop(&c);
	/* Nobody there any more: no answer, try again later. */
	o.score = 0.5;
	assert_int_equal(pa_lti11_outcome_replace(&status, &answer, &o), PA_EIO);
	assert_int_equal(status, 0);
	pa_buf_dispose(&answer);
	pa_buf_dispose(&json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lti11__consumers_in_the_store),
		cmocka_unit_test(test_lti11__pox_request),
		cmocka_unit_test(test_lti11__pox_answer),
		cmocka_unit_test(test_lti11__outcome_delivery),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
