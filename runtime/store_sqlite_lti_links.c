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
	ST_LEARNER,
	ST_LATEST,
	ST_VERSION,
	ST_NEW_ATTEMPT,
	ST_NONCE,
	ST_ATTEMPTS_AFTER,
	ST_ATTEMPTS_COUNT,
	ST_READ_BEGIN,
	ST_READ_END,
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
/* '' means no scores go back from this launch: it never hides a ref known before. */
static const char *const sql_target =
	"INSERT INTO lti_grade_targets (attempt_id, link_id, user_ref, created) VALUES (?1, ?2, coalesce(?3, ''), ?4) "
	"ON CONFLICT (attempt_id, link_id) DO UPDATE SET user_ref = "
	"CASE WHEN excluded.user_ref = '' THEN user_ref ELSE excluded.user_ref END";
static const char *const sql_learner =
	"INSERT INTO learners (subject, name, created) VALUES (?1, ?2, ?3) "
	"ON CONFLICT (subject) DO UPDATE SET name = coalesce(excluded.name, name) RETURNING id";
static const char *const sql_latest =
	"SELECT a.id, a.completion_status = 'completed' OR a.success_status = 'passed' "
	"FROM attempts a JOIN package_versions v ON v.id = a.version_id "
	"WHERE a.learner_id = ?1 AND v.package_id = ?2 AND a.preview = 0 ORDER BY a.id DESC LIMIT 1";
static const char *const sql_version =
	"SELECT id FROM package_versions WHERE package_id = ?1 ORDER BY version DESC LIMIT 1";
static const char *const sql_new_attempt =
	"INSERT INTO attempts (version_id, learner_id, preview, created, updated) VALUES (?1, ?2, 0, ?3, ?3)";
static const char *const sql_nonce =
	"INSERT INTO lti_nonces (scope, value, data, expires) VALUES (?1, ?2, NULL, ?3) "
	"ON CONFLICT (scope, value) DO UPDATE SET expires = excluded.expires WHERE lti_nonces.expires <= ?4";
#define ATTEMPT_ROWS \
	"SELECT a.id, a.learner_id, l.subject, l.name, a.completion_status, a.success_status, " \
	"a.score_scaled, a.last_seq, a.created, a.updated " \
	"FROM lti_grade_targets g JOIN attempts a ON a.id = g.attempt_id " \
	"JOIN learners l ON l.id = a.learner_id WHERE g.link_id = ?1 "
static const char *const sql_attempts = ATTEMPT_ROWS "ORDER BY a.updated DESC, a.id DESC LIMIT ?2 OFFSET ?3";
static const char *const sql_attempts_after = ATTEMPT_ROWS "AND g.attempt_id > ?2 ORDER BY g.attempt_id LIMIT ?3";
static const char *const sql_attempts_count =
	"SELECT count(*) FROM lti_grade_targets g JOIN attempts a ON a.id = g.attempt_id "
	"JOIN learners l ON l.id = a.learner_id WHERE g.link_id = ?1";

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

	return pa_sqlite_write(store, target_job, &a);
}

/* One statement that gives one integer (RETURNING id, SELECT id): *out, or PA_ENOTFOUND. */
static int one_int(int64_t *out, pa_sqlite_conn *c, sqlite3_stmt *st, const char *what)
{
	int rc = pa_sqlite_step_row(c, st, what);

	if (rc == 0) {
		*out = sqlite3_column_int64(st, 0);
		rc = pa_sqlite_step_done(c, st, what);
	}
	pa_sqlite_stmt_done(st);
	return rc;
}

typedef struct launch_args {
	const pa_store_lti_launch_in *in;
	pa_store_lti_launch_out *out;
} launch_args;

/* The learner's attempt on the link's package, found or made (pa_player_attempt_for's rule, in this transaction). */
static int launch_attempt(launch_args *a, pa_sqlite_conn *c, int64_t now)
{
	int64_t version;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = pa_sqlite_stmt(&st, c, ST_LATEST, sql_latest)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, a->out->learner_id);
	sqlite3_bind_int64(st, 2, a->out->link.package_id);
	rc = pa_sqlite_step_row(c, st, "the learner's attempt");
	if (rc == 0) {
		bool done = sqlite3_column_int(st, 1) != 0;

		a->out->attempt_id = sqlite3_column_int64(st, 0);
		pa_sqlite_stmt_done(st);
		if (!done || !a->in->new_after_completion)
			return 0;
	} else {
		pa_sqlite_stmt_done(st);
		if (rc != PA_ENOTFOUND)
			return rc;
	}
	if ((rc = pa_sqlite_stmt(&st, c, ST_VERSION, sql_version)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, a->out->link.package_id);
	if ((rc = one_int(&version, c, st, "the package's latest version")) != 0)
		return rc;
	if ((rc = pa_sqlite_stmt(&st, c, ST_NEW_ATTEMPT, sql_new_attempt)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, version);
	sqlite3_bind_int64(st, 2, a->out->learner_id);
	sqlite3_bind_int64(st, 3, now);
	rc = pa_sqlite_step_done(c, st, "start an attempt");
	pa_sqlite_stmt_done(st);
	if (rc == 0) {
		a->out->attempt_id = sqlite3_last_insert_rowid(pa_sqlite_db(c));
		a->out->new_attempt = true;
	}
	return rc;
}

static int launch_job(pa_sqlite_conn *c, void *arg)
{
	launch_args *a = arg;
	const pa_store_lti_launch_in *in = a->in;
	int64_t now = pa_store_now_ms();
	upsert_args link = { in->link, { 0 } };
	target_args target;
	sqlite3_stmt *st = NULL;
	int rc;

	if (in->nonce_scope && in->nonce) {
		if ((rc = pa_sqlite_stmt(&st, c, ST_NONCE, sql_nonce)) != 0)
			return rc;
		pa_sqlite_bind_text(st, 1, in->nonce_scope);
		pa_sqlite_bind_text(st, 2, in->nonce);
		sqlite3_bind_int64(st, 3, in->nonce_expires);
		sqlite3_bind_int64(st, 4, now);
		rc = pa_sqlite_step_done(c, st, "use a single-use value");
		pa_sqlite_stmt_done(st);
		if (rc)
			return rc;
		if (sqlite3_changes(pa_sqlite_db(c)) == 0)
			return pa_error_set(PA_EEXISTS, "store: this %s value was already used", in->nonce_scope);
	}
	if ((rc = pa_sqlite_stmt(&st, c, ST_LEARNER, sql_learner)) != 0)
		return rc;
	pa_sqlite_bind_text(st, 1, in->subject);
	pa_sqlite_bind_text(st, 2, in->name);
	sqlite3_bind_int64(st, 3, now);
	if ((rc = one_int(&a->out->learner_id, c, st, "record the learner")) != 0)
		return rc;
	if ((rc = upsert_job(c, &link)) != 0) {
		pa_store_lti_link_dispose(&link.out);
		return rc;
	}
	a->out->link = link.out;
	if (!in->attempt || !a->out->link.package_id)
		return 0;
	if ((rc = launch_attempt(a, c, now)) != 0)
		return rc;
	target.attempt_id = a->out->attempt_id;
	target.link_id = a->out->link.id;
	target.user_ref = in->user_ref;
	return target_job(c, &target);
}

int pa_sqlite_lti_launch_record(pa_store_lti_launch_out *out, pa_store *store, const pa_store_lti_launch_in *in)
{
	launch_args a = { in, out };
	int rc;

	if (in->link->lti_version != 11 && in->link->lti_version != 13)
		return pa_error_set(PA_EINVAL, "store: LTI version %d (11 or 13)", in->link->lti_version);
	if (!in->link->resource_link_id || !*in->link->resource_link_id)
		return pa_error_set(PA_EINVAL, "store: a link needs its resource link id");
	if ((rc = pa_sqlite_write(store, launch_job, &a)) != 0) {
		pa_store_lti_link_dispose(&out->link);
		memset(out, 0, sizeof(*out));
	}
	return rc;
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
	const pa_store_lti_attempts_query *q;
	pa_store_lti_link_attempt *list;
	size_t count;
	int64_t *total;
} attempts_args;

static int64_t as_limit(size_t n)
{
	return n == 0 ? -1 : n > INT64_MAX ? INT64_MAX : (int64_t)n;
}

static int attempts_job(pa_sqlite_conn *c, void *arg)
{
	attempts_args *a = arg;
	const pa_store_lti_attempts_query *q = a->q;
	sqlite3_stmt *st = NULL;
	bool began = false;
	int rc, src = SQLITE_DONE;

	/* One read transaction: the total and the rows agree. */
	if (a->total) {
		if ((rc = pa_sqlite_stmt(&st, c, ST_READ_BEGIN, "BEGIN")) != 0 ||
		    (rc = pa_sqlite_step_done(c, st, "begin a read")) != 0)
			goto done;
		pa_sqlite_stmt_done(st);
		st = NULL;
		began = true;
		if ((rc = pa_sqlite_stmt(&st, c, ST_ATTEMPTS_COUNT, sql_attempts_count)) != 0)
			goto done;
		sqlite3_bind_int64(st, 1, q->link_id);
		if ((rc = pa_sqlite_step_row(c, st, "count the link's attempts")) != 0)
			goto done;
		*a->total = sqlite3_column_int64(st, 0);
		pa_sqlite_stmt_done(st);
		st = NULL;
	}
	if (q->by_id) {
		if ((rc = pa_sqlite_stmt(&st, c, ST_ATTEMPTS_AFTER, sql_attempts_after)) != 0)
			goto done;
		sqlite3_bind_int64(st, 2, q->after_id);
		sqlite3_bind_int64(st, 3, as_limit(q->max));
	} else {
		if ((rc = pa_sqlite_stmt(&st, c, ST_ATTEMPTS, sql_attempts)) != 0)
			goto done;
		sqlite3_bind_int64(st, 2, as_limit(q->max));
		sqlite3_bind_int64(st, 3, q->offset > INT64_MAX ? INT64_MAX : (int64_t)q->offset);
	}
	sqlite3_bind_int64(st, 1, q->link_id);
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
	if (began && pa_sqlite_stmt(&st, c, ST_READ_END, "COMMIT") == 0) {
		int end = pa_sqlite_step_done(c, st, "end a read");

		if (!rc)
			rc = end;
		pa_sqlite_stmt_done(st);
	}
	return rc;
}

int pa_sqlite_lti_link_attempts_query(pa_store_lti_link_attempt **out, size_t *count, int64_t *total, pa_store *store,
				      const pa_store_lti_attempts_query *q)
{
	attempts_args a = { q, NULL, 0, total };
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

int pa_sqlite_lti_link_attempts(pa_store_lti_link_attempt **out, size_t *count, pa_store *store, int64_t link_id)
{
	pa_store_lti_attempts_query q = { link_id, false, 0, 0, 0 };

	return pa_sqlite_lti_link_attempts_query(out, count, NULL, store, &q);
}
