#include "runtime/player.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "common/error.h"
#include "common/json_load.h"
#include "common/util.h"
#include "runtime/engines.h"
#include "runtime/scorm/internal.h"   /* duration parsing, for reports */
#include "runtime/seqplay.h"

pa_scorm_version pa_player_standard(const char *scorm_version)
{
	return scorm_version && !strcmp(scorm_version, "1.2") ? PA_SCORM_12 : PA_SCORM_2004;
}

static const char *str_of(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The default organization of a tree (the first when none is named). */
static const json_t *default_org(const json_t *tree)
{
	const json_t *orgs = json_object_get(tree, "organizations"), *org;
	const char *def = str_of(tree, "default_organization");
	size_t i;

	json_array_foreach(orgs, i, org) {
		if (!def || !strcmp(def, str_of(org, "identifier") ? str_of(org, "identifier") : ""))
			return org;
	}
	return json_array_get(orgs, 0);
}

/* Launchable items in flow order (depth first), borrowed, into list. */
static int collect(const json_t *items, const json_t ***list, size_t *n)
{
	const json_t *item;
	size_t i;

	json_array_foreach(items, i, item) {
		if (str_of(item, "launch")) {
			const json_t **slot = pa_array_push(list, n, sizeof(**list));

			if (!slot)
				return pa_error_set(PA_ENOMEM, "out of memory");
			*slot = item;
		}
		if (collect(json_object_get(item, "items"), list, n) != 0)
			return PA_ENOMEM;
	}
	return 0;
}

/*
 * Parsed activity trees, by their text. A version's tree never changes and
 * every commit needs it: parsing it anew each time was the largest single
 * cost of a commit (a few hundred microseconds for a course of 18 SCOs).
 * A cached tree is only read, by any number of threads: jansson's reference
 * counts are atomic and its lookups do not write.
 */
#define TREE_CACHE_SLOTS 8

static struct {
	char *text;
	size_t len;
	json_t *tree;
} tree_cache[TREE_CACHE_SLOTS];
static size_t tree_cache_next;
static pthread_mutex_t tree_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static json_t *tree_cached(const char *text, size_t len)
{
	json_t *tree = NULL;

	pthread_mutex_lock(&tree_cache_lock);
	for (size_t i = 0; i < TREE_CACHE_SLOTS && !tree; i++)
		if (tree_cache[i].tree && tree_cache[i].len == len && !memcmp(tree_cache[i].text, text, len))
			tree = json_incref(tree_cache[i].tree);
	pthread_mutex_unlock(&tree_cache_lock);
	return tree;
}

static void tree_remember(const char *text, size_t len, json_t *tree)
{
	char *copy = malloc(len + 1);
	size_t slot;

	if (!copy)
		return;
	memcpy(copy, text, len + 1);
	pthread_mutex_lock(&tree_cache_lock);
	slot = tree_cache_next++ % TREE_CACHE_SLOTS;
	free(tree_cache[slot].text);
	json_decref(tree_cache[slot].tree);
	tree_cache[slot].text = copy;
	tree_cache[slot].len = len;
	tree_cache[slot].tree = json_incref(tree);
	pthread_mutex_unlock(&tree_cache_lock);
}

/* The tree of tree_json, read only: the caller json_decref()s it. */
static int parse_tree(json_t **out, const char *tree_json)
{
	json_error_t err;
	const char *text = tree_json ? tree_json : "";
	size_t len = strlen(text);

	if ((*out = tree_cached(text, len)))
		return 0;
	if (!(*out = json_loadb(text, len, 0, &err)) || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return pa_error_set(PA_EPARSE, "player: the stored activity tree is unreadable: %s", err.text);
	}
	tree_remember(text, len, *out);
	return 0;
}

static const json_t *find_item(const json_t *items, const char *id)
{
	const json_t *item, *found;
	size_t i;

	json_array_foreach(items, i, item) {
		const char *iid = str_of(item, "identifier");

		if (iid && !strcmp(iid, id) && str_of(item, "launch"))
			return item;
		if ((found = find_item(json_object_get(item, "items"), id)))
			return found;
	}
	return NULL;
}

/* An LMS value from the manifest: set if the data model takes it, else left out
 * (the package was validated; a value the engine refuses is not worth a dead course). */
static void lms_set(pa_scorm *s, const char *element, const char *value)
{
	if (value && *value)
		(void)pa_scorm_lms_set(s, element, value);
}

static pa_scorm_limits limits_of(const pa_player_context *ctx)
{
	pa_scorm_limits l;

	memset(&l, 0, sizeof(l));
	l.suspend_data_max = ctx->suspend_data_max;
	return l;
}

static int fresh_from_item(pa_scorm **out, const pa_player_context *ctx, const json_t *item)
{
	pa_scorm_version std = pa_player_standard(ctx->scorm_version);
	pa_scorm_limits lim = limits_of(ctx);
	pa_scorm *s;
	int rc;

	if ((rc = pa_scorm_new(&s, std, &lim)) != 0)
		return pa_error_set(PA_ENOMEM, "out of memory");
	if (std == PA_SCORM_12) {
		lms_set(s, "cmi.core.student_id", ctx->learner_id);
		lms_set(s, "cmi.core.student_name", ctx->learner_name);
		lms_set(s, "cmi.core.credit", "credit");
		lms_set(s, "cmi.core.lesson_mode", "normal");
		lms_set(s, "cmi.launch_data", str_of(item, "data_from_lms"));
		lms_set(s, "cmi.student_data.mastery_score", str_of(item, "mastery_score"));
		lms_set(s, "cmi.student_data.max_time_allowed", str_of(item, "max_time_allowed"));
		lms_set(s, "cmi.student_data.time_limit_action", str_of(item, "time_limit_action"));
	} else {
		lms_set(s, "cmi.learner_id", ctx->learner_id);
		lms_set(s, "cmi.learner_name", ctx->learner_name);
		lms_set(s, "cmi.credit", "credit");
		lms_set(s, "cmi.mode", "normal");
		lms_set(s, "cmi.launch_data", str_of(item, "data_from_lms"));
		lms_set(s, "cmi.time_limit_action", str_of(item, "time_limit_action"));
	}
	*out = s;
	return 0;
}

int pa_player_fresh_engine(pa_scorm **out, const pa_player_context *ctx, const char *item_id)
{
	json_t *tree = NULL;
	const json_t *org, *item;
	int rc;

	*out = NULL;
	if ((rc = parse_tree(&tree, ctx->tree_json)) != 0)
		return rc;
	org = default_org(tree);
	if (!(item = find_item(json_object_get(org, "items"), item_id)))
		rc = pa_error_set(PA_ENOTFOUND, "player: no launchable item '%s' in the package", item_id);
	else
		rc = fresh_from_item(out, ctx, item);
	json_decref(tree);
	return rc;
}

/* The stored row of a SCO in the attempt, or NULL (never launched). */
static const pa_store_sco *stored_row(const pa_store_attempt *a, const char *id)
{
	for (size_t i = 0; i < a->nscos; i++)
		if (!strcmp(a->scos[i].id, id))
			return &a->scos[i];
	return NULL;
}

/* The engine of a stored SCO. */
static int engine_from_row(pa_scorm **out, const pa_player_context *ctx, const pa_store_sco *row)
{
	pa_scorm_limits lim = limits_of(ctx);
	char why[256];

	if (!row->state)
		return pa_error_set(PA_ERROR, "player: attempt %lld: the state of '%.100s' was not read",
				    (long long)ctx->attempt->id, row->id);
	if (pa_scorm_import(out, (const char *)row->state, row->state_len, &lim, why, sizeof(why)) != 0)
		return pa_error_set(PA_EPARSE, "player: attempt %lld: stored engine state refused: %s",
				    (long long)ctx->attempt->id, why);
	return 0;
}

/* The engine of a SCO: the one the attempt's last commit left, else from its stored state, or fresh. */
static int engine_of(pa_scorm **out, const pa_player_context *ctx, const json_t *item)
{
	const char *id = str_of(item, "identifier");
	const pa_store_sco *row = stored_row(ctx->attempt, id);

	if (row && ctx->engines && (*out = pa_engines_take(ctx->engines, ctx->attempt->id, id, ctx->attempt->last_seq)))
		return 0;
	return row ? engine_from_row(out, ctx, row) : fresh_from_item(out, ctx, item);
}

/* The sequencing engine of an attempt, from the version's tree and a saved state (NULL: none yet). */
static int open_seq(pa_seq **out, const json_t *tree, const unsigned char *saved, size_t saved_len)
{
	const char *text = str_of(tree, "seqtree");

	return pa_seqplay_open(out, text, strlen(text), (const char *)saved, saved ? saved_len : 0);
}

/*
 * The learner's objectives shared across packages (objectivesGlobalToSystem)
 * into seq: every commit writes them, so they are never older than the
 * attempt's own copy, and another package may have set them since.
 */
static int globals_in(pa_seq *seq, const pa_player_context *ctx)
{
	char err[PA_SEQ_ERR_SIZE];

	if (!ctx->learner_globals || !*ctx->learner_globals || !pa_seq_globals_to_system(seq))
		return 0;
	if (pa_seq_import_globals(seq, ctx->learner_globals, strlen(ctx->learner_globals), err) != 0)
		return pa_error_set(PA_EPARSE, "player: the learner's shared objectives: %s", err);
	return 0;
}

int pa_player_session_json(pa_buf *out, const pa_player_context *ctx)
{
	const pa_store_attempt *a = ctx->attempt;
	json_t *tree = NULL;
	const json_t **list = NULL;
	const json_t *org;
	size_t n = 0;
	int rc;

	if ((rc = parse_tree(&tree, ctx->tree_json)) != 0)
		goto done;
	org = default_org(tree);
	if ((rc = collect(json_object_get(org, "items"), &list, &n)) != 0)
		goto done;
	pa_buf_printf(out, "{\"attempt\":%lld,\"standard\":\"%s\",\"last_seq\":%lld,\"preview\":%s,\"title\":",
		      (long long)a->id, pa_player_standard(ctx->scorm_version) == PA_SCORM_12 ? "1.2" : "2004",
		      (long long)a->last_seq, a->preview ? "true" : "false");
	pa_buf_put_json(out, str_of(org, "title") ? str_of(org, "title") : str_of(tree, "title"));
	pa_buf_puts(out, ",\"scos\":[");
	for (size_t i = 0; i < n && rc == 0; i++) {
		const pa_store_sco *row = stored_row(a, str_of(list[i], "identifier"));
		pa_scorm *s = NULL;
		char *text = NULL;
		size_t len;

		/* A stored state is an export already: sent as it is. */
		if (row && !row->state) {
			rc = pa_error_set(PA_ERROR, "player: attempt %lld: the state of '%.100s' was not read",
					  (long long)a->id, row->id);
			break;
		}
		if (!row) {
			if ((rc = fresh_from_item(&s, ctx, list[i])) != 0)
				break;
			if (pa_scorm_export(s, &text, &len) != 0) {
				pa_scorm_free(s);
				rc = pa_error_set(PA_ENOMEM, "out of memory");
				break;
			}
		}
		pa_buf_puts(out, i ? ",{\"id\":" : "{\"id\":");
		pa_buf_put_json(out, str_of(list[i], "identifier"));
		pa_buf_puts(out, ",\"title\":");
		pa_buf_put_json(out, str_of(list[i], "title") ? str_of(list[i], "title") : "");
		pa_buf_puts(out, ",\"launch\":");
		pa_buf_put_json(out, str_of(list[i], "launch"));
		pa_buf_puts(out, ",\"type\":");
		pa_buf_put_json(out, str_of(list[i], "scorm_type") ? str_of(list[i], "scorm_type") : "sco");
		pa_buf_puts(out, ",\"state\":");
		pa_buf_put_json(out, row ? (const char *)row->state : text);
		pa_buf_putc(out, '}');
		free(text);
		pa_scorm_free(s);
	}
	pa_buf_printf(out, "],\"limits\":{\"suspend_data_max\":%zu}",
		      ctx->suspend_data_max ? ctx->suspend_data_max : (size_t)65536);
	if (!rc && str_of(tree, "seqtree")) {
		pa_seq *seq = NULL;

		if ((rc = open_seq(&seq, tree, a->state, a->state_len)) == 0 && (rc = globals_in(seq, ctx)) == 0) {
			pa_buf_puts(out, ",\"sequencing\":");
			rc = pa_seqplay_answer_json(out, seq, NULL);
		}
		pa_seq_free(seq);
	}
	pa_buf_putc(out, '}');
	if (!rc && pa_buf_error(out))
		rc = pa_error_set(PA_ENOMEM, "player: the session is too large");
done:
	free(list);
	json_decref(tree);
	return rc;
}

void pa_player_outcome_init(pa_player_outcome *o)
{
	memset(o, 0, sizeof(*o));
	pa_buf_init(&o->seq_state, 0);
	pa_buf_init(&o->globals, 0);
	pa_buf_init(&o->result, 0);
}

void pa_player_outcome_dispose(pa_player_outcome *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nscos; i++)
		pa_store_sco_dispose(&o->scos[i]);
	free(o->scos);
	o->scos = NULL;
	o->nscos = 0;
	pa_buf_dispose(&o->seq_state);
	pa_buf_dispose(&o->globals);
	pa_buf_dispose(&o->result);
	pa_scorm_free(o->engine);
	o->engine = NULL;
	free(o->engine_sco);
	o->engine_sco = NULL;
}

const char *pa_player_commit_scope(const json_t *req)
{
	const char *sco = str_of(req, "sco");

	if (json_object_get(req, "nav"))
		return NULL;
	return sco ? sco : "";
}

typedef enum call_fn {
	FN_INITIALIZE, FN_TERMINATE, FN_GET_VALUE, FN_SET_VALUE, FN_COMMIT, FN_GET_LAST_ERROR,
	FN_GET_ERROR_STRING, FN_GET_DIAGNOSTIC, FN_NEXT_SESSION, FN_COUNT
} call_fn;

static const struct {
	const char *name;
	unsigned nargs;
} fns[FN_COUNT] = {
	{ "Initialize", 1 }, { "Terminate", 1 }, { "GetValue", 1 }, { "SetValue", 2 }, { "Commit", 1 },
	{ "GetLastError", 0 }, { "GetErrorString", 1 }, { "GetDiagnostic", 1 }, { "NextSession", 0 },
};

/* Run one call; *result borrowed from the engine or static. */
static int run_call(const char **result, pa_scorm *s, call_fn fn, const char *a0, const char *a1, char *num, size_t numsz)
{
	switch (fn) {
	case FN_INITIALIZE: *result = pa_scorm_initialize(s, a0) ? "true" : "false"; break;
	case FN_TERMINATE: *result = pa_scorm_terminate(s, a0) ? "true" : "false"; break;
	case FN_COMMIT: *result = pa_scorm_commit(s, a0) ? "true" : "false"; break;
	case FN_GET_VALUE: *result = pa_scorm_get_value(s, a0); break;
	case FN_SET_VALUE: *result = pa_scorm_set_value(s, a0, a1) ? "true" : "false"; break;
	case FN_GET_LAST_ERROR:
		snprintf(num, numsz, "%d", pa_scorm_get_last_error(s));
		*result = num;
		break;
	case FN_GET_ERROR_STRING: *result = pa_scorm_get_error_string(s, a0); break;
	case FN_GET_DIAGNOSTIC: *result = pa_scorm_get_diagnostic(s, a0); break;
	case FN_NEXT_SESSION:
		if (pa_scorm_next_session(s) != 0)
			return PA_EINVALID;
		*result = "";
		break;
	default: return PA_EINVALID;
	}
	if (!*result)
		*result = "";
	return 0;
}

/* Replay the calls on s; PA_EINVALID with the reason at the first difference. */
static int replay_calls(pa_scorm *s, const json_t *calls)
{
	const json_t *call;
	size_t i;

	json_array_foreach(calls, i, call) {
		const char *name = str_of(call, "fn"), *want = str_of(call, "result"), *got = NULL;
		const json_t *args = json_object_get(call, "args"), *err = json_object_get(call, "error");
		const char *a0 = json_string_value(json_array_get(args, 0));
		const char *a1 = json_string_value(json_array_get(args, 1));
		char num[16];
		call_fn fn;

		for (fn = 0; fn < FN_COUNT; fn++)
			if (name && !strcmp(name, fns[fn].name))
				break;
		if (fn == FN_COUNT || !want || !json_is_integer(err) || (args && !json_is_array(args)) ||
		    json_array_size(args) != fns[fn].nargs || (fns[fn].nargs > 0 && !a0) || (fns[fn].nargs > 1 && !a1))
			return pa_error_set(PA_EPARSE, "call %zu: not a run-time call (fn, args, result, error)", i + 1);
		if (run_call(&got, s, fn, a0, a1, num, sizeof(num)) != 0)
			return pa_error_set(PA_EINVALID, "call %zu (%s): refused by the engine", i + 1, name);
		if (strcmp(got, want) != 0 || (fn != FN_NEXT_SESSION && json_integer_value(err) != pa_scorm_get_last_error(s)))
			return pa_error_set(PA_EINVALID,
					    "call %zu (%s%s%s): the browser's engine answered \"%.40s\" (error %lld), "
					    "the server's \"%.40s\" (error %d)",
					    i + 1, name, a0 ? " " : "", a0 ? a0 : "", want, (long long)json_integer_value(err),
					    got, fn == FN_NEXT_SESSION ? 0 : pa_scorm_get_last_error(s));
	}
	return 0;
}


/*
 * A SCO's part of the attempt's statuses: completed (or only launched:
 * incomplete, whatever it says of itself), its verdict, its score scaled
 * (1.2's raw score against its min and max, 0 to 100 by default).
 */
static void sum_up(pa_store_sco *row, pa_scorm *s)
{
	bool v12 = pa_scorm_get_version(s) == PA_SCORM_12;
	const char *status = pa_scorm_lms_get(s, v12 ? "cmi.core.lesson_status" : "cmi.completion_status");
	const char *success = v12 ? status : pa_scorm_lms_get(s, "cmi.success_status");
	double score;

	status = status ? status : "";
	success = success ? success : "";
	snprintf(row->completion_status, sizeof(row->completion_status), "%s",
		 !strcmp(status, "completed") || !strcmp(status, "passed") || !strcmp(status, "failed")
		 ? "completed" : "incomplete");
	snprintf(row->success_status, sizeof(row->success_status), "%s",
		 !strcmp(success, "passed") ? "passed" : !strcmp(success, "failed") ? "failed" : "unknown");
	row->has_score = false;
	row->score_scaled = 0;
	row->summarized = true;
	if (v12) {
		const char *raw = pa_scorm_lms_get(s, "cmi.core.score.raw");
		const char *min = pa_scorm_lms_get(s, "cmi.core.score.min");
		const char *max = pa_scorm_lms_get(s, "cmi.core.score.max");
		double r, lo = 0, hi = 100;

		if (raw && pa_parse_double(&r, raw, -1e300, 1e300) == 0) {
			if (min)
				(void)pa_parse_double(&lo, min, -1e300, 1e300);
			if (max)
				(void)pa_parse_double(&hi, max, -1e300, 1e300);
			if (hi > lo) {
				score = (r - lo) / (hi - lo);
				row->score_scaled = score < -1 ? -1 : score > 1 ? 1 : score;
				row->has_score = true;
			}
		}
	} else {
		const char *scaled = pa_scorm_lms_get(s, "cmi.score.scaled");

		if (scaled && pa_parse_double(&score, scaled, -1, 1) == 0) {
			row->score_scaled = score;
			row->has_score = true;
		}
	}
}

/* The row of id in what the commit writes, or NULL. */
static pa_store_sco *written_row(pa_player_outcome *o, const char *id)
{
	for (size_t i = 0; i < o->nscos; i++)
		if (!strcmp(o->scos[i].id, id))
			return &o->scos[i];
	return NULL;
}

/* A SCO's row to write: its state (text, owned from now on, or exported
 * from s when NULL) and its summary from s. Replaces one of the same id. */
static int write_row(pa_player_outcome *o, const char *id, pa_scorm *s, char *text, size_t len)
{
	pa_store_sco *row = written_row(o, id);

	if (!text && pa_scorm_export(s, &text, &len) != 0)
		return pa_error_set(PA_ENOMEM, "out of memory");
	if (row) {
		free(row->state);
	} else if (!(row = pa_array_push(&o->scos, &o->nscos, sizeof(*o->scos)))) {
		free(text);
		return pa_error_set(PA_ENOMEM, "out of memory");
	} else {
		memset(row, 0, sizeof(*row));
		if (!(row->id = pa_strdup(id))) {
			o->nscos--;
			free(text);
			return pa_error_set(PA_ENOMEM, "out of memory");
		}
	}
	row->state = (unsigned char *)text;
	row->state_len = len;
	sum_up(row, s);
	return 0;
}

/*
 * The attempt's statuses across its SCOs, from each SCO's summary (the
 * ones this commit writes, else the stored ones): completed when every
 * SCO is, failed when one failed, passed when every SCO with a verdict
 * passed. A stored SCO not yet summed up (from schema 2) is, once, and
 * written with its summary. current (NULL: none) is the SCO the learner
 * is in, which says whether the attempt is suspended.
 */
static int summarize(pa_player_outcome *o, const pa_player_context *ctx, const json_t *tree, pa_scorm *current)
{
	const json_t **list = NULL;
	size_t n = 0, scos = 0, completed = 0, started = 0, passed = 0, failed = 0, scored = 0;
	double score_sum = 0;
	int rc;

	if ((rc = collect(json_object_get(default_org(tree), "items"), &list, &n)) != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const char *id = str_of(list[i], "identifier");
		const pa_store_sco *row;

		if (!str_of(list[i], "scorm_type") || strcmp(str_of(list[i], "scorm_type"), "sco") != 0)
			continue;
		scos++;
		if (!(row = written_row(o, id)) && (row = stored_row(ctx->attempt, id)) && !row->summarized) {
			pa_scorm *s = NULL;
			char *copy;

			if ((rc = engine_from_row(&s, ctx, row)) != 0)
				break;
			if (!(copy = malloc(row->state_len + 1))) {
				pa_scorm_free(s);
				rc = pa_error_set(PA_ENOMEM, "out of memory");
				break;
			}
			memcpy(copy, row->state, row->state_len + 1);
			rc = write_row(o, id, s, copy, row->state_len);
			pa_scorm_free(s);
			if (rc)
				break;
			row = written_row(o, id);
		}
		if (!row)
			continue;
		if (!strcmp(row->completion_status, "completed"))
			completed++;
		else
			started++;
		if (!strcmp(row->success_status, "passed"))
			passed++;
		else if (!strcmp(row->success_status, "failed"))
			failed++;
		if (row->has_score) {
			score_sum += row->score_scaled;
			scored++;
		}
	}
	free(list);
	if (rc)
		return rc;
	snprintf(o->completion_status, sizeof(o->completion_status), "%s",
		 scos && completed == scos ? "completed" : completed || started ? "incomplete" : "unknown");
	snprintf(o->success_status, sizeof(o->success_status), "%s",
		 failed ? "failed" : passed && (passed == scos || completed == scos) ? "passed" : "unknown");
	o->has_score = scored > 0;
	o->score_scaled = scored ? score_sum / (double)scored : 0;
	o->suspended = false;
	if (current) {
		bool v12 = pa_scorm_get_version(current) == PA_SCORM_12;
		const char *exit = pa_scorm_lms_get(current, v12 ? "cmi.core.exit" : "cmi.exit");
		const char *entry = pa_scorm_lms_get(current, v12 ? "cmi.core.entry" : "cmi.entry");
		const char *nav = pa_scorm_nav_request(current);

		o->suspended = (exit && !strcmp(exit, "suspend")) || (nav && !strcmp(nav, "suspendAll")) ||
			       (pa_scorm_get_phase(current) == PA_SCORM_NOT_INITIALIZED && entry && !strcmp(entry, "resume"));
	}
	return 0;
}

/* An item of the tree by identifier, launchable or not. */
static const json_t *launchable(const json_t *tree, const char *id)
{
	return id ? find_item(json_object_get(default_org(tree), "items"), id) : NULL;
}

/* A copy of an engine (its export imported). */
static int engine_copy(pa_scorm **out, const pa_player_context *ctx, pa_scorm *s)
{
	pa_scorm_limits lim = limits_of(ctx);
	char *text = NULL, why[256];
	size_t len;
	int rc = 0;

	if (pa_scorm_export(s, &text, &len) != 0)
		return pa_error_set(PA_ENOMEM, "out of memory");
	if (pa_scorm_import(out, text, len, &lim, why, sizeof(why)) != 0)
		rc = pa_error_set(PA_ERROR, "player: an engine's own state refused: %s", why);
	free(text);
	return rc;
}

/*
 * A navigation request in a commit. The SCO of the commit (s, already
 * replayed; NULL at launch) reports to sequencing if it is the current
 * activity; the request runs; the SCO delivered gets its engine (the
 * suspended one resumed, else a new attempt) initialized from
 * sequencing, in *next (its id in *delivered, its row written); the
 * commit writes the sequencing engine's export. The answer to the page
 * (runtime/seqplay.h) goes to *answer, with the delivered SCO's engine
 * state and launch.
 */
static int navigate(pa_buf *answer, pa_player_outcome *o, const pa_player_context *ctx, const json_t *tree,
		    pa_scorm *s, const char *sco, const char *request, pa_scorm **next, char **delivered)
{
	const json_t *item = NULL;
	pa_seq *seq = NULL;
	pa_seq_result r;
	char err[PA_SEQ_ERR_SIZE], *saved = NULL, *text = NULL;
	size_t len;
	int rc;

	*next = NULL;
	*delivered = NULL;
	if ((rc = open_seq(&seq, tree, ctx->attempt->state, ctx->attempt->state_len)) != 0 ||
	    (rc = globals_in(seq, ctx)) != 0)
		goto done;
	/* The engine has no clock: begin and end time limits are checked against ours. */
	pa_seq_set_clock(seq, (double)time(NULL));
	if (s && pa_seq_current(seq) && !strcmp(pa_seq_current(seq), sco) && (rc = pa_seqplay_report(seq, s, -1)) != 0)
		goto done;
	if ((rc = pa_seqplay_navigate(seq, request, &r)) != 0)
		goto done;
	/* Suspend all from the page: the SCO's session ends suspended, so that
	 * resume all relaunches it with cmi.entry "resume" (RTE 4.2.8). */
	if (s && r.session_ended && !r.exception && !strcmp(request, "suspendAll") &&
	    strcmp(pa_scorm_nav_request(s) ? pa_scorm_nav_request(s) : "", "suspendAll") != 0 &&
	    pa_scorm_lms_set(s, "adl.nav.request", "suspendAll") != 0) {
		rc = pa_error_set(PA_ENOMEM, "out of memory");
		goto done;
	}
	if (r.delivered) {
		const pa_store_sco *row = stored_row(ctx->attempt, r.delivered);
		bool fresh = false;

		if (!(item = launchable(tree, r.delivered))) {
			rc = pa_error_set(PA_EINVALID, "sequencing delivered '%.100s', which has no launch", r.delivered);
			goto done;
		}
		if (!(*delivered = pa_strdup(r.delivered))) {
			rc = pa_error_set(PA_ENOMEM, "out of memory");
			goto done;
		}
		if (r.resumed && s && !strcmp(r.delivered, sco)) {
			/* The SCO of the commit itself: as its calls left it. */
			rc = engine_copy(next, ctx, s);
		} else if (r.resumed && row) {
			rc = engine_from_row(next, ctx, row);
		} else {
			rc = fresh_from_item(next, ctx, item);
			fresh = true;
		}
		if (rc)
			goto done;
		if (!fresh && pa_scorm_get_phase(*next) != PA_SCORM_NOT_INITIALIZED && pa_scorm_next_session(*next) != 0) {
			rc = pa_error_set(PA_EINVALID, "the suspended SCO '%.100s' cannot resume", r.delivered);
			goto done;
		}
		if ((rc = pa_seqplay_prepare_sco(*next, seq, r.delivered, r.resumed)) != 0)
			goto done;
		if (pa_scorm_export(*next, &text, &len) != 0) {
			rc = pa_error_set(PA_ENOMEM, "out of memory");
			goto done;
		}
	}
	if (pa_seq_export(&saved, seq, err) != 0 || pa_buf_puts(&o->seq_state, saved) != 0) {
		rc = pa_error_set(PA_ENOMEM, "out of memory saving the sequencing state");
		goto done;
	}
	if (pa_seq_globals_to_system(seq) && pa_seq_global_count(seq)) {
		char *globals = NULL;

		if (pa_seq_export_globals(&globals, seq, err) != 0 || pa_buf_puts(&o->globals, globals) != 0) {
			free(globals);
			rc = pa_error_set(PA_ENOMEM, "out of memory saving the shared objectives");
			goto done;
		}
		free(globals);
	}
	if ((rc = pa_seqplay_answer_json(answer, seq, &r)) != 0)
		goto done;
	/* The delivered SCO: what the page launches and its engine's state. */
	if (r.delivered) {
		pa_buf_truncate(answer, answer->len - 1);
		pa_buf_puts(answer, ",\"launch\":");
		pa_buf_put_json(answer, str_of(item, "launch"));
		pa_buf_puts(answer, ",\"state\":");
		pa_buf_put_json(answer, text);
		pa_buf_putc(answer, '}');
		rc = write_row(o, r.delivered, *next, text, len);
		text = NULL;
		if (rc)
			goto done;
	}
	if (pa_buf_error(answer))
		rc = pa_error_set(PA_ENOMEM, "out of memory");
done:
	free(text);
	free(saved);
	pa_seq_free(seq);
	return rc;
}

/* With sequencing, the attempt's statuses are the root activity's rollup. */
static int summarize_seq(pa_player_outcome *o, const json_t *tree, const unsigned char *saved, size_t saved_len)
{
	pa_seq *seq = NULL;
	pa_seq_status root;
	int rc, suspended = 0;

	if ((rc = open_seq(&seq, tree, saved, saved_len)) != 0)
		return rc;
	for (size_t i = 0; i < pa_seq_count(seq); i++)
		if (pa_seq_status_at(seq, i, &root) == 0 && root.suspended)
			suspended = 1;
	if (pa_seq_status_at(seq, 0, &root) == 0 && root.attempts) {
		if (root.progress_known)
			snprintf(o->completion_status, sizeof(o->completion_status), "%s",
				 root.completed ? "completed" : "incomplete");
		if (root.satisfied_known)
			snprintf(o->success_status, sizeof(o->success_status), "%s", root.satisfied ? "passed" : "failed");
		if (root.measure_known) {
			o->has_score = true;
			o->score_scaled = root.measure;
		}
	}
	o->suspended = o->suspended || suspended;
	pa_seq_free(seq);
	return 0;
}

int pa_player_replay_json(pa_player_outcome *out, const pa_player_context *ctx, const json_t *req)
{
	const pa_store_attempt *a = ctx->attempt;
	json_t *tree = NULL;
	const json_t *item = NULL, *calls, *seq, *nav;
	pa_buf answer = PA_BUF_INIT;
	const char *sco;
	pa_scorm *s = NULL, *next = NULL;
	char *delivered = NULL;
	int rc;

	if (!json_is_object(req)) {
		rc = pa_error_set(PA_EPARSE, "the commit is not a JSON object");
		goto done;
	}
	seq = json_object_get(req, "seq");
	sco = str_of(req, "sco");
	calls = json_object_get(req, "calls");
	if (!json_is_integer(seq) || json_integer_value(seq) < 1 || !sco || !json_is_array(calls)) {
		rc = pa_error_set(PA_EPARSE, "the commit needs seq (1, 2...), sco and calls");
		goto done;
	}
	out->seq = json_integer_value(seq);
	if ((rc = parse_tree(&tree, ctx->tree_json)) != 0)
		goto done;
	nav = json_object_get(req, "nav");
	if (nav && (!json_is_string(nav) || !str_of(tree, "seqtree"))) {
		rc = pa_error_set(PA_EPARSE, "nav is a navigation request, for a package with sequencing");
		goto done;
	}
	if (nav && !*sco) {
		/* start or resumeAll at launch: no SCO yet, so no calls. */
		if (json_array_size(calls)) {
			rc = pa_error_set(PA_EPARSE, "calls need the sco that made them");
			goto done;
		}
	} else if (!(item = find_item(json_object_get(default_org(tree), "items"), sco))) {
		rc = pa_error_set(PA_EINVALID, "no launchable item '%.100s' in the package", sco);
		goto done;
	}
	if (*sco) {
		if ((rc = engine_of(&s, ctx, item)) != 0)
			goto done;
		if ((rc = replay_calls(s, calls)) != 0)
			goto done;
	}
	if (nav && (rc = navigate(&answer, out, ctx, tree, s, sco, json_string_value(nav), &next, &delivered)) != 0)
		goto done;
	/* The SCO of the commit, unless sequencing delivered it anew. */
	if (s && !(delivered && !strcmp(delivered, sco)) && (rc = write_row(out, sco, s, NULL, 0)) != 0)
		goto done;
	if ((rc = summarize(out, ctx, tree, delivered && !strcmp(delivered, sco) ? next : s)) != 0)
		goto done;
	if (str_of(tree, "seqtree") && (out->seq_state.len || a->state)) {
		if (out->seq_state.len)
			rc = summarize_seq(out, tree, (const unsigned char *)out->seq_state.ptr, out->seq_state.len);
		else
			rc = summarize_seq(out, tree, a->state, a->state_len);
		if (rc)
			goto done;
	}
	pa_buf_printf(&out->result, "{\"seq\":%lld,\"ok\":true,\"calls\":%zu,\"completion_status\":\"%s\","
		      "\"success_status\":\"%s\"", (long long)out->seq, json_array_size(calls),
		      out->completion_status, out->success_status);
	if (out->has_score)
		pa_buf_printf(&out->result, ",\"score_scaled\":%.17g", out->score_scaled);
	if (nav) {
		pa_buf_puts(&out->result, ",\"nav\":");
		pa_buf_put(&out->result, answer.ptr, answer.len);
	}
	pa_buf_puts(&out->result, "}");
	if (pa_buf_error(&out->seq_state) || pa_buf_error(&out->result)) {
		rc = pa_error_set(PA_ENOMEM, "out of memory");
		goto done;
	}
	/* The engine goes on to the next commit (after navigation, sequencing may have moved it on: not kept). */
	if (ctx->engines && s && !nav && written_row(out, sco) && (out->engine_sco = pa_strdup(sco)) != NULL) {
		out->engine = s;
		out->engine_bytes = written_row(out, sco)->state_len;
		s = NULL;
	}
done:
	pa_buf_dispose(&answer);
	free(delivered);
	pa_scorm_free(next);
	pa_scorm_free(s);
	json_decref(tree);
	return rc;
}

int pa_player_replay(pa_player_outcome *out, const pa_player_context *ctx, const char *body, size_t len)
{
	json_t *req;
	json_error_t err;
	int rc;

	if (!(req = pa_player_commit_parse(body, len, &err)))
		return pa_error_set(PA_EPARSE, "the commit is not a JSON object: %s", err.text);
	rc = pa_player_replay_json(out, ctx, req);
	json_decref(req);
	return rc;
}

json_t *pa_player_commit_parse(const char *body, size_t len, json_error_t *err)
{
	json_t *req;

	memset(err, 0, sizeof(*err));
	if (pa_json_load(&req, body, len) != 0) {
		snprintf(err->text, sizeof(err->text), "%s", pa_error_last());
		return NULL;
	}
	return req;
}

/* --- reports --- */

static int duration_cs(int64_t *out, pa_scorm_version std, const char *text)
{
	uint64_t cs;

	*out = -1;
	if (!text || !*text)
		return 0;
	if (!(std == PA_SCORM_12 ? pa_scorm_timespan12(text, &cs) : pa_scorm_interval(text, &cs)) || cs > INT64_MAX)
		return PA_EPARSE;
	*out = (int64_t)cs;
	return 0;
}

/* An element of interaction n, "" when it has no value (the engine's string copied: it is borrowed). */
static char *interaction_value(pa_scorm *s, size_t n, const char *name)
{
	char path[96];
	const char *v;

	snprintf(path, sizeof(path), "cmi.interactions.%zu.%s", n, name);
	v = pa_scorm_lms_get(s, path);
	return pa_strdup(v ? v : "");
}

static void interaction_dispose(pa_player_interaction *i)
{
	free(i->sco);
	free(i->id);
	free(i->type);
	free(i->learner_response);
	free(i->result);
	free(i->description);
	free(i->latency);
	free(i->timestamp);
}

static int report_sco(pa_player_report *out, pa_scorm *s, const char *sco)
{
	bool v12 = pa_scorm_get_version(s) == PA_SCORM_12;
	const char *count;
	int64_t total, n = 0;

	/* Strings from the engine are borrowed until its next call: each is used before the next. */
	if (duration_cs(&total, pa_scorm_get_version(s), pa_scorm_lms_get(s, v12 ? "cmi.core.total_time" : "cmi.total_time")) == 0 &&
	    total > 0 && total <= INT64_MAX - out->total_time_cs)
		out->total_time_cs += total;
	count = pa_scorm_lms_get(s, "cmi.interactions._count");
	if (count && pa_parse_int64(&n, count, 0, 100000) != 0)
		n = 0;
	for (int64_t k = 0; k < n; k++) {
		pa_player_interaction *i = pa_array_push(&out->interactions, &out->ninteractions, sizeof(*i));

		if (!i)
			return PA_ENOMEM;
		i->sco = pa_strdup(sco);
		i->id = interaction_value(s, (size_t)k, "id");
		i->type = interaction_value(s, (size_t)k, "type");
		i->learner_response = interaction_value(s, (size_t)k, v12 ? "student_response" : "learner_response");
		i->result = interaction_value(s, (size_t)k, "result");
		i->description = v12 ? pa_strdup("") : interaction_value(s, (size_t)k, "description");
		i->latency = interaction_value(s, (size_t)k, "latency");
		i->timestamp = interaction_value(s, (size_t)k, v12 ? "time" : "timestamp");
		if (!i->sco || !i->id || !i->type || !i->learner_response || !i->result || !i->description ||
		    !i->latency || !i->timestamp)
			return pa_error_set(PA_ENOMEM, "out of memory");
		if (duration_cs(&i->latency_cs, pa_scorm_get_version(s), i->latency) != 0)
			i->latency_cs = -1;
	}
	return 0;
}

int pa_player_attempt_report(pa_player_report *out, const pa_player_context *ctx)
{
	json_t *tree = NULL;
	const json_t **list = NULL;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = parse_tree(&tree, ctx->tree_json)) != 0)
		goto done;
	if ((rc = collect(json_object_get(default_org(tree), "items"), &list, &n)) != 0)
		goto done;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *id = str_of(list[i], "identifier");
		const pa_store_sco *row = id ? stored_row(ctx->attempt, id) : NULL;
		pa_scorm *s = NULL;

		if (!row)
			continue;   /* never launched: nothing recorded */
		if ((rc = engine_from_row(&s, ctx, row)) == 0)
			rc = report_sco(out, s, id);
		pa_scorm_free(s);
	}
done:
	free(list);
	json_decref(tree);
	return rc;
}

void pa_player_report_dispose(pa_player_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ninteractions; i++)
		interaction_dispose(&r->interactions[i]);
	free(r->interactions);
	memset(r, 0, sizeof(*r));
}
