/*
 * runtime/scorm under hostile input. The first byte picks the target:
 * 'S' (or anything but 'C'): the rest is a state text for pa_scorm_import;
 * 'C': the rest is a script of API calls, one per line, "<op> <element> <value>"
 *      with op one of i t c g s e d l m x n and the version chosen by the
 *      second byte ('1' for 1.2).
 * Whatever happens: no crash, diagnostics of at most 255 characters, and
 * every engine survives export, import and export unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/scorm/scorm.h"

static void check_round_trip(pa_scorm *s)
{
	char *a = NULL, *b = NULL, why[256];
	size_t la, lb;
	pa_scorm *t = NULL;

	if (pa_scorm_export(s, &a, &la) != 0)
		return;
	if (pa_scorm_import(&t, a, la, NULL, why, sizeof why) != 0)
		abort(); /* the engine refused its own state */
	if (pa_scorm_export(t, &b, &lb) != 0 || la != lb || memcmp(a, b, la) != 0)
		abort();
	free(a);
	free(b);
	pa_scorm_free(t);
}

static void run_calls(const char *p, const char *end, pa_scorm_version v)
{
	pa_scorm *s;
	char line[8192];

	if (pa_scorm_new(&s, v, NULL) != 0)
		return;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *el, *val;

		if (n >= sizeof line)
			n = sizeof line - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl ? nl + 1 : end;
		el = n > 2 ? line + 2 : line + n;
		val = strchr(el, ' ');
		if (val)
			*val++ = '\0';
		switch (line[0]) {
		case 'i': pa_scorm_initialize(s, el); break;
		case 't': pa_scorm_terminate(s, el); break;
		case 'c': pa_scorm_commit(s, el); break;
		case 'g': if (!pa_scorm_get_value(s, el)) abort(); break;
		case 's': pa_scorm_set_value(s, el, val); break;
		case 'e': pa_scorm_get_error_string(s, el); break;
		case 'd': if (strlen(pa_scorm_get_diagnostic(s, el)) > 255) abort(); break;
		case 'l': pa_scorm_lms_set(s, el, val); break;
		case 'm': pa_scorm_lms_get(s, el); break;
		case 'n': pa_scorm_next_session(s); break;
		case 'x': check_round_trip(s); break;
		default: break;
		}
		if (strlen(pa_scorm_get_diagnostic(s, "")) > 255)
			abort();
	}
	check_round_trip(s);
	pa_scorm_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	pa_scorm *s = NULL;
	char why[256];

	if (size == 0)
		return 0;
	if (p[0] == 'C') {
		if (size > 1)
			run_calls(p + 2, p + size, p[1] == '1' ? PA_SCORM_12 : PA_SCORM_2004);
		return 0;
	}
	if (pa_scorm_import(&s, p + 1, size - 1, NULL, why, sizeof why) == 0) {
		pa_scorm_get_value(s, "cmi.interactions._count");
		check_round_trip(s);
		pa_scorm_initialize(s, "");
		pa_scorm_set_value(s, "cmi.interactions.0.learner_response", "a[,]b");
		pa_scorm_terminate(s, "");
		pa_scorm_next_session(s);
		check_round_trip(s);
	}
	pa_scorm_free(s);
	return 0;
}
