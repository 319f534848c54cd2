/*
 * The WebAssembly face of the engine (built only for wasm32-wasi): strings
 * cross through linear memory as NUL-terminated UTF-8. The caller allocates
 * arguments with pa_alloc and frees them with pa_dealloc; returned strings
 * are borrowed (valid until the next call on the engine) except those of
 * pa_scorm_export, which the caller frees with pa_dealloc. Booleans are
 * 1 and 0; the JS glue turns them into "true" and "false".
 */
#ifdef __wasm__
#include <stdlib.h>
#include <string.h>

#include "runtime/scorm/scorm.h"

#define EXPORT(name) __attribute__((export_name(name)))

EXPORT("pa_alloc") void *w_alloc(size_t n) { return malloc(n ? n : 1); }
EXPORT("pa_dealloc") void w_dealloc(void *p) { free(p); }

static pa_scorm_limits limits(size_t suspend, size_t location, size_t interactions, size_t objectives,
                              size_t comments, size_t state)
{
	pa_scorm_limits l = { suspend, location, interactions, objectives, comments, state };
	return l;
}

/* version 12 or 2004; zero limits select the defaults. NULL on failure. */
EXPORT("pa_scorm_new")
pa_scorm *w_new(int version, size_t suspend, size_t location, size_t interactions, size_t objectives,
                size_t comments, size_t state)
{
	pa_scorm *s;
	pa_scorm_limits l = limits(suspend, location, interactions, objectives, comments, state);
	return pa_scorm_new(&s, (pa_scorm_version)version, &l) == 0 ? s : NULL;
}

EXPORT("pa_scorm_free") void w_free(pa_scorm *s) { pa_scorm_free(s); }
EXPORT("pa_scorm_get_phase") int w_phase(pa_scorm *s) { return (int)pa_scorm_get_phase(s); }
EXPORT("pa_scorm_initialize") int w_initialize(pa_scorm *s, const char *p) { return pa_scorm_initialize(s, p); }
EXPORT("pa_scorm_terminate") int w_terminate(pa_scorm *s, const char *p) { return pa_scorm_terminate(s, p); }
EXPORT("pa_scorm_commit") int w_commit(pa_scorm *s, const char *p) { return pa_scorm_commit(s, p); }
EXPORT("pa_scorm_get_value") const char *w_get(pa_scorm *s, const char *e) { return pa_scorm_get_value(s, e); }
EXPORT("pa_scorm_set_value")
int w_set(pa_scorm *s, const char *e, const char *v) { return pa_scorm_set_value(s, e, v); }
EXPORT("pa_scorm_get_last_error") int w_last(pa_scorm *s) { return pa_scorm_get_last_error(s); }
EXPORT("pa_scorm_get_error_string")
const char *w_errstr(pa_scorm *s, const char *c) { return pa_scorm_get_error_string(s, c); }
EXPORT("pa_scorm_get_diagnostic")
const char *w_diag(pa_scorm *s, const char *c) { return pa_scorm_get_diagnostic(s, c); }
EXPORT("pa_scorm_lms_set") int w_lms_set(pa_scorm *s, const char *e, const char *v) { return pa_scorm_lms_set(s, e, v); }
EXPORT("pa_scorm_lms_get") const char *w_lms_get(pa_scorm *s, const char *e) { return pa_scorm_lms_get(s, e); }
EXPORT("pa_scorm_lms_diagnostic") const char *w_lms_diag(pa_scorm *s) { return pa_scorm_lms_diagnostic(s); }
EXPORT("pa_scorm_nav_request") const char *w_nav(pa_scorm *s) { return pa_scorm_nav_request(s); }
EXPORT("pa_scorm_next_session") int w_next(pa_scorm *s) { return pa_scorm_next_session(s); }

/* The state text (free it with pa_dealloc), or NULL. */
EXPORT("pa_scorm_export")
char *w_export(pa_scorm *s)
{
	char *out;
	size_t len;
	return pa_scorm_export(s, &out, &len) == 0 ? out : NULL;
}

/* An engine from a state text, or NULL with the reason in why. */
EXPORT("pa_scorm_import")
pa_scorm *w_import(const char *data, size_t len, char *why, size_t why_size, size_t suspend, size_t location,
                   size_t interactions, size_t objectives, size_t comments, size_t state)
{
	pa_scorm *s;
	pa_scorm_limits l = limits(suspend, location, interactions, objectives, comments, state);
	return pa_scorm_import(&s, data, len, &l, why, why_size) == 0 ? s : NULL;
}
#else
typedef int pa_scorm_wasm_only; /* ISO C wants a declaration in every file */
#endif
