/*
 * The tree description: a versioned, line-based text that carries an
 * activity tree and its sequencing definition (docs/sequencing.md). The
 * parser is strict (unknown keys, bad values, dangling references are
 * errors with the line number) and bounded (PA_SEQ_MAX_*).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/scorm/seq_impl.h"

#define MAX_TOKENS 256

typedef struct parser {
	pa_seq *seq;
	unsigned line;
	char *err;
	size_t cap;               /* of seq->acts */
} parser;

static int fail(parser *p, int code, const char *fmt, ...) SEQ_PRINTF(3, 4);

static int fail(parser *p, int code, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, PA_SEQ_ERR_SIZE, "line %u: ", p->line);

	if (n < 0 || n >= PA_SEQ_ERR_SIZE)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(p->err + n, PA_SEQ_ERR_SIZE - (size_t)n, fmt, ap);
	va_end(ap);
	return code;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode tok[0..len) into a new string; refuses NUL and bad escapes. */
int pa_seq__decode(char **out, const char *tok, size_t len)
{
	char *s;
	size_t j = 0;

	*out = NULL;
	if (len > PA_SEQ_MAX_ID * 3)
		return PA_SEQ_ELIMIT;
	s = malloc(len + 1);
	if (!s)
		return PA_SEQ_ENOMEM;
	for (size_t i = 0; i < len; i++) {
		if (tok[i] == '%') {
			int hi, lo;

			if (i + 2 >= len) {
				free(s);
				return PA_SEQ_EPARSE;
			}
			hi = hexval(tok[i + 1]);
			lo = hexval(tok[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				free(s);
				return PA_SEQ_EPARSE;
			}
			s[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			s[j++] = tok[i];
		}
	}
	s[j] = '\0';
	*out = s;
	return 0;
}

static void put_raw(char **buf, size_t *len, size_t *cap, const char *s, size_t n, bool *oom)
{
	if (*oom)
		return;
	if (*len + n + 1 > *cap) {
		size_t ncap = *cap ? *cap : 256;
		char *nb;

		while (*len + n + 1 > ncap) {
			if (ncap > SIZE_MAX / 2) {
				*oom = true;
				return;
			}
			ncap *= 2;
		}
		nb = realloc(*buf, ncap);
		if (!nb) {
			*oom = true;
			return;
		}
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/* Append s percent-encoded: every byte outside [A-Za-z0-9._:-] becomes %XX,
 * so identifiers (anyURI objective IDs too) are single safe tokens. */
void pa_seq__put_encoded(char **buf, size_t *len, size_t *cap, const char *s, bool *oom)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-' || *c == ':') {
			put_raw(buf, len, cap, (const char *)c, 1, oom);
		} else {
			char e[3] = { '%', hex[*c >> 4], hex[*c & 15] };

			put_raw(buf, len, cap, e, 3, oom);
		}
	}
}

int pa_seq__find(const pa_seq *seq, const char *id)
{
	for (size_t i = 0; i < seq->nact; i++)
		if (strcmp(seq->acts[i].id, id) == 0)
			return (int)i;
	return -1;
}

int pa_seq__global(pa_seq *seq, const char *id)
{
	seq_global *g;

	for (size_t i = 0; i < seq->nglobal; i++)
		if (strcmp(seq->globals[i].id, id) == 0)
			return (int)i;
	if (seq->nglobal >= PA_SEQ_MAX_ACTIVITIES * 4)
		return -1;
	g = realloc(seq->globals, (seq->nglobal + 1) * sizeof(*g));
	if (!g)
		return -1;
	seq->globals = g;
	memset(&g[seq->nglobal], 0, sizeof(*g));
	g[seq->nglobal].id = malloc(strlen(id) + 1);
	if (!g[seq->nglobal].id)
		return -1;
	memcpy(g[seq->nglobal].id, id, strlen(id) + 1);
	return (int)seq->nglobal++;
}

static void free_rules(seq_rule *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(r[i].conds);
	free(r);
}

void pa_seq__free_contents(pa_seq *seq)
{
	for (size_t i = 0; i < seq->nact; i++) {
		seq_activity *a = &seq->acts[i];

		free(a->id);
		free(a->title);
		free(a->children);
		free(a->avail);
		free_rules(a->rules, a->nrule);
		free_rules(a->rollups, a->nrollup);
		for (size_t o = 0; o < a->nobj; o++) {
			free(a->objectives[o].id);
			free(a->objectives[o].maps);
		}
		free(a->objectives);
	}
	free(seq->acts);
	for (size_t i = 0; i < seq->nglobal; i++)
		free(seq->globals[i].id);
	free(seq->globals);
	seq->acts = NULL;
	seq->nact = 0;
	seq->globals = NULL;
	seq->nglobal = 0;
}

void pa_seq_free(pa_seq *seq)
{
	if (!seq)
		return;
	pa_seq__free_contents(seq);
	free(seq);
}

/* --- tokens -------------------------------------------------------------- */

typedef struct token {
	const char *s;
	size_t n;
} token;

static bool tok_is(const token *t, const char *word)
{
	return strlen(word) == t->n && memcmp(t->s, word, t->n) == 0;
}

static int tok_decode(parser *p, char **out, const token *t, const char *what)
{
	int rc = pa_seq__decode(out, t->s, t->n);

	if (rc == PA_SEQ_ENOMEM)
		return fail(p, rc, "out of memory");
	if (rc)
		return fail(p, rc, "bad %s '%.*s'", what, (int)(t->n > 60 ? 60 : t->n), t->s);
	if (!**out && strcmp(what, "title") != 0) {
		free(*out);
		*out = NULL;
		return fail(p, PA_SEQ_EPARSE, "empty %s", what);
	}
	return 0;
}

static int parse_bool(parser *p, bool *out, const char *key, const char *v)
{
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
		*out = true;
	else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
		*out = false;
	else
		return fail(p, PA_SEQ_EPARSE, "%s must be 0 or 1, not '%s'", key, v);
	return 0;
}

static int parse_num(parser *p, double *out, const char *key, const char *v, double min, double max)
{
	char *end;
	double d;

	errno = 0;
	if (!*v || strchr(" \t+", v[0]))
		return fail(p, PA_SEQ_EPARSE, "%s: '%s' is not a number", key, v);
	d = strtod(v, &end);
	if (errno || *end || !isfinite(d))
		return fail(p, PA_SEQ_EPARSE, "%s: '%s' is not a number", key, v);
	if (d < min || d > max)
		return fail(p, PA_SEQ_EPARSE, "%s: %s is out of range [%g, %g]", key, v, min, max);
	*out = d;
	return 0;
}

static int parse_uint(parser *p, long *out, const char *key, const char *v, long max)
{
	long n = 0;

	if (!*v)
		return fail(p, PA_SEQ_EPARSE, "%s: empty", key);
	for (const char *c = v; *c; c++) {
		if (*c < '0' || *c > '9')
			return fail(p, PA_SEQ_EPARSE, "%s: '%s' is not a non-negative integer", key, v);
		if (n > (max - (*c - '0')) / 10)
			return fail(p, PA_SEQ_EPARSE, "%s: %s is out of range [0, %ld]", key, v, max);
		n = n * 10 + (*c - '0');
	}
	*out = n;
	return 0;
}

static const char *const action_names[] = {
	"", "skip", "disabled", "hiddenFromChoice", "stopForwardTraversal", "exit",
	"exitParent", "exitAll", "retry", "retryAll", "continue", "previous",
	"satisfied", "notSatisfied", "completed", "incomplete"
};

static const char *const cond_names[] = {
	"satisfied", "objectiveStatusKnown", "objectiveMeasureKnown",
	"objectiveMeasureGreaterThan", "objectiveMeasureLessThan", "completed",
	"activityProgressKnown", "attempted", "attemptLimitExceeded",
	"timeLimitExceeded", "outsideAvailableTimeRange", "always"
};

static int lookup(const char *const *names, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return (int)i;
	return -1;
}

static int parse_timing(parser *p, seq_timing *out, const char *key, const char *v)
{
	if (strcmp(v, "never") == 0)
		*out = TIMING_NEVER;
	else if (strcmp(v, "once") == 0)
		*out = TIMING_ONCE;
	else if (strcmp(v, "onEachNewAttempt") == 0)
		*out = TIMING_EACH_NEW_ATTEMPT;
	else
		return fail(p, PA_SEQ_EPARSE, "%s: '%s' is not never, once or onEachNewAttempt", key, v);
	return 0;
}

static int parse_required(parser *p, seq_required *out, const char *key, const char *v)
{
	if (strcmp(v, "always") == 0)
		*out = REQ_ALWAYS;
	else if (strcmp(v, "ifAttempted") == 0)
		*out = REQ_IF_ATTEMPTED;
	else if (strcmp(v, "ifNotSkipped") == 0)
		*out = REQ_IF_NOT_SKIPPED;
	else if (strcmp(v, "ifNotSuspended") == 0)
		*out = REQ_IF_NOT_SUSPENDED;
	else
		return fail(p, PA_SEQ_EPARSE, "%s: '%s' is not always, ifAttempted, ifNotSkipped or ifNotSuspended", key, v);
	return 0;
}

static int parse_hide(parser *p, unsigned *out, const char *v)
{
	static const char *const names[] = { "previous", "continue", "exit", "exitAll",
		"abandon", "abandonAll", "suspendAll" };
	const char *s = v;

	*out = 0;
	while (*s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		int i = lookup(names, sizeof(names) / sizeof(names[0]), s, n);

		if (i < 0)
			return fail(p, PA_SEQ_EPARSE, "hideLMSUI: '%.*s' is not a control", (int)(n > 40 ? 40 : n), s);
		*out |= 1u << i;
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

static int set_activity_key(parser *p, seq_activity *a, const char *k, const char *v)
{
	long n;
	int rc = 0;

	if (strcmp(k, "title") == 0) {
		char *t;
		token tk = { v, strlen(v) };

		if ((rc = tok_decode(p, &t, &tk, "title")))
			return rc;
		free(a->title);
		a->title = t;
	}
	else if (strcmp(k, "visible") == 0) rc = parse_bool(p, &a->visible, k, v);
	else if (strcmp(k, "hideLMSUI") == 0) rc = parse_hide(p, &a->hide_ui, v);
	else if (strcmp(k, "choice") == 0) rc = parse_bool(p, &a->choice, k, v);
	else if (strcmp(k, "choiceExit") == 0) rc = parse_bool(p, &a->choice_exit, k, v);
	else if (strcmp(k, "flow") == 0) rc = parse_bool(p, &a->flow, k, v);
	else if (strcmp(k, "forwardOnly") == 0) rc = parse_bool(p, &a->forward_only, k, v);
	else if (strcmp(k, "useCurrentAttemptObjectiveInfo") == 0) rc = parse_bool(p, &a->use_obj_info, k, v);
	else if (strcmp(k, "useCurrentAttemptProgressInfo") == 0) rc = parse_bool(p, &a->use_prog_info, k, v);
	else if (strcmp(k, "attemptLimit") == 0) {
		if (!(rc = parse_uint(p, &n, k, v, 1000000000L)))
			a->attempt_limit = (unsigned)n;
	}
	/* Duration limits in seconds, up to about 31,700 years. */
	else if (strcmp(k, "attemptAbsoluteDurationLimit") == 0) rc = parse_num(p, &a->limit_attempt_abs, k, v, 0, 1e12);
	else if (strcmp(k, "attemptExperiencedDurationLimit") == 0) rc = parse_num(p, &a->limit_attempt_exp, k, v, 0, 1e12);
	else if (strcmp(k, "activityAbsoluteDurationLimit") == 0) rc = parse_num(p, &a->limit_activity_abs, k, v, 0, 1e12);
	else if (strcmp(k, "activityExperiencedDurationLimit") == 0) rc = parse_num(p, &a->limit_activity_exp, k, v, 0, 1e12);
	/* Time limits in Unix seconds, years 1 to 9999. */
	else if (strcmp(k, "beginTimeLimit") == 0) {
		if (!(rc = parse_num(p, &a->begin_limit, k, v, -62135596800.0, 253402300799.0)))
			a->begin_limit_set = true;
	}
	else if (strcmp(k, "endTimeLimit") == 0) {
		if (!(rc = parse_num(p, &a->end_limit, k, v, -62135596800.0, 253402300799.0)))
			a->end_limit_set = true;
	}
	else if (strcmp(k, "selectionTiming") == 0) rc = parse_timing(p, &a->sel_timing, k, v);
	else if (strcmp(k, "randomizationTiming") == 0) rc = parse_timing(p, &a->rand_timing, k, v);
	else if (strcmp(k, "selectCount") == 0) {
		if (!(rc = parse_uint(p, &n, k, v, 1000000000L)))
			a->select_count = n;
	}
	else if (strcmp(k, "reorderChildren") == 0) rc = parse_bool(p, &a->reorder, k, v);
	else if (strcmp(k, "tracked") == 0) rc = parse_bool(p, &a->tracked, k, v);
	else if (strcmp(k, "completionSetByContent") == 0) rc = parse_bool(p, &a->completion_by_content, k, v);
	else if (strcmp(k, "objectiveSetByContent") == 0) rc = parse_bool(p, &a->objective_by_content, k, v);
	else if (strcmp(k, "preventActivation") == 0) rc = parse_bool(p, &a->prevent_activation, k, v);
	else if (strcmp(k, "constrainChoice") == 0) rc = parse_bool(p, &a->constrain_choice, k, v);
	else if (strcmp(k, "rollupObjectiveSatisfied") == 0) rc = parse_bool(p, &a->rollup_satisfied, k, v);
	else if (strcmp(k, "rollupProgressCompletion") == 0) rc = parse_bool(p, &a->rollup_completion, k, v);
	else if (strcmp(k, "objectiveMeasureWeight") == 0) rc = parse_num(p, &a->measure_weight, k, v, 0, 1);
	else if (strcmp(k, "requiredForSatisfied") == 0) rc = parse_required(p, &a->req_satisfied, k, v);
	else if (strcmp(k, "requiredForNotSatisfied") == 0) rc = parse_required(p, &a->req_not_satisfied, k, v);
	else if (strcmp(k, "requiredForCompleted") == 0) rc = parse_required(p, &a->req_completed, k, v);
	else if (strcmp(k, "requiredForIncomplete") == 0) rc = parse_required(p, &a->req_incomplete, k, v);
	else if (strcmp(k, "measureSatisfactionIfActive") == 0) rc = parse_bool(p, &a->measure_satisfaction_if_active, k, v);
	else if (strcmp(k, "completedByMeasure") == 0) rc = parse_bool(p, &a->completed_by_measure, k, v);
	else if (strcmp(k, "minProgressMeasure") == 0) rc = parse_num(p, &a->min_progress_measure, k, v, 0, 1);
	else if (strcmp(k, "progressWeight") == 0) rc = parse_num(p, &a->progress_weight, k, v, 0, 1);
	else
		rc = fail(p, PA_SEQ_EPARSE, "unknown activity attribute '%s'", k);
	return rc;
}

/* Split "key=value" (value may be empty) into NUL-terminated copies. */
static int split_kv(parser *p, const token *t, char *k, size_t ksz, char **v)
{
	const char *eq = memchr(t->s, '=', t->n);
	size_t kl;

	if (!eq)
		return fail(p, PA_SEQ_EPARSE, "expected key=value, got '%.*s'", (int)(t->n > 40 ? 40 : t->n), t->s);
	kl = (size_t)(eq - t->s);
	if (kl == 0 || kl >= ksz)
		return fail(p, PA_SEQ_EPARSE, "bad key in '%.*s'", (int)(t->n > 40 ? 40 : t->n), t->s);
	memcpy(k, t->s, kl);
	k[kl] = '\0';
	*v = malloc(t->n - kl);
	if (!*v)
		return fail(p, PA_SEQ_ENOMEM, "out of memory");
	memcpy(*v, eq + 1, t->n - kl - 1);
	(*v)[t->n - kl - 1] = '\0';
	return 0;
}

static void activity_defaults(seq_activity *a)
{
	memset(a, 0, sizeof(*a));
	a->visible = true;
	a->choice = a->choice_exit = a->flow = false;
	a->choice = true;
	a->choice_exit = true;
	a->use_obj_info = a->use_prog_info = true;
	a->rollup_satisfied = a->rollup_completion = true;
	a->measure_weight = 1.0;
	a->select_count = -1;
	a->tracked = true;
	a->progress_weight = 1.0;
	a->measure_satisfaction_if_active = true;
	a->min_progress_measure = 1.0;
	a->limit_attempt_abs = a->limit_attempt_exp = -1;
	a->limit_activity_abs = a->limit_activity_exp = -1;
}

static int add_child(seq_activity *parent, int child)
{
	int *c = realloc(parent->children, (parent->nchild + 1) * sizeof(int));

	if (!c)
		return PA_SEQ_ENOMEM;
	parent->children = c;
	c[parent->nchild++] = child;
	return 0;
}

static int parse_activity(parser *p, token *t, size_t nt)
{
	pa_seq *seq = p->seq;
	seq_activity *a;
	char *id = NULL, *parent = NULL;
	int pi = -1, rc;

	if (nt < 3)
		return fail(p, PA_SEQ_EPARSE, "activity needs an identifier and a parent (or -)");
	if (seq->nact >= PA_SEQ_MAX_ACTIVITIES)
		return fail(p, PA_SEQ_ELIMIT, "more than %d activities", PA_SEQ_MAX_ACTIVITIES);
	if ((rc = tok_decode(p, &id, &t[1], "identifier")))
		return rc;
	if (pa_seq__find(seq, id) >= 0) {
		rc = fail(p, PA_SEQ_EPARSE, "activity '%s' is defined twice", id);
		goto done;
	}
	if (tok_is(&t[2], "-")) {
		if (seq->nact > 0) {
			rc = fail(p, PA_SEQ_EPARSE, "activity '%s': only the first activity is the root", id);
			goto done;
		}
	} else {
		if ((rc = tok_decode(p, &parent, &t[2], "parent")))
			goto done;
		pi = pa_seq__find(seq, parent);
		if (pi < 0) {
			rc = fail(p, PA_SEQ_EPARSE, "activity '%s': unknown parent '%s' (parents come first)", id, parent);
			goto done;
		}
		if (seq->acts[pi].depth + 1 >= PA_SEQ_MAX_DEPTH) {
			rc = fail(p, PA_SEQ_ELIMIT, "activity '%s': tree deeper than %d", id, PA_SEQ_MAX_DEPTH);
			goto done;
		}
		/* Preorder: a child comes right after its parent's subtree so far. */
		for (int x = (int)seq->nact - 1; x != pi; x = seq->acts[x].parent) {
			if (x < 0) {
				rc = fail(p, PA_SEQ_EPARSE, "activity '%s': not in preorder (parent '%s' is closed)", id, parent);
				goto done;
			}
		}
	}
	if (seq->nact == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 16;
		seq_activity *na = realloc(seq->acts, ncap * sizeof(*na));

		if (!na) {
			rc = fail(p, PA_SEQ_ENOMEM, "out of memory");
			goto done;
		}
		seq->acts = na;
		p->cap = ncap;
	}
	a = &seq->acts[seq->nact];
	activity_defaults(a);
	a->id = id;
	id = NULL;
	a->parent = pi;
	a->depth = pi < 0 ? 0 : seq->acts[pi].depth + 1;
	seq->nact++;
	if (pi >= 0 && add_child(&seq->acts[pi], (int)seq->nact - 1)) {
		rc = fail(p, PA_SEQ_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 3; i < nt; i++) {
		char k[64], *v = NULL;

		if ((rc = split_kv(p, &t[i], k, sizeof(k), &v)))
			goto done;
		rc = set_activity_key(p, a, k, v);
		free(v);
		if (rc)
			goto done;
	}
	rc = 0;
done:
	free(id);
	free(parent);
	return rc;
}

static int find_activity_tok(parser *p, int *out, const token *t)
{
	char *id;
	int rc;

	if ((rc = tok_decode(p, &id, t, "identifier")))
		return rc;
	*out = pa_seq__find(p->seq, id);
	if (*out < 0)
		rc = fail(p, PA_SEQ_EPARSE, "unknown activity '%s'", id);
	free(id);
	return rc;
}

static int find_objective(const seq_activity *a, const char *id)
{
	for (size_t i = 0; i < a->nobj; i++)
		if (strcmp(a->objectives[i].id, id) == 0)
			return (int)i;
	return -1;
}

static int add_objective(parser *p, seq_activity *a, const char *id, bool primary)
{
	seq_objective *o;

	if (a->nobj >= 1000)
		return fail(p, PA_SEQ_ELIMIT, "more than 1000 objectives on one activity");
	o = realloc(a->objectives, (a->nobj + 1) * sizeof(*o));
	if (!o)
		return fail(p, PA_SEQ_ENOMEM, "out of memory");
	a->objectives = o;
	memset(&o[a->nobj], 0, sizeof(*o));
	o[a->nobj].id = malloc(strlen(id) + 1);
	if (!o[a->nobj].id)
		return fail(p, PA_SEQ_ENOMEM, "out of memory");
	memcpy(o[a->nobj].id, id, strlen(id) + 1);
	o[a->nobj].primary = primary;
	o[a->nobj].min_measure = 1.0;
	a->nobj++;
	if (primary && a->nobj > 1) {
		/* Keep the primary objective first; rules naming the others by
		 * index follow them. */
		seq_objective tmp = o[a->nobj - 1];

		memmove(&o[1], &o[0], (a->nobj - 1) * sizeof(*o));
		o[0] = tmp;
		for (size_t r = 0; r < a->nrule; r++)
			for (size_t c = 0; c < a->rules[r].ncond; c++)
				if (a->rules[r].conds[c].objective >= 0)
					a->rules[r].conds[c].objective++;
	}
	return 0;
}

static int parse_objective(parser *p, token *t, size_t nt)
{
	int ai, rc;
	char *id = NULL;
	seq_activity *a;
	seq_objective *o;
	bool primary = false;
	size_t first = 3;

	if (nt < 3)
		return fail(p, PA_SEQ_EPARSE, "objective needs an activity and an objective identifier");
	if ((rc = find_activity_tok(p, &ai, &t[1])))
		return rc;
	a = &p->seq->acts[ai];
	if (nt > 3 && tok_is(&t[3], "primary")) {
		primary = true;
		first = 4;
	}
	/* "-": a primary objective without an identifier (it can have no map). */
	if (primary && tok_is(&t[2], "-")) {
		id = malloc(1);
		if (!id)
			return fail(p, PA_SEQ_ENOMEM, "out of memory");
		id[0] = '\0';
	} else if ((rc = tok_decode(p, &id, &t[2], "objective identifier"))) {
		return rc;
	}
	if (find_objective(a, id) >= 0) {
		rc = fail(p, PA_SEQ_EPARSE, "activity '%s': objective '%s' is defined twice", a->id, id);
		goto done;
	}
	if (primary && a->nobj && a->objectives[0].primary) {
		rc = fail(p, PA_SEQ_EPARSE, "activity '%s': a second primary objective '%s'", a->id, id);
		goto done;
	}
	if ((rc = add_objective(p, a, id, primary)))
		goto done;
	o = primary ? &a->objectives[0] : &a->objectives[a->nobj - 1];
	for (size_t i = first; i < nt; i++) {
		char k[64], *v = NULL;

		if ((rc = split_kv(p, &t[i], k, sizeof(k), &v)))
			goto done;
		if (strcmp(k, "satisfiedByMeasure") == 0)
			rc = parse_bool(p, &o->satisfied_by_measure, k, v);
		else if (strcmp(k, "minMeasure") == 0)
			rc = parse_num(p, &o->min_measure, k, v, -1, 1);
		else
			rc = fail(p, PA_SEQ_EPARSE, "unknown objective attribute '%s'", k);
		free(v);
		if (rc)
			goto done;
	}
done:
	free(id);
	return rc;
}

static int parse_map(parser *p, token *t, size_t nt)
{
	static const char *const keys[] = { "readSatisfied", "writeSatisfied", "readMeasure",
		"writeMeasure", "readCompletion", "writeCompletion", "readProgress", "writeProgress",
		"readRaw", "writeRaw", "readMin", "writeMin", "readMax", "writeMax" };
	int ai, oi, gi, rc;
	char *oid = NULL, *gid = NULL;
	seq_objective *o;
	seq_map *m;
	unsigned flags = MAP_READ_SATISFIED | MAP_READ_MEASURE;

	if (nt < 4)
		return fail(p, PA_SEQ_EPARSE, "map needs an activity, an objective and a target objective");
	if ((rc = find_activity_tok(p, &ai, &t[1])))
		return rc;
	if ((rc = tok_decode(p, &oid, &t[2], "objective identifier")) ||
	    (rc = tok_decode(p, &gid, &t[3], "target objective identifier")))
		goto done;
	oi = find_objective(&p->seq->acts[ai], oid);
	if (oi < 0) {
		rc = fail(p, PA_SEQ_EPARSE, "activity '%s' has no objective '%s'", p->seq->acts[ai].id, oid);
		goto done;
	}
	for (size_t i = 4; i < nt; i++) {
		char k[64], *v = NULL;
		bool b = false;
		int ki;

		if ((rc = split_kv(p, &t[i], k, sizeof(k), &v)))
			goto done;
		ki = lookup(keys, sizeof(keys) / sizeof(keys[0]), k, strlen(k));
		if (ki < 0)
			rc = fail(p, PA_SEQ_EPARSE, "unknown map attribute '%s'", k);
		else
			rc = parse_bool(p, &b, k, v);
		free(v);
		if (rc)
			goto done;
		if (b)
			flags |= 1u << ki;
		else
			flags &= ~(1u << ki);
	}
	gi = pa_seq__global(p->seq, gid);
	if (gi < 0) {
		rc = fail(p, PA_SEQ_ENOMEM, "out of memory");
		goto done;
	}
	o = &p->seq->acts[ai].objectives[oi];
	if (o->nmap >= 100) {
		rc = fail(p, PA_SEQ_ELIMIT, "more than 100 maps on one objective");
		goto done;
	}
	m = realloc(o->maps, (o->nmap + 1) * sizeof(*m));
	if (!m) {
		rc = fail(p, PA_SEQ_ENOMEM, "out of memory");
		goto done;
	}
	o->maps = m;
	m[o->nmap].global = gi;
	m[o->nmap].flags = flags;
	o->nmap++;
done:
	free(oid);
	free(gid);
	return rc;
}

/* "[!]name[/objective][@threshold]" */
static int parse_cond(parser *p, seq_cond *c, const seq_activity *a, const token *t, bool rollup)
{
	const char *s = t->s, *end = t->s + t->n, *slash, *at;
	size_t nlen;
	int k, rc = 0;

	memset(c, 0, sizeof(*c));
	c->objective = -1;
	if (s < end && *s == '!') {
		c->negate = true;
		s++;
	}
	slash = memchr(s, '/', (size_t)(end - s));
	at = memchr(s, '@', (size_t)(end - s));
	nlen = (size_t)((slash ? slash : at ? at : end) - s);
	k = lookup(cond_names, sizeof(cond_names) / sizeof(cond_names[0]), s, nlen);
	if (k < 0)
		return fail(p, PA_SEQ_EPARSE, "unknown condition '%.*s'", (int)(nlen > 40 ? 40 : nlen), s);
	c->kind = (seq_cond_kind)k;
	if (rollup && (k == COND_OBJECTIVE_MEASURE_GREATER_THAN || k == COND_OBJECTIVE_MEASURE_LESS_THAN || k == COND_ALWAYS))
		return fail(p, PA_SEQ_EPARSE, "'%s' is not a rollup condition", cond_names[k]);
	if (slash) {
		token ot = { slash + 1, (size_t)((at && at > slash ? at : end) - slash - 1) };
		char *oid;

		if (rollup)
			return fail(p, PA_SEQ_EPARSE, "rollup conditions take no objective");
		if ((rc = tok_decode(p, &oid, &ot, "objective identifier")))
			return rc;
		c->objective = find_objective(a, oid);
		if (c->objective < 0)
			rc = fail(p, PA_SEQ_EPARSE, "activity '%s' has no objective '%s'", a->id, oid);
		free(oid);
		if (rc)
			return rc;
	}
	if (at) {
		char num[64];
		size_t n = (size_t)(end - at - 1);

		if (n == 0 || n >= sizeof(num))
			return fail(p, PA_SEQ_EPARSE, "bad threshold");
		memcpy(num, at + 1, n);
		num[n] = '\0';
		if ((rc = parse_num(p, &c->threshold, "measureThreshold", num, -1, 1)))
			return rc;
	}
	return 0;
}

static int push_rule(parser *p, seq_rule **rules, size_t *n, seq_rule *r)
{
	seq_rule *nr;

	if (*n >= 1000) {
		free(r->conds);
		return fail(p, PA_SEQ_ELIMIT, "more than 1000 rules on one activity");
	}
	nr = realloc(*rules, (*n + 1) * sizeof(*nr));
	if (!nr) {
		free(r->conds);
		return fail(p, PA_SEQ_ENOMEM, "out of memory");
	}
	*rules = nr;
	nr[(*n)++] = *r;
	return 0;
}

static int parse_conds(parser *p, seq_rule *r, const seq_activity *a, token *t, size_t nt, bool rollup)
{
	if (tok_is(&t[0], "any"))
		r->any = true;
	else if (!tok_is(&t[0], "all"))
		return fail(p, PA_SEQ_EPARSE, "condition combination must be all or any");
	if (nt < 2)
		return fail(p, PA_SEQ_EPARSE, "a rule needs at least one condition");
	r->conds = calloc(nt - 1, sizeof(*r->conds));
	if (!r->conds)
		return fail(p, PA_SEQ_ENOMEM, "out of memory");
	for (size_t i = 1; i < nt; i++) {
		int rc = parse_cond(p, &r->conds[i - 1], a, &t[i], rollup);

		if (rc) {
			free(r->conds);
			r->conds = NULL;
			return rc;
		}
	}
	r->ncond = nt - 1;
	return 0;
}

static int parse_rule(parser *p, token *t, size_t nt)
{
	seq_rule r;
	seq_activity *a;
	int ai, act, rc;

	memset(&r, 0, sizeof(r));
	if (nt < 6)
		return fail(p, PA_SEQ_EPARSE, "rule needs: activity pre|exit|post action all|any condition...");
	if ((rc = find_activity_tok(p, &ai, &t[1])))
		return rc;
	a = &p->seq->acts[ai];
	act = lookup(action_names, sizeof(action_names) / sizeof(action_names[0]), t[3].s, t[3].n);
	if (tok_is(&t[2], "pre")) {
		r.kind = RULE_PRE;
		if (act < ACT_SKIP || act > ACT_STOP_FORWARD_TRAVERSAL)
			return fail(p, PA_SEQ_EPARSE, "'%.*s' is not a precondition action (skip, disabled, hiddenFromChoice, stopForwardTraversal)", (int)(t[3].n > 40 ? 40 : t[3].n), t[3].s);
	} else if (tok_is(&t[2], "exit")) {
		r.kind = RULE_EXIT;
		if (act != ACT_EXIT)
			return fail(p, PA_SEQ_EPARSE, "'%.*s' is not an exit action (exit)", (int)(t[3].n > 40 ? 40 : t[3].n), t[3].s);
	} else if (tok_is(&t[2], "post")) {
		r.kind = RULE_POST;
		if (act < ACT_EXIT_PARENT || act > ACT_PREVIOUS)
			return fail(p, PA_SEQ_EPARSE, "'%.*s' is not a post condition action (exitParent, exitAll, retry, retryAll, continue, previous)", (int)(t[3].n > 40 ? 40 : t[3].n), t[3].s);
	} else {
		return fail(p, PA_SEQ_EPARSE, "rule kind must be pre, exit or post");
	}
	r.action = (seq_action)act;
	if ((rc = parse_conds(p, &r, a, &t[4], nt - 4, false)))
		return rc;
	return push_rule(p, &a->rules, &a->nrule, &r);
}

static int parse_rollup(parser *p, token *t, size_t nt)
{
	seq_rule r;
	seq_activity *a;
	int ai, act, rc;
	const char *colon;

	memset(&r, 0, sizeof(r));
	if (nt < 6)
		return fail(p, PA_SEQ_EPARSE, "rollup needs: activity childActivitySet action all|any condition...");
	if ((rc = find_activity_tok(p, &ai, &t[1])))
		return rc;
	a = &p->seq->acts[ai];
	colon = memchr(t[2].s, ':', t[2].n);
	if (tok_is(&t[2], "all"))
		r.set = SET_ALL;
	else if (tok_is(&t[2], "any"))
		r.set = SET_ANY;
	else if (tok_is(&t[2], "none"))
		r.set = SET_NONE;
	else if (colon && (size_t)(colon - t[2].s) == 12 && memcmp(t[2].s, "atLeastCount", 12) == 0) {
		char num[32];
		long n;
		size_t len = t[2].n - 13;

		if (len == 0 || len >= sizeof(num))
			return fail(p, PA_SEQ_EPARSE, "bad atLeastCount");
		memcpy(num, colon + 1, len);
		num[len] = '\0';
		if ((rc = parse_uint(p, &n, "minimumCount", num, 1000000)))
			return rc;
		r.set = SET_AT_LEAST_COUNT;
		r.minimum = (double)n;
	} else if (colon && (size_t)(colon - t[2].s) == 14 && memcmp(t[2].s, "atLeastPercent", 14) == 0) {
		char num[32];
		size_t len = t[2].n - 15;

		if (len == 0 || len >= sizeof(num))
			return fail(p, PA_SEQ_EPARSE, "bad atLeastPercent");
		memcpy(num, colon + 1, len);
		num[len] = '\0';
		if ((rc = parse_num(p, &r.minimum, "minimumPercent", num, 0, 1)))
			return rc;
		r.set = SET_AT_LEAST_PERCENT;
	} else {
		return fail(p, PA_SEQ_EPARSE, "child activity set must be all, any, none, atLeastCount:N or atLeastPercent:P");
	}
	act = lookup(action_names, sizeof(action_names) / sizeof(action_names[0]), t[3].s, t[3].n);
	if (act < ACT_SATISFIED)
		return fail(p, PA_SEQ_EPARSE, "'%.*s' is not a rollup action (satisfied, notSatisfied, completed, incomplete)", (int)(t[3].n > 40 ? 40 : t[3].n), t[3].s);
	r.action = (seq_action)act;
	if ((rc = parse_conds(p, &r, a, &t[4], nt - 4, true)))
		return rc;
	return push_rule(p, &a->rollups, &a->nrollup, &r);
}

static int parse_option(parser *p, token *t, size_t nt)
{
	for (size_t i = 1; i < nt; i++) {
		char k[64], *v = NULL;
		int rc;

		if ((rc = split_kv(p, &t[i], k, sizeof(k), &v)))
			return rc;
		if (strcmp(k, "objectivesGlobalToSystem") == 0)
			rc = parse_bool(p, &p->seq->globals_to_system, k, v);
		else
			rc = fail(p, PA_SEQ_EPARSE, "unknown option '%s'", k);
		free(v);
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_line(parser *p, const char *s, size_t n)
{
	token t[MAX_TOKENS];
	size_t nt = 0, i = 0;

	while (i < n) {
		size_t st;

		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
			i++;
			continue;
		}
		if (nt == MAX_TOKENS)
			return fail(p, PA_SEQ_ELIMIT, "more than %d words on a line", MAX_TOKENS);
		st = i;
		while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				return fail(p, PA_SEQ_EPARSE, "control character");
			i++;
		}
		t[nt].s = s + st;
		t[nt].n = i - st;
		nt++;
	}
	if (nt == 0 || t[0].s[0] == '#')
		return 0;
	if (tok_is(&t[0], "activity"))
		return parse_activity(p, t, nt);
	if (p->seq->nact == 0 && !tok_is(&t[0], "option"))
		return fail(p, PA_SEQ_EPARSE, "the first activity (the root) must come before '%.*s'", (int)(t[0].n > 20 ? 20 : t[0].n), t[0].s);
	if (tok_is(&t[0], "objective"))
		return parse_objective(p, t, nt);
	if (tok_is(&t[0], "map"))
		return parse_map(p, t, nt);
	if (tok_is(&t[0], "rule"))
		return parse_rule(p, t, nt);
	if (tok_is(&t[0], "rollup"))
		return parse_rollup(p, t, nt);
	if (tok_is(&t[0], "option"))
		return parse_option(p, t, nt);
	return fail(p, PA_SEQ_EPARSE, "unknown line kind '%.*s'", (int)(t[0].n > 20 ? 20 : t[0].n), t[0].s);
}

static int finish(parser *p)
{
	pa_seq *seq = p->seq;

	if (seq->nact == 0)
		return fail(p, PA_SEQ_EPARSE, "no activity");
	for (size_t i = 0; i < seq->nact; i++) {
		seq_activity *a = &seq->acts[i];

		if (!a->title) {
			a->title = malloc(strlen(a->id) + 1);
			if (!a->title)
				return fail(p, PA_SEQ_ENOMEM, "out of memory");
			memcpy(a->title, a->id, strlen(a->id) + 1);
		}
		/* Every activity has a primary objective (SM.6), perhaps implicit. */
		if (a->nobj == 0 || !a->objectives[0].primary) {
			if (add_objective(p, a, "", true))
				return PA_SEQ_ENOMEM;
		}
		if (a->nchild) {
			a->avail = malloc(a->nchild * sizeof(int));
			if (!a->avail)
				return fail(p, PA_SEQ_ENOMEM, "out of memory");
			memcpy(a->avail, a->children, a->nchild * sizeof(int));
			a->navail = a->nchild;
		}
	}
	return 0;
}

int pa_seq_new(pa_seq **out, const char *text, size_t len, uint64_t seed, char err[PA_SEQ_ERR_SIZE])
{
	parser p;
	pa_seq *seq;
	size_t i = 0;
	int rc = 0;
	bool header = false;

	*out = NULL;
	err[0] = '\0';
	memset(&p, 0, sizeof(p));
	p.err = err;
	if (len > PA_SEQ_MAX_TEXT)
		return fail(&p, PA_SEQ_ELIMIT, "description larger than %zu bytes", PA_SEQ_MAX_TEXT);
	seq = calloc(1, sizeof(*seq));
	if (!seq)
		return fail(&p, PA_SEQ_ENOMEM, "out of memory");
	seq->current = seq->suspended_activity = -1;
	seq->globals_to_system = true;
	seq->rng = seed ^ 0x9E3779B97F4A7C15ull;
	if (!seq->rng)
		seq->rng = 1;
	p.seq = seq;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;

		p.line++;
		if (memchr(text + i, '\0', n)) {
			rc = fail(&p, PA_SEQ_EPARSE, "NUL byte");
			goto done;
		}
		if (!header) {
			const char *h = "pa-seqtree 1";
			size_t hn = strlen(h);

			size_t m = n && text[i + n - 1] == '\r' ? n - 1 : n;

			if (m >= 10 && memcmp(text + i, "pa-seqtree", 10) == 0 &&
			    !(m == hn && memcmp(text + i, h, hn) == 0)) {
				rc = fail(&p, PA_SEQ_EPARSE, "unsupported version '%.*s' (this engine reads pa-seqtree %d)",
					  (int)(n > 40 ? 40 : n), text + i, PA_SEQ_TREE_VERSION);
				goto done;
			}
			if (m != hn || memcmp(text + i, h, hn) != 0) {
				rc = fail(&p, PA_SEQ_EPARSE, "not a tree description (it starts with 'pa-seqtree 1')");
				goto done;
			}
			header = true;
		} else if ((rc = parse_line(&p, text + i, n))) {
			goto done;
		}
		i += n + 1;
	}
	if (!header) {
		p.line = 1;
		rc = fail(&p, PA_SEQ_EPARSE, "empty description");
		goto done;
	}
	if ((rc = finish(&p)))
		goto done;
	pa_seq__select_randomize_once(seq);
	*out = seq;
	seq = NULL;
done:
	pa_seq_free(seq);
	return rc;
}

/* Deep copy, for evaluating a request without changing anything. */
int pa_seq__clone(pa_seq **out, const pa_seq *src)
{
	pa_seq *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return PA_SEQ_ENOMEM;
	*s = *src;
	s->acts = NULL;
	s->nact = 0;
	s->globals = NULL;
	s->nglobal = 0;
	s->acts = calloc(src->nact, sizeof(seq_activity));
	s->globals = calloc(src->nglobal ? src->nglobal : 1, sizeof(seq_global));
	if (!s->acts || !s->globals)
		goto oom;
	for (size_t i = 0; i < src->nglobal; i++) {
		s->globals[i] = src->globals[i];
		s->globals[i].id = malloc(strlen(src->globals[i].id) + 1);
		if (!s->globals[i].id)
			goto oom;
		memcpy(s->globals[i].id, src->globals[i].id, strlen(src->globals[i].id) + 1);
		s->nglobal++;
	}
	/* Definitions are shared read-only; only tracking is copied. The
	 * clone owns nothing but its arrays, see pa_seq__free_clone. */
	for (size_t i = 0; i < src->nact; i++) {
		s->acts[i] = src->acts[i];
		s->acts[i].avail = NULL;
		s->acts[i].objectives = NULL;
		s->nact++;
		if (src->acts[i].navail) {
			s->acts[i].avail = malloc(src->acts[i].navail * sizeof(int));
			if (!s->acts[i].avail)
				goto oom;
			memcpy(s->acts[i].avail, src->acts[i].avail, src->acts[i].navail * sizeof(int));
		}
		s->acts[i].objectives = malloc(src->acts[i].nobj * sizeof(seq_objective));
		if (!s->acts[i].objectives)
			goto oom;
		memcpy(s->acts[i].objectives, src->acts[i].objectives, src->acts[i].nobj * sizeof(seq_objective));
	}
	*out = s;
	return 0;
oom:
	pa_seq__free_clone(s);
	return PA_SEQ_ENOMEM;
}

void pa_seq__free_clone(pa_seq *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nact; i++) {
		free(s->acts[i].avail);
		free(s->acts[i].objectives);
	}
	free(s->acts);
	for (size_t i = 0; i < s->nglobal; i++)
		free(s->globals[i].id);
	free(s->globals);
	free(s);
}
