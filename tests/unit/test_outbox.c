/* The outbox of scores: rows written with the commits that change an
 * attempt, in order per target, superseded, retried with backoff, given
 * up, retried by an admin; delivered by the worker to a loopback AGS
 * platform. */
#include "loopback.h"

#include <pthread.h>
#include <unistd.h>
#include <sqlite3.h>

#include "common/fs.h"
#include "lti/outbox.h"
#include "runtime/store_lti.h"

typedef struct fixture {
	char *dir;
	pa_store *store;
	int64_t version_id, learner_id, attempt_id, link13, link11;
	int64_t seq;
} fixture;

/* Run SQL behind the store's back (rows other parts of LTI own). */
static void sql(const char *dir, const char *text)
{
	pa_buf path = PA_BUF_INIT;
	sqlite3 *db = NULL;
	char *err = NULL;

	pa_path_join(&path, dir, PA_STORE_SQLITE_FILE);
	assert_int_equal(sqlite3_open_v2(path.ptr, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, text, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", text, err);
	sqlite3_close(db);
	pa_buf_dispose(&path);
}

static int64_t new_attempt(fixture *f, const char *subject)
{
	int64_t learner, attempt;

	assert_int_equal(pa_store_learner_ensure(&learner, f->store, subject, NULL), 0);
	assert_int_equal(pa_store_attempt_create(&attempt, f->store, f->version_id, learner, false), 0);
	return attempt;
}

static int64_t new_link(fixture *f, int version, int64_t owner, const char *rlid, const char *lineitem,
			const char *outcome_url)
{
	pa_store_lti_link in, out;
	int64_t id;

	memset(&in, 0, sizeof(in));
	in.lti_version = version;
	in.owner_id = owner;
	in.resource_link_id = (char *)rlid;
	in.lineitem = (char *)lineitem;
	in.outcome_url = (char *)outcome_url;
	assert_int_equal(pa_store_lti_link_upsert(&out, f->store, &in), 0);
	id = out.id;
	pa_store_lti_link_dispose(&out);
	return id;
}

static void setup(fixture *f, const char *name, const char *lineitem, const char *token_url)
{
	static const pa_store_new_version course = {
		"org.example.course", "Course", "2004 4th Edition", "abc", "{\"items\":[]}"
	};
	pa_store_version v;
	pa_buf q = PA_BUF_INIT;

	memset(f, 0, sizeof(*f));
	f->dir = pa_test_tmpdir(name);
	assert_int_equal(pa_store_open(&f->store, f->dir, NULL), 0);
	assert_int_equal(pa_store_version_create(&v, f->store, &course, NULL), 0);
	f->version_id = v.id;
	pa_store_version_dispose(&v);
	pa_buf_printf(&q, "INSERT INTO lti_platforms (id, issuer, client_id, auth_url, token_url, jwks_url, created) "
		      "VALUES (1, 'https://lms.example', 'client-9', 'https://lms.example/auth', '%s', "
		      "'https://lms.example/jwks', 0);"
		      "INSERT INTO lti_consumers (id, consumer_key, secret, created) VALUES (1, 'key', 'secret', 0);",
		      token_url);
	sql(f->dir, q.ptr);
	pa_buf_dispose(&q);
	f->link13 = new_link(f, 13, 1, "rl-13", lineitem, NULL);
	f->link11 = new_link(f, 11, 1, "rl-11", NULL, "https://lms.example/outcomes");
	f->attempt_id = new_attempt(f, "lti13 https://lms.example alice");
}

static void teardown(fixture *f)
{
	pa_store_close(f->store);
	free(f->dir);
}

static void commit(fixture *f, int64_t attempt, const char *completion, const char *success, bool has_score,
		   double scaled)
{
	pa_store_attempt a;
	pa_store_commit c;

	assert_int_equal(pa_store_attempt_get(&a, f->store, attempt), 0);
	memset(&c, 0, sizeof(c));
	c.attempt_id = attempt;
	c.seq = a.last_seq + 1;
	c.calls = "[]";
	c.result = "{}";
	c.completion_status = completion;
	c.success_status = success;
	c.has_score = has_score;
	c.score_scaled = scaled;
	assert_int_equal(pa_store_commit_append(f->store, &c), 0);
	pa_store_attempt_dispose(&a);
}

/* Every row, oldest first. */
static size_t rows_all(pa_store_lti_outbox_row **rows, fixture *f)
{
	pa_store_lti_outbox_row *list, tmp;
	size_t n;

	assert_int_equal(pa_store_lti_outbox_list(&list, &n, f->store, PA_OUTBOX_ALL, 0), 0);
	for (size_t i = 0; i < n / 2; i++) {
		tmp = list[i];
		list[i] = list[n - 1 - i];
		list[n - 1 - i] = tmp;
	}
	*rows = list;
	return n;
}

static void test_outbox__commits_that_change_the_grade_queue_a_row_per_target(void **state)
{
	fixture f;
	pa_store_lti_outbox_row *rows;
	size_t n;
	int64_t other;

	(void)state;
	setup(&f, "outbox-enqueue", "https://lms.example/li/7", "https://lms.example/token");
	/* No target yet: nothing. */
	commit(&f, f.attempt_id, "incomplete", NULL, false, 0);
	n = rows_all(&rows, &f);
	assert_int_equal(n, 0);
	pa_store_lti_outbox_rows_free(rows, n);
	/* A target set on an attempt that already has a status: its score goes at once. */
	assert_int_equal(pa_store_lti_grade_target_set(f.store, f.attempt_id, f.link13, "alice"), 0);
	n = rows_all(&rows, &f);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].completion_status, "incomplete");
	assert_string_equal(rows[0].user_ref, "alice");
	assert_string_equal(rows[0].token_url, "https://lms.example/token");
	assert_string_equal(rows[0].client_id, "client-9");
	assert_string_equal(rows[0].lineitem, "https://lms.example/li/7");
	assert_int_equal(rows[0].lti_version, 13);
	pa_store_lti_outbox_rows_free(rows, n);
	/* Set again (a relaunch): nothing new to say. */
	assert_int_equal(pa_store_lti_grade_target_set(f.store, f.attempt_id, f.link13, "alice"), 0);
	/* A second target, LTI 1.1. */
	assert_int_equal(pa_store_lti_grade_target_set(f.store, f.attempt_id, f.link11, "sourcedid-1"), 0);
	/* A commit that changes nothing of the grade: nothing. */
	commit(&f, f.attempt_id, NULL, NULL, false, 0);
	commit(&f, f.attempt_id, "incomplete", "unknown", false, 0);
	n = rows_all(&rows, &f);
	assert_int_equal(n, 2);
	assert_int_equal(rows[1].lti_version, 11);
	assert_string_equal(rows[1].outcome_url, "https://lms.example/outcomes");
	assert_string_equal(rows[1].consumer_key, "key");
	assert_string_equal(rows[1].consumer_secret, "secret");
	pa_store_lti_outbox_rows_free(rows, n);
	/* The score changes: one row per target, timestamps strictly increasing per target. */
	commit(&f, f.attempt_id, "completed", "passed", true, 0.8);
	commit(&f, f.attempt_id, NULL, NULL, true, 0.9);
	n = rows_all(&rows, &f);
	assert_int_equal(n, 6);
	assert_true(rows[4].has_score);
	assert_true(rows[4].score_scaled == 0.9);
	assert_string_equal(rows[4].completion_status, "completed");
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (rows[i].link_id == rows[j].link_id)
				assert_true(rows[j].timestamp > rows[i].timestamp);
	pa_store_lti_outbox_rows_free(rows, n);
	/* Another learner's attempt without a target: nothing. */
	other = new_attempt(&f, "lti13 https://lms.example bob");
	commit(&f, other, "completed", "passed", true, 1);
	n = rows_all(&rows, &f);
	assert_int_equal(n, 6);
	pa_store_lti_outbox_rows_free(rows, n);
	teardown(&f);
}

static void test_outbox__due_in_order_and_superseded(void **state)
{
	fixture f;
	pa_store_lti_outbox_row *rows;
	pa_store_lti_outbox_result res = { 1, true, PA_OUTBOX_PENDING, 503, "down", 0, 0 };
	size_t recorded;
	int64_t bob, now = pa_store_now_ms(), next;
	size_t n;

	(void)state;
	setup(&f, "outbox-due", "https://lms.example/li/7", "https://lms.example/token");
	bob = new_attempt(&f, "lti13 https://lms.example bob");
	assert_int_equal(pa_store_lti_grade_target_set(f.store, f.attempt_id, f.link13, "alice"), 0);
	assert_int_equal(pa_store_lti_grade_target_set(f.store, bob, f.link13, "bob"), 0);
	assert_int_equal(pa_store_lti_outbox_next(&next, f.store), PA_ENOTFOUND);
	commit(&f, f.attempt_id, "incomplete", NULL, false, 0);   /* #1 alice */
	commit(&f, bob, "incomplete", NULL, false, 0);            /* #2 bob */
	/* One row per target due. */
	assert_int_equal(pa_store_lti_outbox_due(&rows, &n, f.store, now + 10000, 16), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, 1);
	assert_int_equal(rows[1].id, 2);
	pa_store_lti_outbox_rows_free(rows, n);
	/* Alice's fails for a while; her next commits queue behind it. */
	res.next_try = now + 60000;
	res.now = now;
	assert_int_equal(pa_store_lti_outbox_record(&recorded, f.store, &res, 1), 0);
	assert_int_equal(recorded, 1);
	res.id = 99;
	assert_int_equal(pa_store_lti_outbox_record(&recorded, f.store, &res, 1), 0);
	assert_int_equal(recorded, 0);
	commit(&f, f.attempt_id, "completed", "passed", true, 0.7);   /* #3 alice */
	commit(&f, f.attempt_id, NULL, NULL, true, 0.75);             /* #4 alice */
	assert_int_equal(pa_store_lti_outbox_due(&rows, &n, f.store, now + 10000, 16), 0);
	/* Only bob's: alice's newest (#4) took over #1's backoff, #1 and #3 are superseded. */
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, 2);
	pa_store_lti_outbox_rows_free(rows, n);
	assert_int_equal(pa_store_lti_outbox_next(&next, f.store), 0);
	assert_true(next <= now + 10000);   /* bob's #2, still pending */
	assert_int_equal(pa_store_lti_outbox_list(&rows, &n, f.store, PA_OUTBOX_ONLY_SENT, 0), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, 3);
	assert_string_equal(rows[0].last_answer, "superseded by #4");
	assert_int_equal(rows[1].id, 1);
	assert_string_equal(rows[1].last_answer, "superseded by #4");
	pa_store_lti_outbox_rows_free(rows, n);
	assert_int_equal(pa_store_lti_outbox_due(&rows, &n, f.store, now + 60000, 16), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, 2);
	assert_int_equal(rows[1].id, 4);
	assert_int_equal(rows[1].tries, 1);   /* carried over from #1 */
	assert_true(rows[1].score_scaled == 0.75);
	pa_store_lti_outbox_rows_free(rows, n);
	/* A row delivered is not due again. */
	res.state = PA_OUTBOX_SENT;
	res.status = 200;
	res.answer = NULL;
	res.id = 4;
	assert_int_equal(pa_store_lti_outbox_record(&recorded, f.store, &res, 1), 0);
	assert_int_equal(recorded, 1);
	assert_int_equal(pa_store_lti_outbox_record(&recorded, f.store, &res, 1), 0);
	assert_int_equal(recorded, 0);   /* not pending any more: left alone */
	assert_int_equal(pa_store_lti_outbox_due(&rows, &n, f.store, now + 60000, 16), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, 2);
	pa_store_lti_outbox_rows_free(rows, n);
	teardown(&f);
}

static void test_outbox__backoff(void **state)
{
	(void)state;
	assert_int_equal(pa_lti_outbox_backoff_ms(1, -1, 3600), 1000);
	assert_int_equal(pa_lti_outbox_backoff_ms(2, -1, 3600), 2000);
	assert_int_equal(pa_lti_outbox_backoff_ms(5, -1, 3600), 16000);
	assert_int_equal(pa_lti_outbox_backoff_ms(13, -1, 3600), 3600000);
	assert_int_equal(pa_lti_outbox_backoff_ms(1000000, -1, 3600), 3600000);   /* no overflow */
	assert_int_equal(pa_lti_outbox_backoff_ms(1, 30, 3600), 30000);           /* Retry-After */
	assert_int_equal(pa_lti_outbox_backoff_ms(6, 3, 3600), 32000);            /* but no less than ours */
	assert_int_equal(pa_lti_outbox_backoff_ms(1, 86400, 600), 600000);        /* capped */
}

/* --- the worker, with a stand-in for LTI 1.1 --- */

typedef struct sender {
	int calls;
	int rc;             /* what the next calls return */
	long status;
	double last_score;
	char last_sourcedid[64];
} sender;

static sender *the_sender;

static int fake_send11(long *status, pa_buf *answer, const pa_lti11_outcome *o)
{
	sender *s = the_sender;

	s->calls++;
	s->last_score = o->score;
	snprintf(s->last_sourcedid, sizeof(s->last_sourcedid), "%s", o->sourcedid);
	*status = s->status;
	pa_buf_printf(answer, "HTTP %ld", s->status);
	return s->rc;
}

static int no_sign(pa_buf *out, void *ctx, const json_t *claims)
{
	(void)ctx, (void)claims;
	return pa_buf_puts(out, "x.y.z");
}

static pa_lti_outbox *new_outbox(fixture *f, int64_t give_up_s)
{
	pa_lti_outbox_config cfg = { f->store, no_sign, NULL, fake_send11, 2, true, 3600, give_up_s, 0, 0 };
	pa_lti_outbox *o;

	assert_int_equal(pa_lti_outbox_new(&o, &cfg), 0);
	return o;
}

static pa_store_lti_outbox_row get_row(fixture *f, int64_t id)
{
	pa_store_lti_outbox_row *rows, row;
	size_t n;

	memset(&row, 0, sizeof(row));
	assert_int_equal(pa_store_lti_outbox_list(&rows, &n, f->store, PA_OUTBOX_ALL, 0), 0);
	for (size_t i = 0; i < n; i++)
		if (rows[i].id == id) {
			row = rows[i];
			memset(&rows[i], 0, sizeof(rows[i]));
		}
	pa_store_lti_outbox_rows_free(rows, n);
	assert_int_equal(row.id, id);
	return row;
}

static void test_outbox__retry_give_up_and_admin_retry(void **state)
{
	fixture f;
	sender s = { 0, PA_EIO, 503, 0, "" };
	pa_lti_outbox *o;
	pa_store_lti_outbox_row row;
	int64_t now = pa_store_now_ms(), retried, superseded;
	size_t handled;

	(void)state;
	the_sender = &s;
	setup(&f, "outbox-retry", "https://lms.example/li/7", "https://lms.example/token");
	o = new_outbox(&f, 60);
	assert_int_equal(pa_store_lti_grade_target_set(f.store, f.attempt_id, f.link11, "sid-1"), 0);
	commit(&f, f.attempt_id, "completed", "passed", true, 0.8);   /* #1 */
	now = pa_store_now_ms();
	/* 503: pending again, 1 s later, then 2 s. */
	assert_int_equal(pa_lti_outbox_run_once(&handled, o, now), 0);
	assert_int_equal(handled, 1);
	assert_int_equal(s.calls, 1);
	assert_true(s.last_score == 0.8);
	assert_string_equal(s.last_sourcedid, "sid-1");
	row = get_row(&f, 1);
	assert_int_equal(row.state, PA_OUTBOX_PENDING);
	assert_int_equal(row.tries, 1);
	assert_int_equal(row.last_status, 503);
	assert_true(row.next_try >= now + 1000 && row.next_try <= pa_store_now_ms() + 1000);
	pa_store_lti_outbox_row_dispose(&row);
	assert_int_equal(pa_lti_outbox_run_once(&handled, o, now), 0);
	assert_int_equal(handled, 0);   /* not due yet */
	assert_int_equal(pa_lti_outbox_run_once(&handled, o, now + 1500), 0);
	assert_int_equal(handled, 1);
	row = get_row(&f, 1);
	assert_int_equal(row.tries, 2);
	assert_true(row.next_try - row.created >= 2000);
	pa_store_lti_outbox_row_dispose(&row);
	/* Past lti_grade_give_up, the next failure is the last. */
	assert_int_equal(pa_lti_outbox_run_once(&handled, o, now + 61000), 0);
	row = get_row(&f, 1);
	assert_int_equal(row.state, PA_OUTBOX_FAILED);
	assert_int_equal(row.tries, 3);
	assert_non_null(strstr(row.last_answer, "gave up after 3 tries"));
	pa_store_lti_outbox_row_dispose(&row);
	assert_int_equal(pa_lti_outbox_run_once(&handled, o, now + 999999), 0);
	assert_int_equal(handled, 0);

	/* An admin retries it; the platform is back. */
	assert_int_equal(pa_store_lti_outbox_retry(&retried, &superseded, f.store, 2, now), PA_ENOTFOUND);
	assert_int_equal(pa_store_lti_outbox_retry(&retried, &superseded, f.store, 1, pa_store_now_ms()), 0);
	assert_int_equal(retried, 1);
	assert_int_equal(superseded, 0);
	assert_int_equal(pa_store_lti_outbox_retry(&retried, &superseded, f.store, 1, now), PA_ENOTFOUND);
	s.rc = 0;
	s.status = 200;
	assert_int_equal(pa_lti_outbox_run_once(&handled, o, pa_store_now_ms()), 0);
	assert_int_equal(handled, 1);
	row = get_row(&f, 1);
	assert_int_equal(row.state, PA_OUTBOX_SENT);
	assert_true(row.sent > 0);
	pa_store_lti_outbox_row_dispose(&row);

	/* A refusal (4xx) fails at once, with the answer. */
	s.rc = PA_EINVALID;
	s.status = 400;
	commit(&f, f.attempt_id, NULL, NULL, true, 0.6);   /* #2 */
	assert_int_equal(pa_lti_outbox_run_once(&handled, o, pa_store_now_ms()), 0);
	row = get_row(&f, 2);
	assert_int_equal(row.state, PA_OUTBOX_FAILED);
	assert_int_equal(row.last_status, 400);
	assert_string_equal(row.last_answer, "HTTP 400");
	pa_store_lti_outbox_row_dispose(&row);
	/* A newer score was written since: retrying #2 would send an older score after it. */
	commit(&f, f.attempt_id, NULL, NULL, true, 0.65);   /* #3 */
	assert_int_equal(pa_store_lti_outbox_retry(&retried, &superseded, f.store, 0, pa_store_now_ms()), 0);
	assert_int_equal(retried, 0);
	assert_int_equal(superseded, 1);
	row = get_row(&f, 2);
	assert_int_equal(row.state, PA_OUTBOX_SENT);
	assert_string_equal(row.last_answer, "superseded by #3");
	pa_store_lti_outbox_row_dispose(&row);
	pa_lti_outbox_free(o);
	teardown(&f);
}

/* The ids of every row, oldest first, as "1 2 3". */
static void ids_of(pa_buf *out, fixture *f)
{
	pa_store_lti_outbox_row *rows;
	size_t n = rows_all(&rows, f);

	pa_buf_clear(out);
	for (size_t i = 0; i < n; i++)
		pa_buf_printf(out, "%s%lld", i ? " " : "", (long long)rows[i].id);
	pa_store_lti_outbox_rows_free(rows, n);
}

static void test_outbox__old_rows_purged_in_batches(void **state)
{
	fixture f;
	pa_store_lti_outbox_cursor cursor = { 0, 0 };
	pa_lti_outbox_config cfg;
	pa_lti_outbox *o;
	pa_buf q = PA_BUF_INIT, ids = PA_BUF_INIT;
	int64_t bob, carol, alice2, now, old, deleted, total = 0;
	int calls = 0;
	bool more = true;

	(void)state;
	setup(&f, "outbox-purge", "https://lms.example/li/7", "https://lms.example/token");
	bob = new_attempt(&f, "lti13 https://lms.example bob");
	carol = new_attempt(&f, "lti13 https://lms.example carol");
	assert_int_equal(pa_store_lti_grade_target_set(f.store, f.attempt_id, f.link13, "alice"), 0);
	assert_int_equal(pa_store_lti_grade_target_set(f.store, bob, f.link13, "bob"), 0);
	assert_int_equal(pa_store_lti_grade_target_set(f.store, carol, f.link13, "carol"), 0);
	commit(&f, f.attempt_id, "incomplete", "unknown", true, 0.1);   /* #1 */
	commit(&f, f.attempt_id, NULL, NULL, true, 0.2);                /* #2 */
	commit(&f, f.attempt_id, NULL, NULL, true, 0.3);                /* #3: alice's attempt's newest */
	commit(&f, bob, "incomplete", "unknown", true, 0.5);            /* #4 */
	commit(&f, bob, NULL, NULL, true, 0.6);                         /* #5 */
	commit(&f, bob, NULL, NULL, true, 0.7);                         /* #6 */
	commit(&f, carol, "incomplete", "unknown", true, 0.4);          /* #7 */
	commit(&f, carol, NULL, NULL, true, 0.45);                      /* #8 */
	/* Alice's second attempt, at the same target. */
	alice2 = new_attempt(&f, "lti13 https://lms.example alice");
	assert_int_equal(pa_store_lti_grade_target_set(f.store, alice2, f.link13, "alice"), 0);
	commit(&f, alice2, "completed", "passed", true, 0.9);           /* #9 */
	ids_of(&ids, &f);
	assert_string_equal(ids.ptr, "1 2 3 4 5 6 7 8 9");

	/* 40 days ago: sent (#1 #2 #3, #8, #9), failed (#4), still pending (#5);
	 * #6 sent a moment ago; #7 due long ago but sent a moment ago. */
	now = pa_store_now_ms();
	old = now - 40LL * 86400 * 1000;
	pa_buf_printf(&q, "UPDATE lti_outbox SET state = 'sent', sent = %lld, next_try = %lld WHERE id IN (1, 2, 3, 8, 9);"
		      "UPDATE lti_outbox SET state = 'failed', next_try = %lld WHERE id = 4;"
		      "UPDATE lti_outbox SET next_try = %lld WHERE id = 5;"
		      "UPDATE lti_outbox SET state = 'sent', sent = %lld, next_try = %lld WHERE id = 6;"
		      "UPDATE lti_outbox SET state = 'sent', sent = %lld, next_try = %lld WHERE id = 7;",
		      (long long)old, (long long)old, (long long)old, (long long)old, (long long)now,
		      (long long)now - 1000, (long long)now, (long long)old);
	sql(f.dir, q.ptr);

	/* Kept 30 days, one row looked at per call: the six sent rows due before the
	 * bound (#1 #2 #3 #7 #8 #9) take six calls, the seventh finds the end. */
	while (more) {
		assert_int_equal(pa_store_lti_outbox_purge(&deleted, &more, f.store, &cursor, now - 30LL * 86400 * 1000,
							   0, 1), 0);
		assert_true(deleted <= 1);
		total += deleted;
		calls++;
		assert_true(calls <= 7);
	}
	assert_int_equal(calls, 7);
	assert_int_equal(total, 2);
	assert_int_equal(cursor.next_try, 0);
	assert_int_equal(cursor.id, 0);
	/* Gone: #1 and #2. Kept: the newest row of each attempt at its target (#3, #8, #9),
	 * what failed (#4) or is pending (#5), what was sent lately (#6, #7). */
	ids_of(&ids, &f);
	assert_string_equal(ids.ptr, "3 4 5 6 7 8 9");
	/* A second round finds nothing more. */
	assert_int_equal(pa_store_lti_outbox_purge(&deleted, &more, f.store, &cursor, now - 30LL * 86400 * 1000, 0,
						   100), 0);
	assert_int_equal(deleted, 0);
	assert_false(more);

	/* Failed rows go after their own bound (here a day), a batch at most per call. */
	assert_int_equal(pa_store_lti_outbox_purge(&deleted, &more, f.store, &cursor, 0, now - 86400LL * 1000, 1), 0);
	assert_int_equal(deleted, 1);
	assert_true(more);   /* a full batch of failed rows: there may be others */
	assert_int_equal(pa_store_lti_outbox_purge(&deleted, &more, f.store, &cursor, 0, now - 86400LL * 1000, 1), 0);
	assert_int_equal(deleted, 0);
	assert_false(more);
	ids_of(&ids, &f);
	assert_string_equal(ids.ptr, "3 5 6 7 8 9");
	/* With bounds in the future, #7 goes too; pending rows, however old, stay. */
	assert_int_equal(pa_store_lti_outbox_purge(&deleted, &more, f.store, &cursor, now + 1, now + 1, 100), 0);
	assert_int_equal(deleted, 1);
	ids_of(&ids, &f);
	assert_string_equal(ids.ptr, "3 5 6 8 9");
	assert_int_equal(pa_store_lti_outbox_purge(&deleted, &more, f.store, &cursor, 0, 0, 0), PA_EINVAL);

	/* The kept row still says what alice's first attempt last reported: the same grade
	 * again queues nothing, a new one does. */
	commit(&f, f.attempt_id, NULL, NULL, true, 0.3);
	ids_of(&ids, &f);
	assert_string_equal(ids.ptr, "3 5 6 8 9");
	commit(&f, f.attempt_id, NULL, NULL, true, 0.35);   /* #10 */
	ids_of(&ids, &f);
	assert_string_equal(ids.ptr, "3 5 6 8 9 10");

	/* The worker's batch, from its settings: #10 delivered long ago makes #3 old news. */
	pa_buf_clear(&q);
	pa_buf_printf(&q, "UPDATE lti_outbox SET state = 'sent', sent = %lld, next_try = %lld WHERE id = 10;",
		      (long long)old, (long long)old);
	sql(f.dir, q.ptr);
	memset(&cfg, 0, sizeof(cfg));
	cfg.store = f.store;
	cfg.sign = no_sign;
	cfg.timeout_s = 2;
	cfg.backoff_max_s = 3600;
	cfg.give_up_s = 3600;
	cfg.keep_s = 30LL * 86400;
	assert_int_equal(pa_lti_outbox_new(&o, &cfg), 0);
	assert_int_equal(pa_lti_outbox_purge_once(&deleted, &more, o, now), 0);
	assert_int_equal(deleted, 1);
	assert_false(more);
	pa_lti_outbox_free(o);
	ids_of(&ids, &f);
	assert_string_equal(ids.ptr, "5 6 8 9 10");

	pa_buf_dispose(&q);
	pa_buf_dispose(&ids);
	teardown(&f);
}

static void test_outbox__a_platform_down_is_asked_once_per_batch(void **state)
{
	fixture f;
	sender s = { 0, PA_EIO, 0, 0, "" };
	pa_lti_outbox *o;
	pa_store_lti_outbox_row row;
	int64_t bob, carol, now;
	size_t handled;

	(void)state;
	the_sender = &s;
	setup(&f, "outbox-down", "https://lms.example/li/7", "https://lms.example/token");
	o = new_outbox(&f, 600);
	bob = new_attempt(&f, "lti11 key bob");
	carol = new_attempt(&f, "lti11 key carol");
	assert_int_equal(pa_store_lti_grade_target_set(f.store, f.attempt_id, f.link11, "sid-a"), 0);
	assert_int_equal(pa_store_lti_grade_target_set(f.store, bob, f.link11, "sid-b"), 0);
	assert_int_equal(pa_store_lti_grade_target_set(f.store, carol, f.link11, "sid-c"), 0);
	commit(&f, f.attempt_id, "completed", "passed", true, 0.5);   /* #1 */
	commit(&f, bob, "completed", "passed", true, 0.6);            /* #2 */
	commit(&f, carol, "completed", "passed", true, 0.7);          /* #3 */
	now = pa_store_now_ms();
	/* The consumer does not answer: asked once, the other two wait as long, untried. */
	assert_int_equal(pa_lti_outbox_run_once(&handled, o, now), 0);
	assert_int_equal(s.calls, 1);
	row = get_row(&f, 1);
	assert_int_equal(row.tries, 1);
	assert_true(row.next_try >= now + 1000);
	{
		int64_t until = row.next_try;

		pa_store_lti_outbox_row_dispose(&row);
		row = get_row(&f, 3);
		assert_int_equal(row.state, PA_OUTBOX_PENDING);
		assert_int_equal(row.tries, 0);
		assert_int_equal(row.next_try, until);
		pa_store_lti_outbox_row_dispose(&row);
	}
	assert_int_equal(pa_lti_outbox_run_once(&handled, o, now), 0);
	assert_int_equal(s.calls, 1);
	/* Back: all three go. */
	s.rc = 0;
	s.status = 200;
	assert_int_equal(pa_lti_outbox_run_once(&handled, o, now + 1500), 0);
	assert_int_equal(handled, 3);
	assert_int_equal(s.calls, 4);
	pa_lti_outbox_free(o);
	teardown(&f);
}

/* --- the worker thread, to an AGS platform on loopback --- */

typedef struct lms {
	pthread_mutex_t lock;
	int down;             /* answer 503 to this many score requests */
	int scores;
	char bodies[8][512];
} lms;

static void on_lms(lb_answer *a, const lb_request *r, void *ctx)
{
	lms *l = ctx;

	pthread_mutex_lock(&l->lock);
	if (!strcmp(r->path, "/token")) {
		a->content_type = "application/json";
		pa_buf_puts(&a->body, "{\"access_token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
	} else if (!strcmp(r->path, "/li/7/scores")) {
		if (l->down > 0) {
			l->down--;
			a->status = 503;
		} else {
			if (l->scores < 8)
				snprintf(l->bodies[l->scores], sizeof(l->bodies[0]), "%.*s", (int)r->body_len, r->body);
			l->scores++;
			a->status = 200;
		}
	} else {
		a->status = 404;
	}
	pthread_mutex_unlock(&l->lock);
}

static int lms_scores(lms *l)
{
	int n;

	pthread_mutex_lock(&l->lock);
	n = l->scores;
	pthread_mutex_unlock(&l->lock);
	return n;
}

static void test_outbox__worker_delivers_to_ags(void **state)
{
	fixture f;
	lms l;
	lb_server srv;
	pa_buf token_url = PA_BUF_INIT, lineitem = PA_BUF_INIT;
	pa_lti_outbox *o;

	(void)state;
	memset(&l, 0, sizeof(l));
	pthread_mutex_init(&l.lock, NULL);
	l.down = 1;
	lb_start(&srv, on_lms, &l);
	pa_buf_printf(&token_url, "%s/token", srv.base);
	pa_buf_printf(&lineitem, "%s/li/7", srv.base);
	setup(&f, "outbox-worker", lineitem.ptr, token_url.ptr);
	o = new_outbox(&f, 600);
	assert_int_equal(pa_lti_outbox_start(o), 0);
	assert_int_equal(pa_store_lti_grade_target_set(f.store, f.attempt_id, f.link13, "alice"), 0);
	commit(&f, f.attempt_id, "incomplete", NULL, false, 0);
	/* Down once, then delivered after the backoff (1 s). */
	for (int i = 0; i < 100 && lms_scores(&l) < 1; i++)
		usleep(50000);
	assert_int_equal(lms_scores(&l), 1);
	assert_non_null(strstr(l.bodies[0], "\"activityProgress\":\"InProgress\""));
	/* Woken by the commit, not by the clock: well under a second. */
	commit(&f, f.attempt_id, "completed", "passed", true, 0.9);
	for (int i = 0; i < 10 && lms_scores(&l) < 2; i++)
		usleep(50000);
	assert_int_equal(lms_scores(&l), 2);
	assert_non_null(strstr(l.bodies[1], "\"scoreGiven\":90"));
	assert_non_null(strstr(l.bodies[1], "\"gradingProgress\":\"FullyGraded\""));
	pa_lti_outbox_free(o);
	lb_stop(&srv);
	teardown(&f);
	pa_buf_dispose(&token_url);
	pa_buf_dispose(&lineitem);
	pthread_mutex_destroy(&l.lock);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outbox__commits_that_change_the_grade_queue_a_row_per_target),
		cmocka_unit_test(test_outbox__due_in_order_and_superseded),
		cmocka_unit_test(test_outbox__backoff),
		cmocka_unit_test(test_outbox__retry_give_up_and_admin_retry),
		cmocka_unit_test(test_outbox__old_rows_purged_in_batches),
		cmocka_unit_test(test_outbox__a_platform_down_is_asked_once_per_batch),
		cmocka_unit_test(test_outbox__worker_delivers_to_ags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
