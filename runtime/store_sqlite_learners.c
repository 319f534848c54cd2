/* Learners as the player and the LTI pages read them (runtime/store.h). */
#include "runtime/store_sqlite.h"

#include <string.h>

typedef struct get_args {
	int64_t id;
	pa_store_learner *out;
} get_args;

static int get_job(pa_sqlite_conn *c, void *arg)
{
	get_args *a = arg;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = pa_sqlite_stmt(&st, c, PA_SQLITE_SLOTS_LEARNERS,
				 "SELECT id, subject, name, created FROM learners WHERE id = ?1")) != 0)
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
