/*
 * The engine benchmark, native side: replays the call sequence of
 * bench/engine/session-2004.txt (one SCO session) on fresh engines for
 * about two seconds and prints the rate of API calls as one JSON line.
 * The first session is checked: every SetValue succeeds and every
 * GetValue answers 0 or 403 (values not set yet).
 * usage: bench_engine bench/engine/session-2004.txt [seconds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/scorm/scorm.h"

typedef struct call { char op; char *el; char *val; } call;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int session(const call *calls, size_t n, int check)
{
	pa_scorm *s;
	int bad = 0;

	if (pa_scorm_new(&s, PA_SCORM_2004, NULL) != 0)
		return 1;
	for (size_t i = 0; i < n; i++) {
		const call *c = &calls[i];
		bool ok = true;
		switch (c->op) {
		case 'i': ok = pa_scorm_initialize(s, ""); break;
		case 't': ok = pa_scorm_terminate(s, ""); break;
		case 'c': ok = pa_scorm_commit(s, ""); break;
		case 's': ok = pa_scorm_set_value(s, c->el, c->val); break;
		case 'g':
			pa_scorm_get_value(s, c->el);
			ok = pa_scorm_get_last_error(s) == 0 || pa_scorm_get_last_error(s) == 403;
			break;
		default: break;
		}
		if (check && !ok) {
			fprintf(stderr, "call %zu (%s) failed: %d %s\n", i + 1, c->el, pa_scorm_get_last_error(s),
			        pa_scorm_get_diagnostic(s, ""));
			bad = 1;
		}
	}
	pa_scorm_free(s);
	return bad;
}

int main(int argc, char **argv)
{
	static char text[1 << 20];
	call calls[4096];
	size_t n = 0, len;
	double seconds = argc > 2 ? atof(argv[2]) : 2.0, start, elapsed;
	long sessions = 0;
	FILE *f;
	char *line;

	if (argc < 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: bench_engine session-2004.txt [seconds]\n");
		return 2;
	}
	len = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[len] = '\0';
	for (line = text; *line && n < 4096;) {
		char *nl = strchr(line, '\n'), *t1, *t2;
		if (nl)
			*nl = '\0';
		t1 = strchr(line, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t1 || !t2)
			return 2;
		*t1 = *t2 = '\0';
		calls[n].op = line[0] == 'i' ? 'i' : line[0] == 't' ? 't' : line[0] == 'c' ? 'c' : line[0];
		calls[n].el = t1 + 1;
		calls[n].val = t2 + 1;
		n++;
		if (!nl)
			break;
		line = nl + 1;
	}
	if (session(calls, n, 1) != 0)
		return 1;
	start = now();
	do {
		for (int i = 0; i < 100; i++)
			session(calls, n, 0);
		sessions += 100;
		elapsed = now() - start;
	} while (elapsed < seconds);
	printf("{\"engine\":\"native\",\"calls_per_session\":%zu,\"sessions\":%ld,\"seconds\":%.3f,"
	       "\"calls_per_second\":%.0f}\n", n, sessions, elapsed, (double)(n * (size_t)sessions) / elapsed);
	return 0;
}
