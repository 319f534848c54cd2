/*
 * runtime/scorm: the shared vector files (the .txt files of
 * tests/scorm/vectors, format in their README.md) run through the native engine; the node
 * test tests/e2e/scorm_wasm.test.mjs runs the same files through
 * scorm.wasm. Then the cases vectors cannot express: durations, the
 * state format, hostile state, limits.
 */
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "runtime/scorm/internal.h"
#include "runtime/scorm/scorm.h"

/* ---- the vector runner ---- */

/* Decode a vector value: "" is empty; \n \t \\ \xHH; \{N:text} repeats text N times. */
static void decode(pa_buf *out, const char *s)
{
	pa_buf_clear(out);
	if (strcmp(s, "\"\"") == 0)
		return;
	while (*s) {
		if (*s != '\\' || !s[1]) {
			pa_buf_putc(out, *s++);
			continue;
		}
		s++;
		if (*s == 'n') { pa_buf_putc(out, '\n'); s++; }
		else if (*s == 't') { pa_buf_putc(out, '\t'); s++; }
		else if (*s == '\\') { pa_buf_putc(out, '\\'); s++; }
		else if (*s == 'x') {
			char hex[3] = { s[1], s[2], 0 };
			pa_buf_putc(out, (char)strtol(hex, NULL, 16));
			s += 3;
		} else if (*s == '{') {
			char *colon;
			long n = strtol(s + 1, &colon, 10);
			const char *close = strchr(colon, '}');
			assert_true(*colon == ':' && close);
			for (long i = 0; i < n; i++)
				pa_buf_put(out, colon + 1, (size_t)(close - colon - 1));
			s = close + 1;
		} else {
			pa_buf_putc(out, '\\');
		}
	}
}

static size_t limit_of(const char *args, const char *name)
{
	const char *p = args ? strstr(args, name) : NULL;
	return p && p[strlen(name)] == '=' ? (size_t)strtoull(p + strlen(name) + 1, NULL, 10) : 0;
}

typedef struct runner {
	const char *file;
	int line;
	int failures;
	pa_scorm *s;
	pa_scorm_limits lim;
	pa_buf got;
} runner;

static void mismatch(runner *r, const char *call, const char *want, const char *got)
{
	fprintf(stderr, "%s:%d: %s: expected [%s], got [%s]\n", r->file, r->line, call, want, got);
	r->failures++;
}

static void run_line(runner *r, char *line)
{
	char *arrow = NULL, *p, *cmd, *rest, *want, *el = NULL, *arg = NULL;
	pa_buf a = PA_BUF_INIT, b = PA_BUF_INIT, w = PA_BUF_INIT;
	const char *got = NULL;

	for (p = strstr(line, " -> "); p; p = strstr(p + 1, " -> "))
		arrow = p;
	if (arrow) {
		*arrow = '\0';
		want = arrow + 4;
	} else {
		want = NULL;
	}
	cmd = line;
	rest = strchr(line, ' ');
	if (rest)
		*rest++ = '\0';
	if (strcmp(cmd, "new") == 0) {
		char *ver = rest ? rest : (char *)"";
		pa_scorm_free(r->s);
		memset(&r->lim, 0, sizeof r->lim);
		r->lim.suspend_data_max = limit_of(rest, "suspend_data_max");
		r->lim.location_max = limit_of(rest, "location_max");
		r->lim.interactions_max = limit_of(rest, "interactions_max");
		r->lim.objectives_max = limit_of(rest, "objectives_max");
		r->lim.comments_max = limit_of(rest, "comments_max");
		r->lim.state_max = limit_of(rest, "state_max");
		assert_int_equal(pa_scorm_new(&r->s, strncmp(ver, "1.2", 3) == 0 ? PA_SCORM_12 : PA_SCORM_2004,
		                              &r->lim), 0);
		goto done;
	}
	assert_non_null(r->s);
	assert_non_null(want);
	if (rest && (strcmp(cmd, "get") == 0 || strcmp(cmd, "set") == 0 || strcmp(cmd, "lms") == 0 ||
	             strcmp(cmd, "lget") == 0)) {
		el = rest;
		arg = strchr(rest, ' ');
		if (arg)
			*arg++ = '\0';
		decode(&a, el);
	} else if (rest) {
		arg = rest;
	}
	decode(&b, arg ? arg : "\"\"");
	if (strcmp(cmd, "get") == 0) {
		char *sp = strrchr(want, ' ');
		assert_non_null(sp);
		*sp = '\0';
		got = pa_scorm_get_value(r->s, pa_buf_cstr(&a));
		decode(&w, want);
		pa_buf_clear(&r->got);
		pa_buf_printf(&r->got, "%s %d", got, pa_scorm_get_last_error(r->s));
		pa_buf_printf(&w, " %s", sp + 1);
	} else if (strcmp(cmd, "set") == 0 || strcmp(cmd, "init") == 0 || strcmp(cmd, "term") == 0 ||
	           strcmp(cmd, "commit") == 0) {
		bool ok;
		if (cmd[0] == 's')
			ok = pa_scorm_set_value(r->s, pa_buf_cstr(&a), pa_buf_cstr(&b));
		else if (cmd[0] == 'i')
			ok = pa_scorm_initialize(r->s, pa_buf_cstr(&b));
		else if (cmd[0] == 't')
			ok = pa_scorm_terminate(r->s, pa_buf_cstr(&b));
		else
			ok = pa_scorm_commit(r->s, pa_buf_cstr(&b));
		pa_buf_clear(&r->got);
		pa_buf_printf(&r->got, "%s %d", ok ? "true" : "false", pa_scorm_get_last_error(r->s));
		pa_buf_puts(&w, want);
	} else if (strcmp(cmd, "lms") == 0) {
		int rc = pa_scorm_lms_set(r->s, pa_buf_cstr(&a), pa_buf_cstr(&b));
		pa_buf_clear(&r->got);
		pa_buf_puts(&r->got, rc == 0 ? "ok" : "fail");
		pa_buf_puts(&w, want);
	} else if (strcmp(cmd, "lget") == 0) {
		got = pa_scorm_lms_get(r->s, pa_buf_cstr(&a));
		pa_buf_clear(&r->got);
		pa_buf_puts(&r->got, got ? got : "(null)");
		decode(&w, want);
	} else if (strcmp(cmd, "errstr") == 0 || strcmp(cmd, "diag") == 0) {
		got = cmd[0] == 'e' ? pa_scorm_get_error_string(r->s, pa_buf_cstr(&b))
		                    : pa_scorm_get_diagnostic(r->s, pa_buf_cstr(&b));
		pa_buf_clear(&r->got);
		pa_buf_puts(&r->got, got);
		decode(&w, want);
	} else if (strcmp(cmd, "last") == 0) {
		pa_buf_clear(&r->got);
		pa_buf_printf(&r->got, "%d", pa_scorm_get_last_error(r->s));
		pa_buf_puts(&w, want);
	} else if (strcmp(cmd, "nav") == 0) {
		got = pa_scorm_nav_request(r->s);
		pa_buf_clear(&r->got);
		pa_buf_puts(&r->got, got ? got : "(null)");
		pa_buf_puts(&w, want);
	} else if (strcmp(cmd, "next") == 0) {
		pa_buf_clear(&r->got);
		pa_buf_printf(&r->got, "%d", pa_scorm_next_session(r->s));
		pa_buf_puts(&w, want);
	} else if (strcmp(cmd, "roundtrip") == 0) {
		char *text = NULL, *again = NULL, why[256];
		size_t len, len2;
		pa_scorm *t = NULL;
		int rc = pa_scorm_export(r->s, &text, &len);
		if (rc == 0)
			rc = pa_scorm_import(&t, text, len, &r->lim, why, sizeof why);
		if (rc == 0)
			rc = pa_scorm_export(t, &again, &len2);
		pa_buf_clear(&r->got);
		if (rc != 0)
			pa_buf_printf(&r->got, "error %d %s", rc, why);
		else if (len != len2 || memcmp(text, again, len) != 0)
			pa_buf_puts(&r->got, "differs");
		else
			pa_buf_puts(&r->got, "ok");
		free(text);
		free(again);
		if (t) {
			pa_scorm_free(r->s);
			r->s = t;
		}
		pa_buf_puts(&w, want);
	} else {
		fail_msg("%s:%d: unknown command %s", r->file, r->line, cmd);
	}
	if (strcmp(pa_buf_cstr(&w), pa_buf_cstr(&r->got)) != 0) {
		pa_buf call = PA_BUF_INIT;
		pa_buf_printf(&call, "%s %s", cmd, el ? el : (arg ? arg : ""));
		mismatch(r, pa_buf_cstr(&call), pa_buf_cstr(&w), pa_buf_cstr(&r->got));
		pa_buf_dispose(&call);
	}
done:
	pa_buf_dispose(&a);
	pa_buf_dispose(&b);
	pa_buf_dispose(&w);
}

static int run_file(const char *path, const char *name)
{
	pa_buf text = PA_BUF_INIT;
	runner r = { name, 0, 0, NULL, { 0, 0, 0, 0, 0, 0 }, PA_BUF_INIT };
	char *line, *next;

	assert_int_equal(pa_fs_read(&text, path, 16u << 20), 0);
	for (line = text.ptr; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		r.line++;
		if (*line == '#' || *line == '\0')
			continue;
		run_line(&r, line);
	}
	pa_scorm_free(r.s);
	pa_buf_dispose(&r.got);
	pa_buf_dispose(&text);
	return r.failures;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_scorm__vectors(void **state)
{
	pa_buf dir = PA_BUF_INIT;
	DIR *d;
	struct dirent *de;
	char *names[256];
	size_t n = 0;
	int failures = 0;

	(void)state;
	pa_buf_printf(&dir, "%s/tests/scorm/vectors", pa_test_source_dir());
	d = opendir(dir.ptr);
	assert_non_null(d);
	while ((de = readdir(d)) && n < 256) {
		size_t k = strlen(de->d_name);
		if (k > 4 && strcmp(de->d_name + k - 4, ".txt") == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	assert_true(n >= 3);
	qsort(names, n, sizeof names[0], cmp_str);
	for (size_t i = 0; i < n; i++) {
		pa_buf path = PA_BUF_INIT;
		pa_buf_printf(&path, "%s/%s", dir.ptr, names[i]);
		failures += run_file(path.ptr, names[i]);
		pa_buf_dispose(&path);
		free(names[i]);
	}
	pa_buf_dispose(&dir);
	assert_int_equal(failures, 0);
}

/* ---- durations and times ---- */

static void test_scorm__intervals(void **state)
{
	uint64_t cs;
	char out[64];

	(void)state;
	assert_true(pa_scorm_interval("PT1H30M5.5S", &cs));
	assert_int_equal(cs, (3600 + 1800 + 5) * 100 + 50);
	assert_true(pa_scorm_interval("P1DT1S", &cs));
	assert_int_equal(cs, (86400 + 1) * 100);
	assert_true(pa_scorm_interval("P1Y2M3D", &cs));
	assert_int_equal(cs, (uint64_t)(365 + 60 + 3) * 86400 * 100);
	assert_true(pa_scorm_interval("PT0.05S", &cs));
	assert_int_equal(cs, 5);
	assert_true(pa_scorm_interval("PT3.149S", &cs)); /* past a centisecond: cut */
	assert_int_equal(cs, 314);
	assert_true(pa_scorm_interval("PT999999999H", &cs));
	assert_false(pa_scorm_interval("P", &cs));
	assert_false(pa_scorm_interval("PT", &cs));
	assert_false(pa_scorm_interval("P1H", &cs));
	assert_false(pa_scorm_interval("PT1D", &cs));
	assert_false(pa_scorm_interval("PT1M1H", &cs)); /* out of order */
	assert_false(pa_scorm_interval("PT1.S", &cs));
	assert_false(pa_scorm_interval("PT1.5M", &cs)); /* fractions on seconds only */
	assert_false(pa_scorm_interval("PT1234567890S", &cs));
	assert_false(pa_scorm_interval("pt1s", &cs));
	assert_false(pa_scorm_interval("PT-1S", &cs));

	pa_scorm_format_interval(0, out, sizeof out);
	assert_string_equal(out, "PT0H0M0S");
	pa_scorm_format_interval((3600 * 25 + 61) * 100 + 7, out, sizeof out);
	assert_string_equal(out, "PT25H1M1.07S");

	assert_true(pa_scorm_timespan12("0000:00:00", &cs));
	assert_int_equal(cs, 0);
	assert_true(pa_scorm_timespan12("12:34:56.7", &cs));
	assert_int_equal(cs, (12 * 3600 + 34 * 60 + 56) * 100 + 70);
	assert_true(pa_scorm_timespan12("9999:59:59.99", &cs));
	assert_false(pa_scorm_timespan12("1:00:00", &cs));
	assert_false(pa_scorm_timespan12("00:60:00", &cs));
	assert_true(pa_scorm_timespan12("00:00:00.123", &cs)); /* past a centisecond: cut */
	assert_int_equal(cs, 12);
	assert_false(pa_scorm_timespan12("00000:00:00", &cs));
	pa_scorm_format_timespan12((1 * 3600 + 2 * 60 + 3) * 100 + 4, out, sizeof out);
	assert_string_equal(out, "0001:02:03.04");
	pa_scorm_format_timespan12(UINT64_MAX, out, sizeof out);
	assert_string_equal(out, "9999:59:59.99");

	assert_true(pa_scorm_time("2038"));
	assert_true(pa_scorm_time("2024-02-29T23:59:59.5+02:00"));
	assert_true(pa_scorm_time("2024-01-01T10:00:00.123Z")); /* what Date.toISOString writes */
	assert_false(pa_scorm_time("2023-02-29"));
	assert_false(pa_scorm_time("1969-12-31"));
	assert_false(pa_scorm_time("2024-01-01T24:00"));
	assert_false(pa_scorm_time("2024-01-01T10:00Z"));
	assert_false(pa_scorm_time("2024-1-01"));
}

static void test_scorm__total_time_accumulates(void **state)
{
	pa_scorm *s;

	(void)state;
	assert_int_equal(pa_scorm_new(&s, PA_SCORM_2004, NULL), 0);
	for (int i = 0; i < 3; i++) {
		assert_true(pa_scorm_initialize(s, ""));
		assert_true(pa_scorm_set_value(s, "cmi.session_time", "PT59M59.5S"));
		assert_true(pa_scorm_set_value(s, "cmi.exit", "suspend"));
		assert_true(pa_scorm_terminate(s, ""));
		assert_int_equal(pa_scorm_next_session(s), 0);
	}
	assert_true(pa_scorm_initialize(s, ""));
	assert_string_equal(pa_scorm_get_value(s, "cmi.total_time"), "PT2H59M58.50S");
	assert_string_equal(pa_scorm_get_value(s, "cmi.entry"), "resume");
	pa_scorm_free(s);
}

/* ---- the state format ---- */

static pa_scorm *full_2004(void)
{
	pa_scorm *s;
	char name[64];

	assert_int_equal(pa_scorm_new(&s, PA_SCORM_2004, NULL), 0);
	assert_int_equal(pa_scorm_lms_set(s, "cmi.learner_id", "urn:example:learner:42"), 0);
	assert_int_equal(pa_scorm_lms_set(s, "cmi.learner_name", "{lang=fr}Zoë\\Ünïcode"), 0);
	assert_int_equal(pa_scorm_lms_set(s, "cmi.comments_from_lms.0.comment", "Bienvenue\n\tà tous"), 0);
	assert_int_equal(pa_scorm_lms_set(s, "cmi.scaled_passing_score", "0.8"), 0);
	assert_true(pa_scorm_initialize(s, ""));
	assert_true(pa_scorm_set_value(s, "cmi.suspend_data", "{\"a\":[1,2,3]}\r\n\x7f"));
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof name, "cmi.interactions.%d.id", i);
		assert_true(pa_scorm_set_value(s, name, "q"));
		snprintf(name, sizeof name, "cmi.interactions.%d.type", i);
		assert_true(pa_scorm_set_value(s, name, "choice"));
		snprintf(name, sizeof name, "cmi.interactions.%d.objectives.0.id", i);
		assert_true(pa_scorm_set_value(s, name, "obj"));
		snprintf(name, sizeof name, "cmi.interactions.%d.correct_responses.0.pattern", i);
		assert_true(pa_scorm_set_value(s, name, "a[,]b"));
		snprintf(name, sizeof name, "cmi.interactions.%d.learner_response", i);
		assert_true(pa_scorm_set_value(s, name, "a"));
	}
	assert_true(pa_scorm_set_value(s, "cmi.objectives.0.id", "obj"));
	assert_true(pa_scorm_set_value(s, "cmi.objectives.0.score.scaled", "0.5"));
	assert_true(pa_scorm_set_value(s, "cmi.score.scaled", "0.9"));
	assert_true(pa_scorm_set_value(s, "adl.nav.request", "{target=intro}choice"));
	return s;
}

static void test_scorm__export_import_round_trip(void **state)
{
	pa_scorm *s = full_2004(), *t;
	char *text, *again, why[256];
	size_t len, len2;

	(void)state;
	assert_int_equal(pa_scorm_export(s, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "passerelle-scorm-state 1\nversion 2004\nphase running\nentry ab-initio\n"));
	assert_non_null(strstr(text, "set cmi.suspend_data {\"a\":[1,2,3]}\\x0D\\x0A\\x7F\n"));
	assert_non_null(strstr(text, "set cmi.learner_name {lang=fr}Zoë\\x5CÜnïcode\n"));
	assert_int_equal(pa_scorm_import(&t, text, len, NULL, why, sizeof why), 0);
	assert_int_equal(pa_scorm_export(t, &again, &len2), 0);
	assert_string_equal(text, again);
	assert_int_equal(pa_scorm_get_phase(t), PA_SCORM_RUNNING);
	assert_string_equal(pa_scorm_get_value(t, "cmi.interactions._count"), "12");
	assert_string_equal(pa_scorm_get_value(t, "cmi.interactions.11.learner_response"), "a");
	assert_string_equal(pa_scorm_get_value(t, "cmi.success_status"), "passed");
	assert_string_equal(pa_scorm_nav_request(t), "{target=intro}choice");
	/* The import validated: the engine goes on with the same rules. */
	assert_false(pa_scorm_set_value(t, "cmi.objectives.1.id", "obj"));
	assert_int_equal(pa_scorm_get_last_error(t), 351);
	free(text);
	free(again);
	pa_scorm_free(s);
	pa_scorm_free(t);
}

static int import_text(const char *text, char *why)
{
	pa_scorm *t = NULL;
	int rc = pa_scorm_import(&t, text, strlen(text), NULL, why, 256);
	pa_scorm_free(t);
	if (rc == 0)
		assert_non_null(t);
	return rc;
}

static void test_scorm__import_fails_closed(void **state)
{
	static const char head[] = "passerelle-scorm-state 1\nversion 2004\nphase running\nentry \ntotal-time 0\n";
	static const char *const bad[] = {
		"",
		"passerelle-scorm-state 2\n",
		"passerelle-scorm-state 1\nversion 2005\n",
		"passerelle-scorm-state 1\nversion 2004\nphase paused\n",
		"passerelle-scorm-state 1\nversion 2004\nphase running\nentry later\n",
		"passerelle-scorm-state 1\nversion 2004\nphase running\nentry \ntotal-time -1\n",
		"passerelle-scorm-state 1\nversion 2004\nphase running\nentry \ntotal-time 01\n",
		"passerelle-scorm-state 1\nversion 2004\nphase running\nentry \ntotal-time 9999999999999999\n",
		"%send",                                       /* no final newline */
		"%send\nmore\n",                               /* text after end */
		"%s",                                          /* no end */
		"%sset cmi.location a\rb\nend\n",             /* raw control byte */
		"%sset cmi.location a\\x41\nend\n",           /* needless escape */
		"%sset cmi.location a\\x0a\nend\n",           /* lowercase escape */
		"%sset cmi.location a\\x00\nend\n",           /* NUL */
		"%sset cmi.location a\\x0\nend\n",            /* short escape */
		"%sset cmi.nothing a\nend\n",                  /* unknown element */
		"%sset cmi.score.scaled 2\nend\n",             /* out of range */
		"%sset cmi.score._children x\nend\n",          /* keyword */
		"%sset cmi.location a\nset cmi.location b\nend\n", /* repeated */
		"%sset cmi.score.raw 1\nset cmi.location b\nend\n", /* out of order */
		"%sset cmi.interactions.1.id a\nend\n",        /* hole in a collection */
		"%sset cmi.interactions.0.type choice\nend\n", /* no identifier */
		"%sset cmi.interactions.0.id a\nset cmi.interactions.0.learner_response x\nend\n", /* no type */
		"%sset  a\nend\n",
		"%sset cmi.location\nend\n",
		"%sget cmi.location\nend\n",
		"%sset cmi.location \xff\nend\n",             /* not UTF-8 */
	};
	char text[512], why[256];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (strncmp(bad[i], "%s", 2) == 0)
			snprintf(text, sizeof text, "%s%s", head, bad[i] + 2);
		else
			snprintf(text, sizeof text, "%s", bad[i]);
		if (import_text(text, why) == 0)
			fail_msg("accepted bad state %zu:\n%s", i, text);
		assert_true(why[0] != '\0');
	}
	snprintf(text, sizeof text, "%sset cmi.location a\\x5Cb\\x0A\nend\n", head);
	assert_int_equal(import_text(text, why), 0);
	/* a NUL inside the given length */
	{
		pa_scorm *t = NULL;
		assert_int_equal(pa_scorm_import(&t, "passerelle\0", 11, NULL, why, sizeof why), PA_SCORM_EPARSE);
		assert_null(t);
	}
}

/* ---- limits ---- */

static void test_scorm__limits_hold(void **state)
{
	pa_scorm_limits lim = { 0 };
	pa_scorm *s;
	char name[64];
	char *big;

	(void)state;
	lim.interactions_max = 3;
	lim.state_max = 20000;
	assert_int_equal(pa_scorm_new(&s, PA_SCORM_2004, &lim), 0);
	assert_true(pa_scorm_initialize(s, ""));
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof name, "cmi.interactions.%d.id", i);
		assert_true(pa_scorm_set_value(s, name, "x"));
	}
	assert_false(pa_scorm_set_value(s, "cmi.interactions.3.id", "x"));
	assert_int_equal(pa_scorm_get_last_error(s), 351);
	assert_non_null(strstr(pa_scorm_get_diagnostic(s, ""), "full"));
	/* the whole state is capped, whatever the element */
	big = malloc(30001);
	memset(big, 'a', 30000);
	big[30000] = '\0';
	assert_false(pa_scorm_set_value(s, "cmi.suspend_data", big));
	assert_int_equal(pa_scorm_get_last_error(s), 351);
	big[19990] = '\0';
	assert_false(pa_scorm_set_value(s, "cmi.suspend_data", big));
	big[15000] = '\0';
	assert_true(pa_scorm_set_value(s, "cmi.suspend_data", big));
	assert_false(pa_scorm_set_value(s, "cmi.location", big)); /* past location_max, 1000 */
	assert_true(strlen(pa_scorm_get_diagnostic(s, "")) <= 255);
	free(big);
	pa_scorm_free(s);
}

/* UTF-8 checks read ASCII eight bytes at a time: a bad or multi-byte
 * sequence at any offset, after any run of ASCII, is still seen. */
static void test_scorm__utf8_at_every_offset(void **state)
{
	char buf[64];
	size_t chars;

	(void)state;
	for (size_t at = 0; at < 40; at++) {
		memset(buf, 'a', sizeof(buf));
		buf[at] = (char)0xC3;   /* é, two bytes */
		buf[at + 1] = (char)0xA9;
		assert_true(pa_scorm_utf8(buf, at + 20, &chars));
		assert_int_equal(chars, at + 19);
		buf[at + 1] = 'x';      /* a lead byte without its continuation */
		assert_false(pa_scorm_utf8(buf, at + 20, NULL));
		buf[at] = (char)0x80;   /* a continuation byte alone */
		assert_false(pa_scorm_utf8(buf, at + 20, NULL));
		buf[at] = (char)0xC3;   /* cut at the end */
		assert_false(pa_scorm_utf8(buf, at + 1, NULL));
		memset(buf, 'a', sizeof(buf));
		assert_true(pa_scorm_utf8(buf, at, &chars));
		assert_int_equal(chars, at);
	}
}

static void test_scorm__diagnostic_is_short(void **state)
{
	pa_scorm *s;
	char name[400];

	(void)state;
	memset(name, 'x', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	memcpy(name, "cmi.", 4);
	assert_int_equal(pa_scorm_new(&s, PA_SCORM_2004, NULL), 0);
	assert_true(pa_scorm_initialize(s, ""));
	assert_false(pa_scorm_set_value(s, name, "1"));
	assert_int_equal(pa_scorm_get_last_error(s), 401);
	assert_true(strlen(pa_scorm_get_diagnostic(s, "")) <= 255);
	assert_string_equal(pa_scorm_get_diagnostic(s, "406"), "Data Model Element Type Mismatch");
	pa_scorm_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scorm__vectors),
		cmocka_unit_test(test_scorm__intervals),
		cmocka_unit_test(test_scorm__total_time_accumulates),
		cmocka_unit_test(test_scorm__export_import_round_trip),
		cmocka_unit_test(test_scorm__import_fails_closed),
		cmocka_unit_test(test_scorm__limits_hold),
		cmocka_unit_test(test_scorm__utf8_at_every_offset),
		cmocka_unit_test(test_scorm__diagnostic_is_short),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
