/* Learners as the player and the LTI pages read them (runtime/store.h). */
#include "runtime/store_sqlite.h"

#include <string.h>

#include "common/error.h"

enum {
	ST_GET = PA_SQLITE_SLOTS_LEARNERS,
	ST_GLOBALS,
	ST_GLOBAL_PUT,
};

static const char *const sql_globals =
	"SELECT line FROM learner_objectives WHERE learner_id = ?1 ORDER BY objective";
static const char *const sql_global_put =
	"INSERT INTO learner_objectives (learner_id, objective, line, updated) "
	"SELECT learner_id, ?2, ?3, ?4 FROM attempts WHERE id = ?1 "
	"ON CONFLICT (learner_id, objective) DO UPDATE SET line = excluded.line, updated = excluded.updated";

typedef struct get_args {
	int64_t id;
	pa_store_learner *out;
} get_args;

static int get_job(pa_sqlite_conn *c, void *arg)
{
	get_args *a = arg;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = pa_sqlite_stmt(&st, c, ST_GET, "SELECT id, subject, name, created FROM learners WHERE id = ?1")) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, a->id);
	if ((rc = pa_sqlite_step_row(c, st, "learner")) != 0)
		goto done;
	a->out->id = sqlite3_column_int64(st, 0);
	a->out->created = sqlite3_column_int64(st, 3);
	if ((rc = pa_sqlite_col_text(&a->out->subject, st, 1)) != 0 ||
	    (rc = pa_sqlite_col_text(&a->out->name, st, 2)) != 0)
		pa_store_learner_dispose(a->out);
done:
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_learner_get(pa_store_learner *out, pa_store *store, int64_t id)
{
	get_args a = { id, out };

	return pa_sqlite_read(store, get_job, &a);
}

typedef struct globals_args {
	int64_t learner_id;
	pa_buf *out;
} globals_args;

static int globals_job(pa_sqlite_conn *c, void *arg)
{
	globals_args *a = arg;
	sqlite3_stmt *st = NULL;
	bool first = true;
	int rc, src;

	if ((rc = pa_sqlite_stmt(&st, c, ST_GLOBALS, sql_globals)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, a->learner_id);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (first)
			pa_buf_puts(a->out, "pa-seqglobals 1\n");
		first = false;
		pa_buf_puts(a->out, (const char *)sqlite3_column_text(st, 0));
		pa_buf_putc(a->out, '\n');
	}
	rc = src == SQLITE_DONE ? pa_buf_error(a->out) : pa_sqlite_fail(c, src, "read the learner's objectives");
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_learner_globals(pa_buf *out, pa_store *store, int64_t learner_id)
{
	globals_args a = { learner_id, out };

	return pa_sqlite_read(store, globals_job, &a);
}

/*
 * Each "global <id> <fields>" line of an export, under its id (as encoded:
 * the engine's own spelling is the key). Lines of other kinds are not
 * objectives: the header, nothing else today.
 */
int pa_sqlite_learner_globals_write(pa_sqlite_conn *c, int64_t attempt_id, const char *globals, int64_t now)
{
	const char *line = globals;
	int rc = 0;

	while (rc == 0 && line && *line) {
		const char *end = strchr(line, '\n'), *id, *sp;
		size_t len = end ? (size_t)(end - line) : strlen(line);
		sqlite3_stmt *st = NULL;

		if (len > 7 && !strncmp(line, "global ", 7) && (sp = memchr((id = line + 7), ' ', len - 7)) != NULL) {
			if ((rc = pa_sqlite_stmt(&st, c, ST_GLOBAL_PUT, sql_global_put)) != 0)
				break;
			sqlite3_bind_int64(st, 1, attempt_id);
			sqlite3_bind_text(st, 2, id, (int)(sp - id), SQLITE_STATIC);
			sqlite3_bind_text(st, 3, line, (int)len, SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, now);
			rc = pa_sqlite_step_done(c, st, "record the learner's objective");
			pa_sqlite_stmt_done(st);
		}
		line = end ? end + 1 : NULL;
	}
	return rc;
}
