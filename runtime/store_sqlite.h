/*
 * What the files of the SQLite backend share (private to runtime/): the
 * core (store_sqlite.c: connections, the group-commit writer, migrations)
 * and the files that add tables' calls (store_sqlite_lti.c...).
 *
 * A file keeps its statements in slots of the connection, a range of
 * slots per file (below), each prepared once per connection from text
 * that is a constant of that file: no SQL is ever built from data.
 */
#ifndef PA_STORE_SQLITE_H
#define PA_STORE_SQLITE_H

#include <sqlite3.h>

#include "runtime/store_backend.h"

typedef struct pa_sqlite_conn pa_sqlite_conn;

/* Statement slots of the other files, 32 each. */
enum {
	PA_SQLITE_SLOTS_LTI_KEYS = 0,
	PA_SQLITE_SLOTS_LTI_PLATFORMS = 32,
	PA_SQLITE_SLOTS_LTI_CONSUMERS = 64,
	PA_SQLITE_SLOTS_LTI_NONCES = 96,
	PA_SQLITE_SLOTS_LTI_LINKS = 128,
	PA_SQLITE_SLOTS_LTI_OUTBOX = 160,
	PA_SQLITE_SLOTS_LEARNERS = 192,
	PA_SQLITE_EXT_SLOTS = 224
};

/* The statement of slot, prepared from text the first time. */
int pa_sqlite_stmt(sqlite3_stmt **out, pa_sqlite_conn *c, int slot, const char *text);
/* Reset and unbind, ready for the next use (accepts NULL). */
void pa_sqlite_stmt_done(sqlite3_stmt *st);

/* SQLite's result src as our error (PA_EEXISTS for a taken unique key...), with what failed. */
int pa_sqlite_fail(pa_sqlite_conn *c, int src, const char *what);
/* Step to one row: 0, PA_ENOTFOUND, or an error. */
int pa_sqlite_step_row(pa_sqlite_conn *c, sqlite3_stmt *st, const char *what);
/* Step a statement run for its effect. */
int pa_sqlite_step_done(pa_sqlite_conn *c, sqlite3_stmt *st, const char *what);
/* A text column as a new string (NULL for NULL). */
int pa_sqlite_col_text(char **out, sqlite3_stmt *st, int i);
/* Bind text (NULL binds NULL); the text must outlive the step. */
int pa_sqlite_bind_text(sqlite3_stmt *st, int i, const char *text);
sqlite3 *pa_sqlite_db(pa_sqlite_conn *c);

typedef int (*pa_sqlite_job_fn)(pa_sqlite_conn *c, void *arg);

/* Run fn on the writer, in its own savepoint of the next group commit;
 * returns once that is on disk (or failed). */
int pa_sqlite_write(pa_store *store, pa_sqlite_job_fn fn, void *arg);
/* Run fn on a reader connection. */
int pa_sqlite_read(pa_store *store, pa_sqlite_job_fn fn, void *arg);

/* Learners (runtime/store_sqlite_learners.c). */
int pa_sqlite_learner_get(pa_store_learner *out, pa_store *store, int64_t id);
int pa_sqlite_learner_globals(pa_buf *out, pa_store *store, int64_t learner_id);
/* In a commit's transaction: the attempt's learner's global objectives from globals (an export). */
int pa_sqlite_learner_globals_write(pa_sqlite_conn *c, int64_t attempt_id, const char *globals, int64_t now);

/* The LTI calls of this backend (runtime/store_sqlite_lti.c). */
extern const pa_store_lti_ops pa_sqlite_lti_ops;

#endif
