/*
 * The SCORM 2004 4th Edition sequencing engine (the SN book): an activity
 * tree, its tracking model and the book's processes (navigation,
 * termination, sequencing, rollup, delivery, selection and randomization).
 *
 * Pure C11 and libc: no I/O, no global state, so that the same code runs
 * native and in wasm32-wasi. The tree comes from a small text description
 * (docs/sequencing.md, "Tree description"), made from imsmanifest.xml by
 * runtime/seqtree.c. Every function returning int returns 0 or a negative
 * PA_SEQ_E* code and writes a message into the caller's err buffer.
 */
#ifndef PA_SEQ_H
#define PA_SEQ_H

#include <stddef.h>
#include <stdint.h>

#define PA_SEQ_TREE_VERSION 1
#define PA_SEQ_ERR_SIZE 256

/* Bounds on untrusted descriptions. */
#define PA_SEQ_MAX_TEXT ((size_t)8 * 1024 * 1024)
#define PA_SEQ_MAX_ACTIVITIES 10000
#define PA_SEQ_MAX_DEPTH 64
#define PA_SEQ_MAX_ID 4000

enum {
	PA_SEQ_OK = 0,
	PA_SEQ_EPARSE = -1,   /* malformed description or state */
	PA_SEQ_ENOMEM = -2,
	PA_SEQ_ELIMIT = -3,   /* over a bound above */
	PA_SEQ_EINVAL = -4
};

typedef struct pa_seq pa_seq;

typedef enum pa_seq_nav {
	PA_SEQ_NAV_START, PA_SEQ_NAV_RESUME_ALL, PA_SEQ_NAV_CONTINUE,
	PA_SEQ_NAV_PREVIOUS, PA_SEQ_NAV_FORWARD, PA_SEQ_NAV_BACKWARD,
	PA_SEQ_NAV_CHOICE, PA_SEQ_NAV_JUMP, PA_SEQ_NAV_EXIT, PA_SEQ_NAV_EXIT_ALL,
	PA_SEQ_NAV_SUSPEND_ALL, PA_SEQ_NAV_ABANDON, PA_SEQ_NAV_ABANDON_ALL,
	PA_SEQ_NAV_NONE
} pa_seq_nav;

/* "continue", "exitAll", ... (the adl.nav.request vocabulary); -1 if unknown. */
int pa_seq_nav_parse(const char *word);

/* A whole adl.nav.request value: "continue", "_none_" (PA_SEQ_NAV_NONE),
 * "{target=ID}choice", "{target=ID}jump". The target goes to target
 * (size tsz, "" when none). Returns 0, or -1 when the value is no request. */
int pa_seq_nav_request_parse(pa_seq_nav *nav, char *target, size_t tsz, const char *value);
const char *pa_seq_nav_name(pa_seq_nav nav);

/* What one navigation request did. */
typedef struct pa_seq_result {
	const char *delivered;  /* identifier of the activity delivered, or NULL */
	const char *exception;  /* the book's code (e.g. "SB.2.1-3"), or NULL */
	int session_ended;      /* the sequencing session ended */
	int resumed;            /* the delivered activity's attempt was suspended and
				 * goes on (cmi.entry "resume"), else a new attempt */
} pa_seq_result;

/* Load a tree description (len bytes, need not be NUL-terminated). seed
 * drives selection and randomization. On error *out is NULL and err says
 * "line N: ..." */
int pa_seq_new(pa_seq **out, const char *tree_text, size_t len, uint64_t seed,
	       char err[PA_SEQ_ERR_SIZE]);
void pa_seq_free(pa_seq *seq);

/* Run the Overall Sequencing Process (OP.1) for one navigation request;
 * target is the activity identifier for choice and jump, else NULL. */
int pa_seq_navigate(pa_seq *seq, pa_seq_nav nav, const char *target, pa_seq_result *out);

/* Would this request be valid now (adl.nav.request_valid.*)? The request
 * runs on a copy of the state (nothing changes) and is valid when no
 * process raises an exception. 1 true, 0 false, <0 error. */
int pa_seq_request_valid(const pa_seq *seq, pa_seq_nav nav, const char *target);

/* Run-time data of the SCO being delivered, reported when it terminates
 * (RTE 4.2 mappings to the tracking model). Fields with *_set == 0 are
 * "unknown"/not given. Strings are the data model's vocabulary. */
typedef struct pa_seq_objective_report {
	const char *id;               /* cmi.objectives.n.id */
	const char *success_status;   /* passed, failed, unknown or NULL */
	const char *completion_status;
	int scaled_set; double scaled;
	int progress_set; double progress;
	int raw_set; double raw;
	int min_set; double min;
	int max_set; double max;
} pa_seq_objective_report;

typedef struct pa_seq_report {
	const char *completion_status;  /* completed, incomplete, not attempted, unknown, NULL */
	const char *success_status;     /* passed, failed, unknown, NULL */
	int scaled_set; double scaled;  /* cmi.score.scaled */
	int raw_set; double raw;
	int min_set; double min;
	int max_set; double max;
	int progress_set; double progress;  /* cmi.progress_measure */
	int session_time_set; double session_time;  /* seconds (experienced duration) */
	int elapsed_set; double elapsed;  /* seconds from launch to Terminate, measured by
					   * the host (absolute duration); else session_time */
	const char *exit;               /* cmi.exit: suspend, normal, logout, time-out, "" */
	const pa_seq_objective_report *objectives;
	size_t objective_count;
} pa_seq_report;

/* Copy the delivered SCO's run-time data into the tracking model and roll
 * it up. Call once per SCO attempt when it terminates, before the next
 * navigation request. */
int pa_seq_report_runtime(pa_seq *seq, const pa_seq_report *report);

/* The host's current time (Unix seconds, UTC) for the begin and end time
 * limits of the activities (limitConditions beginTimeLimit, endTimeLimit)
 * and the outsideAvailableTimeRange rule condition. The engine has no
 * clock: until a host sets the time, time limits are not checked. The
 * time is no tracking state (pa_seq_export leaves it out): set it again
 * on each engine, before each request. */
int pa_seq_set_clock(pa_seq *seq, double unix_seconds);

/* Identifier of the current activity, or NULL. */
const char *pa_seq_current(const pa_seq *seq);

/* Tracking status of one activity, for the table of contents and the CLI. */
typedef struct pa_seq_status {
	const char *id;
	const char *title;
	const char *parent;       /* NULL for the root */
	int depth;
	int leaf, visible, available;  /* available: selected into its parent's children */
	int active, suspended;
	unsigned attempts;
	int progress_known, completed;
	int satisfied_known, satisfied;
	int measure_known; double measure;
	int completion_amount_known; double completion_amount;
	double attempt_absolute_duration, activity_absolute_duration;  /* seconds */
	double attempt_experienced_duration, activity_experienced_duration;
	unsigned hide_lms_ui;     /* bit i set: the PA_SEQ_UI_* control hidden */
	/* For the data model of the SCO (cmi.scaled_passing_score,
	 * cmi.completion_threshold, cmi.objectives._count at launch). */
	int scaled_passing_score_set; double scaled_passing_score;
	int completion_threshold_set; double completion_threshold;
	/* cmi.max_time_allowed: attemptAbsoluteDurationLimit, seconds */
	int max_time_allowed_set; double max_time_allowed;
	size_t objective_count;   /* objectives with an identifier */
} pa_seq_status;

enum {
	PA_SEQ_UI_PREVIOUS = 1, PA_SEQ_UI_CONTINUE = 2, PA_SEQ_UI_EXIT = 4,
	PA_SEQ_UI_EXIT_ALL = 8, PA_SEQ_UI_ABANDON = 16, PA_SEQ_UI_ABANDON_ALL = 32,
	PA_SEQ_UI_SUSPEND_ALL = 64
};

/* Activities in preorder; i < pa_seq_count(). */
size_t pa_seq_count(const pa_seq *seq);
int pa_seq_status_at(const pa_seq *seq, size_t i, pa_seq_status *out);

/* Shared (global) objective as seen by the SCOs, for initializing a SCO's
 * cmi.objectives from the tracking model. Returns 0, or -1 when unknown. */
typedef struct pa_seq_global {
	const char *id;
	int satisfied_known, satisfied;
	int measure_known; double measure;
	int completion_known, completed;
	int progress_known; double progress;
	int raw_known; double raw;
	int min_known; double min;
	int max_known; double max;
} pa_seq_global;
size_t pa_seq_global_count(const pa_seq *seq);
int pa_seq_global_at(const pa_seq *seq, size_t i, pa_seq_global *out);

/* The k-th objective with an identifier of activity i (k <
 * status.objective_count), its values as the activity sees them (read
 * through its maps): what initializes cmi.objectives.k at launch. */
int pa_seq_objective_at(const pa_seq *seq, size_t i, size_t k, pa_seq_global *out);

/* The whole tracking state (tree tracking, current and suspended
 * activities, selection and randomization, random generator, global
 * objectives) as text, and back. Export returns a malloc'd NUL-terminated
 * string in *out. Import expects a state exported from the same tree. */
int pa_seq_export(char **out, const pa_seq *seq, char err[PA_SEQ_ERR_SIZE]);
int pa_seq_import(pa_seq *seq, const char *text, size_t len, char err[PA_SEQ_ERR_SIZE]);

/* Only the global objectives, to share them across the packages of one
 * learner (when objectivesGlobalToSystem): export, then import in the
 * engine of another package. Import overwrites same-named objectives. */
int pa_seq_export_globals(char **out, const pa_seq *seq, char err[PA_SEQ_ERR_SIZE]);
int pa_seq_import_globals(pa_seq *seq, const char *text, size_t len, char err[PA_SEQ_ERR_SIZE]);

/* True (1) when the tree says global objectives are shared across packages. */
int pa_seq_globals_to_system(const pa_seq *seq);

/* The message of a book exception code ("SB.2.9-7" -> "Choice Exit
 * sequencing control mode violation"), or "" if unknown. */
const char *pa_seq_exception_text(const char *code);

#endif
