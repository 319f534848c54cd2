/*
 * The player's server side, apart from HTTP: what a browser needs to
 * start a session on an attempt, and the replay of its commits through
 * the native engine (runtime/scorm), which alone decides what is stored.
 *
 * An attempt's state is kept per SCO (pa_store_attempt.scos, read with
 * pa_store_attempt_read): each SCO launched so far has its engine's
 * export (pa_scorm_export) and its part of the attempt's statuses. A SCO
 * never launched has no row; its engine starts from
 * pa_player_fresh_engine, on the server and (through its export) in the
 * browser alike. A commit reads and writes only the SCOs it touches.
 *
 * A commit (POST body, JSON):
 *   {"seq":N,"sco":"<item identifier>",
 *    "calls":[{"fn":"SetValue","args":["cmi.location","p3"],"result":"true","error":0},...]}
 * fn is one of the eight API calls (2004 names for both standards:
 * Initialize, Terminate, GetValue, SetValue, Commit, GetLastError,
 * GetErrorString, GetDiagnostic) or the host's NextSession (a SCO
 * relaunched after its session ended). result is what the browser's
 * engine answered ("true"/"false" for booleans) and error its
 * GetLastError afterwards: the server replays each call and refuses the
 * commit at the first difference.
 *
 * Sequencing (a 2004 version whose tree has "seqtree", runtime/seqplay.h):
 * a commit may end with a navigation request, "nav":"continue" (the
 * adl.nav.request vocabulary, plus start and resumeAll; "sco":"" and no
 * calls at launch). After the calls, the SCO reports to sequencing if it
 * is the current activity, the request runs, the delivered SCO gets its
 * engine, and the tracking state is kept as the attempt's state
 * (pa_store_attempt.state: pa_seq_export), in the same transaction as
 * the calls. The
 * answer then has "nav": pa_seqplay_answer_json, plus "launch" and
 * "state" (the engine export) of the SCO delivered.
 */
#ifndef PA_PLAYER_H
#define PA_PLAYER_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "common/buf.h"
#include "runtime/store.h"
#include "runtime/scorm/scorm.h"

/* What the engine of an attempt needs to know about it. */
typedef struct pa_player_context {
	const pa_store_attempt *attempt;  /* with its SCOs (pa_store_attempt_read) */
	const char *tree_json;        /* the version's activity tree (runtime/import.h) */
	const char *scorm_version;    /* the version's: "1.2", "2004 4th Edition"... */
	const char *learner_id;       /* cmi.learner_id / cmi.core.student_id */
	const char *learner_name;     /* "Family, Given" */
	size_t suspend_data_max;      /* characters; 0: the engine's default (65,536) */
	const char *learner_globals;  /* the learner's global objectives (pa_store_learner_globals); NULL: none */
	struct pa_engines *engines;   /* the engines commits left (runtime/engines.h); NULL: import every state */
} pa_player_context;

/* The engine standard of a version's scorm_version text. */
pa_scorm_version pa_player_standard(const char *scorm_version);

/*
 * The engine of a SCO never launched: the data the LMS owns set (learner,
 * credit, mode, launch data, mastery score, time limits of the item).
 * PA_ENOTFOUND when item is not a launchable item of the tree.
 */
int pa_player_fresh_engine(pa_scorm **out, const pa_player_context *ctx, const char *item);

/*
 * What a browser needs to start: JSON appended to out,
 *   {"attempt":ID,"standard":"1.2"|"2004","last_seq":N,"preview":bool,
 *    "title":"...","scos":[{"id","title","launch","type","state"}],
 *    "limits":{"suspend_data_max":N}}
 * with the SCOs in flow order (the default organization, depth first),
 * launch relative to the package version's folder, and state each SCO's
 * engine export (stored, or fresh): ctx->attempt read with every SCO's
 * state (pa_store_attempt_read, sco NULL). With sequencing, "sequencing" holds
 * pa_seqplay_answer_json of the state as it stands (no request run).
 */
int pa_player_session_json(pa_buf *out, const pa_player_context *ctx);

/* What a commit, once replayed, gives the store (pa_store_commit). */
typedef struct pa_player_outcome {
	pa_store_sco *scos;  /* the SCOs to write: state and summary (owned) */
	size_t nscos;
	pa_buf seq_state;    /* the new sequencing state; empty: unchanged */
	pa_buf globals;      /* the learner's global objectives after it (pa_store_commit.globals); empty: none */
	pa_buf result;       /* the answer to store and send */
	char completion_status[16];
	char success_status[16];
	double score_scaled;
	bool has_score;
	bool suspended;
	int64_t seq;
	/* With ctx->engines, a commit without navigation: the engine of its SCO
	 * after its calls, for pa_engines_give once the commit is stored (owned). */
	struct pa_scorm *engine;
	char *engine_sco;
	size_t engine_bytes;
} pa_player_outcome;

void pa_player_outcome_init(pa_player_outcome *o);
void pa_player_outcome_dispose(pa_player_outcome *o);

/*
 * Replay a commit body on the attempt of ctx. 0: *out ready for
 * pa_store_commit_append (out->seq the commit's seq, not checked against
 * the attempt here). PA_EPARSE: the body is not a commit (why in
 * pa_error_last()); PA_EINVALID: a call's result differs from the
 * server's, or the SCO is unknown (nothing to store); PA_ELIMIT: the
 * state grew past the engine's limits.
 */
int pa_player_replay(pa_player_outcome *out, const pa_player_context *ctx, const char *body, size_t len);

/*
 * The same on a body already parsed by pa_player_commit_parse (borrowed),
 * so a server that reads the seq first parses the body only once.
 */
int pa_player_replay_json(pa_player_outcome *out, const pa_player_context *ctx, const json_t *req);

/*
 * Which SCO states the replay of req needs: pa_store_attempt_read's sco
 * argument (the commit's SCO; NULL, all of them, for a navigation).
 * Borrowed from req.
 */
const char *pa_player_commit_scope(const json_t *req);

/* Parse a commit body as pa_player_replay does (duplicate keys refused). NULL: why in *err. */
json_t *pa_player_commit_parse(const char *body, size_t len, json_error_t *err);

/*
 * A learner's attempt on a package: their latest (on whatever version it
 * began), or a new one on the latest version when they have none, or when
 * the latest is completed and new_after_completion is set. *out the
 * attempt id.
 */
int pa_player_attempt_for(int64_t *out, pa_store *store, int64_t learner_id, int64_t package_id, bool preview,
			  bool new_after_completion);

/* The learner every preview plays as. */
#define PA_PLAYER_PREVIEW_SUBJECT "preview:passerelle"

/*
 * The link of the preview attempt of a package (pa_player_attempt_for the
 * preview learner), valid ttl seconds: "/play/<attempt>?token=<token>"
 * appended to out, to be prefixed with the server's base URL.
 */
int pa_player_preview_path(pa_buf *out, pa_store *store, const unsigned char *key, int64_t package_id,
			   int64_t ttl, bool new_after_completion);

/* --- reports (instructors' view of attempts) --- */

/* One interaction as a SCO recorded it; text fields "" when not set. */
typedef struct pa_player_interaction {
	char *sco;              /* the item identifier of the SCO */
	char *id, *type, *learner_response, *result, *description;
	char *latency;          /* as stored: ISO 8601 duration (2004) or HHHH:MM:SS.SS (1.2) */
	int64_t latency_cs;     /* centiseconds, -1 when not set */
	char *timestamp;        /* 2004 cmi.interactions.n.timestamp, or 1.2's .time (a time of day) */
} pa_player_interaction;

typedef struct pa_player_report {
	int64_t total_time_cs;  /* the SCOs' cmi.total_time added up, centiseconds */
	pa_player_interaction *interactions;   /* SCOs in flow order, each in the order recorded */
	size_t ninteractions;
} pa_player_report;

/*
 * What an attempt's SCOs recorded, read from its stored engine states (ctx
 * needs attempt, tree_json and scorm_version; learner fields are not read).
 * The one reader of the stored state for reports: where the state is kept
 * may change, this stays. Dispose *out even on failure.
 */
int pa_player_attempt_report(pa_player_report *out, const pa_player_context *ctx);
void pa_player_report_dispose(pa_player_report *r);

#endif
