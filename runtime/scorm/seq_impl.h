/* Internals shared by the seq_*.c files of the sequencing engine. */
#ifndef PA_SEQ_IMPL_H
#define PA_SEQ_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/scorm/seq.h"

#if defined(__GNUC__) || defined(__clang__)
#define SEQ_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define SEQ_PRINTF(fmt, args)
#endif

/* Sequencing rule actions (SM.2), one enum for the three rule kinds. */
typedef enum seq_action {
	ACT_NONE = 0,
	/* precondition */
	ACT_SKIP, ACT_DISABLED, ACT_HIDDEN_FROM_CHOICE, ACT_STOP_FORWARD_TRAVERSAL,
	/* exit */
	ACT_EXIT,
	/* post condition */
	ACT_EXIT_PARENT, ACT_EXIT_ALL, ACT_RETRY, ACT_RETRY_ALL, ACT_CONTINUE, ACT_PREVIOUS,
	/* rollup */
	ACT_SATISFIED, ACT_NOT_SATISFIED, ACT_COMPLETED, ACT_INCOMPLETE
} seq_action;

typedef enum seq_cond_kind {
	COND_SATISFIED, COND_OBJECTIVE_STATUS_KNOWN, COND_OBJECTIVE_MEASURE_KNOWN,
	COND_OBJECTIVE_MEASURE_GREATER_THAN, COND_OBJECTIVE_MEASURE_LESS_THAN,
	COND_COMPLETED, COND_ACTIVITY_PROGRESS_KNOWN, COND_ATTEMPTED,
	COND_ATTEMPT_LIMIT_EXCEEDED, COND_TIME_LIMIT_EXCEEDED,
	COND_OUTSIDE_AVAILABLE_TIME_RANGE, COND_ALWAYS
} seq_cond_kind;

typedef struct seq_cond {
	seq_cond_kind kind;
	bool negate;
	int objective;      /* index in the activity's objectives, -1: primary */
	double threshold;
} seq_cond;

typedef enum { RULE_PRE, RULE_EXIT, RULE_POST } seq_rule_kind;
typedef enum { SET_ALL, SET_ANY, SET_NONE, SET_AT_LEAST_COUNT, SET_AT_LEAST_PERCENT } seq_child_set;

typedef struct seq_rule {
	seq_rule_kind kind;       /* unused for rollup rules */
	seq_action action;
	bool any;                 /* condition combination: any (or), else all (and) */
	seq_child_set set;        /* rollup rules */
	double minimum;           /* count or percent (0..1) */
	seq_cond *conds;
	size_t ncond;
} seq_rule;

typedef enum { REQ_ALWAYS, REQ_IF_ATTEMPTED, REQ_IF_NOT_SKIPPED, REQ_IF_NOT_SUSPENDED } seq_required;
typedef enum { TIMING_NEVER, TIMING_ONCE, TIMING_EACH_NEW_ATTEMPT } seq_timing;

/* One objective map (SM.11 plus the adlseq extensions). */
enum {
	MAP_READ_SATISFIED = 1 << 0, MAP_WRITE_SATISFIED = 1 << 1,
	MAP_READ_MEASURE = 1 << 2, MAP_WRITE_MEASURE = 1 << 3,
	MAP_READ_COMPLETION = 1 << 4, MAP_WRITE_COMPLETION = 1 << 5,
	MAP_READ_PROGRESS = 1 << 6, MAP_WRITE_PROGRESS = 1 << 7,
	MAP_READ_RAW = 1 << 8, MAP_WRITE_RAW = 1 << 9,
	MAP_READ_MIN = 1 << 10, MAP_WRITE_MIN = 1 << 11,
	MAP_READ_MAX = 1 << 12, MAP_WRITE_MAX = 1 << 13
};

typedef struct seq_map {
	int global;               /* index in seq->globals */
	unsigned flags;
} seq_map;

/* Objective progress information (TM.1.1), local to one activity, plus
 * the values the adlseq maps may share. */
typedef struct seq_objstate {
	bool progress_status, satisfied;
	bool measure_status; double measure;
	bool completion_status, completed;
	bool progress_measure_status; double progress_measure;
	bool raw_status; double raw;
	bool min_status; double min;
	bool max_status; double max;
} seq_objstate;

typedef struct seq_objective {
	char *id;                 /* "" for an implicit primary objective */
	bool primary;
	bool satisfied_by_measure;
	double min_measure;
	seq_map *maps;
	size_t nmap;
	seq_objstate st;
} seq_objective;

typedef struct seq_global {
	char *id;
	seq_objstate st;
} seq_global;

typedef struct seq_activity {
	char *id, *title;
	int parent;               /* -1 for the root */
	int depth;
	int *children;            /* every child, in manifest order */
	size_t nchild;
	int *avail;               /* available children (SR.1/SR.2), in order */
	size_t navail;
	bool visible;
	unsigned hide_ui;

	/* sequencing definition (SM) */
	bool choice, choice_exit, flow, forward_only;
	bool use_obj_info, use_prog_info;
	unsigned attempt_limit;   /* 0: no limit */
	/* Limit Condition ... Duration Limit (SM.3), seconds; < 0: its control is false */
	double limit_attempt_abs, limit_attempt_exp, limit_activity_abs, limit_activity_exp;
	/* Limit Condition Begin / End Time Limit (SM.3), Unix seconds */
	bool begin_limit_set, end_limit_set;
	double begin_limit, end_limit;
	seq_rule *rules;          /* pre, exit, post */
	size_t nrule;
	seq_rule *rollups;
	size_t nrollup;
	bool rollup_satisfied, rollup_completion;
	double measure_weight;
	seq_required req_satisfied, req_not_satisfied, req_completed, req_incomplete;
	bool measure_satisfaction_if_active;
	seq_objective *objectives;  /* objectives[0] is the primary */
	size_t nobj;
	seq_timing sel_timing, rand_timing;
	long select_count;        /* -1: no selection count */
	bool reorder;
	bool tracked, completion_by_content, objective_by_content;
	bool prevent_activation, constrain_choice;
	bool completed_by_measure;
	double min_progress_measure, progress_weight;

	/* tracking (TM.1.2) and state (AM.1.1) */
	bool active, suspended;
	bool activity_progress_status;
	unsigned attempt_count;
	bool attempt_progress_status, attempt_completed;
	bool amount_status; double amount;
	double attempt_abs, attempt_exp, activity_abs, activity_exp;
	bool sr_done;             /* selection/randomization done for the pending attempt */
} seq_activity;

struct pa_seq {
	seq_activity *acts;       /* preorder; acts[0] is the root */
	size_t nact;
	seq_global *globals;
	size_t nglobal;
	bool globals_to_system;
	int current, suspended_activity;  /* -1: not defined */
	uint64_t rng;
	bool clock_set;           /* the host's current time, for the time limits */
	double now;               /* Unix seconds */
	/* scratch for results: identifiers stay valid until the next call */
	char exception[24];
};

/* seq_tree.c */
int pa_seq__find(const pa_seq *seq, const char *id);
int pa_seq__global(pa_seq *seq, const char *id);  /* find or add; -1 on ENOMEM */
void pa_seq__free_contents(pa_seq *seq);
int pa_seq__clone(pa_seq **out, const pa_seq *seq);
void pa_seq__free_clone(pa_seq *s);
int pa_seq__decode(char **out, const char *tok, size_t len);
void pa_seq__put_encoded(char **buf, size_t *len, size_t *cap, const char *s, bool *oom);

/* seq_engine.c */
void pa_seq__select_randomize_once(pa_seq *seq);

typedef enum { DIR_NONE, DIR_FORWARD, DIR_BACKWARD } direction;

typedef enum term_req {
	TR_NONE, TR_EXIT, TR_EXIT_ALL, TR_SUSPEND_ALL, TR_ABANDON, TR_ABANDON_ALL, TR_EXIT_PARENT
} term_req;

typedef enum seq_req {
	SR_NONE, SR_START, SR_RESUME_ALL, SR_CONTINUE, SR_PREVIOUS, SR_CHOICE, SR_JUMP,
	SR_EXIT, SR_RETRY
} seq_req;

/*
 * The book's processes one at a time, for the tests that reach exception
 * codes no navigation request can: the Navigation Request Process checks
 * first what the later processes check again (docs/sequencing.md,
 * "Coverage"). Each runs on the engine's state as it is and returns the
 * exception code it raised, or NULL. Activities are indexes in acts[].
 */
const char *pa_seq__navigation_request(pa_seq *seq, pa_seq_nav nav, const char *target);     /* NB.2.1 */
const char *pa_seq__termination_request(pa_seq *seq, term_req req);                          /* TB.2.3 */
const char *pa_seq__sequencing_request(pa_seq *seq, seq_req req, int target);                /* SB.2.12 */
const char *pa_seq__choice_activity_traversal(pa_seq *seq, int activity, direction dir);     /* SB.2.4 */
const char *pa_seq__delivery_request(pa_seq *seq, int activity);                             /* DB.1.1 */
const char *pa_seq__content_delivery_environment(pa_seq *seq, int activity);                 /* DB.2 */

#endif
