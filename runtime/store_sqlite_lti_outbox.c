/*
 * The outbox of scores (runtime/store_lti.h, table lti_outbox): rows
 * written in the transaction of the commit that changed an attempt,
 * handed to lti/outbox.c in order per target (link, user_ref).
 */
#include "runtime/store_sqlite.h"
#include "runtime/store_sqlite_lti.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/util.h"

enum {
	S_TARGETS = PA_SQLITE_SLOTS_LTI_OUTBOX,
	S_LAST_TS,
	S_INSERT,
	S_CARRY,
	S_SUPERSEDE,
	S_DUE,
	S_NEXT,
	S_RECORD,
	S_LIST,
	S_RETRY_STALE,
	S_RETRY,
	S_FAILED_ID,
	S_DEFER,
	S_PURGE_SCAN,
	S_PURGE_DELETE,
	S_PURGE_FAILED,
	S_END
};
_Static_assert(S_END <= PA_SQLITE_SLOTS_LTI_OUTBOX + 32, "the outbox has 32 statement slots");

/* The grade targets of an attempt, what the attempt says now, and whether
 * the last row written for it there says the same (NULL: none written). */
static const char sql_targets[] =
	"SELECT t.link_id, t.user_ref, a.completion_status, a.success_status, a.score_scaled, "
	"  (SELECT o.completion_status = a.completion_status AND o.success_status = a.success_status "
	"          AND o.score_scaled IS a.score_scaled "
	"     FROM lti_outbox o WHERE o.link_id = t.link_id AND o.user_ref = t.user_ref "
	"      AND o.attempt_id = t.attempt_id ORDER BY o.id DESC LIMIT 1) "
	"FROM lti_grade_targets t JOIN attempts a ON a.id = t.attempt_id "
	"WHERE t.attempt_id = ?1 AND a.preview = 0 AND t.user_ref <> ''";
static const char sql_last_ts[] =
	"SELECT timestamp FROM lti_outbox WHERE link_id = ?1 AND user_ref = ?2 ORDER BY id DESC LIMIT 1";
static const char sql_insert[] =
	"INSERT INTO lti_outbox (attempt_id, link_id, user_ref, completion_status, success_status, "
	"score_scaled, timestamp, next_try, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)";

/* An older pending row of the same target. */
#define OLDER_PENDING(t) \
	"FROM lti_outbox e WHERE e.link_id = " t ".link_id AND e.user_ref = " t ".user_ref " \
	"AND e.state = 'pending' AND e.id < " t ".id"

/* The newest pending row of a target takes over the tries and the backoff
 * of the older ones it is about to supersede. */
static const char sql_carry[] =
	"UPDATE lti_outbox SET "
	"  next_try = max(next_try, (SELECT max(e.next_try) " OLDER_PENDING("lti_outbox") ")), "
	"  tries = max(tries, (SELECT max(e.tries) " OLDER_PENDING("lti_outbox") ")) "
	"WHERE state = 'pending' AND EXISTS (SELECT 1 " OLDER_PENDING("lti_outbox") ") "
	"AND NOT EXISTS (SELECT 1 FROM lti_outbox n WHERE n.link_id = lti_outbox.link_id "
	"  AND n.user_ref = lti_outbox.user_ref AND n.state = 'pending' AND n.id > lti_outbox.id)";
static const char sql_supersede[] =
	"UPDATE lti_outbox SET state = 'sent', sent = ?1, last_answer = 'superseded by #' || "
	"  (SELECT max(n.id) FROM lti_outbox n WHERE n.link_id = lti_outbox.link_id "
	"   AND n.user_ref = lti_outbox.user_ref AND n.state = 'pending') "
	"WHERE state = 'pending' AND id < (SELECT max(n.id) FROM lti_outbox n "
	"  WHERE n.link_id = lti_outbox.link_id AND n.user_ref = lti_outbox.user_ref AND n.state = 'pending')";

#define ROW_COLUMNS \
	"o.id, o.attempt_id, o.link_id, o.user_ref, o.completion_status, o.success_status, o.score_scaled, " \
	"o.timestamp, o.state, o.tries, o.next_try, o.last_status, o.last_answer, o.created, o.sent, " \
	"l.lti_version, l.owner_id, l.lineitem, p.client_id, p.token_url, p.token_audience, l.outcome_url, " \
	"k.consumer_key, k.secret "
#define ROW_FROM \
	"FROM lti_outbox o JOIN lti_links l ON l.id = o.link_id " \
	"LEFT JOIN lti_platforms p ON l.lti_version = 13 AND p.id = l.owner_id " \
	"LEFT JOIN lti_consumers k ON l.lti_version = 11 AND k.id = l.owner_id "

static const char sql_due[] =
	"SELECT " ROW_COLUMNS ROW_FROM
	"WHERE o.state = 'pending' AND o.next_try <= ?1 AND NOT EXISTS (SELECT 1 " OLDER_PENDING("o") ") "
	"ORDER BY o.next_try, o.id LIMIT ?2";
static const char sql_next[] = "SELECT min(next_try) FROM lti_outbox WHERE state = 'pending'";
static const char sql_record[] =
	"UPDATE lti_outbox SET state = ?2, tries = tries + 1, next_try = ?3, last_status = ?4, "
	"last_answer = ?5, sent = CASE WHEN ?2 = 'sent' THEN ?6 ELSE sent END "
	"WHERE id = ?1 AND state = 'pending'";
static const char sql_list[] =
	"SELECT " ROW_COLUMNS ROW_FROM "WHERE (?1 IS NULL OR o.state = ?1) AND (?3 = 0 OR o.state <> 'sent') "
	"ORDER BY o.id DESC LIMIT ?2";
/* A failed row that a newer row of its target follows would take the
 * platform back to an older score: it is not sent again. */
static const char sql_retry_stale[] =
	"UPDATE lti_outbox SET state = 'sent', sent = ?2, last_answer = 'superseded by #' || "
	"  (SELECT max(n.id) FROM lti_outbox n WHERE n.link_id = lti_outbox.link_id "
	"   AND n.user_ref = lti_outbox.user_ref) "
	"WHERE state = 'failed' AND (?1 = 0 OR id = ?1) AND EXISTS (SELECT 1 FROM lti_outbox n "
	"  WHERE n.link_id = lti_outbox.link_id AND n.user_ref = lti_outbox.user_ref AND n.id > lti_outbox.id)";
static const char sql_retry[] =
	"UPDATE lti_outbox SET state = 'pending', tries = 0, next_try = ?2, created = ?2 "
	"WHERE state = 'failed' AND (?1 = 0 OR id = ?1)";
static const char sql_failed_id[] = "SELECT state FROM lti_outbox WHERE id = ?1";
static const char sql_defer[] =
	"UPDATE lti_outbox SET next_try = max(next_try, ?2) WHERE id = ?1 AND state = 'pending'";

/* Sent rows due before ?4, from the cursor (?1, ?2) on in the order of the
 * index lti_outbox_due, and whether each may go: sent before ?4, and not
 * the newest row of its attempt at its target. */
static const char sql_purge_scan[] =
	"SELECT o.id, o.next_try, o.sent < ?4 AND EXISTS (SELECT 1 FROM lti_outbox n "
	"  WHERE n.link_id = o.link_id AND n.user_ref = o.user_ref AND n.id > o.id "
	"  AND n.attempt_id = o.attempt_id) "
	"FROM lti_outbox o WHERE o.state = 'sent' AND o.next_try >= ?1 AND (o.next_try > ?1 OR o.id > ?2) "
	"AND o.next_try < ?4 ORDER BY o.next_try, o.id LIMIT ?3";
static const char sql_purge_delete[] = "DELETE FROM lti_outbox WHERE id = ?1 AND state = 'sent'";
static const char sql_purge_failed[] =
	"DELETE FROM lti_outbox WHERE id IN (SELECT id FROM lti_outbox WHERE state = 'failed' "
	"AND next_try < ?1 ORDER BY next_try LIMIT ?2)";

static const char *const state_names[] = {
	[PA_OUTBOX_PENDING] = "pending",
	[PA_OUTBOX_SENT] = "sent",
	[PA_OUTBOX_FAILED] = "failed",
};

/* --- the worker's wake-up (process-wide: see runtime/store_lti.h) --- */

static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond = PTHREAD_COND_INITIALIZER;
static uint64_t wake_gen;

void pa_store_lti_outbox_notify(void)
{
	pthread_mutex_lock(&wake_lock);
	wake_gen++;
	pthread_cond_broadcast(&wake_cond);
	pthread_mutex_unlock(&wake_lock);
}

bool pa_store_lti_outbox_wait(uint64_t *seen, int64_t timeout_ms)
{
	struct timespec until;
	bool woken;

	clock_gettime(CLOCK_REALTIME, &until);
	if (timeout_ms < 0)
		timeout_ms = 0;
	until.tv_sec += (time_t)(timeout_ms / 1000);
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&wake_lock);
	while (wake_gen == *seen)
		if (pthread_cond_timedwait(&wake_cond, &wake_lock, &until) != 0)
			break;
	woken = wake_gen != *seen;
	*seen = wake_gen;
	pthread_mutex_unlock(&wake_lock);
	return woken;
}

/* --- rows --- */

void pa_store_lti_outbox_row_dispose(pa_store_lti_outbox_row *row)
{
	if (!row)
		return;
	free(row->user_ref);
	free(row->completion_status);
	free(row->success_status);
	free(row->last_answer);
	free(row->lineitem);
	free(row->client_id);
	free(row->token_url);
	free(row->token_audience);
	free(row->outcome_url);
	free(row->consumer_key);
	if (row->consumer_secret) {
		/* not a key we made, but a secret all the same */
		memset(row->consumer_secret, 0, strlen(row->consumer_secret));
		free(row->consumer_secret);
	}
	memset(row, 0, sizeof(*row));
}

void pa_store_lti_outbox_rows_free(pa_store_lti_outbox_row *rows, size_t count)
{
	for (size_t i = 0; rows && i < count; i++)
		pa_store_lti_outbox_row_dispose(&rows[i]);
	free(rows);
}

static pa_outbox_state parse_state(const unsigned char *text)
{
	for (size_t i = 0; i < PA_ARRAY_SIZE(state_names); i++)
		if (text && !strcmp((const char *)text, state_names[i]))
			return (pa_outbox_state)i;
	return PA_OUTBOX_FAILED;   /* the schema's CHECK makes this unreachable */
}

/* Read the row st stands on (ROW_COLUMNS). */
static int read_row(pa_store_lti_outbox_row *out, sqlite3_stmt *st)
{
	int rc;

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	out->attempt_id = sqlite3_column_int64(st, 1);
	out->link_id = sqlite3_column_int64(st, 2);
	out->has_score = sqlite3_column_type(st, 6) != SQLITE_NULL;
	out->score_scaled = sqlite3_column_double(st, 6);
	out->timestamp = sqlite3_column_int64(st, 7);
	out->state = parse_state(sqlite3_column_text(st, 8));
	out->tries = sqlite3_column_int64(st, 9);
	out->next_try = sqlite3_column_int64(st, 10);
	out->last_status = (long)sqlite3_column_int64(st, 11);
	out->created = sqlite3_column_int64(st, 13);
	out->sent = sqlite3_column_int64(st, 14);
	out->lti_version = sqlite3_column_int(st, 15);
	out->owner_id = sqlite3_column_int64(st, 16);
	if ((rc = pa_sqlite_col_text(&out->user_ref, st, 3)) != 0 ||
	    (rc = pa_sqlite_col_text(&out->completion_status, st, 4)) != 0 ||
	    (rc = pa_sqlite_col_text(&out->success_status, st, 5)) != 0 ||
	    (rc = pa_sqlite_col_text(&out->last_answer, st, 12)) != 0 ||
	    (rc = pa_sqlite_col_text(&out->lineitem, st, 17)) != 0 ||
	    (rc = pa_sqlite_col_text(&out->client_id, st, 18)) != 0 ||
	    (rc = pa_sqlite_col_text(&out->token_url, st, 19)) != 0 ||
	    (rc = pa_sqlite_col_text(&out->token_audience, st, 20)) != 0 ||
	    (rc = pa_sqlite_col_text(&out->outcome_url, st, 21)) != 0 ||
	    (rc = pa_sqlite_col_text(&out->consumer_key, st, 22)) != 0 ||
	    (rc = pa_sqlite_col_text(&out->consumer_secret, st, 23)) != 0)
		pa_store_lti_outbox_row_dispose(out);
	return rc;
}

/* Every row st yields, appended to *rows. */
static int read_rows(pa_store_lti_outbox_row **rows, size_t *count, pa_sqlite_conn *c, sqlite3_stmt *st)
{
	int src, rc;

	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		pa_store_lti_outbox_row *row = pa_array_push(rows, count, sizeof(**rows));

		if (!row)
			return PA_ENOMEM;
		if ((rc = read_row(row, st)) != 0) {
			(*count)--;
			return rc;
		}
	}
	return src == SQLITE_DONE ? 0 : pa_sqlite_fail(c, src, "outbox rows");
}

/* --- writing rows --- */

/* What an attempt says now, to be written for some of its targets. */
typedef struct snapshot {
	char *completion, *success;
	bool has_score;
	double score;
	struct target {
		int64_t link_id;
		char *user_ref;
	} *targets;
	size_t ntargets;
} snapshot;

static void snapshot_dispose(snapshot *s)
{
	free(s->completion);
	free(s->success);
	for (size_t i = 0; i < s->ntargets; i++)
		free(s->targets[i].user_ref);
	free(s->targets);
}

static int insert_row(pa_sqlite_conn *c, int64_t attempt_id, const snapshot *s, const struct target *t,
		      int64_t now)
{
	sqlite3_stmt *st = NULL;
	int64_t stamp = now;
	int rc;

	/* Strictly increasing per target, whatever the clock does. */
	if ((rc = pa_sqlite_stmt(&st, c, S_LAST_TS, sql_last_ts)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, t->link_id);
	pa_sqlite_bind_text(st, 2, t->user_ref);
	rc = pa_sqlite_step_row(c, st, "the last score's timestamp");
	if (rc == 0 && sqlite3_column_int64(st, 0) >= stamp)
		stamp = sqlite3_column_int64(st, 0) + 1;
	else if (rc != PA_ENOTFOUND && rc != 0)
		goto done;
	pa_sqlite_stmt_done(st);
	if ((rc = pa_sqlite_stmt(&st, c, S_INSERT, sql_insert)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, attempt_id);
	sqlite3_bind_int64(st, 2, t->link_id);
	pa_sqlite_bind_text(st, 3, t->user_ref);
	pa_sqlite_bind_text(st, 4, s->completion);
	pa_sqlite_bind_text(st, 5, s->success);
	if (s->has_score)
		sqlite3_bind_double(st, 6, s->score);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_int64(st, 7, stamp);
	sqlite3_bind_int64(st, 8, now);
	rc = pa_sqlite_step_done(c, st, "queue a score");
done:
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_lti_outbox_on_commit(struct pa_sqlite_conn *c, int64_t attempt_id, int64_t now)
{
	sqlite3_stmt *st = NULL;
	snapshot s = { 0 };
	int src, rc = 0;

	if ((rc = pa_sqlite_stmt(&st, c, S_TARGETS, sql_targets)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, attempt_id);
	/* Collect first, write after: the select reads the table written. */
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		bool none = sqlite3_column_type(st, 5) == SQLITE_NULL;
		bool same = !none && sqlite3_column_int(st, 5);
		struct target *t;

		if (!s.completion) {
			s.has_score = sqlite3_column_type(st, 4) != SQLITE_NULL;
			s.score = sqlite3_column_double(st, 4);
			if ((rc = pa_sqlite_col_text(&s.completion, st, 2)) != 0 ||
			    (rc = pa_sqlite_col_text(&s.success, st, 3)) != 0)
				goto done;
		}
		/* A target that never had a row gets one once there is something to say. */
		if (same || (none && !s.has_score && !strcmp(s.completion, "unknown") && !strcmp(s.success, "unknown")))
			continue;
		if (!(t = pa_array_push(&s.targets, &s.ntargets, sizeof(*s.targets)))) {
			rc = PA_ENOMEM;
			goto done;
		}
		t->link_id = sqlite3_column_int64(st, 0);
		if ((rc = pa_sqlite_col_text(&t->user_ref, st, 1)) != 0)
			goto done;
	}
	if (src != SQLITE_DONE) {
		rc = pa_sqlite_fail(c, src, "grade targets");
		goto done;
	}
	pa_sqlite_stmt_done(st);
	st = NULL;
	for (size_t i = 0; i < s.ntargets && rc == 0; i++)
		rc = insert_row(c, attempt_id, &s, &s.targets[i], now);
	if (rc == 0 && s.ntargets)
		pa_store_lti_outbox_notify();
done:
	pa_sqlite_stmt_done(st);
	snapshot_dispose(&s);
	return rc;
}

/* --- the worker's calls --- */

typedef struct due_args {
	pa_store_lti_outbox_row *rows;
	size_t count;
	int64_t now;
	size_t max;
} due_args;

static int due_job(pa_sqlite_conn *c, void *arg)
{
	due_args *a = arg;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = pa_sqlite_stmt(&st, c, S_CARRY, sql_carry)) != 0 ||
	    (rc = pa_sqlite_step_done(c, st, "carry the backoff over")) != 0)
		goto done;
	pa_sqlite_stmt_done(st);
	if ((rc = pa_sqlite_stmt(&st, c, S_SUPERSEDE, sql_supersede)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, a->now);
	if ((rc = pa_sqlite_step_done(c, st, "supersede older scores")) != 0)
		goto done;
	pa_sqlite_stmt_done(st);
	if ((rc = pa_sqlite_stmt(&st, c, S_DUE, sql_due)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, a->now);
	sqlite3_bind_int64(st, 2, a->max > INT64_MAX ? INT64_MAX : (int64_t)a->max);
	rc = read_rows(&a->rows, &a->count, c, st);
done:
	pa_sqlite_stmt_done(st);
	if (rc) {
		pa_store_lti_outbox_rows_free(a->rows, a->count);
		a->rows = NULL;
		a->count = 0;
	}
	return rc;
}

int pa_sqlite_lti_outbox_due(pa_store_lti_outbox_row **out, size_t *count, pa_store *store, int64_t now, size_t max)
{
	due_args a = { NULL, 0, now, max ? max : 1 };
	int rc;

	*out = NULL;
	*count = 0;
	if ((rc = pa_sqlite_write(store, due_job, &a)) != 0)
		return rc;
	*out = a.rows;
	*count = a.count;
	return 0;
}

static int next_job(pa_sqlite_conn *c, void *arg)
{
	int64_t *out = arg;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = pa_sqlite_stmt(&st, c, S_NEXT, sql_next)) == 0 &&
	    (rc = pa_sqlite_step_row(c, st, "the next score due")) == 0) {
		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			rc = PA_ENOTFOUND;
		else
			*out = sqlite3_column_int64(st, 0);
	}
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_lti_outbox_next(int64_t *out, pa_store *store)
{
	return pa_sqlite_read(store, next_job, out);
}

typedef struct record_args {
	const pa_store_lti_outbox_result *r;
	size_t n, recorded;
} record_args;

static int record_job(pa_sqlite_conn *c, void *arg)
{
	record_args *a = arg;
	sqlite3_stmt *st = NULL;
	int rc = 0;

	a->recorded = 0;
	for (size_t i = 0; i < a->n && rc == 0; i++) {
		const pa_store_lti_outbox_result *r = &a->r[i];

		if (r->tried) {
			if ((rc = pa_sqlite_stmt(&st, c, S_RECORD, sql_record)) != 0)
				break;
			sqlite3_bind_int64(st, 1, r->id);
			pa_sqlite_bind_text(st, 2, state_names[r->state]);
			sqlite3_bind_int64(st, 3, r->next_try);
			if (r->status)
				sqlite3_bind_int64(st, 4, r->status);
			else
				sqlite3_bind_null(st, 4);
			pa_sqlite_bind_text(st, 5, r->answer);
			sqlite3_bind_int64(st, 6, r->now);
		} else {
			if ((rc = pa_sqlite_stmt(&st, c, S_DEFER, sql_defer)) != 0)
				break;
			sqlite3_bind_int64(st, 1, r->id);
			sqlite3_bind_int64(st, 2, r->next_try);
		}
		if ((rc = pa_sqlite_step_done(c, st, "record a delivery")) == 0 && sqlite3_changes(pa_sqlite_db(c)) > 0)
			a->recorded++;
		pa_sqlite_stmt_done(st);
		st = NULL;
	}
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_lti_outbox_record(size_t *recorded, pa_store *store, const pa_store_lti_outbox_result *r, size_t n)
{
	record_args a = { r, n, 0 };
	int rc;

	if (recorded)
		*recorded = 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned)r[i].state >= PA_ARRAY_SIZE(state_names))
			return pa_error_set(PA_EINVAL, "store: no such outbox state");
	if (!n)
		return 0;
	if ((rc = pa_sqlite_write(store, record_job, &a)) == 0 && recorded)
		*recorded = a.recorded;
	return rc;
}

/* --- the admins' calls --- */

typedef struct list_args {
	pa_store_lti_outbox_row *rows;
	size_t count;
	const char *state;   /* NULL: all */
	bool undelivered;
	size_t max;
} list_args;

static int list_job(pa_sqlite_conn *c, void *arg)
{
	list_args *a = arg;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = pa_sqlite_stmt(&st, c, S_LIST, sql_list)) != 0)
		return rc;
	pa_sqlite_bind_text(st, 1, a->state);
	sqlite3_bind_int64(st, 2, a->max && a->max <= INT64_MAX ? (int64_t)a->max : -1);
	sqlite3_bind_int(st, 3, a->undelivered);
	rc = read_rows(&a->rows, &a->count, c, st);
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_lti_outbox_list(pa_store_lti_outbox_row **out, size_t *count, pa_store *store, pa_outbox_filter filter,
			      size_t max)
{
	list_args a = { NULL, 0, NULL, false, max };
	int rc;

	*out = NULL;
	*count = 0;
	switch (filter) {
	case PA_OUTBOX_UNDELIVERED: a.undelivered = true; break;
	case PA_OUTBOX_ONLY_PENDING: a.state = state_names[PA_OUTBOX_PENDING]; break;
	case PA_OUTBOX_ONLY_FAILED: a.state = state_names[PA_OUTBOX_FAILED]; break;
	case PA_OUTBOX_ONLY_SENT: a.state = state_names[PA_OUTBOX_SENT]; break;
	case PA_OUTBOX_ALL: break;
	default: return pa_error_set(PA_EINVAL, "store: no such outbox filter");
	}
	if ((rc = pa_sqlite_read(store, list_job, &a)) != 0) {
		pa_store_lti_outbox_rows_free(a.rows, a.count);
		return rc;
	}
	*out = a.rows;
	*count = a.count;
	return 0;
}

typedef struct retry_args {
	int64_t id, now;
	int64_t retried, superseded;
} retry_args;

static int retry_job(pa_sqlite_conn *c, void *arg)
{
	retry_args *a = arg;
	sqlite3_stmt *st = NULL;
	int rc;

	if (a->id) {
		if ((rc = pa_sqlite_stmt(&st, c, S_FAILED_ID, sql_failed_id)) != 0)
			goto done;
		sqlite3_bind_int64(st, 1, a->id);
		if ((rc = pa_sqlite_step_row(c, st, "score")) == PA_ENOTFOUND) {
			rc = pa_error_set(PA_ENOTFOUND, "no score #%lld in the outbox", (long long)a->id);
			goto done;
		}
		if (rc)
			goto done;
		if (strcmp((const char *)sqlite3_column_text(st, 0), "failed") != 0) {
			rc = pa_error_set(PA_ENOTFOUND, "score #%lld is %s, not failed", (long long)a->id,
					  (const char *)sqlite3_column_text(st, 0));
			goto done;
		}
		pa_sqlite_stmt_done(st);
	}
	if ((rc = pa_sqlite_stmt(&st, c, S_RETRY_STALE, sql_retry_stale)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 2, a->now);
	if ((rc = pa_sqlite_step_done(c, st, "supersede stale scores")) != 0)
		goto done;
	a->superseded = sqlite3_changes(pa_sqlite_db(c));
	pa_sqlite_stmt_done(st);
	if ((rc = pa_sqlite_stmt(&st, c, S_RETRY, sql_retry)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 2, a->now);
	if ((rc = pa_sqlite_step_done(c, st, "retry scores")) != 0)
		goto done;
	a->retried = sqlite3_changes(pa_sqlite_db(c));
done:
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_lti_outbox_retry(int64_t *retried, int64_t *superseded, pa_store *store, int64_t id, int64_t now)
{
	retry_args a = { id, now, 0, 0 };
	int rc;

	if ((rc = pa_sqlite_write(store, retry_job, &a)) != 0)
		return rc;
	if (retried)
		*retried = a.retried;
	if (superseded)
		*superseded = a.superseded;
	if (a.retried)
		pa_store_lti_outbox_notify();
	return 0;
}

/* --- housekeeping --- */

typedef struct purge_args {
	pa_store_lti_outbox_cursor from, to;   /* to: where the next call starts */
	int64_t sent_before, failed_before, max;
	int64_t deleted;
	bool more;
} purge_args;

static int purge_job(pa_sqlite_conn *c, void *arg)
{
	purge_args *a = arg;
	sqlite3_stmt *st = NULL;
	int64_t *ids = NULL, seen = 0;
	size_t nids = 0;
	int src, rc = 0;

	a->deleted = 0;
	a->more = false;
	a->to = a->from;
	if (a->failed_before > 0) {
		if ((rc = pa_sqlite_stmt(&st, c, S_PURGE_FAILED, sql_purge_failed)) != 0)
			goto done;
		sqlite3_bind_int64(st, 1, a->failed_before);
		sqlite3_bind_int64(st, 2, a->max);
		if ((rc = pa_sqlite_step_done(c, st, "delete old failed scores")) != 0)
			goto done;
		a->deleted += sqlite3_changes(pa_sqlite_db(c));
		a->more = sqlite3_changes(pa_sqlite_db(c)) == a->max;
		pa_sqlite_stmt_done(st);
		st = NULL;
	}
	/* Look first, delete after: the scan reads the index the deletes change. */
	if ((rc = pa_sqlite_stmt(&st, c, S_PURGE_SCAN, sql_purge_scan)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, a->from.next_try);
	sqlite3_bind_int64(st, 2, a->from.id);
	sqlite3_bind_int64(st, 3, a->max);
	sqlite3_bind_int64(st, 4, a->sent_before);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		seen++;
		a->to.id = sqlite3_column_int64(st, 0);
		a->to.next_try = sqlite3_column_int64(st, 1);
		if (sqlite3_column_int(st, 2)) {
			int64_t *id = pa_array_push(&ids, &nids, sizeof(*ids));

			if (!id) {
				rc = pa_error_set(PA_ENOMEM, "store: out of memory");
				goto done;
			}
			*id = a->to.id;
		}
	}
	if (src != SQLITE_DONE) {
		rc = pa_sqlite_fail(c, src, "old scores");
		goto done;
	}
	pa_sqlite_stmt_done(st);
	st = NULL;
	for (size_t i = 0; i < nids; i++) {
		if ((rc = pa_sqlite_stmt(&st, c, S_PURGE_DELETE, sql_purge_delete)) != 0)
			goto done;
		sqlite3_bind_int64(st, 1, ids[i]);
		if ((rc = pa_sqlite_step_done(c, st, "delete an old score")) != 0)
			goto done;
		a->deleted += sqlite3_changes(pa_sqlite_db(c));
		pa_sqlite_stmt_done(st);
		st = NULL;
	}
	if (seen == a->max)
		a->more = true;
	else
		a->to.next_try = a->to.id = 0;   /* gone through: the next round starts over */
done:
	pa_sqlite_stmt_done(st);
	free(ids);
	return rc;
}

int pa_sqlite_lti_outbox_purge(int64_t *deleted, bool *more, pa_store *store, pa_store_lti_outbox_cursor *cursor,
			       int64_t sent_before, int64_t failed_before, size_t max)
{
	purge_args a = { *cursor, *cursor, sent_before, failed_before, max > INT64_MAX ? INT64_MAX : (int64_t)max, 0,
			 false };
	int rc;

	if ((rc = pa_sqlite_write(store, purge_job, &a)) != 0)
		return rc;   /* rolled back: the cursor stays where it was */
	*cursor = a.to;
	if (deleted)
		*deleted = a.deleted;
	*more = a.more;
	return 0;
}
