/* LTI 1.1 consumers in SQLite (table lti_consumers): key, shared secret, name. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/util.h"
#include "runtime/store_sqlite.h"
#include "runtime/store_sqlite_lti.h"

enum {
	ST_INSERT = PA_SQLITE_SLOTS_LTI_CONSUMERS,
	ST_BY_KEY,
	ST_BY_ID,
	ST_LIST,
	ST_DELETE
};

#define COLUMNS "id, consumer_key, secret, name, created"

typedef struct consumer_args {
	int64_t id;
	const char *key, *secret, *name;
	pa_store_consumer *one;
	pa_store_consumer *list;
	size_t count;
} consumer_args;

static int read_row(pa_store_consumer *out, sqlite3_stmt *st)
{
	int rc;

	out->id = sqlite3_column_int64(st, 0);
	if ((rc = pa_sqlite_col_text(&out->key, st, 1)) != 0 || (rc = pa_sqlite_col_text(&out->secret, st, 2)) != 0 ||
	    (rc = pa_sqlite_col_text(&out->name, st, 3)) != 0)
		return rc;
	out->created = sqlite3_column_int64(st, 4);
	return 0;
}

static int add_job(pa_sqlite_conn *c, void *arg)
{
	consumer_args *a = arg;
	sqlite3_stmt *st;
	int rc;

	if ((rc = pa_sqlite_stmt(&st, c, ST_INSERT,
				 "INSERT INTO lti_consumers (consumer_key, secret, name, created) VALUES (?, ?, ?, ?)")) != 0)
		return rc;
	pa_sqlite_bind_text(st, 1, a->key);
	pa_sqlite_bind_text(st, 2, a->secret);
	pa_sqlite_bind_text(st, 3, a->name);
	sqlite3_bind_int64(st, 4, pa_store_now_ms());
	rc = pa_sqlite_step_done(c, st, "add the consumer");
	if (rc == PA_EEXISTS)
		rc = pa_error_set(PA_EEXISTS, "a consumer already has the key '%s'", a->key);
	a->id = sqlite3_last_insert_rowid(pa_sqlite_db(c));
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_consumer_add(int64_t *out, pa_store *store, const char *key, const char *secret, const char *name)
{
	consumer_args a = { .key = key, .secret = secret, .name = name };
	int rc;

	if (!key || !*key || !secret || !*secret)
		return pa_error_set(PA_EINVAL, "a consumer needs a key and a secret");
	if ((rc = pa_sqlite_write(store, add_job, &a)) == 0 && out)
		*out = a.id;
	return rc;
}

static int get_job(pa_sqlite_conn *c, void *arg)
{
	consumer_args *a = arg;
	sqlite3_stmt *st;
	int rc;

	if (a->key) {
		if ((rc = pa_sqlite_stmt(&st, c, ST_BY_KEY,
					 "SELECT " COLUMNS " FROM lti_consumers WHERE consumer_key = ?")) != 0)
			return rc;
		pa_sqlite_bind_text(st, 1, a->key);
	} else {
		if ((rc = pa_sqlite_stmt(&st, c, ST_BY_ID, "SELECT " COLUMNS " FROM lti_consumers WHERE id = ?")) != 0)
			return rc;
		sqlite3_bind_int64(st, 1, a->id);
	}
	if ((rc = pa_sqlite_step_row(c, st, "find the consumer")) == 0)
		rc = read_row(a->one, st);
	else if (rc == PA_ENOTFOUND && a->key)
		rc = pa_error_set(PA_ENOTFOUND, "no consumer has the key '%s'", a->key);
	else if (rc == PA_ENOTFOUND)
		rc = pa_error_set(PA_ENOTFOUND, "no consumer %lld", (long long)a->id);
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_consumer_get(pa_store_consumer *out, pa_store *store, const char *key)
{
	consumer_args a = { .key = key, .one = out };
	int rc;

	memset(out, 0, sizeof(*out));
	if (!key)
		return pa_error_set(PA_ENOTFOUND, "no consumer key");
	if ((rc = pa_sqlite_read(store, get_job, &a)) != 0)
		pa_store_consumer_dispose(out);
	return rc;
}

int pa_sqlite_consumer_by_id(pa_store_consumer *out, pa_store *store, int64_t id)
{
	consumer_args a = { .id = id, .one = out };
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = pa_sqlite_read(store, get_job, &a)) != 0)
		pa_store_consumer_dispose(out);
	return rc;
}

static int list_job(pa_sqlite_conn *c, void *arg)
{
	consumer_args *a = arg;
	sqlite3_stmt *st;
	int rc, step;

	if ((rc = pa_sqlite_stmt(&st, c, ST_LIST, "SELECT " COLUMNS " FROM lti_consumers ORDER BY id")) != 0)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		pa_store_consumer *item = pa_array_push(&a->list, &a->count, sizeof(*item));

		if (!item) {
			rc = PA_ENOMEM;
			goto done;
		}
		if ((rc = read_row(item, st)) != 0)
			goto done;
	}
	if (step != SQLITE_DONE)
		rc = pa_sqlite_fail(c, step, "list the consumers");
done:
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_consumer_list(pa_store_consumer **out, size_t *count, pa_store *store)
{
	consumer_args a = { 0 };
	int rc;

	*out = NULL;
	*count = 0;
	if ((rc = pa_sqlite_read(store, list_job, &a)) != 0) {
		pa_store_consumer_list_free(a.list, a.count);
		return rc;
	}
	*out = a.list;
	*count = a.count;
	return 0;
}

static int remove_job(pa_sqlite_conn *c, void *arg)
{
	consumer_args *a = arg;
	sqlite3_stmt *st;
	int rc;

	if ((rc = pa_sqlite_stmt(&st, c, ST_DELETE, "DELETE FROM lti_consumers WHERE consumer_key = ?")) != 0)
		return rc;
	pa_sqlite_bind_text(st, 1, a->key);
	rc = pa_sqlite_step_done(c, st, "remove the consumer");
	if (!rc && sqlite3_changes(pa_sqlite_db(c)) == 0)
		rc = pa_error_set(PA_ENOTFOUND, "no consumer has the key '%s'", a->key);
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_consumer_remove(pa_store *store, const char *key)
{
	consumer_args a = { .key = key };

	if (!key)
		return pa_error_set(PA_ENOTFOUND, "no consumer key");
	return pa_sqlite_write(store, remove_job, &a);
}
