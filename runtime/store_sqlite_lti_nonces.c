/* Single-use values that expire (runtime/store_lti.h): OIDC states, OAuth nonces. */
#include "runtime/store_sqlite.h"
#include "runtime/store_sqlite_lti.h"

#include <stdlib.h>

#include "common/error.h"

enum {
	ST_PUT = PA_SQLITE_SLOTS_LTI_NONCES,
	ST_TAKE,
	ST_PURGE,
};

static const char *const sql_put =
	/* An expired row of the same value is replaced; a live one makes this a replay. */
	"INSERT INTO lti_nonces (scope, value, data, expires) VALUES (?1, ?2, ?3, ?4) "
	"ON CONFLICT (scope, value) DO UPDATE SET data = excluded.data, expires = excluded.expires "
	"WHERE lti_nonces.expires <= ?5";
static const char *const sql_take =
	"DELETE FROM lti_nonces WHERE scope = ?1 AND value = ?2 RETURNING data, expires";
/* A few at a time, so no single call pays for a backlog. */
static const char *const sql_purge =
	"DELETE FROM lti_nonces WHERE (scope, value) IN "
	"(SELECT scope, value FROM lti_nonces WHERE expires <= ?1 LIMIT 64)";

typedef struct put_args {
	const char *scope, *value, *data;
	int64_t expires;
} put_args;

static int put_job(pa_sqlite_conn *c, void *arg)
{
	put_args *a = arg;
	int64_t now = pa_store_now_ms();
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = pa_sqlite_stmt(&st, c, ST_PURGE, sql_purge)) != 0)
		goto done;
	sqlite3_bind_int64(st, 1, now);
	if ((rc = pa_sqlite_step_done(c, st, "purge expired values")) != 0)
		goto done;
	pa_sqlite_stmt_done(st);
	if ((rc = pa_sqlite_stmt(&st, c, ST_PUT, sql_put)) != 0)
		goto done;
	pa_sqlite_bind_text(st, 1, a->scope);
	pa_sqlite_bind_text(st, 2, a->value);
	pa_sqlite_bind_text(st, 3, a->data);
	sqlite3_bind_int64(st, 4, a->expires);
	sqlite3_bind_int64(st, 5, now);
	if ((rc = pa_sqlite_step_done(c, st, "record a single-use value")) != 0)
		goto done;
	if (sqlite3_changes(pa_sqlite_db(c)) == 0)
		rc = pa_error_set(PA_EEXISTS, "store: this %s value was already used", a->scope);
done:
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_nonce_put(pa_store *store, const char *scope, const char *value, const char *data, int64_t expires)
{
	put_args a = { scope, value, data, expires };

	return pa_sqlite_write(store, put_job, &a);
}

typedef struct take_args {
	const char *scope, *value;
	char *data;
} take_args;

static int take_job(pa_sqlite_conn *c, void *arg)
{
	take_args *a = arg;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = pa_sqlite_stmt(&st, c, ST_TAKE, sql_take)) != 0)
		goto done;
	pa_sqlite_bind_text(st, 1, a->scope);
	pa_sqlite_bind_text(st, 2, a->value);
	if ((rc = pa_sqlite_step_row(c, st, "single-use value")) != 0)
		goto done;
	/* Taken either way: an expired value must not be usable later either. */
	if (sqlite3_column_int64(st, 1) <= pa_store_now_ms()) {
		rc = pa_error_set(PA_ENOTFOUND, "store: this %s value has expired", a->scope);
		goto done;
	}
	if ((rc = pa_sqlite_col_text(&a->data, st, 0)) != 0)
		goto done;
	rc = pa_sqlite_step_done(c, st, "take a single-use value");
done:
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_nonce_take(char **out, pa_store *store, const char *scope, const char *value)
{
	take_args a = { scope, value, NULL };
	int rc = pa_sqlite_write(store, take_job, &a);

	if (rc == 0 && out)
		*out = a.data;
	else
		free(a.data);
	return rc;
}
