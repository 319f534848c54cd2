/* Resource links, where attempts' scores go, and a link's attempts (runtime/store_lti.h). */
#include "runtime/store_sqlite.h"
#include "runtime/store_sqlite_lti.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/util.h"

enum {
	ST_UPSERT = PA_SQLITE_SLOTS_LTI_LINKS,
	ST_GET,
	ST_TARGET,
	ST_ATTEMPTS,
};

#define LINK_COLUMNS \
	"id, lti_version, owner_id, resource_link_id, deployment_id, context_id, context_title, title, " \
	"coalesce(package_id, 0), lineitem, outcome_url, created, updated"

static const char *const sql_upsert =
	"INSERT INTO lti_links (lti_version, owner_id, resource_link_id, deployment_id, context_id, "
	"context_title, title, package_id, lineitem, outcome_url, created, updated) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, nullif(?8, 0), ?9, ?10, ?11, ?11) "
	"ON CONFLICT (lti_version, owner_id, resource_link_id) DO UPDATE SET "
	"deployment_id = coalesce(excluded.deployment_id, deployment_id), "
	"context_id = coalesce(excluded.context_id, context_id), "
	"context_title = coalesce(excluded.context_title, context_title), "
	"title = coalesce(excluded.title, title), "
	"package_id = coalesce(excluded.package_id, package_id), "
	"lineitem = coalesce(excluded.lineitem, lineitem), "
	"outcome_url = coalesce(excluded.outcome_url, outcome_url), "
	"updated = excluded.updated "
	"RETURNING " LINK_COLUMNS;
static const char *const sql_get = "SELECT " LINK_COLUMNS " FROM lti_links WHERE id = ?1";
static const char *const sql_target =
	"INSERT INTO lti_grade_targets (attempt_id, link_id, user_ref, created) VALUES (?1, ?2, ?3, ?4) "
	"ON CONFLICT (attempt_id, link_id) DO UPDATE SET user_ref = excluded.user_ref";
static const char *const sql_attempts =
	"SELECT a.id, a.learner_id, l.subject, l.name, a.completion_status, a.success_status, "
	"a.score_scaled, a.last_seq, a.created, a.updated "
	"FROM lti_grade_targets g JOIN attempts a ON a.id = g.attempt_id "
	"JOIN learners l ON l.id = a.learner_id WHERE g.link_id = ?1 ORDER BY a.updated DESC, a.id DESC";

void pa_store_lti_link_dispose(pa_store_lti_link *l)
{
	if (!l)
		return;
	free(l->resource_link_id);
	free(l->deployment_id);
	free(l->context_id);
	free(l->context_title);
	free(l->title);
	free(l->lineitem);
	free(l->outcome_url);
	memset(l, 0, sizeof(*l));
}

static int read_link(pa_store_lti_link *l, sqlite3_stmt *st)
{
	int rc;

	memset(l, 0, sizeof(*l));
	l->id = sqlite3_column_int64(st, 0);
	l->lti_version = sqlite3_column_int(st, 1);
	l->owner_id = sqlite3_column_int64(st, 2);
	if ((rc = pa_sqlite_col_text(&l->resource_link_id, st, 3)) != 0 ||
	    (rc = pa_sqlite_col_text(&l->deployment_id, st, 4)) != 0 ||
	    (rc = pa_sqlite_col_text(&l->context_id, st, 5)) != 0 ||
	    (rc = pa_sqlite_col_text(&l->context_title, st, 6)) != 0 ||
	    (rc = pa_sqlite_col_text(&l->title, st, 7)) != 0 ||
	    (rc = pa_sqlite_col_text(&l->lineitem, st, 9)) != 0 ||
	    (rc = pa_sqlite_col_text(&l->outcome_url, st, 10)) != 0) {
		pa_store_lti_link_dispose(l);
		return rc;
	}
	l->package_id = sqlite3_column_int64(st, 8);
	l->created = sqlite3_column_int64(st, 11);
	l->updated = sqlite3_column_int64(st, 12);
	return 0;
}

typedef struct upsert_args {
	const pa_store_lti_link *in;
	pa_store_lti_link out;
} upsert_args;

static int upsert_job(pa_sqlite_conn *c, void *arg)
{
	upsert_args *a = arg;
	const pa_store_lti_link *in = a->in;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = pa_sqlite_stmt(&st, c, ST_UPSERT, sql_upsert)) != 0)
		goto done;
	sqlite3_bind_int(st, 1, in->lti_version);
	sqlite3_bind_int64(st, 2, in->owner_id);
	pa_sqlite_bind_text(st, 3, in->resource_link_id);
	pa_sqlite_bind_text(st, 4, in->deployment_id);
	pa_sqlite_bind_text(st, 5, in->context_id);
	pa_sqlite_bind_text(st, 6, in->context_title);
	pa_sqlite_bind_text(st, 7, in->title);
	sqlite3_bind_int64(st, 8, in->package_id);
	pa_sqlite_bind_text(st, 9, in->lineitem);
	pa_sqlite_bind_text(st, 10, in->outcome_url);
	sqlite3_bind_int64(st, 11, pa_store_now_ms());
	if ((rc = pa_sqlite_step_row(c, st, "record the link")) != 0 || (rc = read_link(&a->out, st)) != 0)
		goto done;
	rc = pa_sqlite_step_done(c, st, "record the link");
done:
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_lti_link_upsert(pa_store_lti_link *out, pa_store *store, const pa_store_lti_link *in)
{
	upsert_args a = { in, { 0 } };
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	if (in->lti_version != 11 && in->lti_version != 13)
		return pa_error_set(PA_EINVAL, "store: LTI version %d (11 or 13)", in->lti_version);
	if (!in->resource_link_id || !*in->resource_link_id)
		return pa_error_set(PA_EINVAL, "store: a link needs its resource link id");
	rc = pa_sqlite_write(store, upsert_job, &a);
	if (rc == 0 && out)
		*out = a.out;
	else
		pa_store_lti_link_dispose(&a.out);
	return rc;
}

typedef struct get_args {
	int64_t id;
	pa_store_lti_link *out;
} get_args;

static int get_job(pa_sqlite_conn *c, void *arg)
{
	get_args *a = arg;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = pa_sqlite_stmt(&st, c, ST_GET, sql_get)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, a->id);
	if ((rc = pa_sqlite_step_row(c, st, "link")) == 0)
		rc = read_link(a->out, st);
done:
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_lti_link_get(pa_store_lti_link *out, pa_store *store, int64_t id)
{
	get_args a = { id, out };

	memset(out, 0, sizeof(*out));
	return pa_sqlite_read(store, get_job, &a);
}

typedef struct target_args {
	int64_t attempt_id, link_id;
	const char *user_ref;
} target_args;

static int target_job(pa_sqlite_conn *c, void *arg)
{
	target_args *a = arg;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = pa_sqlite_stmt(&st, c, ST_TARGET, sql_target)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, a->attempt_id);
	sqlite3_bind_int64(st, 2, a->link_id);
	pa_sqlite_bind_text(st, 3, a->user_ref);
	sqlite3_bind_int64(st, 4, pa_store_now_ms());
	if ((rc = pa_sqlite_step_done(c, st, "record where the scores go")) == 0)
		rc = pa_sqlite_lti_outbox_on_commit(c, a->attempt_id, pa_store_now_ms());   /* a relaunch delivers */
done:
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_lti_grade_target_set(pa_store *store, int64_t attempt_id, int64_t link_id, const char *user_ref)
{
	target_args a = { attempt_id, link_id, user_ref };

	if (!user_ref || !*user_ref)
		return pa_error_set(PA_EINVAL, "store: a grade target needs the platform's name for the learner");
	return pa_sqlite_write(store, target_job, &a);
}

void pa_store_lti_link_attempts_free(pa_store_lti_link_attempt *list, size_t count)
{
	for (size_t i = 0; list && i < count; i++) {
		free(list[i].learner_subject);
		free(list[i].learner_name);
		free(list[i].completion_status);
		free(list[i].success_status);
	}
	free(list);
}

typedef struct attempts_args {
	int64_t link_id;
	pa_store_lti_link_attempt *list;
	size_t count;
} attempts_args;

static int attempts_job(pa_sqlite_conn *c, void *arg)
{
	attempts_args *a = arg;
	sqlite3_stmt *st = NULL;
	int rc, src;

	if ((rc = pa_sqlite_stmt(&st, c, ST_ATTEMPTS, sql_attempts)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, a->link_id);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		pa_store_lti_link_attempt *t = pa_array_push(&a->list, &a->count, sizeof(*t));

		if (!t) {
			rc = PA_ENOMEM;
			goto done;
		}
		t->attempt_id = sqlite3_column_int64(st, 0);
		t->learner_id = sqlite3_column_int64(st, 1);
		if ((rc = pa_sqlite_col_text(&t->learner_subject, st, 2)) != 0 ||
		    (rc = pa_sqlite_col_text(&t->learner_name, st, 3)) != 0 ||
		    (rc = pa_sqlite_col_text(&t->completion_status, st, 4)) != 0 ||
		    (rc = pa_sqlite_col_text(&t->success_status, st, 5)) != 0)
			goto done;
		t->has_score = sqlite3_column_type(st, 6) != SQLITE_NULL;
		t->score_scaled = t->has_score ? sqlite3_column_double(st, 6) : 0;
		t->last_seq = sqlite3_column_int64(st, 7);
		t->created = sqlite3_column_int64(st, 8);
		t->updated = sqlite3_column_int64(st, 9);
	}
	if (src != SQLITE_DONE)
		rc = pa_sqlite_fail(c, src, "list the link's attempts");
done:
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_lti_link_attempts(pa_store_lti_link_attempt **out, size_t *count, pa_store *store, int64_t link_id)
{
	attempts_args a = { link_id, NULL, 0 };
	int rc = pa_sqlite_read(store, attempts_job, &a);

	*out = NULL;
	*count = 0;
	if (rc) {
		pa_store_lti_link_attempts_free(a.list, a.count);
		return rc;
	}
	*out = a.list;
	*count = a.count;
	return 0;
}
