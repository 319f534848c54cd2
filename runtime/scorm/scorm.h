/*
 * The SCORM run-time engine: the data models of SCORM 1.2 and SCORM 2004
 * 4th Edition with the API state machine, error codes and texts of each.
 *
 * Pure C11 and libc with no I/O, no global state and no threads, so the
 * same source runs natively in the server and as WebAssembly in the
 * learner's browser (runtime/scorm/wasm.c), and the server can replay
 * every call the browser made and trust only its own result.
 *
 * Two sides use an engine:
 * - the content (SCO), through the eight API calls, whose semantics follow
 *   the standard named at creation (return "true"/"false" at the JS
 *   boundary, bool here);
 * - the host (the player or the server), which provides what the LMS owns
 *   (learner id, mode, mastery score...) with pa_scorm_lms_set, reads any
 *   element with pa_scorm_lms_get, persists with pa_scorm_export/import
 *   and starts the next session with pa_scorm_next_session.
 *
 * Functions returning int give 0 or a negative code with the values of
 * common/error.h (this library does not depend on common/).
 */
#ifndef PA_SCORM_H
#define PA_SCORM_H

#include <stdbool.h>
#include <stddef.h>

typedef struct pa_scorm pa_scorm;

typedef enum pa_scorm_version {
	PA_SCORM_12 = 12,
	PA_SCORM_2004 = 2004 /* 4th Edition */
} pa_scorm_version;

typedef enum pa_scorm_phase {
	PA_SCORM_NOT_INITIALIZED = 0,
	PA_SCORM_RUNNING = 1,
	PA_SCORM_TERMINATED = 2
} pa_scorm_phase;

#define PA_SCORM_ENOMEM (-2)  /* out of memory */
#define PA_SCORM_EINVAL (-3)  /* invalid argument or call out of turn */
#define PA_SCORM_EPARSE (-6)  /* malformed state on import */
#define PA_SCORM_ELIMIT (-7)  /* a limit of pa_scorm_limits was exceeded */
#define PA_SCORM_EINVALID (-9) /* a value the data model refuses */

/*
 * Limits set by the host. Zero selects the default. Lengths are in
 * characters (Unicode code points), like the standards' SPMs; state_max in
 * bytes. SCORM 1.2 caps suspend_data at 4,096 and lesson_location at 255
 * characters but real content writes more: these two are generous by
 * default. Every other value is held to its standard's SPM.
 */
typedef struct pa_scorm_limits {
	size_t suspend_data_max;  /* default 65,536 (both standards) */
	size_t location_max;      /* default 1,000 (2004 SPM; 1.2 allows 255) */
	size_t interactions_max;  /* default 1,000 */
	size_t objectives_max;    /* default 500 */
	size_t comments_max;      /* default 250 per comments collection */
	size_t state_max;         /* default 4 MiB: all values together */
} pa_scorm_limits;

int pa_scorm_new(pa_scorm **out, pa_scorm_version version, const pa_scorm_limits *limits);
void pa_scorm_free(pa_scorm *s);

pa_scorm_version pa_scorm_get_version(const pa_scorm *s);
pa_scorm_phase pa_scorm_get_phase(const pa_scorm *s);

/*
 * The API. `param` and `element` may be NULL (read as ""). Strings
 * returned are borrowed and valid until the next call on this engine.
 * GetLastError, GetErrorString and GetDiagnostic do not change the error
 * state; every other call sets it. Error codes are the standard's
 * (101, 201, 301... in 1.2; 101..408 in 2004).
 */
bool pa_scorm_initialize(pa_scorm *s, const char *param);
bool pa_scorm_terminate(pa_scorm *s, const char *param);
const char *pa_scorm_get_value(pa_scorm *s, const char *element);
bool pa_scorm_set_value(pa_scorm *s, const char *element, const char *value);
bool pa_scorm_commit(pa_scorm *s, const char *param);
int pa_scorm_get_last_error(const pa_scorm *s);
/* The standard's text for a code given as a string ("401"); "" if unknown. */
const char *pa_scorm_get_error_string(const pa_scorm *s, const char *code);
/* Detail (at most 255 characters) on the last error when code is "" or
 * the last error's code, otherwise the code's text. */
const char *pa_scorm_get_diagnostic(const pa_scorm *s, const char *code);

/*
 * The host side. pa_scorm_lms_set stores any element, read-only ones
 * included (cmi.learner_id, cmi.mode, cmi.entry, cmi.total_time,
 * cmi.comments_from_lms.n.*, cmi.core.student_id,
 * cmi.student_data.mastery_score, and for the sequencing engine
 * adl.nav.request_valid.continue, .previous, .choice.{target=ID},
 * .jump.{target=ID}), validated as the data model says;
 * it returns PA_SCORM_EINVALID with the reason in the diagnostic (the API
 * error state is left alone). pa_scorm_lms_get reads any element,
 * write-only ones included, with the evaluation the standard asks for
 * (2004 completion_status and success_status), or NULL when the element
 * has no value.
 */
int pa_scorm_lms_set(pa_scorm *s, const char *element, const char *value);
const char *pa_scorm_lms_get(pa_scorm *s, const char *element);
/* The reason of the last pa_scorm_lms_set failure. */
const char *pa_scorm_lms_diagnostic(const pa_scorm *s);

/*
 * The navigation request of the session (2004 adl.nav.request, "_none_"
 * by default; NULL for 1.2): the hook for the sequencing engine.
 */
const char *pa_scorm_nav_request(pa_scorm *s);

/*
 * Close the session (as Terminate does, if the content never called it:
 * a closed window) and prepare the next one: cmi.entry becomes "resume"
 * after exit "suspend" (or the 2004 request "suspendAll"); otherwise 2004 starts a new attempt (learner data
 * cleared, entry "ab-initio", total time zero) and 1.2 keeps the data with
 * entry "". Session values (exit, session_time, nav request) are cleared.
 */
int pa_scorm_next_session(pa_scorm *s);

/*
 * Persistence in a versioned text format (docs in runtime/scorm/state.c):
 * the whole engine, phase included, so the server can resume replaying
 * where it stopped. *out is malloc'd and NUL-terminated, owned by the
 * caller. pa_scorm_import parses strictly and fails closed: every value is
 * validated again as if set by the host; on failure why (if not NULL)
 * receives the reason with its line number.
 */
int pa_scorm_export(const pa_scorm *s, char **out, size_t *len);
int pa_scorm_import(pa_scorm **out, const char *data, size_t len, const pa_scorm_limits *limits,
                    char *why, size_t why_size);

#endif
