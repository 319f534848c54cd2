/*
 * The store: everything passerelle remembers (packages and their versions,
 * admin tokens, learners, attempts, commits), behind one interface so that
 * a PostgreSQL backend can follow SQLite's.
 *
 * Durability: a call that changes the store returns 0 only once the change
 * is committed and on disk (SQLite: WAL with synchronous=FULL). Writes go
 * through one writer that groups the calls waiting at the same moment into
 * one transaction and one fsync (group commit); each call still succeeds or
 * fails alone. Reads run in parallel on their own connections.
 *
 * Every function is safe to call from any thread. Errors are pa_error
 * codes: PA_ENOTFOUND (no such row), PA_EEXISTS (a unique key is taken),
 * PA_EINVALID (a constraint or a reference is broken), PA_EIO (the
 * database failed: disk, lock, corruption), PA_ENOMEM; pa_error_last()
 * has the words. Times are Unix milliseconds, UTC.
 */
#ifndef PA_STORE_H
#define PA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/config.h"

typedef struct pa_store pa_store;

/* The schema version this program writes and reads. */
#define PA_STORE_SCHEMA_VERSION 6

/* The SQLite file inside the data folder. */
#define PA_STORE_SQLITE_FILE "passerelle.db"

/*
 * Open the store of data_dir (created if missing) with the backend the
 * config names (store = sqlite), and bring its schema up to date: each
 * migration not yet recorded in schema_version runs once, in its own
 * transaction. A store written by a newer passerelle is refused.
 * cfg may be NULL (defaults).
 */
int pa_store_open(pa_store **out, const char *data_dir, const pa_config *cfg);

/* Finish the writes in progress, then close. Accepts NULL. */
void pa_store_close(pa_store *store);

/*
 * Keep the attempts being played in memory, up to max_bytes (0: no
 * cache), so that a commit does not read its attempt back from the store
 * (runtime/attempt_cache.h; `passerelle serve`). Call it before any other
 * thread uses store.
 */
int pa_store_cache_attempts(pa_store *store, size_t max_bytes);

/* "sqlite". */
const char *pa_store_backend(const pa_store *store);

/* A cheap read that proves the store answers (for /healthz); *out the schema version. */
int pa_store_ping(int *out, pa_store *store);

/* --- packages --- */

/* What an import hands the store for a new version. */
typedef struct pa_store_new_version {
	const char *identifier;      /* the manifest's identifier: one package per identifier */
	const char *title;           /* shown in lists */
	const char *scorm_version;   /* "1.2", "2004 3rd Edition", ... */
	const char *manifest_sha256; /* hex */
	const char *tree_json;       /* the activity tree (runtime/import.h) */
} pa_store_new_version;

/*
 * Called inside the transaction that creates a version, once its package id
 * and number are known, to put the files in place (the import renames its
 * extracted folder). A non-zero return rolls the transaction back. If the
 * transaction then fails to commit, undo (when not NULL) is called.
 */
typedef struct pa_store_placer {
	int (*place)(void *arg, int64_t package_id, int version);
	void (*undo)(void *arg, int64_t package_id, int version);
	void *arg;
} pa_store_placer;

typedef struct pa_store_version {
	int64_t id;               /* of the version row */
	int64_t package_id;
	int version;              /* 1, 2, ... within the package */
	char *identifier;
	char *title;
	char *scorm_version;
	char *manifest_sha256;
	char *folder;             /* relative to the data folder: packages/<id>/<version> */
	char *tree_json;          /* NULL in lists */
	int64_t created;
} pa_store_version;

void pa_store_version_dispose(pa_store_version *v);

/* The folder of a version, relative to the data folder. */
int pa_store_version_folder(pa_buf *out, int64_t package_id, int version);

/*
 * Create the package of in->identifier if new (its title updated if not)
 * and its next version (1 for a new package), placing the files with placer
 * (may be NULL). *out (may be NULL) receives the new version.
 */
int pa_store_version_create(pa_store_version *out, pa_store *store,
			    const pa_store_new_version *in, const pa_store_placer *placer);

/* One version; version 0 means the latest. */
int pa_store_version_get(pa_store_version *out, pa_store *store, int64_t package_id, int version);

/* The same without its tree (tree_json NULL): cheap enough for every content request. */
int pa_store_version_find(pa_store_version *out, pa_store *store, int64_t package_id, int version);

/* The version of a version row id (pa_store_attempt.version_id), with its tree. */
int pa_store_version_by_id(pa_store_version *out, pa_store *store, int64_t version_id);

/* The latest version of every package, newest package first, without trees. */
int pa_store_package_list(pa_store_version **out, size_t *count, pa_store *store);
void pa_store_version_list_free(pa_store_version *list, size_t count);

/* --- admin tokens --- */

#define PA_STORE_TOKEN_HASH_BYTES 32   /* SHA-256 */

typedef struct pa_store_token {
	int64_t id;
	char *name;
	int64_t created;
	int64_t last_used;   /* 0: never */
} pa_store_token;

/* Record a token by the SHA-256 of its secret; PA_EEXISTS if name is in use. */
int pa_store_token_add(int64_t *out, pa_store *store, const char *name,
		       const unsigned char hash[PA_STORE_TOKEN_HASH_BYTES]);

/* The active tokens, oldest first. */
int pa_store_token_list(pa_store_token **out, size_t *count, pa_store *store);
void pa_store_token_list_free(pa_store_token *list, size_t count);

/* Revoke the active token called name; PA_ENOTFOUND if there is none. */
int pa_store_token_revoke(pa_store *store, const char *name);

/*
 * The active token whose hash is hash: 0 and *out its id (and its last use
 * recorded), or PA_ENOTFOUND. Every active hash is compared, in constant
 * time, so the time taken says nothing about the secret.
 */
int pa_store_token_check(int64_t *out, pa_store *store,
			 const unsigned char hash[PA_STORE_TOKEN_HASH_BYTES]);

/* --- learners, attempts, commits (the player builds on these) --- */

/* The learner known by subject (an LTI "iss sub", "preview:<name>"), created if new. */
int pa_store_learner_ensure(int64_t *out, pa_store *store, const char *subject, const char *name);

typedef struct pa_store_learner {
	int64_t id;
	char *subject;
	char *name;       /* may be NULL */
	int64_t created;
} pa_store_learner;

void pa_store_learner_dispose(pa_store_learner *l);

int pa_store_learner_get(pa_store_learner *out, pa_store *store, int64_t id);

/*
 * A learner's global objectives, shared by every package they play whose
 * sequencing keeps its objectives global to the system: appended to out
 * as pa_seq_import_globals reads them ("pa-seqglobals 1" and a line per
 * objective), nothing when they have none. Commits write them
 * (pa_store_commit.globals), an objective at a time.
 */
int pa_store_learner_globals(pa_buf *out, pa_store *store, int64_t learner_id);

/*
 * What a SCO sees as cmi.learner_id: the LMS's own id of the person (an
 * LTI subject's user part, "lti13 <iss> <sub>" gives <sub>), else the
 * whole subject. Borrowed from subject.
 */
const char *pa_store_learner_lms_id(const char *subject);

/*
 * One SCO's stored state in an attempt: the engine's export
 * (pa_scorm_export) and the SCO's part of the attempt's statuses, which
 * the player sums up at each commit without importing every engine again.
 */
typedef struct pa_store_sco {
	char *id;                 /* the item identifier */
	unsigned char *state;     /* the engine's export, NUL-terminated; NULL when not read */
	size_t state_len;
	bool summarized;          /* false: not yet (an attempt from schema 2): sum it up from state */
	char completion_status[16];   /* "completed" or "incomplete" (launched, not completed) */
	char success_status[16];      /* "passed", "failed" or "unknown" */
	double score_scaled;      /* valid when has_score */
	bool has_score;
} pa_store_sco;

void pa_store_sco_dispose(pa_store_sco *sco);

typedef struct pa_store_attempt {
	int64_t id;
	int64_t version_id;       /* pa_store_version.id: an attempt stays on its version */
	int64_t learner_id;
	bool preview;
	char *completion_status;  /* "unknown", "incomplete", "completed", ... */
	char *success_status;     /* "unknown", "passed", "failed" */
	double score_scaled;      /* valid when has_score */
	bool has_score;
	bool suspended;
	int64_t last_seq;         /* seq of the last commit, 0 before the first */
	unsigned char *state;     /* the sequencing state (pa_seq_export), NUL-terminated; NULL if none */
	size_t state_len;
	pa_store_sco *scos;       /* pa_store_attempt_read only: each SCO launched, in no order */
	size_t nscos;
	int64_t created, updated;
} pa_store_attempt;

void pa_store_attempt_dispose(pa_store_attempt *a);

/* A new attempt of learner on a version (status "unknown", no state). */
int pa_store_attempt_create(int64_t *out, pa_store *store, int64_t version_id,
			    int64_t learner_id, bool preview);

/* The attempt's row, without its SCOs (nscos 0). */
int pa_store_attempt_get(pa_store_attempt *out, pa_store *store, int64_t attempt_id);

/*
 * The attempt and its SCOs, read together (one snapshot): every SCO's
 * summary, and the engine states of every SCO (sco NULL) or only of sco
 * and of the SCOs not yet summed up (a commit replays one SCO). With
 * pa_store_cache_attempts, a read of one sco may come from memory: as
 * this process's last commit of the attempt left it; sco NULL always
 * reads the store.
 */
int pa_store_attempt_read(pa_store_attempt *out, pa_store *store, int64_t attempt_id, const char *sco);

/*
 * The learner's latest attempt on any version of a package (preview or
 * not, as asked), or PA_ENOTFOUND: an attempt started before a re-import
 * stays on its version, and this finds it there. Without its SCOs.
 */
int pa_store_attempt_latest(pa_store_attempt *out, pa_store *store, int64_t learner_id,
			    int64_t package_id, bool preview);

/* One commit of the run-time: the calls since the last one, the engine's
 * answer, and what they changed of the attempt's state. */
typedef struct pa_store_commit {
	int64_t attempt_id;
	int64_t seq;              /* 1, 2, ...: must be the attempt's last_seq + 1 */
	const char *calls;        /* JSON */
	const char *result;       /* JSON */
	const unsigned char *state;   /* the new sequencing state; NULL: unchanged */
	size_t state_len;
	const pa_store_sco *scos; /* the SCOs it changed, each written whole (state and summary) */
	size_t nscos;
	const char *completion_status, *success_status;   /* NULL: unchanged */
	double score_scaled;
	bool has_score, suspended;
	const char *globals;      /* the learner's global objectives now (pa_seq_export_globals); NULL: none */
} pa_store_commit;

/*
 * Record a commit and the attempt's new state in one transaction.
 * PA_EEXISTS when seq is already stored (a retried request: read it back
 * with pa_store_commit_result), PA_EINVALID when seq skips ahead,
 * PA_ENOTFOUND when the attempt does not exist.
 */
int pa_store_commit_append(pa_store *store, const pa_store_commit *commit);

/*
 * The same without waiting: done(arg, rc) is called once the commit is on
 * disk (rc 0) or has failed (rc as above, the words in pa_error_last()),
 * on the store's writer thread: it must be quick and must not call the
 * store. commit and what it points to must stay valid until then. A
 * non-zero return (the store is closing, or the commit is malformed)
 * means done will not be called.
 */
typedef void (*pa_store_done_fn)(void *arg, int rc);
int pa_store_commit_append_async(pa_store *store, const pa_store_commit *commit, pa_store_done_fn done, void *arg);

/* The stored result of commit seq of an attempt, appended to out. */
int pa_store_commit_result(pa_buf *out, pa_store *store, int64_t attempt_id, int64_t seq);

/* The calls of commit seq as recorded (the audit trail), appended to out. */
int pa_store_commit_calls(pa_buf *out, pa_store *store, int64_t attempt_id, int64_t seq);

/* Milliseconds since the epoch (the store's clock). */
int64_t pa_store_now_ms(void);

#endif
