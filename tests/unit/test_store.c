/* runtime/store: migrations, packages, tokens, attempts and commits, the
 * group-commit writer under concurrency, and durability across a crash. */
#include "support.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>

#include "common/fs.h"
#include "runtime/store.h"

static pa_store *open_store(const char *dir)
{
	pa_store *s = NULL;

	if (pa_store_open(&s, dir, NULL) != 0)
		fail_msg("open %s: %s", dir, pa_error_last());
	return s;
}

/* Ask the database file directly, behind the store's back. */
static int64_t sql_int(const char *dir, const char *query)
{
	pa_buf path = PA_BUF_INIT;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	pa_path_join(&path, dir, PA_STORE_SQLITE_FILE);
	assert_int_equal(sqlite3_open_v2(path.ptr, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, query, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	pa_buf_dispose(&path);
	return v;
}

/* Change the database file directly, behind the store's back (closed). */
static void sql_exec(const char *dir, const char *sql)
{
	pa_buf path = PA_BUF_INIT;
	sqlite3 *db = NULL;
	char *err = NULL;

	pa_path_join(&path, dir, PA_STORE_SQLITE_FILE);
	assert_int_equal(sqlite3_open_v2(path.ptr, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
	pa_buf_dispose(&path);
}

static const pa_store_new_version golf = {
	"org.example.golf", "Golf Explained", "2004 3rd Edition", "abc123", "{\"items\":[]}"
};

static void test_store__migrations_run_once_and_reopen(void **state)
{
	char *dir = pa_test_tmpdir("store-migrate");
	pa_store *s;
	int version = 0;

	(void)state;
	s = open_store(dir);
	assert_string_equal(pa_store_backend(s), "sqlite");
	assert_int_equal(pa_store_ping(&version, s), 0);
	assert_int_equal(version, PA_STORE_SCHEMA_VERSION);
	assert_int_equal(pa_store_version_create(NULL, s, &golf, NULL), 0);
	pa_store_close(s);

	/* Reopening runs nothing again and keeps the data. */
	s = open_store(dir);
	assert_int_equal(pa_store_ping(&version, s), 0);
	assert_int_equal(version, PA_STORE_SCHEMA_VERSION);
	pa_store_close(s);
	assert_int_equal(sql_int(dir, "SELECT count(*) FROM schema_version"), PA_STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(dir, "SELECT count(*) FROM packages"), 1);
	free(dir);
}

static void test_store__wal_and_full_sync(void **state)
{
	char *dir = pa_test_tmpdir("store-pragmas");
	pa_buf path = PA_BUF_INIT;
	pa_store *s;
	sqlite3 *db;
	sqlite3_stmt *st;

	(void)state;
	s = open_store(dir);
	pa_path_join(&path, dir, PA_STORE_SQLITE_FILE);
	/* journal_mode is stored in the file: a new connection sees it. */
	assert_int_equal(sqlite3_open_v2(path.ptr, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* Private to its owner, as will be learners' records. */
	{
		struct stat sb;

		assert_int_equal(stat(path.ptr, &sb), 0);
		assert_int_equal(sb.st_mode & 0077, 0);
	}
	pa_store_close(s);
	pa_buf_dispose(&path);
	free(dir);
}

static void test_store__newer_schema_is_refused(void **state)
{
	char *dir = pa_test_tmpdir("store-newer");
	pa_store *s = NULL;

	(void)state;
	pa_store_close(open_store(dir));
	sql_int(dir, "INSERT INTO schema_version (version, applied) VALUES (99, 0) RETURNING version");
	assert_int_equal(pa_store_open(&s, dir, NULL), PA_EINVALID);
	assert_null(s);
	assert_non_null(strstr(pa_error_last(), "upgrade passerelle"));
	free(dir);
}

typedef struct placed {
	int calls;
	int64_t package_id;
	int version;
	int fail;
} placed;

static int place(void *arg, int64_t package_id, int version)
{
	placed *p = arg;

	p->calls++;
	p->package_id = package_id;
	p->version = version;
	return p->fail ? pa_error_set(PA_EIO, "cannot place the files") : 0;
}

static void test_store__versions_number_per_package(void **state)
{
	char *dir = pa_test_tmpdir("store-versions");
	placed p = { 0 };
	pa_store_placer placer = { place, NULL, &p };
	pa_store_new_version other = { "other", "", "1.2", "def", "{}" };
	pa_store_version v, list_v;
	pa_store_version *list = NULL;
	size_t n = 0;
	pa_store *s;

	(void)state;
	s = open_store(dir);
	assert_int_equal(pa_store_version_create(&v, s, &golf, &placer), 0);
	assert_int_equal(v.version, 1);
	assert_string_equal(v.folder, "packages/1/1");
	assert_int_equal(p.calls, 1);
	assert_int_equal(p.package_id, v.package_id);
	pa_store_version_dispose(&v);

	assert_int_equal(pa_store_version_create(&v, s, &golf, &placer), 0);
	assert_int_equal(v.version, 2);
	assert_int_equal(p.version, 2);
	pa_store_version_dispose(&v);

	/* A failing placer leaves nothing behind: the number is not used up. */
	p.fail = 1;
	assert_int_equal(pa_store_version_create(&v, s, &golf, &placer), PA_EIO);
	assert_non_null(strstr(pa_error_last(), "cannot place"));
	p.fail = 0;
	assert_int_equal(pa_store_version_create(&v, s, &golf, &placer), 0);
	assert_int_equal(v.version, 3);
	pa_store_version_dispose(&v);

	/* An empty title falls back on the identifier. */
	assert_int_equal(pa_store_version_create(&v, s, &other, NULL), 0);
	assert_int_equal(v.version, 1);
	assert_string_equal(v.title, "other");
	pa_store_version_dispose(&v);

	assert_int_equal(pa_store_version_get(&v, s, 1, 0), 0);
	assert_int_equal(v.version, 3);
	assert_string_equal(v.tree_json, "{\"items\":[]}");
	assert_string_equal(v.scorm_version, "2004 3rd Edition");
	pa_store_version_dispose(&v);
	assert_int_equal(pa_store_version_get(&v, s, 1, 2), 0);
	assert_int_equal(v.version, 2);
	assert_string_equal(v.identifier, "org.example.golf");
	pa_store_version_dispose(&v);
	assert_int_equal(pa_store_version_find(&v, s, 1, 2), 0);
	assert_int_equal(v.version, 2);
	assert_null(v.tree_json);
	assert_string_equal(v.folder, "packages/1/2");
	pa_store_version_dispose(&v);
	assert_int_equal(pa_store_version_find(&v, s, 1, 0), 0);
	assert_int_equal(v.version, 3);
	pa_store_version_dispose(&v);
	assert_int_equal(pa_store_version_get(&v, s, 1, 9), PA_ENOTFOUND);
	assert_int_equal(pa_store_version_get(&v, s, 42, 0), PA_ENOTFOUND);

	assert_int_equal(pa_store_package_list(&list, &n, s), 0);
	assert_int_equal(n, 2);
	list_v = list[0];
	assert_string_equal(list_v.identifier, "other");
	assert_int_equal(list[1].version, 3);
	assert_null(list[1].tree_json);
	pa_store_version_list_free(list, n);
	pa_store_close(s);
	free(dir);
}

static void test_store__tokens(void **state)
{
	char *dir = pa_test_tmpdir("store-tokens");
	unsigned char h1[32], h2[32], h3[32];
	pa_store_token *list;
	size_t n;
	int64_t id, found;
	pa_store *s;

	(void)state;
	memset(h1, 1, sizeof(h1));
	memset(h2, 2, sizeof(h2));
	memset(h3, 3, sizeof(h3));
	s = open_store(dir);
	assert_int_equal(pa_store_token_add(&id, s, "alice", h1), 0);
	assert_int_equal(pa_store_token_add(NULL, s, "bob", h2), 0);
	assert_int_equal(pa_store_token_add(NULL, s, "alice", h3), PA_EEXISTS);
	assert_int_equal(pa_store_token_add(NULL, s, "carol", h1), PA_EEXISTS);

	assert_int_equal(pa_store_token_check(&found, s, h1), 0);
	assert_int_equal(found, id);
	assert_int_equal(pa_store_token_check(&found, s, h3), PA_ENOTFOUND);

	assert_int_equal(pa_store_token_list(&list, &n, s), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "alice");
	assert_true(list[0].last_used > 0);
	assert_int_equal(list[1].last_used, 0);
	pa_store_token_list_free(list, n);

	assert_int_equal(pa_store_token_revoke(s, "alice"), 0);
	assert_int_equal(pa_store_token_check(&found, s, h1), PA_ENOTFOUND);
	assert_int_equal(pa_store_token_revoke(s, "alice"), PA_ENOTFOUND);
	/* The name is free again once revoked. */
	assert_int_equal(pa_store_token_add(NULL, s, "alice", h3), 0);
	assert_int_equal(pa_store_token_check(&found, s, h3), 0);
	pa_store_close(s);
	free(dir);
}

/* A version and a learner with one attempt, for the commit tests. */
static int64_t make_attempt(pa_store *s, const char *subject)
{
	pa_store_version v;
	int64_t learner, attempt;

	assert_int_equal(pa_store_version_create(&v, s, &golf, NULL), 0);
	assert_int_equal(pa_store_learner_ensure(&learner, s, subject, "A learner"), 0);
	assert_int_equal(pa_store_attempt_create(&attempt, s, v.id, learner, false), 0);
	pa_store_version_dispose(&v);
	return attempt;
}

static void test_store__constraints(void **state)
{
	char *dir = pa_test_tmpdir("store-constraints");
	pa_store_commit c = { 0 };
	pa_store_attempt a;
	pa_buf result = PA_BUF_INIT;
	int64_t attempt, learner, again;
	pa_store *s;

	(void)state;
	s = open_store(dir);
	attempt = make_attempt(s, "lti:https://moodle.example 42");
	assert_int_equal(pa_store_learner_ensure(&learner, s, "lti:https://moodle.example 42", NULL), 0);
	assert_int_equal(pa_store_learner_ensure(&again, s, "lti:https://moodle.example 42", NULL), 0);
	assert_int_equal(learner, again);
	assert_int_equal(pa_store_attempt_create(NULL, s, 999, learner, false), PA_EINVALID);
	assert_int_equal(pa_store_attempt_create(NULL, s, 1, 999, true), PA_EINVALID);

	c.attempt_id = attempt;
	c.seq = 2;
	c.calls = "[]";
	c.result = "{\"ok\":true}";
	assert_int_equal(pa_store_commit_append(s, &c), PA_EINVALID);
	c.seq = 1;
	c.state = (const unsigned char *)"S1";
	c.state_len = 2;
	c.completion_status = "incomplete";
	c.has_score = true;
	c.score_scaled = 0.5;
	assert_int_equal(pa_store_commit_append(s, &c), 0);
	assert_int_equal(pa_store_commit_append(s, &c), PA_EEXISTS);
	c.attempt_id = 999;
	assert_int_equal(pa_store_commit_append(s, &c), PA_ENOTFOUND);
	/* A score out of range breaks a CHECK: refused, the attempt unchanged. */
	c.attempt_id = attempt;
	c.seq = 2;
	c.score_scaled = 7;
	assert_int_equal(pa_store_commit_append(s, &c), PA_EINVALID);

	assert_int_equal(pa_store_attempt_get(&a, s, attempt), 0);
	assert_int_equal(a.last_seq, 1);
	assert_string_equal(a.completion_status, "incomplete");
	assert_string_equal(a.success_status, "unknown");
	assert_true(a.has_score && a.score_scaled == 0.5);
	assert_int_equal(a.state_len, 2);
	assert_memory_equal(a.state, "S1", 2);
	pa_store_attempt_dispose(&a);
	assert_int_equal(pa_store_commit_result(&result, s, attempt, 1), 0);
	assert_string_equal(pa_buf_cstr(&result), "{\"ok\":true}");
	assert_int_equal(pa_store_commit_result(&result, s, attempt, 2), PA_ENOTFOUND);
	assert_int_equal(pa_store_attempt_get(&a, s, 999), PA_ENOTFOUND);

	/* A re-import makes version 2; the attempt in progress stays on version 1. */
	{
		pa_store_version v2;
		int64_t preview;

		assert_int_equal(pa_store_version_create(&v2, s, &golf, NULL), 0);
		assert_int_equal(v2.version, 2);
		assert_int_equal(pa_store_attempt_latest(&a, s, learner, v2.package_id, false), 0);
		assert_int_equal(a.id, attempt);
		assert_true(a.version_id != v2.id);
		assert_int_equal(a.last_seq, 1);
		pa_store_attempt_dispose(&a);
		assert_int_equal(pa_store_attempt_latest(&a, s, learner, v2.package_id, true), PA_ENOTFOUND);
		assert_int_equal(pa_store_attempt_create(&preview, s, v2.id, learner, true), 0);
		assert_int_equal(pa_store_attempt_latest(&a, s, learner, v2.package_id, true), 0);
		assert_int_equal(a.id, preview);
		assert_true(a.preview);
		pa_store_attempt_dispose(&a);
		assert_int_equal(pa_store_attempt_latest(&a, s, learner, 999, false), PA_ENOTFOUND);
		pa_store_version_dispose(&v2);
	}
	pa_buf_dispose(&result);
	pa_store_close(s);
	free(dir);
}

#define WRITERS 8
#define COMMITS 150

typedef struct writer_arg {
	pa_store *store;
	int64_t attempt;
	int failures;
} writer_arg;

static void *writer(void *p)
{
	writer_arg *w = p;
	char calls[64];

	for (int64_t seq = 1; seq <= COMMITS; seq++) {
		pa_store_commit c = { 0 };

		snprintf(calls, sizeof(calls), "[\"SetValue\",%lld]", (long long)seq);
		c.attempt_id = w->attempt;
		c.seq = seq;
		c.calls = calls;
		c.result = "{}";
		c.state = (const unsigned char *)calls;
		c.state_len = strlen(calls);
		if (pa_store_commit_append(w->store, &c) != 0)
			w->failures++;
		/* A bad neighbour in the same batch must not harm the others. */
		if (seq % 10 == 0 && pa_store_commit_append(w->store, &c) != PA_EEXISTS)
			w->failures++;
	}
	return NULL;
}

static void test_store__group_commit_under_concurrency(void **state)
{
	char *dir = pa_test_tmpdir("store-concurrency");
	pthread_t threads[WRITERS];
	writer_arg args[WRITERS];
	pa_store *s;

	(void)state;
	s = open_store(dir);
	for (int i = 0; i < WRITERS; i++) {
		char subject[32];

		snprintf(subject, sizeof(subject), "learner-%d", i);
		args[i].store = s;
		args[i].attempt = make_attempt(s, subject);
		args[i].failures = 0;
	}
	for (int i = 0; i < WRITERS; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, writer, &args[i]), 0);
	for (int i = 0; i < WRITERS; i++) {
		pa_store_attempt a;

		pthread_join(threads[i], NULL);
		assert_int_equal(args[i].failures, 0);
		assert_int_equal(pa_store_attempt_get(&a, s, args[i].attempt), 0);
		assert_int_equal(a.last_seq, COMMITS);
		pa_store_attempt_dispose(&a);
	}
	pa_store_close(s);
	assert_int_equal(sql_int(dir, "SELECT count(*) FROM commits"), WRITERS * COMMITS);
	free(dir);
}

/*
 * Under constant writes the WAL stays bounded: the checkpointer copies it
 * in the background and the writer catches up when it falls behind.
 */
static void test_store__wal_stays_bounded_under_constant_writes(void **state)
{
	char *dir = pa_test_tmpdir("store-checkpoint");
	pa_config cfg;
	static unsigned char blob[4096];
	pa_buf wal = PA_BUF_INIT;
	uint64_t size = 0;
	int64_t attempt;
	pa_store *s;

	(void)state;
	memset(blob, 'x', sizeof(blob));
	/* The writer catches up past 16 MiB of WAL (4,000 frames) */
	assert_int_equal(pa_config_init(&cfg), 0);
	assert_int_equal(pa_config_set(&cfg, "wal_max", "16M"), 0);
	if (pa_store_open(&s, dir, &cfg) != 0)
		fail_msg("open %s: %s", dir, pa_error_last());
	attempt = make_attempt(s, "wal");
	/* About 3 WAL frames of 4 KiB per commit: 12,000 frames without checkpoints. */
	for (int64_t seq = 1; seq <= 4000; seq++) {
		pa_store_commit c = { 0 };

		c.attempt_id = attempt;
		c.seq = seq;
		c.calls = "[]";
		c.state = blob;
		c.state_len = sizeof(blob);
		assert_int_equal(pa_store_commit_append(s, &c), 0);
	}
	pa_buf_printf(&wal, "%s/%s-wal", dir, PA_STORE_SQLITE_FILE);
	assert_int_equal(pa_fs_size(&size, wal.ptr), 0);
	print_message("WAL after 4000 commits: %llu bytes\n", (unsigned long long)size);
	if (size > (uint64_t)6000 * 4120)
		fail_msg("the WAL grew to %llu bytes", (unsigned long long)size);
	pa_store_close(s);
	pa_config_dispose(&cfg);
	/* Closed: folded into the database and truncated. */
	assert_true(pa_fs_size(&size, wal.ptr) != 0 || size == 0);
	pa_buf_dispose(&wal);
	free(dir);
}

/*
 * A child process appends commits and reports each one acknowledged; it is
 * killed mid-stream. Every acknowledged commit must be there on reopening,
 * and the database must be intact.
 */
/* A SCO row of a commit. */
static pa_store_sco sco_row(const char *id, const char *state, const char *completion, const char *success,
			    double score)
{
	pa_store_sco row;

	memset(&row, 0, sizeof(row));
	row.id = (char *)id;
	row.state = (unsigned char *)state;
	row.state_len = strlen(state);
	row.summarized = true;
	snprintf(row.completion_status, sizeof(row.completion_status), "%s", completion);
	snprintf(row.success_status, sizeof(row.success_status), "%s", success);
	row.has_score = score >= -1;
	row.score_scaled = row.has_score ? score : 0;
	return row;
}

static const pa_store_sco *find_sco(const pa_store_attempt *a, const char *id)
{
	for (size_t i = 0; i < a->nscos; i++)
		if (!strcmp(a->scos[i].id, id))
			return &a->scos[i];
	return NULL;
}

typedef struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	int rc;
} waiter;

static void on_done(void *arg, int rc)
{
	waiter *w = arg;

	pthread_mutex_lock(&w->lock);
	w->done = true;
	w->rc = rc;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* pa_store_commit_append_async, waited for. */
static int append_and_wait(pa_store *s, const pa_store_commit *c)
{
	waiter w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0 };
	int rc = pa_store_commit_append_async(s, c, on_done, &w);

	if (rc)
		return rc;
	pthread_mutex_lock(&w.lock);
	while (!w.done)
		pthread_cond_wait(&w.cond, &w.lock);
	pthread_mutex_unlock(&w.lock);
	return w.rc;
}

static void test_store__acknowledged_commits_survive_a_kill(void **state)
{
	char *dir = pa_test_tmpdir("store-crash");
	int64_t attempt, acked = 0, seq;
	pa_store_attempt a;
	pa_buf result = PA_BUF_INIT;
	pa_store *s;
	int fds[2], status;
	pid_t pid;

	(void)state;
	s = open_store(dir);
	attempt = make_attempt(s, "crash");
	pa_store_close(s);

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		if (pa_store_open(&s, dir, NULL) != 0)
			_exit(3);
		for (seq = 1;; seq++) {
			pa_store_commit c = { 0 };
			pa_store_sco row;
			char text[32];

			snprintf(text, sizeof(text), "state %lld", (long long)seq);
			row = sco_row("sco", text, "incomplete", "unknown", -2);
			c.attempt_id = attempt;
			c.seq = seq;
			c.calls = "[\"Commit\"]";
			c.result = "{\"seq\":\"acknowledged\"}";
			c.scos = &row;
			c.nscos = 1;
			/* both ways of committing: waited for, and answered by the writer */
			if ((seq % 2 ? pa_store_commit_append(s, &c) : append_and_wait(s, &c)) != 0)
				_exit(4);
			if (write(fds[1], &seq, sizeof(seq)) != (ssize_t)sizeof(seq))
				_exit(5);
		}
	}
	close(fds[1]);
	while (read(fds[0], &seq, sizeof(seq)) == (ssize_t)sizeof(seq)) {
		acked = seq;
		if (acked == 300)
			kill(pid, SIGKILL);
	}
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_true(acked >= 300);

	s = open_store(dir);
	assert_int_equal(pa_store_attempt_read(&a, s, attempt, NULL), 0);
	assert_true(a.last_seq >= acked);
	/* the SCO's state is the last commit's, in the same transaction */
	{
		char text[32];

		snprintf(text, sizeof(text), "state %lld", (long long)a.last_seq);
		assert_int_equal(a.nscos, 1);
		assert_string_equal((const char *)a.scos[0].state, text);
	}
	for (seq = 1; seq <= acked; seq++) {
		pa_buf_clear(&result);
		assert_int_equal(pa_store_commit_result(&result, s, attempt, seq), 0);
	}
	pa_store_attempt_dispose(&a);
	pa_store_close(s);
	assert_int_equal(sql_int(dir, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"), 0);
	pa_buf_dispose(&result);
	free(dir);
}

/* Each SCO in its own row: a commit writes the SCOs it names, a read gives
 * every summary and the states asked for. */
static void test_store__sco_rows(void **state)
{
	char *dir = pa_test_tmpdir("store-scos");
	pa_store_commit c = { 0 };
	pa_store_sco rows[2];
	pa_store_attempt a;
	const pa_store_sco *x, *y;
	int64_t attempt;
	pa_store *s;

	(void)state;
	s = open_store(dir);
	attempt = make_attempt(s, "scos");
	rows[0] = sco_row("a", "A1", "completed", "passed", 0.8);
	rows[1] = sco_row("b", "B1", "incomplete", "unknown", -2);
	c.attempt_id = attempt;
	c.seq = 1;
	c.calls = "[]";
	c.result = "{}";
	c.state = (const unsigned char *)"SEQ1";
	c.state_len = 4;
	c.scos = rows;
	c.nscos = 2;
	assert_int_equal(pa_store_commit_append(s, &c), 0);
	/* the second commit touches a alone, and not the sequencing state */
	rows[0] = sco_row("a", "A2-longer", "completed", "failed", -0.25);
	c.seq = 2;
	c.state = NULL;
	c.state_len = 0;
	c.nscos = 1;
	assert_int_equal(append_and_wait(s, &c), 0);

	/* the row alone */
	assert_int_equal(pa_store_attempt_get(&a, s, attempt), 0);
	assert_int_equal(a.nscos, 0);
	assert_int_equal(a.last_seq, 2);
	assert_string_equal((const char *)a.state, "SEQ1");
	pa_store_attempt_dispose(&a);
	/* a commit on b: b's state, a's summary */
	assert_int_equal(pa_store_attempt_read(&a, s, attempt, "b"), 0);
	assert_int_equal(a.nscos, 2);
	assert_non_null(x = find_sco(&a, "a"));
	assert_non_null(y = find_sco(&a, "b"));
	assert_null(x->state);
	assert_true(x->summarized);
	assert_string_equal(x->completion_status, "completed");
	assert_string_equal(x->success_status, "failed");
	assert_true(x->has_score && x->score_scaled == -0.25);
	assert_string_equal((const char *)y->state, "B1");
	assert_int_equal(y->state_len, 2);
	assert_string_equal(y->completion_status, "incomplete");
	assert_false(y->has_score);
	pa_store_attempt_dispose(&a);
	/* a session: every state */
	assert_int_equal(pa_store_attempt_read(&a, s, attempt, NULL), 0);
	assert_string_equal((const char *)find_sco(&a, "a")->state, "A2-longer");
	assert_string_equal((const char *)find_sco(&a, "b")->state, "B1");
	pa_store_attempt_dispose(&a);
	assert_int_equal(pa_store_attempt_read(&a, s, 999, NULL), PA_ENOTFOUND);

	/* refused whole: a gap, a retried seq, a row without its summary, a bad score */
	c.seq = 4;
	assert_int_equal(append_and_wait(s, &c), PA_EINVALID);
	c.seq = 2;
	assert_int_equal(append_and_wait(s, &c), PA_EEXISTS);
	c.seq = 3;
	rows[0].summarized = false;
	assert_int_equal(pa_store_commit_append(s, &c), PA_EINVAL);
	rows[0] = sco_row("a", "A3", "completed", "passed", 0.5);
	rows[1] = sco_row("b", "B3", "completed", "passed", 3);
	c.nscos = 2;
	assert_int_equal(append_and_wait(s, &c), PA_EINVALID);
	assert_int_equal(pa_store_attempt_read(&a, s, attempt, NULL), 0);
	assert_int_equal(a.last_seq, 2);
	assert_string_equal((const char *)find_sco(&a, "a")->state, "A2-longer");
	pa_store_attempt_dispose(&a);
	pa_store_close(s);
	free(dir);
}

/* Schema 2 kept an attempt's SCOs in one JSON document: migration 3
 * splits it into rows, keeps the sequencing state, leaves the rest. */
static void test_store__migration_3_splits_old_states(void **state)
{
	char *dir = pa_test_tmpdir("store-migrate3");
	int64_t old, plain, odd;
	pa_store_attempt a;
	const pa_store_sco *x;
	pa_store *s;

	(void)state;
	s = open_store(dir);
	old = make_attempt(s, "old");
	assert_int_equal(pa_store_attempt_create(&plain, s, 1, 1, false), 0);
	assert_int_equal(pa_store_attempt_create(&odd, s, 1, 1, false), 0);
	pa_store_close(s);
	/* back to schema 2, with states as it wrote them (a BLOB) */
	sql_exec(dir, "DROP TABLE learner_objectives; DROP TABLE attempt_scos; DELETE FROM schema_version WHERE version >= 3;"
		      "UPDATE attempts SET state = CAST('{\"v\":1,\"scos\":{\"a\":\"{\\\"x\\\":1}\",\"b\":\"B\"},"
		      "\"seq\":\"SEQ\"}' AS BLOB) WHERE id = 1;"
		      "UPDATE attempts SET state = CAST('{\"v\":1,\"scos\":{\"c\":\"C\"}}' AS BLOB) WHERE id = 2;"
		      "UPDATE attempts SET state = CAST('not json' AS BLOB) WHERE id = 3;");
	assert_int_equal(sql_int(dir, "SELECT max(version) FROM schema_version"), 2);

	s = open_store(dir);
	assert_int_equal(sql_int(dir, "SELECT max(version) FROM schema_version"), PA_STORE_SCHEMA_VERSION);
	assert_int_equal(pa_store_attempt_read(&a, s, old, NULL), 0);
	assert_int_equal(a.nscos, 2);
	assert_non_null(x = find_sco(&a, "a"));
	assert_string_equal((const char *)x->state, "{\"x\":1}");
	assert_false(x->summarized);
	assert_string_equal((const char *)find_sco(&a, "b")->state, "B");
	assert_string_equal((const char *)a.state, "SEQ");
	pa_store_attempt_dispose(&a);
	/* the states not summed up come with any read, for the player to sum them up */
	assert_int_equal(pa_store_attempt_read(&a, s, plain, "other"), 0);
	assert_int_equal(a.nscos, 1);
	assert_string_equal((const char *)a.scos[0].state, "C");
	assert_null(a.state);
	pa_store_attempt_dispose(&a);
	assert_int_equal(pa_store_attempt_read(&a, s, odd, NULL), 0);
	assert_int_equal(a.nscos, 0);
	assert_string_equal((const char *)a.state, "not json");
	pa_store_attempt_dispose(&a);
	pa_store_close(s);
	free(dir);
}

/* Schema 4 kept commits and SCO states WITHOUT ROWID: migration 5 moves
 * them to rowid tables with unique keys, every row kept. */
static void test_store__migration_5_rowid_tables(void **state)
{
	char *dir = pa_test_tmpdir("store-migrate5");
	pa_store_commit c = { 0 };
	pa_store_sco rows[1];
	pa_store_attempt a;
	pa_buf calls = PA_BUF_INIT;
	int64_t attempt;
	pa_store *s;

	(void)state;
	s = open_store(dir);
	attempt = make_attempt(s, "m5");
	pa_store_close(s);
	/* back to schema 4, one commit and one SCO in the old tables */
	sql_exec(dir, "DROP TABLE commits; DROP TABLE attempt_scos; DELETE FROM schema_version WHERE version >= 5;"
		      "CREATE TABLE commits (attempt_id INTEGER NOT NULL REFERENCES attempts(id),"
		      "  seq INTEGER NOT NULL CHECK (seq >= 1), calls TEXT NOT NULL, result TEXT, created INTEGER NOT NULL,"
		      "  PRIMARY KEY (attempt_id, seq)) WITHOUT ROWID;"
		      "CREATE TABLE attempt_scos (attempt_id INTEGER NOT NULL REFERENCES attempts(id), sco TEXT NOT NULL,"
		      "  completion_status TEXT, success_status TEXT,"
		      "  score_scaled REAL CHECK (score_scaled IS NULL OR score_scaled BETWEEN -1 AND 1),"
		      "  state BLOB NOT NULL, PRIMARY KEY (attempt_id, sco)) WITHOUT ROWID;"
		      "INSERT INTO commits VALUES (1, 1, '[\"one\"]', '{\"r\":1}', 5);"
		      "INSERT INTO attempt_scos VALUES (1, 'a', 'completed', 'passed', 0.5, CAST('A1' AS BLOB));"
		      "UPDATE attempts SET last_seq = 1 WHERE id = 1;");

	s = open_store(dir);
	assert_int_equal(sql_int(dir, "SELECT max(version) FROM schema_version"), PA_STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(dir, "SELECT count(*) FROM sqlite_master WHERE name IN ('commits', 'attempt_scos') "
				      "AND sql NOT LIKE '%WITHOUT ROWID%'"), 2);
	assert_int_equal(sql_int(dir, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
				      "('commits_attempt_seq', 'attempt_scos_attempt_sco')"), 2);
	assert_int_equal(pa_store_commit_calls(&calls, s, attempt, 1), 0);
	assert_string_equal(calls.ptr, "[\"one\"]");
	assert_int_equal(pa_store_attempt_read(&a, s, attempt, NULL), 0);
	assert_int_equal(a.nscos, 1);
	assert_string_equal((const char *)a.scos[0].state, "A1");
	assert_true(a.scos[0].has_score && a.scos[0].score_scaled == 0.5);
	pa_store_attempt_dispose(&a);
	/* the keys still hold: a commit again, a SCO updated in place */
	rows[0] = sco_row("a", "A2", "completed", "failed", 0.25);
	c = (pa_store_commit){ .attempt_id = attempt, .seq = 1, .calls = "[]", .result = "{}", .scos = rows, .nscos = 1 };
	assert_int_equal(pa_store_commit_append(s, &c), PA_EEXISTS);
	c.seq = 2;
	assert_int_equal(pa_store_commit_append(s, &c), 0);
	assert_int_equal(sql_int(dir, "SELECT count(*) FROM attempt_scos"), 1);
	assert_int_equal(sql_int(dir, "SELECT count(*) FROM commits"), 2);
	pa_buf_dispose(&calls);
	pa_store_close(s);
	free(dir);
}

/*
 * The cache of attempts (serve's): a commit's read comes from memory, and
 * another process committing to the same attempt makes the next commit
 * from the stale entry fail (EEXISTS) and drop it, never overwrite.
 */
static void test_store__attempt_cache_behind_another_process(void **state)
{
	char *dir = pa_test_tmpdir("store-cache");
	pa_store_commit c = { 0 };
	pa_store_sco rows[1];
	pa_store_attempt a;
	int64_t attempt;
	pa_store *s, *other;

	(void)state;
	s = open_store(dir);
	assert_int_equal(pa_store_cache_attempts(s, 1 << 20), 0);
	other = open_store(dir);
	attempt = make_attempt(s, "cache");
	rows[0] = sco_row("a", "A1", "incomplete", "unknown", -2);
	c = (pa_store_commit){ .attempt_id = attempt, .seq = 1, .calls = "[1]", .result = "{}", .scos = rows, .nscos = 1,
			       .completion_status = "incomplete" };
	assert_int_equal(append_and_wait(s, &c), 0);
	/* the first read fills the cache, the commit moved it forward */
	assert_int_equal(pa_store_attempt_read(&a, s, attempt, NULL), 0);
	pa_store_attempt_dispose(&a);
	rows[0] = sco_row("a", "A2", "completed", "passed", 0.9);
	c.seq = 2;
	c.completion_status = "completed";
	assert_int_equal(append_and_wait(s, &c), 0);
	assert_int_equal(pa_store_attempt_read(&a, s, attempt, "a"), 0);
	assert_int_equal(a.last_seq, 2);
	assert_string_equal(a.completion_status, "completed");
	assert_string_equal((const char *)find_sco(&a, "a")->state, "A2");
	assert_true(find_sco(&a, "a")->has_score);
	pa_store_attempt_dispose(&a);

	/* another process commits 3 */
	rows[0] = sco_row("a", "OTHER3", "completed", "failed", 0.1);
	c.seq = 3;
	assert_int_equal(pa_store_commit_append(other, &c), 0);
	/* this one's memory is behind: its own 3 is refused, the other's kept */
	assert_int_equal(pa_store_attempt_read(&a, s, attempt, "a"), 0);
	assert_int_equal(a.last_seq, 2);
	pa_store_attempt_dispose(&a);
	rows[0] = sco_row("a", "MINE3", "completed", "passed", 1);
	assert_int_equal(append_and_wait(s, &c), PA_EEXISTS);
	assert_int_equal(pa_store_attempt_read(&a, s, attempt, "a"), 0);
	assert_int_equal(a.last_seq, 3);
	assert_string_equal((const char *)find_sco(&a, "a")->state, "OTHER3");
	pa_store_attempt_dispose(&a);
	/* a whole read is always the store's */
	rows[0] = sco_row("a", "OTHER4", "completed", "failed", 0.1);
	c.seq = 4;
	assert_int_equal(pa_store_commit_append(other, &c), 0);
	assert_int_equal(pa_store_attempt_read(&a, s, attempt, NULL), 0);
	assert_int_equal(a.last_seq, 4);
	assert_string_equal((const char *)find_sco(&a, "a")->state, "OTHER4");
	pa_store_attempt_dispose(&a);
	pa_store_close(other);
	pa_store_close(s);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store__migrations_run_once_and_reopen),
		cmocka_unit_test(test_store__wal_and_full_sync),
		cmocka_unit_test(test_store__newer_schema_is_refused),
		cmocka_unit_test(test_store__versions_number_per_package),
		cmocka_unit_test(test_store__tokens),
		cmocka_unit_test(test_store__constraints),
		cmocka_unit_test(test_store__group_commit_under_concurrency),
		cmocka_unit_test(test_store__wal_stays_bounded_under_constant_writes),
		cmocka_unit_test(test_store__acknowledged_commits_survive_a_kill),
		cmocka_unit_test(test_store__sco_rows),
		cmocka_unit_test(test_store__migration_3_splits_old_states),
		cmocka_unit_test(test_store__migration_5_rowid_tables),
		cmocka_unit_test(test_store__attempt_cache_behind_another_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
