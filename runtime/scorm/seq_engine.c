/*
 * The processes of the SCORM 2004 4th Edition Sequencing and Navigation
 * book, one static function each, named after the book with its code in
 * the comment above it. Recursion in the book's pseudo-code is kept where
 * it is bounded by the tree depth and turned into loops where it follows
 * siblings (skip chains), so that a wide tree cannot exhaust a wasm stack.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/scorm/seq_impl.h"

typedef enum { TRI_FALSE, TRI_TRUE, TRI_UNKNOWN } tri;

/* Outcome of a sequencing request process. */
typedef struct seq_out {
	int deliver;            /* activity to deliver, -1 none */
	bool end_session;
	const char *exception;
} seq_out;

#define A(i) (&seq->acts[(i)])

/* --- tree helpers -------------------------------------------------------- */

static bool is_leaf(const pa_seq *seq, int i)
{
	return A(i)->nchild == 0;
}

static int avail_pos(const pa_seq *seq, int parent, int child)
{
	const seq_activity *p = A(parent);

	for (size_t k = 0; k < p->navail; k++)
		if (p->avail[k] == child)
			return (int)k;
	return -1;
}

/* In the tree this attempt: the root, or selected into its parent's
 * available children, all the way up. */
static bool in_tree(const pa_seq *seq, int i)
{
	for (; A(i)->parent >= 0; i = A(i)->parent)
		if (avail_pos(seq, A(i)->parent, i) < 0)
			return false;
	return true;
}

static bool is_ancestor(const pa_seq *seq, int anc, int i)
{
	for (; i >= 0; i = A(i)->parent)
		if (i == anc)
			return true;
	return false;
}

static int common_ancestor(const pa_seq *seq, int a, int b)
{
	for (int x = a; x >= 0; x = A(x)->parent)
		if (is_ancestor(seq, x, b))
			return x;
	return 0;
}

/* The child of anc on the path to i (i a strict descendant of anc). */
static int child_toward(const pa_seq *seq, int anc, int i)
{
	while (A(i)->parent != anc)
		i = A(i)->parent;
	return i;
}

/* True if b comes after a in a preorder traversal of the available tree. */
static bool is_forward(const pa_seq *seq, int a, int b)
{
	int c;

	if (a == b)
		return false;
	c = common_ancestor(seq, a, b);
	if (c == a)
		return true;    /* b is a descendant */
	if (c == b)
		return false;
	return avail_pos(seq, c, child_toward(seq, c, b)) > avail_pos(seq, c, child_toward(seq, c, a));
}

/* Activity path from `from` up to `to` (an ancestor), into out (inclusive
 * as asked); returns the count. out has room for PA_SEQ_MAX_DEPTH. */
static size_t path_up(const pa_seq *seq, int *out, int from, int to, bool incl_from, bool incl_to)
{
	size_t n = 0;

	for (int x = from; x >= 0; x = A(x)->parent) {
		if ((x != from || incl_from) && (x != to || incl_to))
			out[n++] = x;
		if (x == to)
			break;
	}
	return n;
}

static void reverse(int *v, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		int t = v[i];

		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
}

/* --- tracking read through the objective maps (SM.11) ---------------------- */

static const seq_global *read_map(const pa_seq *seq, const seq_objective *o, unsigned flag)
{
	for (size_t m = 0; m < o->nmap; m++)
		if (o->maps[m].flags & flag)
			return &seq->globals[o->maps[m].global];
	return NULL;
}

static void obj_satisfied(const pa_seq *seq, const seq_objective *o, bool *known, bool *sat)
{
	for (size_t m = 0; m < o->nmap; m++) {
		const seq_global *g = &seq->globals[o->maps[m].global];

		if ((o->maps[m].flags & MAP_READ_SATISFIED) && g->st.progress_status) {
			*known = true;
			*sat = g->st.satisfied;
			return;
		}
	}
	*known = o->st.progress_status;
	*sat = o->st.satisfied;
}

static void obj_measure(const pa_seq *seq, const seq_objective *o, bool *known, double *measure)
{
	for (size_t m = 0; m < o->nmap; m++) {
		const seq_global *g = &seq->globals[o->maps[m].global];

		if ((o->maps[m].flags & MAP_READ_MEASURE) && g->st.measure_status) {
			*known = true;
			*measure = g->st.measure;
			return;
		}
	}
	*known = o->st.measure_status;
	*measure = o->st.measure;
}

static void act_completion(const pa_seq *seq, int i, bool *known, bool *completed)
{
	const seq_objective *o = &A(i)->objectives[0];
	const seq_global *g = read_map(seq, o, MAP_READ_COMPLETION);

	if (g && g->st.completion_status) {
		*known = true;
		*completed = g->st.completed;
		return;
	}
	*known = A(i)->attempt_progress_status;
	*completed = A(i)->attempt_completed;
}

static void act_amount(const pa_seq *seq, int i, bool *known, double *amount)
{
	const seq_objective *o = &A(i)->objectives[0];
	const seq_global *g = read_map(seq, o, MAP_READ_PROGRESS);

	if (g && g->st.progress_measure_status) {
		*known = true;
		*amount = g->st.progress_measure;
		return;
	}
	*known = A(i)->amount_status;
	*amount = A(i)->amount;
}

/* Write maps: copy what this activity knows into the shared objectives. */
static void write_maps(pa_seq *seq, int i)
{
	seq_activity *a = A(i);

	for (size_t k = 0; k < a->nobj; k++) {
		seq_objective *o = &a->objectives[k];

		for (size_t m = 0; m < o->nmap; m++) {
			seq_objstate *g = &seq->globals[o->maps[m].global].st;
			unsigned f = o->maps[m].flags;

			if ((f & MAP_WRITE_SATISFIED) && o->st.progress_status) {
				g->progress_status = true;
				g->satisfied = o->st.satisfied;
			}
			if ((f & MAP_WRITE_MEASURE) && o->st.measure_status) {
				g->measure_status = true;
				g->measure = o->st.measure;
			}
			if (f & MAP_WRITE_COMPLETION) {
				bool known = k == 0 ? a->attempt_progress_status : o->st.completion_status;

				if (known) {
					g->completion_status = true;
					g->completed = k == 0 ? a->attempt_completed : o->st.completed;
				}
			}
			if (f & MAP_WRITE_PROGRESS) {
				bool known = k == 0 ? a->amount_status : o->st.progress_measure_status;

				if (known) {
					g->progress_measure_status = true;
					g->progress_measure = k == 0 ? a->amount : o->st.progress_measure;
				}
			}
			if ((f & MAP_WRITE_RAW) && o->st.raw_status) {
				g->raw_status = true;
				g->raw = o->st.raw;
			}
			if ((f & MAP_WRITE_MIN) && o->st.min_status) {
				g->min_status = true;
				g->min = o->st.min;
			}
			if ((f & MAP_WRITE_MAX) && o->st.max_status) {
				g->max_status = true;
				g->max = o->st.max;
			}
		}
	}
}

/* --- conditions and rules -------------------------------------------------- */

static tri tri_of(bool b)
{
	return b ? TRI_TRUE : TRI_FALSE;
}

/*
 * The duration limits of Limit Conditions Check Process [UP.1] steps 4 to
 * 7, optional in the 4th Edition and enforced here: the activity's
 * durations, as the tracking model holds them, have reached a limit whose
 * control is true. The attempt limits count only once the attempt's
 * progress is known (Attempt Progress Status), as the book writes; the
 * Time Limit Exceeded rule condition asks only whether the time is spent
 * (any_progress), so that a rule sees an attempt still under way.
 */
static bool duration_limit_reached(const seq_activity *a, bool any_progress)
{
	bool attempt = any_progress || a->attempt_progress_status;

	if (!a->activity_progress_status)
		return false;
	if (a->limit_activity_abs >= 0 && a->activity_abs >= a->limit_activity_abs)
		return true;
	if (a->limit_activity_exp >= 0 && a->activity_exp >= a->limit_activity_exp)
		return true;
	if (attempt && a->limit_attempt_abs >= 0 && a->attempt_abs >= a->limit_attempt_abs)
		return true;
	if (attempt && a->limit_attempt_exp >= 0 && a->attempt_exp >= a->limit_attempt_exp)
		return true;
	return false;
}

/* Begin and end time limits: UP.1 steps 8 and 9, optional in the 4th
 * Edition, checked when the host gave the current time. */
static bool outside_time_range(const pa_seq *seq, const seq_activity *a)
{
	if (!seq->clock_set)
		return false;
	if (a->begin_limit_set && seq->now < a->begin_limit)
		return true;
	return a->end_limit_set && seq->now > a->end_limit;
}

static tri eval_cond(const pa_seq *seq, int i, const seq_cond *c)
{
	const seq_activity *a = A(i);
	const seq_objective *o = &a->objectives[c->objective < 0 ? 0 : c->objective];
	bool known, b;
	double m;
	tri r = TRI_UNKNOWN;

	switch (c->kind) {
	case COND_SATISFIED:
		obj_satisfied(seq, o, &known, &b);
		r = known ? tri_of(b) : TRI_UNKNOWN;
		break;
	case COND_OBJECTIVE_STATUS_KNOWN:
		obj_satisfied(seq, o, &known, &b);
		r = tri_of(known);
		break;
	case COND_OBJECTIVE_MEASURE_KNOWN:
		obj_measure(seq, o, &known, &m);
		r = tri_of(known);
		break;
	case COND_OBJECTIVE_MEASURE_GREATER_THAN:
		obj_measure(seq, o, &known, &m);
		r = known ? tri_of(m > c->threshold) : TRI_UNKNOWN;
		break;
	case COND_OBJECTIVE_MEASURE_LESS_THAN:
		obj_measure(seq, o, &known, &m);
		r = known ? tri_of(m < c->threshold) : TRI_UNKNOWN;
		break;
	case COND_COMPLETED:
		act_completion(seq, i, &known, &b);
		r = known ? tri_of(b) : TRI_UNKNOWN;
		break;
	case COND_ACTIVITY_PROGRESS_KNOWN:
		act_completion(seq, i, &known, &b);
		r = tri_of(a->activity_progress_status && known);
		break;
	case COND_ATTEMPTED:
		r = tri_of(a->activity_progress_status && a->attempt_count > 0);
		break;
	case COND_ATTEMPT_LIMIT_EXCEEDED:
		r = tri_of(a->activity_progress_status && a->attempt_limit > 0 &&
			   a->attempt_count >= a->attempt_limit);
		break;
	case COND_TIME_LIMIT_EXCEEDED:
		r = tri_of(duration_limit_reached(a, true));
		break;
	case COND_OUTSIDE_AVAILABLE_TIME_RANGE:
		r = tri_of(outside_time_range(seq, a));
		break;
	case COND_ALWAYS:
		r = TRI_TRUE;
		break;
	}
	if (c->negate && r != TRI_UNKNOWN)
		r = r == TRI_TRUE ? TRI_FALSE : TRI_TRUE;
	return r;
}

static tri combine(const seq_rule *r, const tri *v)
{
	bool unknown = false;

	for (size_t k = 0; k < r->ncond; k++) {
		if (r->any && v[k] == TRI_TRUE)
			return TRI_TRUE;
		if (!r->any && v[k] == TRI_FALSE)
			return TRI_FALSE;
		if (v[k] == TRI_UNKNOWN)
			unknown = true;
	}
	if (unknown)
		return TRI_UNKNOWN;
	return r->any ? TRI_FALSE : TRI_TRUE;
}

static tri eval_rule(const pa_seq *seq, int i, const seq_rule *r)
{
	tri v[64], res;
	tri *vp = r->ncond <= 64 ? v : malloc(r->ncond * sizeof(tri));

	if (!vp)
		return TRI_UNKNOWN;
	for (size_t k = 0; k < r->ncond; k++)
		vp[k] = eval_cond(seq, i, &r->conds[k]);
	res = combine(r, vp);
	if (vp != v)
		free(vp);
	return res;
}

/* Sequencing Rule Check Subprocess [UP.2.1]: the rule's conditions,
 * combined, evaluated against the activity's tracking information. */
static bool sequencing_rule_check(const pa_seq *seq, int i, const seq_rule *r)
{
	return eval_rule(seq, i, r) == TRI_TRUE;
}

/* Sequencing Rules Check Process [UP.2]: the action of the first rule of
 * the kind whose conditions hold, among rules with one of the actions. */
static seq_action sequencing_rules_check(const pa_seq *seq, int i, seq_rule_kind kind,
					 seq_action lo, seq_action hi)
{
	const seq_activity *a = A(i);

	for (size_t k = 0; k < a->nrule; k++) {
		const seq_rule *r = &a->rules[k];

		if (r->kind == kind && r->action >= lo && r->action <= hi && sequencing_rule_check(seq, i, r))
			return r->action;
	}
	return ACT_NONE;
}

static bool rule_fires(const pa_seq *seq, int i, seq_action action)
{
	seq_rule_kind kind = action <= ACT_STOP_FORWARD_TRAVERSAL ? RULE_PRE :
			     action == ACT_EXIT ? RULE_EXIT : RULE_POST;

	return sequencing_rules_check(seq, i, kind, action, action) != ACT_NONE;
}

/* Limit Conditions Check Process [UP.1] */
static bool limit_conditions_check(const pa_seq *seq, int i)
{
	const seq_activity *a = A(i);

	if (!a->tracked)
		return false;
	if (a->active || a->suspended)
		return false;
	if (a->attempt_limit > 0 && a->activity_progress_status && a->attempt_count >= a->attempt_limit)
		return true;
	/* Steps 4 to 7: activity and attempt durations; 8 and 9: begin and
	 * end time limits. */
	return duration_limit_reached(a, false) || outside_time_range(seq, a);
}

/* Check Activity Process [UP.5] */
static bool check_activity(const pa_seq *seq, int i)
{
	if (rule_fires(seq, i, ACT_DISABLED))
		return true;
	return limit_conditions_check(seq, i);
}

/* --- rollup --------------------------------------------------------------- */

/* Measure Rollup Process [RB.1.1a] */
static void measure_rollup(pa_seq *seq, int i)
{
	seq_activity *a = A(i);
	double total = 0, counted = 0;
	bool valid = false;

	for (size_t k = 0; k < a->navail; k++) {
		const seq_activity *c = A(a->avail[k]);
		bool known;
		double m;

		if (!c->tracked)
			continue;
		counted += c->measure_weight;
		obj_measure(seq, &c->objectives[0], &known, &m);
		if (known) {
			valid = true;
			total += m * c->measure_weight;
		}
	}
	if (!valid || counted <= 0) {
		a->objectives[0].st.measure_status = false;
	} else {
		a->objectives[0].st.measure_status = true;
		a->objectives[0].st.measure = total / counted;
	}
}

/* Completion Measure Rollup Process [RB.1.1b] */
static void completion_measure_rollup(pa_seq *seq, int i)
{
	seq_activity *a = A(i);
	double total = 0, counted = 0;
	bool valid = false;

	for (size_t k = 0; k < a->navail; k++) {
		int ci = a->avail[k];
		const seq_activity *c = A(ci);
		bool known;
		double m;

		if (!c->tracked)
			continue;
		counted += c->progress_weight;
		act_amount(seq, ci, &known, &m);
		if (known) {
			valid = true;
			total += m * c->progress_weight;
		}
	}
	if (!valid || counted <= 0) {
		a->amount_status = false;
	} else {
		a->amount_status = true;
		a->amount = total / counted;
	}
}

/* Check Child for Rollup Subprocess [RB.1.4.2] */
static bool check_child_for_rollup(const pa_seq *seq, int ci, seq_action action)
{
	const seq_activity *c = A(ci);
	seq_required req;

	if (action == ACT_SATISFIED || action == ACT_NOT_SATISFIED) {
		if (!c->rollup_satisfied)
			return false;
		req = action == ACT_SATISFIED ? c->req_satisfied : c->req_not_satisfied;
	} else {
		if (!c->rollup_completion)
			return false;
		req = action == ACT_COMPLETED ? c->req_completed : c->req_incomplete;
	}
	switch (req) {
	case REQ_IF_NOT_SUSPENDED:
		if (!c->activity_progress_status || (c->attempt_count > 0 && c->suspended))
			return false;
		break;
	case REQ_IF_ATTEMPTED:
		if (!c->activity_progress_status || c->attempt_count == 0)
			return false;
		break;
	case REQ_IF_NOT_SKIPPED:
		if (rule_fires(seq, ci, ACT_SKIP))
			return false;
		break;
	case REQ_ALWAYS:
		break;
	}
	return true;
}

/* Evaluate Rollup Conditions Subprocess [RB.1.4.1] */
static tri evaluate_rollup_conditions(const pa_seq *seq, int ci, const seq_rule *r)
{
	return eval_rule(seq, ci, r);
}

static bool rollup_set_holds(const seq_rule *r, size_t ntrue, size_t nfalse, size_t nunknown)
{
	size_t n = ntrue + nfalse + nunknown;

	if (n == 0)
		return false;
	switch (r->set) {
	case SET_ALL:
		return nfalse == 0 && nunknown == 0;
	case SET_ANY:
		return ntrue > 0;
	case SET_NONE:
		return ntrue == 0 && nunknown == 0;
	case SET_AT_LEAST_COUNT:
		return (double)ntrue >= r->minimum;
	case SET_AT_LEAST_PERCENT:
		return (double)ntrue / (double)n >= r->minimum - 1e-12;
	}
	return false;
}

/* Rollup Rule Check Subprocess [RB.1.4] */
static bool rollup_rule_check(const pa_seq *seq, int i, const seq_rule *rules, size_t nrules, seq_action action)
{
	const seq_activity *a = A(i);

	for (size_t k = 0; k < nrules; k++) {
		const seq_rule *r = &rules[k];
		size_t nt = 0, nf = 0, nu = 0;

		if (r->action != action)
			continue;
		for (size_t c = 0; c < a->navail; c++) {
			int ci = a->avail[c];

			if (!A(ci)->tracked || !check_child_for_rollup(seq, ci, action))
				continue;
			switch (evaluate_rollup_conditions(seq, ci, r)) {
			case TRI_TRUE: nt++; break;
			case TRI_FALSE: nf++; break;
			case TRI_UNKNOWN: nu++; break;
			}
		}
		if (rollup_set_holds(r, nt, nf, nu))
			return true;
	}
	return false;
}

static bool has_rollup_action(const seq_activity *a, seq_action x, seq_action y)
{
	for (size_t k = 0; k < a->nrollup; k++)
		if (a->rollups[k].action == x || a->rollups[k].action == y)
			return true;
	return false;
}

/* The default rollup rules (SN 4.6.5): applied when an activity defines
 * no rule for the pair of actions. */
static const seq_cond default_conds[] = {
	{ COND_SATISFIED, false, -1, 0 }, { COND_OBJECTIVE_STATUS_KNOWN, false, -1, 0 },
	{ COND_COMPLETED, false, -1, 0 }, { COND_ACTIVITY_PROGRESS_KNOWN, false, -1, 0 }
};
static const seq_rule default_rules[] = {
	{ RULE_PRE, ACT_SATISFIED, false, SET_ALL, 0, (seq_cond *)&default_conds[0], 1 },
	{ RULE_PRE, ACT_NOT_SATISFIED, false, SET_ALL, 0, (seq_cond *)&default_conds[1], 1 },
	{ RULE_PRE, ACT_COMPLETED, false, SET_ALL, 0, (seq_cond *)&default_conds[2], 1 },
	{ RULE_PRE, ACT_INCOMPLETE, false, SET_ALL, 0, (seq_cond *)&default_conds[3], 1 },
};

/* Objective Rollup Using Measure Process [RB.1.2a] */
static void objective_rollup_using_measure(pa_seq *seq, int i)
{
	seq_activity *a = A(i);
	seq_objective *o = &a->objectives[0];

	if (!o->st.measure_status) {
		o->st.progress_status = false;
	} else if (!a->active || a->measure_satisfaction_if_active) {
		o->st.progress_status = true;
		o->st.satisfied = o->st.measure >= o->min_measure;
	} else {
		o->st.progress_status = false;
	}
}

/* Objective Rollup Using Rules Process [RB.1.2b] */
static void objective_rollup_using_rules(pa_seq *seq, int i)
{
	seq_activity *a = A(i);
	seq_objective *o = &a->objectives[0];
	bool own = has_rollup_action(a, ACT_SATISFIED, ACT_NOT_SATISFIED);
	const seq_rule *rules = own ? a->rollups : default_rules;
	size_t n = own ? a->nrollup : 2;

	if (rollup_rule_check(seq, i, rules, n, ACT_NOT_SATISFIED)) {
		o->st.progress_status = true;
		o->st.satisfied = false;
	}
	if (rollup_rule_check(seq, i, rules, n, ACT_SATISFIED)) {
		o->st.progress_status = true;
		o->st.satisfied = true;
	}
}

/* Activity Progress Rollup Using Measure Process [RB.1.3a] */
static void activity_progress_rollup_using_measure(pa_seq *seq, int i)
{
	seq_activity *a = A(i);

	if (!a->amount_status) {
		a->attempt_progress_status = false;
	} else {
		a->attempt_progress_status = true;
		a->attempt_completed = a->amount >= a->min_progress_measure;
	}
}

/* Activity Progress Rollup Using Rules Process [RB.1.3b] */
static void activity_progress_rollup_using_rules(pa_seq *seq, int i)
{
	seq_activity *a = A(i);
	bool own = has_rollup_action(a, ACT_COMPLETED, ACT_INCOMPLETE);
	const seq_rule *rules = own ? a->rollups : default_rules + 2;
	size_t n = own ? a->nrollup : 2;

	if (rollup_rule_check(seq, i, rules, n, ACT_INCOMPLETE)) {
		a->attempt_progress_status = true;
		a->attempt_completed = false;
	}
	if (rollup_rule_check(seq, i, rules, n, ACT_COMPLETED)) {
		a->attempt_progress_status = true;
		a->attempt_completed = true;
	}
}

/* Overall Rollup Process [RB.1.5] */
static void overall_rollup(pa_seq *seq, int i)
{
	write_maps(seq, i);
	for (int x = i; x >= 0; x = A(x)->parent) {
		if (is_leaf(seq, x))
			continue;
		measure_rollup(seq, x);
		completion_measure_rollup(seq, x);
		if (A(x)->objectives[0].satisfied_by_measure)
			objective_rollup_using_measure(seq, x);
		else
			objective_rollup_using_rules(seq, x);
		if (A(x)->completed_by_measure)
			activity_progress_rollup_using_measure(seq, x);
		else
			activity_progress_rollup_using_rules(seq, x);
		write_maps(seq, x);
	}
}

/* --- selection and randomization ----------------------------------------- */

static uint64_t rng_next(pa_seq *seq)
{
	/* xorshift64*: small, deterministic for a seed, good enough to shuffle. */
	uint64_t x = seq->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	seq->rng = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static size_t rng_below(pa_seq *seq, size_t n)
{
	return (size_t)(rng_next(seq) % (uint64_t)n);
}

static bool timing_applies(seq_timing t, bool first)
{
	if (t == TIMING_ONCE)
		return first;
	return t == TIMING_EACH_NEW_ATTEMPT;
}

/* Select Children Process [SR.1]. onEachNewAttempt, left undefined by the
 * book, selects anew at each new attempt. */
static void select_children(pa_seq *seq, int i, bool first)
{
	seq_activity *a = A(i);
	size_t n = a->nchild, want;
	bool *pick;

	if (is_leaf(seq, i) || a->active || a->suspended)
		return;
	if (!timing_applies(a->sel_timing, first) || a->select_count < 0)
		return;
	want = (size_t)a->select_count < n ? (size_t)a->select_count : n;
	pick = calloc(n, sizeof(bool));
	if (!pick)
		return;
	/* Choose `want` children uniformly, keep their manifest order. */
	for (size_t k = 0, left = want; k < n && left; k++)
		if (rng_below(seq, n - k) < left) {
			pick[k] = true;
			left--;
		}
	a->navail = 0;
	for (size_t k = 0; k < n; k++)
		if (pick[k])
			a->avail[a->navail++] = a->children[k];
	free(pick);
}

/* Randomize Children Process [SR.2] */
static void randomize_children(pa_seq *seq, int i, bool first)
{
	seq_activity *a = A(i);

	if (is_leaf(seq, i) || a->active || a->suspended)
		return;
	if (!timing_applies(a->rand_timing, first) || !a->reorder)
		return;
	for (size_t k = a->navail; k > 1; k--) {
		size_t j = rng_below(seq, k);
		int t = a->avail[k - 1];

		a->avail[k - 1] = a->avail[j];
		a->avail[j] = t;
	}
}

void pa_seq__select_randomize_once(pa_seq *seq)
{
	for (size_t i = 0; i < seq->nact; i++) {
		if (A(i)->activity_progress_status)
			continue;
		select_children(seq, (int)i, true);
		randomize_children(seq, (int)i, true);
	}
}

/* Before a new attempt on a cluster: selection and randomization of the
 * onEachNewAttempt kind, once per pending attempt. */
static void prepare_new_attempt(pa_seq *seq, int i)
{
	seq_activity *a = A(i);

	if (is_leaf(seq, i) || a->active || a->suspended || a->sr_done)
		return;
	if (a->attempt_count > 0) {
		if (a->sel_timing == TIMING_EACH_NEW_ATTEMPT) {
			memcpy(a->avail, a->children, a->nchild * sizeof(int));
			a->navail = a->nchild;
			select_children(seq, i, false);
		}
		randomize_children(seq, i, false);
	}
	a->sr_done = true;
}

/* --- attempts ------------------------------------------------------------- */

/* End Attempt Process [UP.4] */
static void end_attempt(pa_seq *seq, int i)
{
	seq_activity *a = A(i);

	if (is_leaf(seq, i)) {
		if (a->tracked && !a->suspended) {
			if (!a->completion_by_content && !a->attempt_progress_status) {
				a->attempt_progress_status = true;
				a->attempt_completed = true;
			}
			if (!a->objective_by_content && !a->objectives[0].st.progress_status) {
				a->objectives[0].st.progress_status = true;
				a->objectives[0].st.satisfied = true;
			}
		}
	} else {
		bool any = false;

		for (size_t k = 0; k < a->nchild; k++)
			if (A(a->children[k])->suspended)
				any = true;
		a->suspended = any;
	}
	a->active = false;
	overall_rollup(seq, i);
}

/* Terminate Descendent Attempts Process [UP.3] */
static void terminate_descendent_attempts(pa_seq *seq, int i)
{
	int path[PA_SEQ_MAX_DEPTH];
	size_t n;
	int anc;

	if (seq->current < 0)
		return;
	anc = common_ancestor(seq, seq->current, i);
	n = path_up(seq, path, seq->current, anc, false, false);
	for (size_t k = 0; k < n; k++)
		end_attempt(seq, path[k]);
}

/* A new attempt begins: reset the attempt's tracking (and, with
 * useCurrentAttemptObjectiveInfo / ProgressInfo, the descendants' so that
 * rollup sees this attempt only). */
static void reset_attempt(pa_seq *seq, int i, bool objectives, bool progress)
{
	seq_activity *a = A(i);

	if (progress) {
		a->attempt_progress_status = a->attempt_completed = false;
		a->amount_status = false;
		a->amount = 0;
		a->attempt_abs = a->attempt_exp = 0;
	}
	if (objectives)
		for (size_t k = 0; k < a->nobj; k++)
			memset(&a->objectives[k].st, 0, sizeof(a->objectives[k].st));
}

static void reset_descendants(pa_seq *seq, int i, bool objectives, bool progress)
{
	/* Preorder: the subtree of i is the run of activities deeper than i. */
	for (size_t k = (size_t)i + 1; k < seq->nact && A(k)->depth > A(i)->depth; k++)
		if (!A(k)->suspended)
			reset_attempt(seq, (int)k, objectives, progress);
}

/* --- flow ----------------------------------------------------------------- */

typedef struct traversal {
	int next;              /* -1: none */
	direction dir;
	bool end_session;
	const char *exception;
} traversal;

static bool last_in_tree(const pa_seq *seq, int i)
{
	int x = 0;

	while (!is_leaf(seq, x) && A(x)->navail)
		x = A(x)->avail[A(x)->navail - 1];
	return x == i;
}

/* Flow Tree Traversal Subprocess [SB.2.1] */
static traversal flow_tree_traversal(pa_seq *seq, int i, direction dir, bool consider_children,
				     direction prev_dir)
{
	traversal t = { -1, dir, false, NULL };
	bool reversed = false;
	int parent = A(i)->parent;

	if (prev_dir == DIR_BACKWARD && parent >= 0 &&
	    avail_pos(seq, parent, i) == (int)A(parent)->navail - 1) {
		dir = DIR_BACKWARD;
		i = A(parent)->avail[0];
		reversed = true;
	}
	parent = A(i)->parent;
	if (dir == DIR_FORWARD) {
		if (last_in_tree(seq, i) || (parent < 0 && !consider_children)) {
			terminate_descendent_attempts(seq, 0);
			t.end_session = true;
			t.exception = "SB.2.1-1";
			return t;
		}
		if (is_leaf(seq, i) || !consider_children) {
			int pos = avail_pos(seq, parent, i);

			if (pos == (int)A(parent)->navail - 1)
				return flow_tree_traversal(seq, parent, DIR_FORWARD, false, DIR_NONE);
			t.next = A(parent)->avail[pos + 1];
			t.dir = DIR_FORWARD;
			return t;
		}
		prepare_new_attempt(seq, i);
		if (A(i)->navail) {
			t.next = A(i)->avail[0];
			t.dir = DIR_FORWARD;
		} else {
			t.exception = "SB.2.1-2";
		}
		return t;
	}
	/* backward */
	if (parent < 0) {
		t.exception = "SB.2.1-3";
		return t;
	}
	if (is_leaf(seq, i) || !consider_children) {
		int pos;

		if (!reversed) {
			if (A(parent)->forward_only) {
				t.exception = "SB.2.1-4";
				return t;
			}
			pos = avail_pos(seq, parent, i);
			if (pos <= 0)
				return flow_tree_traversal(seq, parent, DIR_BACKWARD, false, DIR_NONE);
			t.next = A(parent)->avail[pos - 1];
			t.dir = DIR_BACKWARD;
			return t;
		}
		/* reversed: i is already the first child of its parent */
		return flow_tree_traversal(seq, parent, DIR_BACKWARD, false, DIR_NONE);
	}
	prepare_new_attempt(seq, i);
	if (!A(i)->navail) {
		t.exception = "SB.2.1-2";
		return t;
	}
	if (A(i)->forward_only) {
		t.next = A(i)->avail[0];
		t.dir = DIR_FORWARD;
	} else {
		t.next = A(i)->avail[A(i)->navail - 1];
		t.dir = DIR_BACKWARD;
	}
	return t;
}

typedef struct flow_out {
	bool deliverable;
	int activity;
	bool end_session;
	const char *exception;
} flow_out;

/* Flow Activity Traversal Subprocess [SB.2.2], its tail recursion as a loop. */
static flow_out flow_activity_traversal(pa_seq *seq, int i, direction dir, direction prev_dir)
{
	flow_out f = { false, i, false, NULL };

	for (size_t guard = 0; guard < 4 * seq->nact + 16; guard++) {
		int parent = A(i)->parent;
		traversal t;

		f.activity = i;
		if (parent >= 0 && !A(parent)->flow) {
			f.exception = "SB.2.2-1";
			return f;
		}
		if (rule_fires(seq, i, ACT_SKIP)) {
			t = flow_tree_traversal(seq, i, dir, false, prev_dir);
			if (t.next < 0) {
				f.end_session = t.end_session;
				f.exception = t.exception;
				return f;
			}
			if (prev_dir == DIR_BACKWARD && t.dir == DIR_BACKWARD) {
				dir = t.dir;
				prev_dir = DIR_NONE;
			}
			i = t.next;
			continue;
		}
		if (check_activity(seq, i)) {
			f.exception = "SB.2.2-2";
			return f;
		}
		if (!is_leaf(seq, i)) {
			t = flow_tree_traversal(seq, i, dir, true, DIR_NONE);
			if (t.next < 0) {
				f.end_session = t.end_session;
				f.exception = t.exception;
				return f;
			}
			if (dir == DIR_BACKWARD && t.dir == DIR_FORWARD) {
				dir = DIR_FORWARD;
				prev_dir = DIR_BACKWARD;
			} else {
				prev_dir = DIR_NONE;
			}
			i = t.next;
			continue;
		}
		f.deliverable = true;
		return f;
	}
	f.exception = "SB.2.2-2";
	return f;
}

/* Flow Subprocess [SB.2.3] */
static flow_out flow_subprocess(pa_seq *seq, int i, direction dir, bool consider_children)
{
	traversal t = flow_tree_traversal(seq, i, dir, consider_children, DIR_NONE);
	flow_out f = { false, i, t.end_session, t.exception };

	if (t.next < 0)
		return f;
	return flow_activity_traversal(seq, t.next, dir, DIR_NONE);
}

/* Choice Activity Traversal Subprocess [SB.2.4] */
static const char *choice_activity_traversal(pa_seq *seq, int i, direction dir)
{
	if (dir == DIR_FORWARD) {
		if (rule_fires(seq, i, ACT_STOP_FORWARD_TRAVERSAL))
			return "SB.2.4-1";
		return NULL;
	}
	if (A(i)->parent >= 0) {
		if (A(A(i)->parent)->forward_only)
			return "SB.2.4-2";
		return NULL;
	}
	return "SB.2.4-3";
}

/* Choice Flow Tree Traversal Subprocess [SB.2.9.2] */
static int choice_flow_tree_traversal(const pa_seq *seq, int i, direction dir)
{
	for (;;) {
		int parent = A(i)->parent, pos;

		if (parent < 0)
			return -1;
		pos = avail_pos(seq, parent, i);
		if (dir == DIR_FORWARD) {
			if (last_in_tree(seq, i))
				return -1;
			if (pos == (int)A(parent)->navail - 1) {
				i = parent;
				continue;
			}
			return A(parent)->avail[pos + 1];
		}
		if (pos <= 0) {
			i = parent;
			continue;
		}
		return A(parent)->avail[pos - 1];
	}
}

/* Choice Flow Subprocess [SB.2.9.1] */
static int choice_flow_subprocess(const pa_seq *seq, int i, direction dir)
{
	int next = choice_flow_tree_traversal(seq, i, dir);

	return next < 0 ? i : next;
}

/* --- sequencing requests ------------------------------------------------------ */

static seq_out out_exception(const char *code)
{
	seq_out o = { -1, false, code };

	return o;
}

static seq_out out_deliver(int i)
{
	seq_out o = { i, false, NULL };

	return o;
}

static seq_out out_flow(const flow_out *f)
{
	seq_out o = { -1, f->end_session, f->exception };

	if (f->deliverable)
		o.deliver = f->activity;
	return o;
}

/* Start Sequencing Request Process [SB.2.5] */
static seq_out start_request(pa_seq *seq)
{
	flow_out f;

	if (seq->current >= 0)
		return out_exception("SB.2.5-1");
	if (is_leaf(seq, 0))
		return out_deliver(0);
	f = flow_subprocess(seq, 0, DIR_FORWARD, true);
	return out_flow(&f);
}

/* Resume All Sequencing Request Process [SB.2.6] */
static seq_out resume_all_request(pa_seq *seq)
{
	if (seq->current >= 0)
		return out_exception("SB.2.6-1");
	if (seq->suspended_activity < 0)
		return out_exception("SB.2.6-2");
	return out_deliver(seq->suspended_activity);
}

/* Continue Sequencing Request Process [SB.2.7] */
static seq_out continue_request(pa_seq *seq)
{
	flow_out f;
	int cur = seq->current;

	if (cur < 0)
		return out_exception("SB.2.7-1");
	if (A(cur)->parent >= 0 && !A(A(cur)->parent)->flow)
		return out_exception("SB.2.7-2");
	f = flow_subprocess(seq, cur, DIR_FORWARD, false);
	return out_flow(&f);
}

/* Previous Sequencing Request Process [SB.2.8] */
static seq_out previous_request(pa_seq *seq)
{
	flow_out f;
	int cur = seq->current;

	if (cur < 0)
		return out_exception("SB.2.8-1");
	if (A(cur)->parent >= 0 && !A(A(cur)->parent)->flow)
		return out_exception("SB.2.8-2");
	f = flow_subprocess(seq, cur, DIR_BACKWARD, false);
	f.end_session = false;  /* moving backward never ends the session */
	return out_flow(&f);
}

/* Choice Sequencing Request Process [SB.2.9] */
static seq_out choice_request(pa_seq *seq, int target)
{
	int path[PA_SEQ_MAX_DEPTH];
	size_t n;
	int cur = seq->current, anc;
	const char *ex;
	flow_out f;

	if (target < 0)
		return out_exception("SB.2.9-1");
	n = path_up(seq, path, target, 0, true, true);
	reverse(path, n);
	for (size_t k = 0; k < n; k++) {
		if (path[k] != 0 && avail_pos(seq, A(path[k])->parent, path[k]) < 0)
			return out_exception("SB.2.9-2");
		if (rule_fires(seq, path[k], ACT_HIDDEN_FROM_CHOICE))
			return out_exception("SB.2.9-3");
	}
	if (A(target)->parent >= 0 && !A(A(target)->parent)->choice)
		return out_exception("SB.2.9-4");
	anc = cur >= 0 ? common_ancestor(seq, cur, target) : 0;

	if (cur == target) {
		/* Case #1: the target is the current activity; nothing to check. */
	} else if (cur >= 0 && A(cur)->parent >= 0 && A(cur)->parent == A(target)->parent) {
		/* Case #2: siblings. */
		int parent = A(cur)->parent;
		int from = avail_pos(seq, parent, cur), to = avail_pos(seq, parent, target);
		direction dir = to > from ? DIR_FORWARD : DIR_BACKWARD;

		/* From the current activity to the target, exclusive of the
		 * target: once there, it needs no test. */
		for (int k = from; k != to; k += dir == DIR_FORWARD ? 1 : -1)
			if ((ex = choice_activity_traversal(seq, A(parent)->avail[k], dir)))
				return out_exception(ex);
	} else if (cur < 0 || cur == anc) {
		/* Case #3: the target is a descendant of the current activity. */
		n = path_up(seq, path, target, anc, true, true);
		reverse(path, n);
		if (n == 0)
			return out_exception("SB.2.9-5");
		/* From the common ancestor to the target, exclusive of the
		 * target: once there, it needs no test. */
		for (size_t k = 0; k + 1 < n; k++) {
			if ((ex = choice_activity_traversal(seq, path[k], DIR_FORWARD)))
				return out_exception(ex);
			if (!A(path[k])->active && path[k] != anc && A(path[k])->prevent_activation)
				return out_exception("SB.2.9-6");
		}
	} else if (target == anc) {
		/* Case #4: the target is an ancestor of the current activity. */
		n = path_up(seq, path, cur, target, true, true);
		if (n == 0)
			return out_exception("SB.2.9-5");
		for (size_t k = 0; k + 1 < n; k++)
			if (!A(path[k])->choice_exit)
				return out_exception("SB.2.9-7");
	} else {
		/* Case #5: the target is elsewhere in the tree. */
		int constrained = -1;

		n = path_up(seq, path, cur, anc, true, false);
		if (n == 0)
			return out_exception("SB.2.9-5");
		for (size_t k = 0; k < n; k++) {
			if (!A(path[k])->choice_exit)
				return out_exception("SB.2.9-7");
			if (constrained < 0 && A(path[k])->constrain_choice)
				constrained = path[k];
		}
		if (constrained >= 0) {
			direction dir = is_forward(seq, constrained, target) ? DIR_FORWARD : DIR_BACKWARD;
			int consider = choice_flow_subprocess(seq, constrained, dir);

			if (!is_ancestor(seq, consider, target) && target != consider && target != constrained)
				return out_exception("SB.2.9-8");
		}
		n = path_up(seq, path, target, anc, true, true);
		reverse(path, n);
		if (n == 0)
			return out_exception("SB.2.9-5");
		if (is_forward(seq, cur, target)) {
			for (size_t k = 0; k + 1 < n; k++) {
				if ((ex = choice_activity_traversal(seq, path[k], DIR_FORWARD)))
					return out_exception(ex);
				if (!A(path[k])->active && path[k] != anc && A(path[k])->prevent_activation)
					return out_exception("SB.2.9-6");
			}
		} else {
			for (size_t k = 0; k + 1 < n; k++)
				if (!A(path[k])->active && path[k] != anc && A(path[k])->prevent_activation)
					return out_exception("SB.2.9-6");
		}
	}
	if (is_leaf(seq, target))
		return out_deliver(target);
	f = flow_subprocess(seq, target, DIR_FORWARD, true);
	if (!f.deliverable) {
		terminate_descendent_attempts(seq, anc);
		end_attempt(seq, anc);
		seq->current = target;
		return out_exception("SB.2.9-9");
	}
	return out_deliver(f.activity);
}

/* Retry Sequencing Request Process [SB.2.10] */
static seq_out retry_request(pa_seq *seq)
{
	int cur = seq->current;
	flow_out f;

	if (cur < 0)
		return out_exception("SB.2.10-1");
	if (A(cur)->active || A(cur)->suspended)
		return out_exception("SB.2.10-2");
	if (is_leaf(seq, cur))
		return out_deliver(cur);
	f = flow_subprocess(seq, cur, DIR_FORWARD, true);
	if (!f.deliverable)
		return out_exception("SB.2.10-3");
	return out_deliver(f.activity);
}

/* Exit Sequencing Request Process [SB.2.11] */
static seq_out exit_request(pa_seq *seq)
{
	seq_out o = { -1, false, NULL };

	if (seq->current < 0)
		return out_exception("SB.2.11-1");
	if (A(seq->current)->active)
		return out_exception("SB.2.11-2");
	if (seq->current == 0)
		o.end_session = true;
	return o;
}

/* Jump Sequencing Request Process [SB.2.13] */
static seq_out jump_request(pa_seq *seq, int target)
{
	if (seq->current < 0)
		return out_exception("SB.2.13-1");
	return out_deliver(target);
}

/* Sequencing Request Process [SB.2.12] */
static seq_out sequencing_request(pa_seq *seq, seq_req req, int target)
{
	switch (req) {
	case SR_START: return start_request(seq);
	case SR_RESUME_ALL: return resume_all_request(seq);
	case SR_EXIT: return exit_request(seq);
	case SR_RETRY: return retry_request(seq);
	case SR_CONTINUE: return continue_request(seq);
	case SR_PREVIOUS: return previous_request(seq);
	case SR_CHOICE: return choice_request(seq, target);
	case SR_JUMP: return jump_request(seq, target);
	case SR_NONE: break;
	}
	return out_exception("SB.2.12-1");
}

/* --- delivery ----------------------------------------------------------------- */

/* Delivery Request Process [DB.1.1] */
static const char *delivery_request(pa_seq *seq, int i)
{
	int path[PA_SEQ_MAX_DEPTH];
	size_t n;

	if (!is_leaf(seq, i))
		return "DB.1.1-1";
	n = path_up(seq, path, i, 0, true, true);
	if (n == 0)
		return "DB.1.1-2";
	for (size_t k = 0; k < n; k++)
		if (check_activity(seq, path[k]))
			return "DB.1.1-3";
	return NULL;
}

/* Clear Suspended Activity Subprocess [DB.2.1] */
static void clear_suspended_activity(pa_seq *seq, int i)
{
	int path[PA_SEQ_MAX_DEPTH];
	size_t n;
	int s = seq->suspended_activity;

	if (s >= 0) {
		int anc = common_ancestor(seq, i, s);

		n = path_up(seq, path, s, anc, true, true);
		for (size_t k = 0; k < n; k++) {
			seq_activity *a = A(path[k]);

			if (is_leaf(seq, path[k])) {
				a->suspended = false;
			} else {
				bool any = false;

				for (size_t c = 0; c < a->nchild; c++)
					if (A(a->children[c])->suspended)
						any = true;
				if (!any)
					a->suspended = false;
			}
		}
	}
	seq->suspended_activity = -1;
}

/* Content Delivery Environment Process [DB.2] */
static const char *content_delivery_environment(pa_seq *seq, int i)
{
	int path[PA_SEQ_MAX_DEPTH];
	size_t n;

	if (seq->current >= 0 && A(seq->current)->active)
		return "DB.2-1";
	if (i != seq->suspended_activity)
		clear_suspended_activity(seq, i);
	terminate_descendent_attempts(seq, i);
	n = path_up(seq, path, i, 0, true, true);
	reverse(path, n);
	for (size_t k = 0; k < n; k++) {
		seq_activity *a = A(path[k]);

		if (a->active)
			continue;
		if (a->tracked) {
			if (a->suspended) {
				a->suspended = false;
			} else {
				prepare_new_attempt(seq, path[k]);
				a->attempt_count++;
				if (a->attempt_count == 1)
					a->activity_progress_status = true;
				reset_attempt(seq, path[k], true, true);
				if (!is_leaf(seq, path[k]) && a->attempt_count > 1)
					reset_descendants(seq, path[k], a->use_obj_info, a->use_prog_info);
			}
		}
		a->sr_done = false;
		a->active = true;
	}
	seq->current = i;
	seq->suspended_activity = -1;
	return NULL;
}

/* --- termination ------------------------------------------------------------ */

/* Sequencing Exit Action Rules Subprocess [TB.2.1] */
static void sequencing_exit_action_rules(pa_seq *seq)
{
	int path[PA_SEQ_MAX_DEPTH];
	size_t n;
	int target = -1;

	if (A(seq->current)->parent < 0)
		return;
	n = path_up(seq, path, A(seq->current)->parent, 0, true, true);
	reverse(path, n);
	for (size_t k = 0; k < n; k++)
		if (sequencing_rules_check(seq, path[k], RULE_EXIT, ACT_EXIT, ACT_EXIT) != ACT_NONE) {
			target = path[k];
			break;
		}
	if (target >= 0) {
		terminate_descendent_attempts(seq, target);
		end_attempt(seq, target);
		seq->current = target;
	}
}

/* Sequencing Post Condition Rules Subprocess [TB.2.2] */
static void sequencing_post_condition_rules(pa_seq *seq, term_req *tr, seq_req *sr)
{
	seq_action act;

	*tr = TR_NONE;
	*sr = SR_NONE;
	if (A(seq->current)->suspended)
		return;
	act = sequencing_rules_check(seq, seq->current, RULE_POST, ACT_EXIT_PARENT, ACT_PREVIOUS);
	switch (act) {
	case ACT_RETRY: *sr = SR_RETRY; break;
	case ACT_CONTINUE: *sr = SR_CONTINUE; break;
	case ACT_PREVIOUS: *sr = SR_PREVIOUS; break;
	case ACT_EXIT_PARENT: *tr = TR_EXIT_PARENT; break;
	case ACT_EXIT_ALL: *tr = TR_EXIT_ALL; break;
	case ACT_RETRY_ALL: *tr = TR_EXIT_ALL; *sr = SR_RETRY; break;
	default: break;
	}
}

typedef struct term_out {
	const char *exception;
	seq_req seq;            /* SR_NONE: keep the navigation's */
	bool replace;
} term_out;

/* Termination Request Process [TB.2.3] */
static term_out termination_request(pa_seq *seq, term_req req)
{
	term_out o = { NULL, SR_NONE, false };
	seq_req post_sr = SR_NONE;
	int cur = seq->current;

	if (cur < 0) {
		o.exception = "TB.2.3-1";
		return o;
	}
	if ((req == TR_EXIT || req == TR_ABANDON) && !A(cur)->active) {
		o.exception = "TB.2.3-2";
		return o;
	}
	switch (req) {
	case TR_EXIT: {
		bool processed;

		end_attempt(seq, cur);
		sequencing_exit_action_rules(seq);
		do {
			term_req ptr;

			processed = false;
			sequencing_post_condition_rules(seq, &ptr, &post_sr);
			if (ptr == TR_EXIT_ALL) {
				req = TR_EXIT_ALL;
				break;
			}
			if (ptr == TR_EXIT_PARENT) {
				if (A(seq->current)->parent >= 0) {
					seq->current = A(seq->current)->parent;
					end_attempt(seq, seq->current);
					processed = true;
				} else {
					o.exception = "TB.2.3-4";
					return o;
				}
			} else if (seq->current == 0 && post_sr != SR_RETRY) {
				o.seq = SR_EXIT;
				o.replace = true;
				return o;
			}
		} while (processed);
		if (req != TR_EXIT_ALL) {
			o.seq = post_sr;
			o.replace = post_sr != SR_NONE;
			return o;
		}
	}
	/* fall through: a post condition asked for exit all */
	/* FALLTHRU */
	case TR_EXIT_ALL:
		if (A(seq->current)->active)
			end_attempt(seq, seq->current);
		terminate_descendent_attempts(seq, 0);
		end_attempt(seq, 0);
		seq->current = 0;
		o.seq = post_sr == SR_RETRY ? SR_RETRY : SR_EXIT;
		o.replace = true;
		return o;
	case TR_SUSPEND_ALL: {
		int s, path[PA_SEQ_MAX_DEPTH];
		size_t n;

		if (A(cur)->active || A(cur)->suspended) {
			overall_rollup(seq, cur);
			s = cur;
		} else if (A(cur)->parent >= 0) {
			s = A(cur)->parent;
		} else {
			o.exception = "TB.2.3-3";
			return o;
		}
		seq->suspended_activity = s;
		n = path_up(seq, path, s, 0, true, true);
		if (n == 0) {
			o.exception = "TB.2.3-5";
			return o;
		}
		for (size_t k = 0; k < n; k++) {
			A(path[k])->active = false;
			A(path[k])->suspended = true;
		}
		seq->current = 0;
		o.seq = SR_EXIT;
		o.replace = true;
		return o;
	}
	case TR_ABANDON:
		A(cur)->active = false;
		return o;
	case TR_ABANDON_ALL: {
		int path[PA_SEQ_MAX_DEPTH];
		size_t n = path_up(seq, path, cur, 0, true, true);

		if (n == 0) {
			o.exception = "TB.2.3-6";
			return o;
		}
		for (size_t k = 0; k < n; k++)
			A(path[k])->active = false;
		seq->current = 0;
		o.seq = SR_EXIT;
		o.replace = true;
		return o;
	}
	default:
		break;
	}
	o.exception = "TB.2.3-7";
	return o;
}

/* --- navigation ----------------------------------------------------------------- */

typedef struct nav_out {
	const char *exception;
	term_req term;
	seq_req seq;
	int target;
} nav_out;

static nav_out nav_invalid(const char *code)
{
	nav_out o = { code, TR_NONE, SR_NONE, -1 };

	return o;
}

static nav_out nav_valid(term_req t, seq_req s, int target)
{
	nav_out o = { NULL, t, s, target };

	return o;
}

/* Navigation Request Process [NB.2.1] */
static nav_out navigation_request(pa_seq *seq, pa_seq_nav nav, const char *target_id)
{
	int cur = seq->current;
	int parent = cur >= 0 ? A(cur)->parent : -1;
	int target;

	switch (nav) {
	case PA_SEQ_NAV_START:
		if (cur >= 0)
			return nav_invalid("NB.2.1-1");
		return nav_valid(TR_NONE, SR_START, -1);
	case PA_SEQ_NAV_RESUME_ALL:
		if (cur >= 0)
			return nav_invalid("NB.2.1-1");
		if (seq->suspended_activity < 0)
			return nav_invalid("NB.2.1-3");
		return nav_valid(TR_NONE, SR_RESUME_ALL, -1);
	case PA_SEQ_NAV_CONTINUE:
		if (cur < 0)
			return nav_invalid("NB.2.1-1");
		if (parent >= 0 && A(parent)->flow)
			return nav_valid(A(cur)->active ? TR_EXIT : TR_NONE, SR_CONTINUE, -1);
		return nav_invalid("NB.2.1-4");
	case PA_SEQ_NAV_PREVIOUS:
		if (cur < 0)
			return nav_invalid("NB.2.1-2");
		if (parent < 0)
			return nav_invalid("NB.2.1-6");
		if (A(parent)->flow && !A(parent)->forward_only)
			return nav_valid(A(cur)->active ? TR_EXIT : TR_NONE, SR_PREVIOUS, -1);
		return nav_invalid("NB.2.1-5");
	case PA_SEQ_NAV_FORWARD:
	case PA_SEQ_NAV_BACKWARD:
		return nav_invalid("NB.2.1-7");
	case PA_SEQ_NAV_CHOICE:
		target = target_id ? pa_seq__find(seq, target_id) : -1;
		if (target < 0)
			return nav_invalid("NB.2.1-11");
		if (A(target)->parent >= 0 && !A(A(target)->parent)->choice)
			return nav_invalid("NB.2.1-10");
		if (cur < 0)
			return nav_valid(TR_NONE, SR_CHOICE, target);
		if (A(cur)->parent != A(target)->parent || A(cur)->parent < 0) {
			int anc = common_ancestor(seq, cur, target);
			int path[PA_SEQ_MAX_DEPTH];
			size_t n = path_up(seq, path, cur, anc, true, false);

			if (n == 0 && cur != anc)
				return nav_invalid("NB.2.1-9");
			for (size_t k = 0; k < n; k++)
				if (A(path[k])->active && !A(path[k])->choice_exit)
					return nav_invalid("NB.2.1-8");
		}
		if (A(cur)->active && !A(cur)->choice_exit)
			return nav_invalid("NB.2.1-8");
		return nav_valid(A(cur)->active ? TR_EXIT : TR_NONE, SR_CHOICE, target);
	case PA_SEQ_NAV_JUMP:
		target = target_id ? pa_seq__find(seq, target_id) : -1;
		if (target < 0 || !in_tree(seq, target))
			return nav_invalid("NB.2.1-11");
		if (cur < 0)
			return nav_invalid("NB.2.1-2");
		return nav_valid(A(cur)->active ? TR_EXIT : TR_NONE, SR_JUMP, target);
	case PA_SEQ_NAV_EXIT:
		if (cur < 0)
			return nav_invalid("NB.2.1-2");
		if (!A(cur)->active)
			return nav_invalid("NB.2.1-12");
		return nav_valid(TR_EXIT, SR_EXIT, -1);
	case PA_SEQ_NAV_EXIT_ALL:
		if (cur < 0)
			return nav_invalid("NB.2.1-2");
		return nav_valid(TR_EXIT_ALL, SR_EXIT, -1);
	case PA_SEQ_NAV_ABANDON:
		if (cur < 0)
			return nav_invalid("NB.2.1-2");
		if (!A(cur)->active)
			return nav_invalid("NB.2.1-12");
		return nav_valid(TR_ABANDON, SR_EXIT, -1);
	case PA_SEQ_NAV_ABANDON_ALL:
		if (cur < 0)
			return nav_invalid("NB.2.1-2");
		return nav_valid(TR_ABANDON_ALL, SR_EXIT, -1);
	case PA_SEQ_NAV_SUSPEND_ALL:
		if (cur < 0)
			return nav_invalid("NB.2.1-2");
		return nav_valid(TR_SUSPEND_ALL, SR_EXIT, -1);
	case PA_SEQ_NAV_NONE:
		break;
	}
	return nav_invalid("NB.2.1-13");
}

/* Overall Sequencing Process [OP.1] */
int pa_seq_navigate(pa_seq *seq, pa_seq_nav nav, const char *target, pa_seq_result *out)
{
	nav_out n;
	seq_req sr;
	seq_out so;
	const char *ex;

	memset(out, 0, sizeof(*out));
	if (!seq)
		return PA_SEQ_EINVAL;
	n = navigation_request(seq, nav, target);
	if (n.exception) {
		out->exception = n.exception;
		return 0;
	}
	sr = n.seq;
	if (n.term != TR_NONE) {
		term_out t = termination_request(seq, n.term);

		if (t.exception) {
			out->exception = t.exception;
			return 0;
		}
		if (t.replace)
			sr = t.seq;
	}
	if (sr == SR_NONE)
		return 0;
	so = sequencing_request(seq, sr, n.target);
	if (so.end_session) {
		/* The session ends; a later launch begins a new one (NB.2.1 start
		 * or resume all with no current activity). */
		out->session_ended = 1;
		if (seq->current >= 0 && A(seq->current)->active) {
			/* An attempt still open ends with the session. */
			terminate_descendent_attempts(seq, 0);
			end_attempt(seq, 0);
		}
		seq->current = -1;
		if (so.exception && strcmp(so.exception, "SB.2.1-1") == 0)
			so.exception = NULL;
	}
	if (so.exception) {
		out->exception = so.exception;
		return 0;
	}
	if (so.deliver < 0)
		return 0;
	if ((ex = delivery_request(seq, so.deliver))) {
		out->exception = ex;
		return 0;
	}
	out->resumed = A(so.deliver)->suspended && A(so.deliver)->tracked;
	if ((ex = content_delivery_environment(seq, so.deliver))) {
		out->exception = ex;
		out->resumed = 0;
		return 0;
	}
	out->delivered = A(so.deliver)->id;
	return 0;
}

int pa_seq_request_valid(const pa_seq *seq, pa_seq_nav nav, const char *target)
{
	pa_seq *copy;
	pa_seq_result r;
	int rc;

	if (!seq)
		return PA_SEQ_EINVAL;
	if ((rc = pa_seq__clone(&copy, seq)))
		return rc;
	rc = pa_seq_navigate(copy, nav, target, &r);
	pa_seq__free_clone(copy);
	if (rc)
		return rc;
	return r.exception == NULL;
}

/* --- one process at a time (seq_impl.h) ---------------------------------------- */

const char *pa_seq__navigation_request(pa_seq *seq, pa_seq_nav nav, const char *target)
{
	return navigation_request(seq, nav, target).exception;
}

const char *pa_seq__termination_request(pa_seq *seq, term_req req)
{
	return termination_request(seq, req).exception;
}

const char *pa_seq__sequencing_request(pa_seq *seq, seq_req req, int target)
{
	return sequencing_request(seq, req, target).exception;
}

const char *pa_seq__choice_activity_traversal(pa_seq *seq, int activity, direction dir)
{
	return choice_activity_traversal(seq, activity, dir);
}

const char *pa_seq__delivery_request(pa_seq *seq, int activity)
{
	return delivery_request(seq, activity);
}

const char *pa_seq__content_delivery_environment(pa_seq *seq, int activity)
{
	return content_delivery_environment(seq, activity);
}

/* --- run-time data -------------------------------------------------------------- */

static void report_objective(seq_objective *o, const pa_seq_objective_report *r)
{
	if (r->success_status && strcmp(r->success_status, "passed") == 0) {
		o->st.progress_status = true;
		o->st.satisfied = true;
	} else if (r->success_status && strcmp(r->success_status, "failed") == 0) {
		o->st.progress_status = true;
		o->st.satisfied = false;
	}
	if (r->completion_status && strcmp(r->completion_status, "completed") == 0) {
		o->st.completion_status = true;
		o->st.completed = true;
	} else if (r->completion_status && (strcmp(r->completion_status, "incomplete") == 0 ||
					    strcmp(r->completion_status, "not attempted") == 0)) {
		o->st.completion_status = true;
		o->st.completed = false;
	}
	if (r->scaled_set && r->scaled >= -1 && r->scaled <= 1) {
		o->st.measure_status = true;
		o->st.measure = r->scaled;
	}
	if (r->progress_set && r->progress >= 0 && r->progress <= 1) {
		o->st.progress_measure_status = true;
		o->st.progress_measure = r->progress;
	}
	if (r->raw_set) { o->st.raw_status = true; o->st.raw = r->raw; }
	if (r->min_set) { o->st.min_status = true; o->st.min = r->min; }
	if (r->max_set) { o->st.max_status = true; o->st.max = r->max; }
}

int pa_seq_report_runtime(pa_seq *seq, const pa_seq_report *r)
{
	seq_activity *a;
	seq_objective *p;

	if (!seq || !r)
		return PA_SEQ_EINVAL;
	if (seq->current < 0 || !A(seq->current)->active)
		return PA_SEQ_EINVAL;
	a = A(seq->current);
	p = &a->objectives[0];
	if (r->completion_status) {
		if (strcmp(r->completion_status, "completed") == 0) {
			a->attempt_progress_status = true;
			a->attempt_completed = true;
		} else if (strcmp(r->completion_status, "incomplete") == 0 ||
			   strcmp(r->completion_status, "not attempted") == 0) {
			a->attempt_progress_status = true;
			a->attempt_completed = false;
		} else if (strcmp(r->completion_status, "unknown") == 0) {
			a->attempt_progress_status = false;
		}
	}
	if (r->progress_set && r->progress >= 0 && r->progress <= 1) {
		a->amount_status = true;
		a->amount = r->progress;
		if (a->completed_by_measure) {
			/* The completion threshold decides (RTE 4.2.4.1). */
			a->attempt_progress_status = true;
			a->attempt_completed = r->progress >= a->min_progress_measure;
		}
	}
	if (r->success_status) {
		if (strcmp(r->success_status, "passed") == 0) {
			p->st.progress_status = true;
			p->st.satisfied = true;
		} else if (strcmp(r->success_status, "failed") == 0) {
			p->st.progress_status = true;
			p->st.satisfied = false;
		} else if (strcmp(r->success_status, "unknown") == 0) {
			p->st.progress_status = false;
		}
	}
	if (r->scaled_set && r->scaled >= -1 && r->scaled <= 1) {
		p->st.measure_status = true;
		p->st.measure = r->scaled;
		if (p->satisfied_by_measure) {
			p->st.progress_status = true;
			p->st.satisfied = r->scaled >= p->min_measure;
		}
	}
	if (r->raw_set) { p->st.raw_status = true; p->st.raw = r->raw; }
	if (r->min_set) { p->st.min_status = true; p->st.min = r->min; }
	if (r->max_set) { p->st.max_status = true; p->st.max = r->max; }
	{
		double exp = r->session_time_set && r->session_time >= 0 && isfinite(r->session_time) ?
			     r->session_time : 0;
		double abs = r->elapsed_set && r->elapsed >= 0 && isfinite(r->elapsed) ? r->elapsed : exp;

		/* The attempt durations of the activity and of its ancestors (SN
		 * 4.2.1.2): experienced is what the SCO reports, absolute the wall
		 * clock the host measured. */
		for (int x = seq->current; x >= 0; x = A(x)->parent) {
			A(x)->attempt_exp += exp;
			A(x)->activity_exp += exp;
			A(x)->attempt_abs += abs;
			A(x)->activity_abs += abs;
		}
	}
	for (size_t k = 0; k < r->objective_count; k++) {
		const pa_seq_objective_report *or = &r->objectives[k];

		if (!or->id)
			continue;
		for (size_t o = 1; o < a->nobj; o++)
			if (strcmp(a->objectives[o].id, or->id) == 0)
				report_objective(&a->objectives[o], or);
		if (a->objectives[0].id[0] && strcmp(a->objectives[0].id, or->id) == 0 && !r->success_status)
			report_objective(&a->objectives[0], or);
	}
	a->suspended = r->exit && strcmp(r->exit, "suspend") == 0;
	overall_rollup(seq, seq->current);
	return 0;
}

/* --- queries ------------------------------------------------------------------- */

int pa_seq_set_clock(pa_seq *seq, double unix_seconds)
{
	if (!seq || !isfinite(unix_seconds))
		return PA_SEQ_EINVAL;
	seq->clock_set = true;
	seq->now = unix_seconds;
	return 0;
}

const char *pa_seq_current(const pa_seq *seq)
{
	return seq && seq->current >= 0 ? A(seq->current)->id : NULL;
}

size_t pa_seq_count(const pa_seq *seq)
{
	return seq ? seq->nact : 0;
}

int pa_seq_status_at(const pa_seq *seq, size_t i, pa_seq_status *out)
{
	const seq_activity *a;
	bool known, b;
	double m;

	memset(out, 0, sizeof(*out));
	if (!seq || i >= seq->nact)
		return PA_SEQ_EINVAL;
	a = A(i);
	out->id = a->id;
	out->title = a->title;
	out->parent = a->parent >= 0 ? A(a->parent)->id : NULL;
	out->depth = a->depth;
	out->leaf = a->nchild == 0;
	out->visible = a->visible;
	out->available = in_tree(seq, (int)i);
	out->active = a->active;
	out->suspended = a->suspended;
	out->attempts = a->attempt_count;
	act_completion(seq, (int)i, &known, &b);
	out->progress_known = known;
	out->completed = b;
	obj_satisfied(seq, &a->objectives[0], &known, &b);
	out->satisfied_known = known;
	out->satisfied = b;
	obj_measure(seq, &a->objectives[0], &known, &m);
	out->measure_known = known;
	out->measure = m;
	act_amount(seq, (int)i, &known, &m);
	out->completion_amount_known = known;
	out->completion_amount = m;
	out->attempt_absolute_duration = a->attempt_abs;
	out->activity_absolute_duration = a->activity_abs;
	out->attempt_experienced_duration = a->attempt_exp;
	out->activity_experienced_duration = a->activity_exp;
	out->hide_lms_ui = a->hide_ui;
	if (a->objectives[0].satisfied_by_measure) {
		out->scaled_passing_score_set = 1;
		out->scaled_passing_score = a->objectives[0].min_measure;
	}
	if (a->completed_by_measure) {
		out->completion_threshold_set = 1;
		out->completion_threshold = a->min_progress_measure;
	}
	if (a->limit_attempt_abs >= 0) {
		out->max_time_allowed_set = 1;
		out->max_time_allowed = a->limit_attempt_abs;
	}
	for (size_t k = 0; k < a->nobj; k++)
		out->objective_count += a->objectives[k].id[0] != '\0';
	return 0;
}

int pa_seq_objective_at(const pa_seq *seq, size_t i, size_t k, pa_seq_global *out)
{
	const seq_activity *a;
	const seq_objective *o = NULL;
	const seq_global *g;
	bool known, b;
	double m;

	memset(out, 0, sizeof(*out));
	if (!seq || i >= seq->nact)
		return PA_SEQ_EINVAL;
	a = A(i);
	for (size_t n = 0, j = 0; j < a->nobj; j++)
		if (a->objectives[j].id[0] && n++ == k)
			o = &a->objectives[j];
	if (!o)
		return PA_SEQ_EINVAL;
	out->id = o->id;
	obj_satisfied(seq, o, &known, &b);
	out->satisfied_known = known;
	out->satisfied = b;
	obj_measure(seq, o, &known, &m);
	out->measure_known = known;
	out->measure = m;
	if (o == &a->objectives[0]) {
		act_completion(seq, (int)i, &known, &b);
		out->completion_known = known;
		out->completed = b;
		act_amount(seq, (int)i, &known, &m);
		out->progress_known = known;
		out->progress = m;
	} else {
		out->completion_known = o->st.completion_status;
		out->completed = o->st.completed;
		out->progress_known = o->st.progress_measure_status;
		out->progress = o->st.progress_measure;
		if ((g = read_map(seq, o, MAP_READ_COMPLETION)) && g->st.completion_status) {
			out->completion_known = 1;
			out->completed = g->st.completed;
		}
		if ((g = read_map(seq, o, MAP_READ_PROGRESS)) && g->st.progress_measure_status) {
			out->progress_known = 1;
			out->progress = g->st.progress_measure;
		}
	}
	out->raw_known = o->st.raw_status; out->raw = o->st.raw;
	out->min_known = o->st.min_status; out->min = o->st.min;
	out->max_known = o->st.max_status; out->max = o->st.max;
	if ((g = read_map(seq, o, MAP_READ_RAW)) && g->st.raw_status) {
		out->raw_known = 1;
		out->raw = g->st.raw;
	}
	if ((g = read_map(seq, o, MAP_READ_MIN)) && g->st.min_status) {
		out->min_known = 1;
		out->min = g->st.min;
	}
	if ((g = read_map(seq, o, MAP_READ_MAX)) && g->st.max_status) {
		out->max_known = 1;
		out->max = g->st.max;
	}
	return 0;
}

size_t pa_seq_global_count(const pa_seq *seq)
{
	return seq ? seq->nglobal : 0;
}

int pa_seq_global_at(const pa_seq *seq, size_t i, pa_seq_global *out)
{
	const seq_objstate *s;

	memset(out, 0, sizeof(*out));
	if (!seq || i >= seq->nglobal)
		return PA_SEQ_EINVAL;
	s = &seq->globals[i].st;
	out->id = seq->globals[i].id;
	out->satisfied_known = s->progress_status;
	out->satisfied = s->satisfied;
	out->measure_known = s->measure_status;
	out->measure = s->measure;
	out->completion_known = s->completion_status;
	out->completed = s->completed;
	out->progress_known = s->progress_measure_status;
	out->progress = s->progress_measure;
	out->raw_known = s->raw_status;
	out->raw = s->raw;
	out->min_known = s->min_status;
	out->min = s->min;
	out->max_known = s->max_status;
	out->max = s->max;
	return 0;
}

int pa_seq_globals_to_system(const pa_seq *seq)
{
	return seq && seq->globals_to_system;
}

static const char *const nav_names[] = {
	"start", "resumeAll", "continue", "previous", "forward", "backward", "choice",
	"jump", "exit", "exitAll", "suspendAll", "abandon", "abandonAll", "_none_"
};

int pa_seq_nav_parse(const char *word)
{
	for (size_t i = 0; i < sizeof(nav_names) / sizeof(nav_names[0]); i++)
		if (strcmp(word, nav_names[i]) == 0)
			return (int)i;
	return -1;
}

int pa_seq_nav_request_parse(pa_seq_nav *nav, char *target, size_t tsz, const char *v)
{
	int n;

	if (tsz == 0)
		return -1;
	target[0] = '\0';
	if (strncmp(v, "{target=", 8) == 0) {
		const char *close = strchr(v, '}');
		size_t len;

		if (!close)
			return -1;
		len = (size_t)(close - v - 8);
		if (len == 0 || len >= tsz)
			return -1;
		memcpy(target, v + 8, len);
		target[len] = '\0';
		v = close + 1;
		if (strcmp(v, "choice") != 0 && strcmp(v, "jump") != 0) {
			target[0] = '\0';
			return -1;
		}
	} else if (strcmp(v, "choice") == 0 || strcmp(v, "jump") == 0) {
		return -1;
	}
	n = pa_seq_nav_parse(v);
	if (n < 0 || n == PA_SEQ_NAV_FORWARD || n == PA_SEQ_NAV_BACKWARD)
		return -1;
	*nav = (pa_seq_nav)n;
	return 0;
}

const char *pa_seq_nav_name(pa_seq_nav nav)
{
	return (unsigned)nav < sizeof(nav_names) / sizeof(nav_names[0]) ? nav_names[nav] : "";
}

static const struct { const char *code, *text; } exception_texts[] = {
	{ "NB.2.1-1", "the sequencing session has already begun" },
	{ "NB.2.1-2", "the sequencing session has not begun" },
	{ "NB.2.1-3", "no suspended activity" },
	{ "NB.2.1-4", "flow sequencing control mode violation" },
	{ "NB.2.1-5", "flow or forward only sequencing control mode violation" },
	{ "NB.2.1-6", "no activity is previous to the root" },
	{ "NB.2.1-7", "unsupported navigation request" },
	{ "NB.2.1-8", "choice exit sequencing control mode violation" },
	{ "NB.2.1-9", "no activities to consider" },
	{ "NB.2.1-10", "choice sequencing control mode violation" },
	{ "NB.2.1-11", "target activity does not exist" },
	{ "NB.2.1-12", "current activity already terminated" },
	{ "NB.2.1-13", "undefined navigation request" },
	{ "TB.2.3-1", "the sequencing session has not begun" },
	{ "TB.2.3-2", "current activity already terminated" },
	{ "TB.2.3-3", "cannot suspend an inactive root" },
	{ "TB.2.3-4", "activity tree root has no parent" },
	{ "TB.2.3-5", "nothing to suspend" },
	{ "TB.2.3-6", "nothing to abandon" },
	{ "TB.2.3-7", "undefined termination request" },
	{ "SB.2.1-1", "last activity in the tree" },
	{ "SB.2.1-2", "cluster has no available children" },
	{ "SB.2.1-3", "no activity is previous to the root" },
	{ "SB.2.1-4", "forward only sequencing control mode violation" },
	{ "SB.2.2-1", "flow sequencing control mode violation" },
	{ "SB.2.2-2", "activity unavailable" },
	{ "SB.2.4-1", "forward traversal blocked" },
	{ "SB.2.4-2", "forward only sequencing control mode violation" },
	{ "SB.2.4-3", "no activity is previous to the root" },
	{ "SB.2.5-1", "the sequencing session has already begun" },
	{ "SB.2.6-1", "the sequencing session has already begun" },
	{ "SB.2.6-2", "no suspended activity" },
	{ "SB.2.7-1", "the sequencing session has not begun" },
	{ "SB.2.7-2", "flow sequencing control mode violation" },
	{ "SB.2.8-1", "the sequencing session has not begun" },
	{ "SB.2.8-2", "flow sequencing control mode violation" },
	{ "SB.2.9-1", "no target for choice" },
	{ "SB.2.9-2", "target activity does not exist or is unavailable" },
	{ "SB.2.9-3", "target activity hidden from choice" },
	{ "SB.2.9-4", "choice sequencing control mode violation" },
	{ "SB.2.9-5", "no activities to consider" },
	{ "SB.2.9-6", "unable to activate target (prevent activation)" },
	{ "SB.2.9-7", "choice exit sequencing control mode violation" },
	{ "SB.2.9-8", "unable to choose target activity (constrained choice)" },
	{ "SB.2.9-9", "choice request prevented by flow-only activity" },
	{ "SB.2.10-1", "the sequencing session has not begun" },
	{ "SB.2.10-2", "current activity is active or suspended" },
	{ "SB.2.10-3", "flow sequencing control mode violation" },
	{ "SB.2.11-1", "the sequencing session has not begun" },
	{ "SB.2.11-2", "current activity has not been terminated" },
	{ "SB.2.12-1", "undefined sequencing request" },
	{ "SB.2.13-1", "the sequencing session has not begun" },
	{ "DB.1.1-1", "cannot deliver a non-leaf activity" },
	{ "DB.1.1-2", "nothing to deliver" },
	{ "DB.1.1-3", "activity unavailable" },
	{ "DB.2-1", "identified activity is already active" },
};

const char *pa_seq_exception_text(const char *code)
{
	for (size_t i = 0; code && i < sizeof(exception_texts) / sizeof(exception_texts[0]); i++)
		if (strcmp(exception_texts[i].code, code) == 0)
			return exception_texts[i].text;
	return "";
}
