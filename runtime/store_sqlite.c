/*
 * The SQLite backend: one file, DATA/passerelle.db, in WAL mode with
 * synchronous=FULL, so that a commit acknowledged has reached the disk.
 *
 * One writer thread owns the only connection that writes. Callers queue a
 * job and wait; the writer takes every job waiting (up to commit_batch),
 * runs each inside its own savepoint of one transaction, commits once (one
 * fsync for the whole batch) and wakes the callers. A failing job rolls
 * back to its savepoint without harming its neighbours. Readers borrow a
 * connection from a pool; WAL lets them read while the writer writes.
 *
 * Every statement is prepared once per connection from the table below and
 * bound with parameters: no SQL is ever built from data.
 */
#include "runtime/store_sqlite.h"
#include "runtime/store_sqlite_lti.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"

/* --- schema --- */

/* Migration n brings the schema from version n-1 to n. Never edit one that
 * has shipped: append a new one. */
static const char *const migrations[] = {
	/* 1: packages, tokens, and what attempts and commits need. */
	"CREATE TABLE packages ("
	"  id INTEGER PRIMARY KEY,"
	"  identifier TEXT NOT NULL UNIQUE CHECK (length(identifier) > 0),"
	"  title TEXT NOT NULL,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE package_versions ("
	"  id INTEGER PRIMARY KEY,"
	"  package_id INTEGER NOT NULL REFERENCES packages(id),"
	"  version INTEGER NOT NULL CHECK (version >= 1),"
	"  title TEXT NOT NULL,"
	"  scorm_version TEXT NOT NULL,"
	"  manifest_sha256 TEXT NOT NULL,"
	"  folder TEXT NOT NULL UNIQUE,"
	"  tree TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  UNIQUE (package_id, version));"
	"CREATE TABLE admin_tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL CHECK (length(name) > 0),"
	"  hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),"
	"  created INTEGER NOT NULL,"
	"  last_used INTEGER,"
	"  revoked INTEGER);"
	"CREATE UNIQUE INDEX admin_tokens_active_name ON admin_tokens(name) WHERE revoked IS NULL;"
	"CREATE TABLE learners ("
	"  id INTEGER PRIMARY KEY,"
	"  subject TEXT NOT NULL UNIQUE CHECK (length(subject) > 0),"
	"  name TEXT,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE attempts ("
	"  id INTEGER PRIMARY KEY,"
	"  version_id INTEGER NOT NULL REFERENCES package_versions(id),"
	"  learner_id INTEGER NOT NULL REFERENCES learners(id),"
	"  preview INTEGER NOT NULL DEFAULT 0 CHECK (preview IN (0, 1)),"
	"  completion_status TEXT NOT NULL DEFAULT 'unknown',"
	"  success_status TEXT NOT NULL DEFAULT 'unknown',"
	"  score_scaled REAL CHECK (score_scaled IS NULL OR score_scaled BETWEEN -1 AND 1),"
	"  suspended INTEGER NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1)),"
	"  last_seq INTEGER NOT NULL DEFAULT 0,"
	"  state BLOB,"
	"  created INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL);"
	"CREATE INDEX attempts_learner ON attempts(learner_id, version_id);"
	"CREATE TABLE commits ("
	"  attempt_id INTEGER NOT NULL REFERENCES attempts(id),"
	"  seq INTEGER NOT NULL CHECK (seq >= 1),"
	"  calls TEXT NOT NULL,"
	"  result TEXT,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (attempt_id, seq)) WITHOUT ROWID;",
	/* 2: LTI (runtime/store_lti.h). */
	/* The tool's own RS256 keys: the newest unretired one signs; a retired
	 * one stays published until what it signed has expired. */
	"CREATE TABLE lti_keys ("
	"  id INTEGER PRIMARY KEY,"
	"  kid TEXT NOT NULL UNIQUE,"
	"  private_pem TEXT NOT NULL,"
	"  public_jwk TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  retired INTEGER);"
	/* LTI 1.3 platforms, one per (issuer, client_id), and their deployments. */
	"CREATE TABLE lti_platforms ("
	"  id INTEGER PRIMARY KEY,"
	"  issuer TEXT NOT NULL CHECK (length(issuer) > 0),"
	"  client_id TEXT NOT NULL CHECK (length(client_id) > 0),"
	"  name TEXT,"
	"  auth_url TEXT NOT NULL,"
	"  token_url TEXT NOT NULL,"
	"  jwks_url TEXT NOT NULL,"
	"  token_audience TEXT,"
	"  created INTEGER NOT NULL,"
	"  UNIQUE (issuer, client_id));"
	"CREATE TABLE lti_deployments ("
	"  platform_id INTEGER NOT NULL REFERENCES lti_platforms(id) ON DELETE CASCADE,"
	"  deployment_id TEXT NOT NULL CHECK (length(deployment_id) > 0),"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (platform_id, deployment_id)) WITHOUT ROWID;"
	/* LTI 1.1 consumers: the secret is kept as is, HMAC needs it. */
	"CREATE TABLE lti_consumers ("
	"  id INTEGER PRIMARY KEY,"
	"  consumer_key TEXT NOT NULL UNIQUE CHECK (length(consumer_key) > 0),"
	"  secret TEXT NOT NULL,"
	"  name TEXT,"
	"  created INTEGER NOT NULL);"
	/* Single-use values that expire: OIDC states (data: what the launch
	 * needs back), OAuth 1.0a nonces. Taking one deletes it. */
	"CREATE TABLE lti_nonces ("
	"  scope TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  data TEXT,"
	"  expires INTEGER NOT NULL,"
	"  PRIMARY KEY (scope, value)) WITHOUT ROWID;"
	"CREATE INDEX lti_nonces_expires ON lti_nonces(expires);"
	/* Resource links (placements in an LMS course): owner is a platform
	 * (version 13) or a consumer (11); the package chosen by deep linking
	 * or a custom parameter; where scores go. */
	"CREATE TABLE lti_links ("
	"  id INTEGER PRIMARY KEY,"
	"  lti_version INTEGER NOT NULL CHECK (lti_version IN (11, 13)),"
	"  owner_id INTEGER NOT NULL,"
	"  resource_link_id TEXT NOT NULL CHECK (length(resource_link_id) > 0),"
	"  deployment_id TEXT,"
	"  context_id TEXT,"
	"  context_title TEXT,"
	"  title TEXT,"
	"  package_id INTEGER REFERENCES packages(id),"
	"  lineitem TEXT,"
	"  outcome_url TEXT,"
	"  created INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL,"
	"  UNIQUE (lti_version, owner_id, resource_link_id));"
	/* Where an attempt's scores go: a link, and the platform's name for the
	 * learner there (AGS userId, or LTI 1.1 lis_result_sourcedid). */
	"CREATE TABLE lti_grade_targets ("
	"  attempt_id INTEGER NOT NULL REFERENCES attempts(id),"
	"  link_id INTEGER NOT NULL REFERENCES lti_links(id),"
	"  user_ref TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (attempt_id, link_id)) WITHOUT ROWID;"
	/* Scores to deliver, written in the transaction of the commit that
	 * changed them, delivered in id order per (link, user_ref). */
	"CREATE TABLE lti_outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  attempt_id INTEGER NOT NULL REFERENCES attempts(id),"
	"  link_id INTEGER NOT NULL REFERENCES lti_links(id),"
	"  user_ref TEXT NOT NULL,"
	"  completion_status TEXT NOT NULL,"
	"  success_status TEXT NOT NULL,"
	"  score_scaled REAL,"
	"  timestamp INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),"
	"  tries INTEGER NOT NULL DEFAULT 0,"
	"  next_try INTEGER NOT NULL,"
	"  last_status INTEGER,"
	"  last_answer TEXT,"
	"  created INTEGER NOT NULL,"
	"  sent INTEGER);"
	"CREATE INDEX lti_outbox_due ON lti_outbox(state, next_try);"
	"CREATE INDEX lti_outbox_target ON lti_outbox(link_id, user_ref, id);",
	/* 3: each SCO's state in its own row, so that a commit reads and writes
	 * the SCO it replayed, not the whole attempt; with its part of the
	 * attempt's statuses (NULL until the player sums it up). The state
	 * comes last: a row read for its summary leaves its pages alone. The
	 * attempt's state keeps the sequencing state alone. States of schema 2
	 * ({"v":1,"scos":{ID:EXPORT},"seq":SEQ}) are split up; one that is not
	 * that JSON is left as it was. */
	"CREATE TABLE attempt_scos ("
	"  attempt_id INTEGER NOT NULL REFERENCES attempts(id),"
	"  sco TEXT NOT NULL,"
	"  completion_status TEXT,"
	"  success_status TEXT,"
	"  score_scaled REAL CHECK (score_scaled IS NULL OR score_scaled BETWEEN -1 AND 1),"
	"  state BLOB NOT NULL,"
	"  PRIMARY KEY (attempt_id, sco)) WITHOUT ROWID;"
	"CREATE TEMP TABLE old_states AS SELECT id, CAST(state AS TEXT) AS doc FROM attempts "
	"  WHERE state IS NOT NULL AND json_valid(CAST(state AS TEXT)) "
	"  AND json_type(CAST(state AS TEXT), '$.scos') = 'object' AND json_extract(CAST(state AS TEXT), '$.v') = 1;"
	"INSERT INTO attempt_scos (attempt_id, sco, state) "
	"  SELECT o.id, j.key, CAST(j.value AS BLOB) FROM old_states o, json_each(o.doc, '$.scos') j "
	"  WHERE j.type = 'text';"
	"UPDATE attempts SET state = (SELECT CAST(json_extract(o.doc, '$.seq') AS BLOB) FROM old_states o "
	"  WHERE o.id = attempts.id) WHERE id IN (SELECT id FROM old_states);"
	"DROP TABLE old_states;",
	/* 4: a learner's global objectives (objectivesGlobalToSystem), shared by
	 * the packages they play: one row per objective, the line of
	 * pa_seq_export_globals that carries it. */
	"CREATE TABLE learner_objectives ("
	"  learner_id INTEGER NOT NULL REFERENCES learners(id),"
	"  objective TEXT NOT NULL,"
	"  line TEXT NOT NULL,"
	"  updated INTEGER NOT NULL,"
	"  PRIMARY KEY (learner_id, objective)) WITHOUT ROWID;",
	/* 5: commits and SCO states in rowid tables, with a unique index for
	 * their keys. WITHOUT ROWID, a row keeps only about 1 KB of a 4 KB page
	 * local (index pages), so each commit rewrote a leaf of commits at a
	 * random place and a SCO's state was deleted and inserted again: 7 WAL
	 * pages per commit with 10,000 attempts. In rowid tables commits are
	 * appended, and a state of the same size is overwritten in place: under
	 * 4 pages (bench/runtime; docs/benchmarks.md). */
	"CREATE TABLE commits_v5 ("
	"  attempt_id INTEGER NOT NULL REFERENCES attempts(id),"
	"  seq INTEGER NOT NULL CHECK (seq >= 1),"
	"  calls TEXT NOT NULL,"
	"  result TEXT,"
	"  created INTEGER NOT NULL);"
	"INSERT INTO commits_v5 (attempt_id, seq, calls, result, created) "
	"  SELECT attempt_id, seq, calls, result, created FROM commits ORDER BY attempt_id, seq;"
	"DROP TABLE commits;"
	"ALTER TABLE commits_v5 RENAME TO commits;"
	"CREATE UNIQUE INDEX commits_attempt_seq ON commits(attempt_id, seq);"
	"CREATE TABLE attempt_scos_v5 ("
	"  attempt_id INTEGER NOT NULL REFERENCES attempts(id),"
	"  sco TEXT NOT NULL,"
	"  completion_status TEXT,"
	"  success_status TEXT,"
	"  score_scaled REAL CHECK (score_scaled IS NULL OR score_scaled BETWEEN -1 AND 1),"
	"  state BLOB NOT NULL);"
	"INSERT INTO attempt_scos_v5 (attempt_id, sco, completion_status, success_status, score_scaled, state) "
	"  SELECT attempt_id, sco, completion_status, success_status, score_scaled, state FROM attempt_scos;"
	"DROP TABLE attempt_scos;"
	"ALTER TABLE attempt_scos_v5 RENAME TO attempt_scos;"
	"CREATE UNIQUE INDEX attempt_scos_attempt_sco ON attempt_scos(attempt_id, sco);",
	/* 6: a link's attempts found from the link (its instructors' page, a page
	 * at a time, and its CSV exports, a batch at a time), not by a scan of
	 * every link's. */
	"CREATE INDEX IF NOT EXISTS lti_grade_targets_link ON lti_grade_targets(link_id, attempt_id);",
};

#define SCHEMA_VERSION ((int)PA_ARRAY_SIZE(migrations))
_Static_assert(PA_ARRAY_SIZE(migrations) == PA_STORE_SCHEMA_VERSION, "one migration per schema version");

/* --- statements --- */

enum {
	ST_BEGIN, ST_COMMIT, ST_ROLLBACK, ST_SAVEPOINT, ST_RELEASE, ST_ROLLBACK_TO,
	ST_PING,
	ST_PKG_FIND, ST_PKG_INSERT, ST_PKG_TITLE, ST_VER_NEXT, ST_VER_INSERT,
	ST_VER_GET, ST_VER_LATEST, ST_VER_FIND, ST_VER_FIND_LATEST, ST_VER_BY_ID, ST_PKG_LIST,
	ST_TOK_INSERT, ST_TOK_LIST, ST_TOK_REVOKE, ST_TOK_HASHES, ST_TOK_USED,
	ST_LEARNER_UPSERT, ST_ATT_INSERT, ST_ATT_GET, ST_ATT_LATEST, ST_ATT_LAST_SEQ, ST_ATT_UPDATE,
	ST_COMMIT_INSERT, ST_COMMIT_RESULT, ST_COMMIT_CALLS, ST_SCO_READ, ST_SCO_WRITE,
	ST_READ_BEGIN, ST_READ_END,
	ST_COUNT
};

#define VERSION_COLUMNS \
	"v.id, v.package_id, v.version, p.identifier, v.title, v.scorm_version, v.manifest_sha256, v.folder, "

static const char *const sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT job",
	[ST_RELEASE] = "RELEASE job",
	[ST_ROLLBACK_TO] = "ROLLBACK TO job",
	[ST_PING] = "SELECT max(version) FROM schema_version",
	[ST_PKG_FIND] = "SELECT id FROM packages WHERE identifier = ?1",
	[ST_PKG_INSERT] = "INSERT INTO packages (identifier, title, created) VALUES (?1, ?2, ?3)",
	[ST_PKG_TITLE] = "UPDATE packages SET title = ?2 WHERE id = ?1",
	[ST_VER_NEXT] = "SELECT coalesce(max(version), 0) + 1 FROM package_versions WHERE package_id = ?1",
	[ST_VER_INSERT] = "INSERT INTO package_versions (package_id, version, title, scorm_version, "
			  "manifest_sha256, folder, tree, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_VER_GET] = "SELECT " VERSION_COLUMNS "v.tree, v.created FROM package_versions v "
		       "JOIN packages p ON p.id = v.package_id WHERE v.package_id = ?1 AND v.version = ?2",
	[ST_VER_LATEST] = "SELECT " VERSION_COLUMNS "v.tree, v.created FROM package_versions v "
			  "JOIN packages p ON p.id = v.package_id WHERE v.package_id = ?1 "
			  "ORDER BY v.version DESC LIMIT 1",
	[ST_VER_BY_ID] = "SELECT " VERSION_COLUMNS "v.tree, v.created FROM package_versions v "
			 "JOIN packages p ON p.id = v.package_id WHERE v.id = ?1",
	[ST_VER_FIND] = "SELECT " VERSION_COLUMNS "NULL, v.created FROM package_versions v "
			"JOIN packages p ON p.id = v.package_id WHERE v.package_id = ?1 AND v.version = ?2",
	[ST_VER_FIND_LATEST] = "SELECT " VERSION_COLUMNS "NULL, v.created FROM package_versions v "
			       "JOIN packages p ON p.id = v.package_id WHERE v.package_id = ?1 "
			       "ORDER BY v.version DESC LIMIT 1",
	[ST_PKG_LIST] = "SELECT " VERSION_COLUMNS "NULL, v.created FROM packages p "
			"JOIN package_versions v ON v.package_id = p.id AND v.version = "
			"(SELECT max(version) FROM package_versions WHERE package_id = p.id) "
			"ORDER BY p.id DESC",
	[ST_TOK_INSERT] = "INSERT INTO admin_tokens (name, hash, created) VALUES (?1, ?2, ?3)",
	[ST_TOK_LIST] = "SELECT id, name, created, coalesce(last_used, 0) FROM admin_tokens "
			"WHERE revoked IS NULL ORDER BY id",
	[ST_TOK_REVOKE] = "UPDATE admin_tokens SET revoked = ?2 WHERE name = ?1 AND revoked IS NULL",
	[ST_TOK_HASHES] = "SELECT id, hash FROM admin_tokens WHERE revoked IS NULL",
	[ST_TOK_USED] = "UPDATE admin_tokens SET last_used = ?2 WHERE id = ?1",
	[ST_LEARNER_UPSERT] = "INSERT INTO learners (subject, name, created) VALUES (?1, ?2, ?3) "
			      "ON CONFLICT (subject) DO UPDATE SET name = coalesce(excluded.name, name) "
			      "RETURNING id",
	[ST_ATT_INSERT] = "INSERT INTO attempts (version_id, learner_id, preview, created, updated) "
			  "VALUES (?1, ?2, ?3, ?4, ?4)",
	[ST_ATT_GET] = "SELECT id, version_id, learner_id, preview, completion_status, success_status, "
		       "score_scaled, suspended, last_seq, state, created, updated FROM attempts WHERE id = ?1",
	[ST_ATT_LATEST] = "SELECT a.id, a.version_id, a.learner_id, a.preview, a.completion_status, "
			  "a.success_status, a.score_scaled, a.suspended, a.last_seq, a.state, a.created, "
			  "a.updated FROM attempts a JOIN package_versions v ON v.id = a.version_id "
			  "WHERE a.learner_id = ?1 AND v.package_id = ?2 AND a.preview = ?3 "
			  "ORDER BY a.id DESC LIMIT 1",
	[ST_ATT_LAST_SEQ] = "SELECT last_seq FROM attempts WHERE id = ?1",
	[ST_ATT_UPDATE] = "UPDATE attempts SET last_seq = ?2, state = coalesce(?3, state), "
			  "completion_status = coalesce(?4, completion_status), "
			  "success_status = coalesce(?5, success_status), "
			  "score_scaled = CASE WHEN ?6 THEN ?7 ELSE score_scaled END, "
			  "suspended = ?8, updated = ?9 WHERE id = ?1",
	[ST_COMMIT_INSERT] = "INSERT INTO commits (attempt_id, seq, calls, result, created) "
			     "VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_COMMIT_RESULT] = "SELECT result FROM commits WHERE attempt_id = ?1 AND seq = ?2",
	[ST_COMMIT_CALLS] = "SELECT calls FROM commits WHERE attempt_id = ?1 AND seq = ?2",
	[ST_SCO_READ] = "SELECT sco, completion_status, success_status, score_scaled, "
			"CASE WHEN ?2 IS NULL OR sco = ?2 OR completion_status IS NULL THEN state END "
			"FROM attempt_scos WHERE attempt_id = ?1",
	[ST_SCO_WRITE] = "INSERT INTO attempt_scos (attempt_id, sco, completion_status, success_status, "
			 "score_scaled, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (attempt_id, sco) DO UPDATE "
			 "SET completion_status = excluded.completion_status, success_status = excluded.success_status, "
			 "score_scaled = excluded.score_scaled, state = excluded.state",
	[ST_READ_BEGIN] = "BEGIN",
	[ST_READ_END] = "COMMIT",
};

/* --- connections --- */

typedef struct pa_sqlite_conn conn;

struct pa_sqlite_conn {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	sqlite3_stmt *ext[PA_SQLITE_EXT_SLOTS];   /* store_sqlite_*.c */
};

/* Map SQLite's result to ours, with the message, and return it. */
static int db_fail(sqlite3 *db, int src, const char *what)
{
	int code;

	switch (src & 0xff) {
	case SQLITE_NOMEM:
		code = PA_ENOMEM;
		break;
	case SQLITE_CONSTRAINT:
		code = (src == SQLITE_CONSTRAINT_UNIQUE || src == SQLITE_CONSTRAINT_PRIMARYKEY)
			? PA_EEXISTS : PA_EINVALID;
		break;
	case SQLITE_NOTFOUND:
		code = PA_ENOTFOUND;
		break;
	case SQLITE_TOOBIG:
		code = PA_ELIMIT;
		break;
	default:
		code = PA_EIO;
		break;
	}
	return pa_error_set(code, "store: %s: %s", what,
			    db ? sqlite3_errmsg(db) : sqlite3_errstr(src));
}

/* The prepared statement id of c, ready to bind. */
static int stmt(sqlite3_stmt **out, conn *c, int id)
{
	int rc;

	*out = NULL;
	if (!c->st[id]) {
		rc = sqlite3_prepare_v3(c->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT, &c->st[id], NULL);
		if (rc != SQLITE_OK)
			return db_fail(c->db, rc, "prepare");
	}
	*out = c->st[id];
	return 0;
}

/* Leave a statement ready for its next use. */
static void stmt_done(sqlite3_stmt *st)
{
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

/* Run a statement that returns no row we want. */
static int run(conn *c, int id, const char *what)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = stmt(&st, c, id)) != 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	rc = rc == SQLITE_DONE ? 0 : db_fail(c->db, rc, what);
	stmt_done(st);
	return rc;
}

/* Run fixed SQL text (pragmas, migrations), statement after statement.
 * Only ever called with the constants of this file. */
static int exec_fixed(sqlite3 *db, const char *text, const char *what)
{
	const char *tail = text;
	int rc = 0;

	while (!rc && tail && *tail) {
		sqlite3_stmt *st = NULL;
		int src = sqlite3_prepare_v2(db, tail, -1, &st, &tail);

		if (src != SQLITE_OK)
			return db_fail(db, src, what);
		if (!st)
			break; /* only white space was left */
		while ((src = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (src != SQLITE_DONE)
			rc = db_fail(db, src, what);
		sqlite3_finalize(st);
	}
	return rc;
}

static void conn_close(conn *c)
{
	if (!c)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(c->st[i]);
	for (int i = 0; i < PA_SQLITE_EXT_SLOTS; i++)
		sqlite3_finalize(c->ext[i]);
	sqlite3_close(c->db);
	free(c);
}

static int conn_open(conn **out, const char *path, int busy_ms, bool reader)
{
	conn *c = calloc(1, sizeof(*c));
	pa_buf pragma = PA_BUF_INIT;
	int rc, src;

	*out = NULL;
	if (!c)
		return pa_error_set(PA_ENOMEM, "store: out of memory");
	src = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			      SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
	if (src != SQLITE_OK) {
		rc = pa_error_set(PA_EIO, "store: cannot open %s: %s", path,
				  c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(src));
		goto done;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, busy_ms);
	/* Pragmas take no parameters; the number is ours, not input. */
	/* The writer's cache holds the pages commits land on (its own writes
	 * never invalidate it): at SQLite's default 2 MiB it re-read them
	 * from the file at every batch. A reader's is emptied by every write. */
	pa_buf_printf(&pragma, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
		      "PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF;%s",
		      reader ? " PRAGMA query_only = ON;" : " PRAGMA cache_size = -65536;");
	if ((rc = pa_buf_error(&pragma)) != 0)
		goto done;
	/* Turning a new database to WAL takes an exclusive lock, and SQLite
	 * answers "locked" at once, without its busy handler, while another
	 * process does the same (two commands starting on one data folder):
	 * wait and try again, as long as busy_timeout allows. */
	for (int waited = 0;; waited += 20) {
		rc = exec_fixed(c->db, pragma.ptr, "set up the connection");
		if (rc != PA_EIO || (sqlite3_errcode(c->db) & 0xff) != SQLITE_BUSY || waited >= busy_ms)
			break;
		usleep(20 * 1000);
	}
done:
	pa_buf_dispose(&pragma);
	if (rc)
		conn_close(c);
	else
		*out = c;
	return rc;
}

/* --- the backend --- */

typedef struct job job;
typedef pa_sqlite_job_fn job_fn;

struct job {
	job_fn run;
	void (*undo)(void *arg);
	void *arg;
	int rc;
	char msg[512];
	bool done;
	pthread_cond_t cond;   /* its own: waking one caller must not wake them all */
	/* A job nobody waits for: notify is called once it is on disk (or
	 * failed), outside the lock, then free_job(j) frees it. */
	pa_store_done_fn notify;
	void *notify_arg;
	void (*free_job)(job *j);
	job *next;
};

#define MAX_READERS 64
/* WAL pages (of 4 KiB) after which the checkpointer runs, as SQLite's own default. */
#define CHECKPOINT_PAGES 1000
/* Past wal_max (catch_up_pages), the writer catches up itself between two
 * batches: under constant writes a background checkpoint never ends before
 * the next write begins, and the WAL could only be restarted from the top
 * when one does, so it would grow without bound. The writer's pass holds
 * the commits back (tens of ms), so rather seldom: 256 MiB by default. */
#define WAL_FRAME_BYTES (4096 + 24)

typedef struct sqlite_store {
	struct pa_store base;
	char *path;
	int busy_ms;
	size_t batch_max;
	int catch_up_pages;

	pthread_mutex_t lock;
	/* the writer */
	conn *writer;
	pthread_t thread;
	bool thread_started;
	/* the checkpointer: folds the WAL into the database off the commit path */
	conn *ckpt;
	pthread_t ckpt_thread;
	bool ckpt_started;
	bool ckpt_wanted;
	bool catch_up;          /* writer thread only */
	bool writer_ckpt;       /* the writer waits to catch up: the checkpointer starts no pass */
	pthread_cond_t ckpt_cond;
	bool stopping;
	job *head, *tail;
	pthread_cond_t work;    /* jobs queued, or stopping */
	/* the readers */
	conn *idle[MAX_READERS];
	size_t nidle, nopen;
	pthread_cond_t reader_free;
} sqlite_store;

static void job_capture(job *j, int rc)
{
	j->rc = rc;
	snprintf(j->msg, sizeof(j->msg), "%s", pa_error_last());
}

/* Run one batch in one transaction. */
static void run_batch(sqlite_store *s, job *batch)
{
	conn *c = s->writer;
	bool aborted = false;
	int rc;

	if ((rc = run(c, ST_BEGIN, "begin")) != 0) {
		for (job *j = batch; j; j = j->next)
			job_capture(j, rc);
		return;
	}
	for (job *j = batch; j; j = j->next) {
		if (aborted) {
			job_capture(j, pa_error_set(PA_EIO, "store: the transaction was aborted by an earlier failure"));
			continue;
		}
		if ((rc = run(c, ST_SAVEPOINT, "savepoint")) != 0) {
			job_capture(j, rc);
			continue;
		}
		j->rc = j->run(c, j->arg);
		if (j->rc) {
			job_capture(j, j->rc);
			if (sqlite3_get_autocommit(c->db)) {
				/* SQLite rolled everything back (disk full, I/O). */
				aborted = true;
				continue;
			}
			run(c, ST_ROLLBACK_TO, "rollback to savepoint");
		}
		run(c, ST_RELEASE, "release savepoint");
	}
	if (aborted) {
		rc = pa_error_set(PA_EIO, "store: the transaction was aborted by an earlier failure");
	} else if ((rc = run(c, ST_COMMIT, "commit")) != 0) {
		if (!sqlite3_get_autocommit(c->db))
			run(c, ST_ROLLBACK, "rollback");
	}
	if (!rc)
		return;
	for (job *j = batch; j; j = j->next) {
		if (j->rc == 0) {
			job_capture(j, rc);
			if (j->undo)
				j->undo(j->arg);
		}
	}
}

/*
 * After each commit the writer reports the WAL's size here. SQLite would
 * checkpoint inside that commit, making its caller wait for the database
 * file's fsync; the checkpointer thread does it instead, without blocking
 * the writer (PASSIVE).
 */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	sqlite_store *s = arg;

	(void)db;
	(void)name;
	if (pages >= s->catch_up_pages)
		s->catch_up = true;
	if (pages >= CHECKPOINT_PAGES) {
		pthread_mutex_lock(&s->lock);
		s->ckpt_wanted = true;
		pthread_cond_signal(&s->ckpt_cond);
		pthread_mutex_unlock(&s->lock);
	}
	return SQLITE_OK;
}

static void *checkpointer_main(void *arg)
{
	sqlite_store *s = arg;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		int rc, log = 0, done = 0;

		while ((!s->ckpt_wanted || s->writer_ckpt) && !s->stopping)
			pthread_cond_wait(&s->ckpt_cond, &s->lock);
		if (s->stopping)
			break;
		s->ckpt_wanted = false;
		pthread_mutex_unlock(&s->lock);
		rc = sqlite3_wal_checkpoint_v2(s->ckpt->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
		if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			pa_warn("store: checkpoint: %s", sqlite3_errmsg(s->ckpt->db));
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/*
 * The writer's own checkpoint, between two batches, when the WAL has
 * grown past wal_max: with no commit written meanwhile, it ends
 * with every frame in the database, and the next transaction restarts the
 * WAL from the top. Commits wait for it, so it must be short: never wait
 * for the checkpointer's pass (its frames and its fsync) but try again
 * after the next batch, and keep the checkpointer from starting another,
 * so the writer's pass has only the frames written since the last one.
 */
static void catch_up(sqlite_store *s)
{
	int rc = sqlite3_wal_checkpoint_v2(s->writer->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	bool again = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;

	if (rc != SQLITE_OK && !again)
		pa_warn("store: checkpoint: %s", sqlite3_errmsg(s->writer->db));
	s->catch_up = again;
	pthread_mutex_lock(&s->lock);
	s->writer_ckpt = again;
	if (!again)
		pthread_cond_signal(&s->ckpt_cond);
	pthread_mutex_unlock(&s->lock);
}

static void *writer_main(void *arg)
{
	sqlite_store *s = arg;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		job *batch, *last, *async;
		size_t n = 1;

		while (!s->head && !s->stopping)
			pthread_cond_wait(&s->work, &s->lock);
		if (!s->head)
			break;
		batch = last = s->head;
		while (last->next && n < s->batch_max) {
			last = last->next;
			n++;
		}
		s->head = last->next;
		if (!s->head)
			s->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&s->lock);

		run_batch(s, batch);

		pthread_mutex_lock(&s->lock);
		async = NULL;
		for (job *j = batch, *next; j; j = next) {
			next = j->next;
			if (j->notify) {
				j->next = async;
				async = j;
				continue;
			}
			j->done = true;
			pthread_cond_signal(&j->cond);
		}
		if (async) {
			pthread_mutex_unlock(&s->lock);
			for (job *j = async, *next; j; j = next) {
				next = j->next;
				if (j->rc)
					pa_error_set(j->rc, "%s", j->msg);
				j->notify(j->notify_arg, j->rc);
				j->free_job(j);
			}
			pthread_mutex_lock(&s->lock);
		}
		if (s->catch_up) {
			/* Callers are answered; the next ones wait for this. */
			pthread_mutex_unlock(&s->lock);
			catch_up(s);
			pthread_mutex_lock(&s->lock);
		}
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Under s->lock: put j at the end of the writer's queue, unless the store is closing. */
static int enqueue_locked(sqlite_store *s, job *j)
{
	j->rc = 0;
	j->done = false;
	j->next = NULL;
	if (s->stopping)
		return pa_error_set(PA_EIO, "store: closing");
	if (s->tail)
		s->tail->next = j;
	else
		s->head = j;
	s->tail = j;
	pthread_cond_signal(&s->work);
	return 0;
}

/* Queue a job for the writer and wait until its batch is on disk. */
static int submit(sqlite_store *s, job *j)
{
	int rc;

	pthread_cond_init(&j->cond, NULL);
	pthread_mutex_lock(&s->lock);
	if ((rc = enqueue_locked(s, j)) == 0)
		while (!j->done)
			pthread_cond_wait(&j->cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
	pthread_cond_destroy(&j->cond);
	if (rc)
		return rc;
	return j->rc ? pa_error_set(j->rc, "%s", j->msg) : 0;
}

/* Queue a job for the writer and return: j->notify will tell. */
static int submit_async(sqlite_store *s, job *j)
{
	int rc;

	pthread_mutex_lock(&s->lock);
	rc = enqueue_locked(s, j);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static int write_job(sqlite_store *s, job_fn fn, void *arg)
{
	job j = { 0 };

	j.run = fn;
	j.arg = arg;
	return submit(s, &j);
}

static int reader_get(conn **out, sqlite_store *s)
{
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	while (!s->nidle && s->nopen >= MAX_READERS)
		pthread_cond_wait(&s->reader_free, &s->lock);
	if (s->nidle) {
		*out = s->idle[--s->nidle];
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
	s->nopen++;
	pthread_mutex_unlock(&s->lock);
	if ((rc = conn_open(out, s->path, s->busy_ms, true)) != 0) {
		pthread_mutex_lock(&s->lock);
		s->nopen--;
		pthread_cond_signal(&s->reader_free);
		pthread_mutex_unlock(&s->lock);
	}
	return rc;
}

static void reader_put(sqlite_store *s, conn *c)
{
	pthread_mutex_lock(&s->lock);
	s->idle[s->nidle++] = c;
	pthread_cond_signal(&s->reader_free);
	pthread_mutex_unlock(&s->lock);
}

/* --- column helpers --- */

static int col_text(char **out, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	*out = NULL;
	if (!t)
		return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : pa_error_set(PA_ENOMEM, "store: out of memory");
	return (*out = pa_strdup((const char *)t)) ? 0 : PA_ENOMEM;
}

static int bind_text(sqlite3_stmt *st, int i, const char *text)
{
	return text ? sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* Step a statement expected to give one row: 0 and a row, PA_ENOTFOUND, or an error. */
static int step_row(conn *c, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return pa_error_set(PA_ENOTFOUND, "store: %s: not found", what);
	return db_fail(c->db, rc, what);
}

static int step_done(conn *c, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_fail(c->db, rc, what);
}

static int read_version(pa_store_version *v, sqlite3_stmt *st)
{
	int rc;

	v->id = sqlite3_column_int64(st, 0);
	v->package_id = sqlite3_column_int64(st, 1);
	v->version = sqlite3_column_int(st, 2);
	if ((rc = col_text(&v->identifier, st, 3)) != 0 || (rc = col_text(&v->title, st, 4)) != 0 ||
	    (rc = col_text(&v->scorm_version, st, 5)) != 0 || (rc = col_text(&v->manifest_sha256, st, 6)) != 0 ||
	    (rc = col_text(&v->folder, st, 7)) != 0 || (rc = col_text(&v->tree_json, st, 8)) != 0)
		return rc;
	v->created = sqlite3_column_int64(st, 9);
	return 0;
}

/* --- operations --- */

static int op_ping(int *out, pa_store *base)
{
	sqlite_store *s = (sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	conn *c;
	int rc;

	if ((rc = reader_get(&c, s)) != 0)
		return rc;
	if ((rc = stmt(&st, c, ST_PING)) == 0 && (rc = step_row(c, st, "ping")) == 0)
		*out = sqlite3_column_int(st, 0);
	stmt_done(st);
	reader_put(s, c);
	return rc;
}

typedef struct create_args {
	const pa_store_new_version *in;
	const pa_store_placer *placer;
	pa_store_version *out;
	int64_t package_id;
	int version;
	bool placed;
} create_args;

static int create_job(conn *c, void *arg)
{
	create_args *a = arg;
	const pa_store_new_version *in = a->in;
	const char *title = in->title && *in->title ? in->title : in->identifier;
	pa_buf folder = PA_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int64_t now = pa_store_now_ms();
	int rc;

	a->placed = false;
	if ((rc = stmt(&st, c, ST_PKG_FIND)) != 0)
		goto done;
	bind_text(st, 1, in->identifier);
	rc = step_row(c, st, "find the package");
	if (rc == 0) {
		a->package_id = sqlite3_column_int64(st, 0);
		stmt_done(st);
		if ((rc = stmt(&st, c, ST_PKG_TITLE)) != 0)
			goto done;
		sqlite3_bind_int64(st, 1, a->package_id);
		bind_text(st, 2, title);
		if ((rc = step_done(c, st, "update the package")) != 0)
			goto done;
	} else if (rc == PA_ENOTFOUND) {
		stmt_done(st);
		if ((rc = stmt(&st, c, ST_PKG_INSERT)) != 0)
			goto done;
		bind_text(st, 1, in->identifier);
		bind_text(st, 2, title);
		sqlite3_bind_int64(st, 3, now);
		if ((rc = step_done(c, st, "create the package")) != 0)
			goto done;
		a->package_id = sqlite3_last_insert_rowid(c->db);
	} else {
		goto done;
	}
	stmt_done(st);
	if ((rc = stmt(&st, c, ST_VER_NEXT)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, a->package_id);
	if ((rc = step_row(c, st, "number the version")) != 0)
		goto done;
	a->version = sqlite3_column_int(st, 0);
	stmt_done(st);

	if ((rc = pa_store_version_folder(&folder, a->package_id, a->version)) != 0)
		goto done;
	if ((rc = stmt(&st, c, ST_VER_INSERT)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, a->package_id);
	sqlite3_bind_int(st, 2, a->version);
	bind_text(st, 3, title);
	bind_text(st, 4, in->scorm_version ? in->scorm_version : "");
	bind_text(st, 5, in->manifest_sha256 ? in->manifest_sha256 : "");
	bind_text(st, 6, folder.ptr);
	bind_text(st, 7, in->tree_json ? in->tree_json : "{}");
	sqlite3_bind_int64(st, 8, now);
	if ((rc = step_done(c, st, "create the version")) != 0)
		goto done;
	if (a->out) {
		pa_store_version *o = a->out;

		o->id = sqlite3_last_insert_rowid(c->db);
		o->package_id = a->package_id;
		o->version = a->version;
		o->created = now;
		if (!(o->identifier = pa_strdup(in->identifier)) || !(o->title = pa_strdup(title)) ||
		    !(o->scorm_version = pa_strdup(in->scorm_version ? in->scorm_version : "")) ||
		    !(o->manifest_sha256 = pa_strdup(in->manifest_sha256 ? in->manifest_sha256 : "")) ||
		    !(o->folder = pa_buf_detach(&folder))) {
			rc = PA_ENOMEM;
			goto done;
		}
	}
	if (a->placer && a->placer->place) {
		if ((rc = a->placer->place(a->placer->arg, a->package_id, a->version)) != 0)
			goto done;
		a->placed = true;
	}
done:
	stmt_done(st);
	pa_buf_dispose(&folder);
	return rc;
}

static void create_undo(void *arg)
{
	create_args *a = arg;

	if (a->placed && a->placer && a->placer->undo)
		a->placer->undo(a->placer->arg, a->package_id, a->version);
	a->placed = false;
}

static int op_version_create(pa_store_version *out, pa_store *base,
			     const pa_store_new_version *in, const pa_store_placer *placer)
{
	sqlite_store *s = (sqlite_store *)base;
	create_args a = { in, placer, out, 0, 0, false };
	job j = { 0 };
	int rc;

	j.run = create_job;
	j.undo = create_undo;
	j.arg = &a;
	if ((rc = submit(s, &j)) != 0 && out)
		pa_store_version_dispose(out);
	return rc;
}

static int op_version_get(pa_store_version *out, pa_store *base, int64_t package_id, int version,
			  bool with_tree)
{
	sqlite_store *s = (sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	conn *c;
	int rc;

	if ((rc = reader_get(&c, s)) != 0)
		return rc;
	if ((rc = stmt(&st, c, with_tree ? (version > 0 ? ST_VER_GET : ST_VER_LATEST)
					 : (version > 0 ? ST_VER_FIND : ST_VER_FIND_LATEST))) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, package_id);
	if (version > 0)
		sqlite3_bind_int(st, 2, version);
	if ((rc = step_row(c, st, "package version")) != 0)
		goto done;
	if ((rc = read_version(out, st)) != 0)
		pa_store_version_dispose(out);
done:
	stmt_done(st);
	reader_put(s, c);
	return rc;
}

static int op_version_by_id(pa_store_version *out, pa_store *base, int64_t version_id)
{
	sqlite_store *s = (sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	conn *c;
	int rc;

	if ((rc = reader_get(&c, s)) != 0)
		return rc;
	if ((rc = stmt(&st, c, ST_VER_BY_ID)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, version_id);
	if ((rc = step_row(c, st, "package version")) != 0)
		goto done;
	if ((rc = read_version(out, st)) != 0)
		pa_store_version_dispose(out);
done:
	stmt_done(st);
	reader_put(s, c);
	return rc;
}

static int op_package_list(pa_store_version **out, size_t *count, pa_store *base)
{
	sqlite_store *s = (sqlite_store *)base;
	pa_store_version *list = NULL, *v;
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	conn *c;
	int rc, src;

	if ((rc = reader_get(&c, s)) != 0)
		return rc;
	if ((rc = stmt(&st, c, ST_PKG_LIST)) != 0)
		goto done;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (!(v = pa_array_push(&list, &n, sizeof(*list)))) {
			rc = PA_ENOMEM;
			goto done;
		}
		if ((rc = read_version(v, st)) != 0)
			goto done;
	}
	if (src != SQLITE_DONE)
		rc = db_fail(c->db, src, "list packages");
done:
	stmt_done(st);
	reader_put(s, c);
	if (rc) {
		pa_store_version_list_free(list, n);
	} else {
		*out = list;
		*count = n;
	}
	return rc;
}

typedef struct token_args {
	const char *name;
	const unsigned char *hash;
	int64_t id;
} token_args;

static int token_add_job(conn *c, void *arg)
{
	token_args *a = arg;
	sqlite3_stmt *st;
	int rc;

	if ((rc = stmt(&st, c, ST_TOK_INSERT)) != 0)
		return rc;
	bind_text(st, 1, a->name);
	sqlite3_bind_blob(st, 2, a->hash, PA_STORE_TOKEN_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, pa_store_now_ms());
	rc = step_done(c, st, "add the token");
	if (rc == PA_EEXISTS)
		rc = pa_error_set(PA_EEXISTS, "an active token is already called '%s'", a->name);
	a->id = sqlite3_last_insert_rowid(c->db);
	stmt_done(st);
	return rc;
}

static int op_token_add(int64_t *out, pa_store *base, const char *name, const unsigned char *hash)
{
	token_args a = { name, hash, 0 };
	int rc = write_job((sqlite_store *)base, token_add_job, &a);

	if (!rc && out)
		*out = a.id;
	return rc;
}

static int op_token_list(pa_store_token **out, size_t *count, pa_store *base)
{
	sqlite_store *s = (sqlite_store *)base;
	pa_store_token *list = NULL, *t;
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	conn *c;
	int rc, src;

	if ((rc = reader_get(&c, s)) != 0)
		return rc;
	if ((rc = stmt(&st, c, ST_TOK_LIST)) != 0)
		goto done;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (!(t = pa_array_push(&list, &n, sizeof(*list)))) {
			rc = PA_ENOMEM;
			goto done;
		}
		t->id = sqlite3_column_int64(st, 0);
		t->created = sqlite3_column_int64(st, 2);
		t->last_used = sqlite3_column_int64(st, 3);
		if ((rc = col_text(&t->name, st, 1)) != 0)
			goto done;
	}
	if (src != SQLITE_DONE)
		rc = db_fail(c->db, src, "list tokens");
done:
	stmt_done(st);
	reader_put(s, c);
	if (rc) {
		pa_store_token_list_free(list, n);
	} else {
		*out = list;
		*count = n;
	}
	return rc;
}

static int token_revoke_job(conn *c, void *arg)
{
	token_args *a = arg;
	sqlite3_stmt *st;
	int rc;

	if ((rc = stmt(&st, c, ST_TOK_REVOKE)) != 0)
		return rc;
	bind_text(st, 1, a->name);
	sqlite3_bind_int64(st, 2, pa_store_now_ms());
	if ((rc = step_done(c, st, "revoke the token")) == 0 && sqlite3_changes(c->db) == 0)
		rc = pa_error_set(PA_ENOTFOUND, "no active token is called '%s'", a->name);
	stmt_done(st);
	return rc;
}

static int op_token_revoke(pa_store *base, const char *name)
{
	token_args a = { name, NULL, 0 };

	return write_job((sqlite_store *)base, token_revoke_job, &a);
}

static int token_used_job(conn *c, void *arg)
{
	token_args *a = arg;
	sqlite3_stmt *st;
	int rc;

	if ((rc = stmt(&st, c, ST_TOK_USED)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 2, pa_store_now_ms());
	rc = step_done(c, st, "record the token's use");
	stmt_done(st);
	return rc;
}

static int op_token_check(int64_t *out, pa_store *base, const unsigned char *hash)
{
	sqlite_store *s = (sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	token_args a = { NULL, NULL, 0 };
	int64_t found = 0;
	conn *c;
	int rc, src;

	if ((rc = reader_get(&c, s)) != 0)
		return rc;
	if ((rc = stmt(&st, c, ST_TOK_HASHES)) != 0)
		goto done;
	/* Look at every active token, matching or not: no early exit. */
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const void *h = sqlite3_column_blob(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		int64_t id = sqlite3_column_int64(st, 0);
		bool same = h && pa_secret_equal(h, len, hash, PA_STORE_TOKEN_HASH_BYTES);

		found = same ? id : found;
	}
	if (src != SQLITE_DONE)
		rc = db_fail(c->db, src, "check the token");
done:
	stmt_done(st);
	reader_put(s, c);
	if (rc)
		return rc;
	if (!found)
		return pa_error_set(PA_ENOTFOUND, "unknown or revoked token");
	a.id = found;
	if (out)
		*out = found;
	/* Knowing when a token was last used helps to retire it; failing to
	 * record it must not refuse a valid token. */
	if (write_job(s, token_used_job, &a) != 0)
		pa_warn("store: %s", pa_error_last());
	return 0;
}

typedef struct learner_args {
	const char *subject, *name;
	int64_t id;
} learner_args;

static int learner_job(conn *c, void *arg)
{
	learner_args *a = arg;
	sqlite3_stmt *st;
	int rc;

	if ((rc = stmt(&st, c, ST_LEARNER_UPSERT)) != 0)
		return rc;
	bind_text(st, 1, a->subject);
	bind_text(st, 2, a->name);
	sqlite3_bind_int64(st, 3, pa_store_now_ms());
	if ((rc = step_row(c, st, "record the learner")) == 0) {
		a->id = sqlite3_column_int64(st, 0);
		rc = step_done(c, st, "record the learner");
	}
	stmt_done(st);
	return rc;
}

static int op_learner_ensure(int64_t *out, pa_store *base, const char *subject, const char *name)
{
	learner_args a = { subject, name, 0 };
	int rc = write_job((sqlite_store *)base, learner_job, &a);

	if (!rc && out)
		*out = a.id;
	return rc;
}

typedef struct attempt_args {
	int64_t version_id, learner_id, id;
	bool preview;
} attempt_args;

static int attempt_job(conn *c, void *arg)
{
	attempt_args *a = arg;
	sqlite3_stmt *st;
	int rc;

	if ((rc = stmt(&st, c, ST_ATT_INSERT)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, a->version_id);
	sqlite3_bind_int64(st, 2, a->learner_id);
	sqlite3_bind_int(st, 3, a->preview);
	sqlite3_bind_int64(st, 4, pa_store_now_ms());
	rc = step_done(c, st, "create the attempt");
	if (rc == PA_EINVALID)
		rc = pa_error_set(PA_EINVALID, "store: no such package version or learner");
	a->id = sqlite3_last_insert_rowid(c->db);
	stmt_done(st);
	return rc;
}

static int op_attempt_create(int64_t *out, pa_store *base, int64_t version_id, int64_t learner_id, bool preview)
{
	attempt_args a = { version_id, learner_id, 0, preview };
	int rc = write_job((sqlite_store *)base, attempt_job, &a);

	if (!rc && out)
		*out = a.id;
	return rc;
}

/* Read the attempt row st stands on (the columns of ST_ATT_GET). */
static int read_attempt(pa_store_attempt *out, sqlite3_stmt *st)
{
	int rc;

	out->id = sqlite3_column_int64(st, 0);
	out->version_id = sqlite3_column_int64(st, 1);
	out->learner_id = sqlite3_column_int64(st, 2);
	out->preview = sqlite3_column_int(st, 3) != 0;
	out->has_score = sqlite3_column_type(st, 6) != SQLITE_NULL;
	out->score_scaled = sqlite3_column_double(st, 6);
	out->suspended = sqlite3_column_int(st, 7) != 0;
	out->last_seq = sqlite3_column_int64(st, 8);
	out->created = sqlite3_column_int64(st, 10);
	out->updated = sqlite3_column_int64(st, 11);
	if ((rc = col_text(&out->completion_status, st, 4)) != 0 ||
	    (rc = col_text(&out->success_status, st, 5)) != 0)
		goto done;
	out->state_len = (size_t)sqlite3_column_bytes(st, 9);
	if (out->state_len) {
		if (!(out->state = malloc(out->state_len + 1))) {
			rc = pa_error_set(PA_ENOMEM, "store: out of memory");
			goto done;
		}
		memcpy(out->state, sqlite3_column_blob(st, 9), out->state_len);
		out->state[out->state_len] = '\0';
	}
done:
	if (rc)
		pa_store_attempt_dispose(out);
	return rc;
}

static int op_attempt_get(pa_store_attempt *out, pa_store *base, int64_t attempt_id)
{
	sqlite_store *s = (sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	conn *c;
	int rc;

	if ((rc = reader_get(&c, s)) != 0)
		return rc;
	if ((rc = stmt(&st, c, ST_ATT_GET)) == 0) {
		sqlite3_bind_int64(st, 1, attempt_id);
		if ((rc = step_row(c, st, "attempt")) == 0)
			rc = read_attempt(out, st);
	}
	stmt_done(st);
	reader_put(s, c);
	return rc;
}

static int op_attempt_latest(pa_store_attempt *out, pa_store *base, int64_t learner_id,
			     int64_t package_id, bool preview)
{
	sqlite_store *s = (sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	conn *c;
	int rc;

	if ((rc = reader_get(&c, s)) != 0)
		return rc;
	if ((rc = stmt(&st, c, ST_ATT_LATEST)) == 0) {
		sqlite3_bind_int64(st, 1, learner_id);
		sqlite3_bind_int64(st, 2, package_id);
		sqlite3_bind_int(st, 3, preview);
		if ((rc = step_row(c, st, "attempt")) == 0)
			rc = read_attempt(out, st);
	}
	stmt_done(st);
	reader_put(s, c);
	return rc;
}

/* The SCO rows of an attempt (ST_SCO_READ) into out->scos. */
static int read_scos(pa_store_attempt *out, conn *c, const char *sco)
{
	sqlite3_stmt *st = NULL;
	int rc, src;

	if ((rc = stmt(&st, c, ST_SCO_READ)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, out->id);
	bind_text(st, 2, sco);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		pa_store_sco *row = pa_array_push(&out->scos, &out->nscos, sizeof(*out->scos));
		const unsigned char *comp = sqlite3_column_text(st, 1), *succ = sqlite3_column_text(st, 2);

		if (!row) {
			rc = pa_error_set(PA_ENOMEM, "store: out of memory");
			goto done;
		}
		memset(row, 0, sizeof(*row));
		if ((rc = col_text(&row->id, st, 0)) != 0)
			goto done;
		if (!row->id) {
			rc = pa_error_set(PA_EIO, "store: attempt %lld: a SCO without an id", (long long)out->id);
			goto done;
		}
		if (comp) {
			row->summarized = true;
			snprintf(row->completion_status, sizeof(row->completion_status), "%s", (const char *)comp);
			snprintf(row->success_status, sizeof(row->success_status), "%s", succ ? (const char *)succ : "unknown");
			row->has_score = sqlite3_column_type(st, 3) != SQLITE_NULL;
			row->score_scaled = sqlite3_column_double(st, 3);
		}
		if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
			const void *blob = sqlite3_column_blob(st, 4);

			row->state_len = (size_t)sqlite3_column_bytes(st, 4);
			if (!(row->state = malloc(row->state_len + 1))) {
				rc = pa_error_set(PA_ENOMEM, "store: out of memory");
				goto done;
			}
			if (row->state_len)
				memcpy(row->state, blob, row->state_len);
			row->state[row->state_len] = '\0';
		}
	}
	if (src != SQLITE_DONE)
		rc = db_fail(c->db, src, "read the attempt's SCOs");
done:
	stmt_done(st);
	return rc;
}

static int op_attempt_read(pa_store_attempt *out, pa_store *base, int64_t attempt_id, const char *sco)
{
	sqlite_store *s = (sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	conn *c;
	int rc;

	if ((rc = reader_get(&c, s)) != 0)
		return rc;
	/* One read transaction: the row and its SCOs as one commit left them. */
	if ((rc = run(c, ST_READ_BEGIN, "begin a read")) != 0)
		goto done;
	if ((rc = stmt(&st, c, ST_ATT_GET)) == 0) {
		sqlite3_bind_int64(st, 1, attempt_id);
		if ((rc = step_row(c, st, "attempt")) == 0)
			rc = read_attempt(out, st);
	}
	stmt_done(st);
	if (!rc && (rc = read_scos(out, c, sco)) != 0)
		pa_store_attempt_dispose(out);
	run(c, ST_READ_END, "end a read");
done:
	reader_put(s, c);
	return rc;
}

/* Write the SCO rows of a commit. */
static int write_scos(conn *c, const pa_store_commit *m)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	for (size_t i = 0; i < m->nscos && !rc; i++) {
		const pa_store_sco *row = &m->scos[i];

		if ((rc = stmt(&st, c, ST_SCO_WRITE)) != 0)
			break;
		sqlite3_bind_int64(st, 1, m->attempt_id);
		bind_text(st, 2, row->id);
		bind_text(st, 3, row->completion_status);
		bind_text(st, 4, row->success_status);
		if (row->has_score)
			sqlite3_bind_double(st, 5, row->score_scaled);
		else
			sqlite3_bind_null(st, 5);
		sqlite3_bind_blob64(st, 6, row->state, row->state_len, SQLITE_STATIC);
		rc = step_done(c, st, "store a SCO's state");
		stmt_done(st);
	}
	return rc;
}

static int commit_job(conn *c, void *arg)
{
	const pa_store_commit *m = arg;
	sqlite3_stmt *st = NULL;
	int64_t now = pa_store_now_ms(), last;
	int rc;

	if ((rc = stmt(&st, c, ST_ATT_LAST_SEQ)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, m->attempt_id);
	if ((rc = step_row(c, st, "attempt")) != 0)
		goto done;
	last = sqlite3_column_int64(st, 0);
	stmt_done(st);
	st = NULL;
	if (m->seq <= last) {
		rc = pa_error_set(PA_EEXISTS, "store: commit %lld of attempt %lld is already stored",
				  (long long)m->seq, (long long)m->attempt_id);
		goto done;
	}
	if (m->seq != last + 1) {
		rc = pa_error_set(PA_EINVALID, "store: commit %lld of attempt %lld follows %lld",
				  (long long)m->seq, (long long)m->attempt_id, (long long)last);
		goto done;
	}
	if ((rc = stmt(&st, c, ST_COMMIT_INSERT)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, m->attempt_id);
	sqlite3_bind_int64(st, 2, m->seq);
	bind_text(st, 3, m->calls);
	bind_text(st, 4, m->result);
	sqlite3_bind_int64(st, 5, now);
	if ((rc = step_done(c, st, "record the commit")) != 0)
		goto done;
	stmt_done(st);
	if ((rc = stmt(&st, c, ST_ATT_UPDATE)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, m->attempt_id);
	sqlite3_bind_int64(st, 2, m->seq);
	if (m->state && m->state_len)
		sqlite3_bind_blob64(st, 3, m->state, m->state_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	bind_text(st, 4, m->completion_status);
	bind_text(st, 5, m->success_status);
	sqlite3_bind_int(st, 6, m->has_score);
	sqlite3_bind_double(st, 7, m->score_scaled);
	sqlite3_bind_int(st, 8, m->suspended);
	sqlite3_bind_int64(st, 9, now);
	if ((rc = step_done(c, st, "update the attempt")) != 0)
		goto done;
	stmt_done(st);
	st = NULL;
	if ((rc = write_scos(c, m)) == 0 && m->globals)
		rc = pa_sqlite_learner_globals_write(c, m->attempt_id, m->globals, now);
	if (rc == 0)
		rc = pa_sqlite_lti_outbox_on_commit(c, m->attempt_id, now);   /* scores to send, same transaction */
done:
	stmt_done(st);
	return rc;
}

static int op_commit_append(pa_store *base, const pa_store_commit *commit)
{
	return write_job((sqlite_store *)base, commit_job, (void *)commit);
}

typedef struct async_commit {
	job j;
	pa_store_commit commit;
} async_commit;

static void async_commit_free(job *j)
{
	free(j);   /* the job is the first member */
}

static int op_commit_append_async(pa_store *base, const pa_store_commit *commit, pa_store_done_fn done, void *arg)
{
	async_commit *a = calloc(1, sizeof(*a));
	int rc;

	if (!a)
		return pa_error_set(PA_ENOMEM, "store: out of memory");
	a->commit = *commit;
	a->j.run = commit_job;
	a->j.arg = &a->commit;
	a->j.notify = done;
	a->j.notify_arg = arg;
	a->j.free_job = async_commit_free;
	if ((rc = submit_async((sqlite_store *)base, &a->j)) != 0)
		free(a);
	return rc;
}

/* One text column of a commit (the statement picks which). */
static int commit_column(pa_buf *out, pa_store *base, int64_t attempt_id, int64_t seq, int which)
{
	sqlite_store *s = (sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	conn *c;
	int rc;

	if ((rc = reader_get(&c, s)) != 0)
		return rc;
	if ((rc = stmt(&st, c, which)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, attempt_id);
	sqlite3_bind_int64(st, 2, seq);
	if ((rc = step_row(c, st, "commit")) != 0)
		goto done;
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		rc = pa_buf_put(out, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
done:
	stmt_done(st);
	reader_put(s, c);
	return rc;
}

static int op_commit_result(pa_buf *out, pa_store *base, int64_t attempt_id, int64_t seq)
{
	return commit_column(out, base, attempt_id, seq, ST_COMMIT_RESULT);
}

static int op_commit_calls(pa_buf *out, pa_store *base, int64_t attempt_id, int64_t seq)
{
	return commit_column(out, base, attempt_id, seq, ST_COMMIT_CALLS);
}

/* --- open and close --- */

static int migrate(conn *c, const char *path)
{
	sqlite3_stmt *st = NULL;
	int rc, current = 0, src;

	if ((rc = exec_fixed(c->db, "CREATE TABLE IF NOT EXISTS schema_version ("
			     "version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)", "schema_version")) != 0)
		return rc;
	for (;;) {
		/* One transaction per migration: a crash leaves a known version. */
		if ((rc = run(c, ST_BEGIN, "begin a migration")) != 0)
			goto done;
		if ((src = sqlite3_prepare_v2(c->db, "SELECT coalesce(max(version), 0) FROM schema_version",
					      -1, &st, NULL)) != SQLITE_OK) {
			rc = db_fail(c->db, src, "read the schema version");
			goto done;
		}
		if ((rc = step_row(c, st, "read the schema version")) != 0)
			goto done;
		current = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		st = NULL;
		if (current > SCHEMA_VERSION) {
			rc = pa_error_set(PA_EINVALID, "store: %s has schema version %d, newer than this "
					  "passerelle knows (%d): upgrade passerelle", path, current, SCHEMA_VERSION);
			goto done;
		}
		if (current == SCHEMA_VERSION) {
			rc = run(c, ST_COMMIT, "end the migrations");
			goto done;
		}
		if ((rc = exec_fixed(c->db, migrations[current], "migrate the schema")) != 0)
			goto done;
		if ((src = sqlite3_prepare_v2(c->db, "INSERT INTO schema_version (version, applied) VALUES (?1, ?2)",
					      -1, &st, NULL)) != SQLITE_OK) {
			rc = db_fail(c->db, src, "record the migration");
			goto done;
		}
		sqlite3_bind_int(st, 1, current + 1);
		sqlite3_bind_int64(st, 2, pa_store_now_ms());
		rc = step_done(c, st, "record the migration");
		sqlite3_finalize(st);
		st = NULL;
		if (rc || (rc = run(c, ST_COMMIT, "commit a migration")) != 0)
			goto done;
		pa_info("store: %s migrated to schema version %d", path, current + 1);
	}
done:
	sqlite3_finalize(st);
	if (rc && !sqlite3_get_autocommit(c->db))
		run(c, ST_ROLLBACK, "rollback");
	return rc;
}

/* --- for the other files of the backend (runtime/store_sqlite.h) --- */

int pa_sqlite_stmt(sqlite3_stmt **out, pa_sqlite_conn *c, int slot, const char *text)
{
	int rc;

	*out = NULL;
	if (slot < 0 || slot >= PA_SQLITE_EXT_SLOTS)
		return pa_error_set(PA_EINVAL, "store: statement slot %d out of range", slot);
	if (!c->ext[slot]) {
		rc = sqlite3_prepare_v3(c->db, text, -1, SQLITE_PREPARE_PERSISTENT, &c->ext[slot], NULL);
		if (rc != SQLITE_OK)
			return db_fail(c->db, rc, "prepare");
	}
	*out = c->ext[slot];
	return 0;
}

void pa_sqlite_stmt_done(sqlite3_stmt *st)
{
	stmt_done(st);
}

int pa_sqlite_fail(pa_sqlite_conn *c, int src, const char *what)
{
	return db_fail(c->db, src, what);
}

int pa_sqlite_step_row(pa_sqlite_conn *c, sqlite3_stmt *st, const char *what)
{
	return step_row(c, st, what);
}

int pa_sqlite_step_done(pa_sqlite_conn *c, sqlite3_stmt *st, const char *what)
{
	return step_done(c, st, what);
}

int pa_sqlite_col_text(char **out, sqlite3_stmt *st, int i)
{
	return col_text(out, st, i);
}

int pa_sqlite_bind_text(sqlite3_stmt *st, int i, const char *text)
{
	return bind_text(st, i, text);
}

sqlite3 *pa_sqlite_db(pa_sqlite_conn *c)
{
	return c->db;
}

int pa_sqlite_write(pa_store *store, pa_sqlite_job_fn fn, void *arg)
{
	return write_job((sqlite_store *)store, fn, arg);
}

int pa_sqlite_read(pa_store *store, pa_sqlite_job_fn fn, void *arg)
{
	sqlite_store *s = (sqlite_store *)store;
	conn *c;
	int rc;

	if ((rc = reader_get(&c, s)) != 0)
		return rc;
	rc = fn(c, arg);
	reader_put(s, c);
	return rc;
}

static void op_close(pa_store *base)
{
	sqlite_store *s = (sqlite_store *)base;

	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_broadcast(&s->work);
	pthread_cond_broadcast(&s->ckpt_cond);
	pthread_mutex_unlock(&s->lock);
	if (s->thread_started)
		pthread_join(s->thread, NULL);
	if (s->ckpt_started)
		pthread_join(s->ckpt_thread, NULL);
	conn_close(s->ckpt);
	for (size_t i = 0; i < s->nidle; i++)
		conn_close(s->idle[i]);
	if (s->writer) {
		/* Fold the WAL into the database so the folder holds one file at rest. */
		exec_fixed(s->writer->db, "PRAGMA wal_checkpoint(TRUNCATE)", "checkpoint");
		conn_close(s->writer);
	}
	pthread_cond_destroy(&s->work);
	pthread_cond_destroy(&s->ckpt_cond);
	pthread_cond_destroy(&s->reader_free);
	pthread_mutex_destroy(&s->lock);
	free(s->path);
	free(s);
}

static const pa_store_ops sqlite_ops = {
	"sqlite",
	op_close,
	op_ping,
	op_version_create,
	op_version_get,
	op_version_by_id,
	op_package_list,
	op_token_add,
	op_token_list,
	op_token_revoke,
	op_token_check,
	op_learner_ensure,
	pa_sqlite_learner_get,
	pa_sqlite_learner_globals,
	op_attempt_create,
	op_attempt_get,
	op_attempt_latest,
	op_attempt_read,
	op_commit_append,
	op_commit_append_async,
	op_commit_result,
	op_commit_calls,
};

int pa_store_sqlite_open(pa_store **out, const char *data_dir, const pa_config *cfg)
{
	sqlite_store *s;
	pa_buf path = PA_BUF_INIT;
	int rc, err, fd;

	*out = NULL;
	if (!(s = calloc(1, sizeof(*s))))
		return pa_error_set(PA_ENOMEM, "store: out of memory");
	s->base.ops = &sqlite_ops;
	s->base.lti = &pa_sqlite_lti_ops;
	s->busy_ms = cfg ? (int)pa_config_int(cfg, PA_CFG_BUSY_TIMEOUT) : 5000;
	s->batch_max = cfg ? (size_t)pa_config_int(cfg, PA_CFG_COMMIT_BATCH) : 512;
	s->catch_up_pages = (int)((cfg ? pa_config_size(cfg, PA_CFG_WAL_MAX) : 256u << 20) / WAL_FRAME_BYTES);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_cond_init(&s->ckpt_cond, NULL);
	pthread_cond_init(&s->reader_free, NULL);

	if ((rc = pa_fs_mkdirs(data_dir)) != 0)
		goto done;
	if ((rc = pa_path_join(&path, data_dir, PA_STORE_SQLITE_FILE)) != 0)
		goto done;
	if (!(s->path = pa_buf_detach(&path))) {
		rc = pa_error_set(PA_ENOMEM, "store: out of memory");
		goto done;
	}
	/* Learners' records will live here: readable by us alone. SQLite gives
	 * the WAL and shared-memory files the mode of the database's. */
	if ((fd = open(s->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) {
		rc = pa_error_set(PA_EIO, "store: cannot open %s: %s", s->path, strerror(errno));
		goto done;
	}
	close(fd);
	if ((rc = conn_open(&s->writer, s->path, s->busy_ms, false)) != 0)
		goto done;
	if ((rc = migrate(s->writer, s->path)) != 0)
		goto done;
	if ((rc = conn_open(&s->ckpt, s->path, s->busy_ms, false)) != 0)
		goto done;
	sqlite3_wal_hook(s->writer->db, wal_hook, s);
	if ((err = pthread_create(&s->ckpt_thread, NULL, checkpointer_main, s)) != 0) {
		rc = pa_error_set(PA_ERROR, "store: cannot start the checkpointer thread: %s", strerror(err));
		goto done;
	}
	s->ckpt_started = true;
	if ((err = pthread_create(&s->thread, NULL, writer_main, s)) != 0) {
		rc = pa_error_set(PA_ERROR, "store: cannot start the writer thread: %s", strerror(err));
		goto done;
	}
	s->thread_started = true;
done:
	pa_buf_dispose(&path);
	if (rc)
		op_close(&s->base);
	else
		*out = &s->base;
	return rc;
}
