/*
 * The tool's key pairs in SQLite (table lti_keys, runtime/store_lti.h).
 * Adding and retiring happen in one write job, so two processes starting
 * at once (or rotating at once) leave one current key.
 */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/util.h"
#include "runtime/store_sqlite.h"
#include "runtime/store_sqlite_lti.h"

enum {
	ST_KEY_CURRENT = PA_SQLITE_SLOTS_LTI_KEYS,
	ST_KEY_INSERT,
	ST_KEY_RETIRE,
	ST_KEY_LIST,
};

static const char sql_current[] = "SELECT count(*) FROM lti_keys WHERE retired IS NULL";
static const char sql_insert[] =
	"INSERT INTO lti_keys (kid, private_pem, public_jwk, created) VALUES (?1, ?2, ?3, ?4)";
static const char sql_retire[] = "UPDATE lti_keys SET retired = ?1 WHERE retired IS NULL";
static const char sql_list[] =
	"SELECT id, kid, private_pem, public_jwk, created, retired FROM lti_keys "
	"ORDER BY created DESC, id DESC";

typedef struct key_job {
	const pa_store_lti_key *in;
	bool first;
} key_job;

static int check_key(const pa_store_lti_key *in)
{
	if (!in || !in->kid || !in->kid[0] || !in->private_pem || !in->public_jwk || in->created <= 0)
		return pa_error_set(PA_EINVAL, "store: a key needs kid, private key, public JWK and creation time");
	return 0;
}

static int key_job_run(pa_sqlite_conn *c, void *arg)
{
	key_job *j = arg;
	sqlite3_stmt *st;
	int rc;

	if (j->first) {
		if ((rc = pa_sqlite_stmt(&st, c, ST_KEY_CURRENT, sql_current)) != 0)
			return rc;
		rc = pa_sqlite_step_row(c, st, "count the keys");
		if (!rc && sqlite3_column_int64(st, 0) > 0)
			rc = pa_error_set(PA_EEXISTS, "store: the tool already has a key");
		pa_sqlite_stmt_done(st);
		if (rc)
			return rc;
	} else {
		if ((rc = pa_sqlite_stmt(&st, c, ST_KEY_RETIRE, sql_retire)) != 0)
			return rc;
		sqlite3_bind_int64(st, 1, j->in->created);
		rc = pa_sqlite_step_done(c, st, "retire the keys");
		pa_sqlite_stmt_done(st);
		if (rc)
			return rc;
	}
	if ((rc = pa_sqlite_stmt(&st, c, ST_KEY_INSERT, sql_insert)) != 0)
		return rc;
	pa_sqlite_bind_text(st, 1, j->in->kid);
	pa_sqlite_bind_text(st, 2, j->in->private_pem);
	pa_sqlite_bind_text(st, 3, j->in->public_jwk);
	sqlite3_bind_int64(st, 4, j->in->created);
	rc = pa_sqlite_step_done(c, st, "add the key");
	if (rc == PA_EEXISTS)
		rc = pa_error_set(PA_EEXISTS, "store: a key with kid %s exists", j->in->kid);
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_lti_key_add_first(pa_store *store, const pa_store_lti_key *in)
{
	key_job j = { in, true };
	int rc;

	if ((rc = check_key(in)) != 0)
		return rc;
	return pa_sqlite_write(store, key_job_run, &j);
}

int pa_sqlite_lti_key_rotate(pa_store *store, const pa_store_lti_key *in)
{
	key_job j = { in, false };
	int rc;

	if ((rc = check_key(in)) != 0)
		return rc;
	return pa_sqlite_write(store, key_job_run, &j);
}

typedef struct list_job {
	pa_store_lti_key *list;
	size_t count;
} list_job;

static int list_job_run(pa_sqlite_conn *c, void *arg)
{
	list_job *j = arg;
	sqlite3_stmt *st;
	pa_store_lti_key *k;
	int rc = 0, src;

	if ((rc = pa_sqlite_stmt(&st, c, ST_KEY_LIST, sql_list)) != 0)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (!(k = pa_array_push(&j->list, &j->count, sizeof(*j->list)))) {
			rc = PA_ENOMEM;
			goto done;
		}
		k->id = sqlite3_column_int64(st, 0);
		k->created = sqlite3_column_int64(st, 4);
		k->retired = sqlite3_column_type(st, 5) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 5);
		if ((rc = pa_sqlite_col_text(&k->kid, st, 1)) != 0 ||
		    (rc = pa_sqlite_col_text(&k->private_pem, st, 2)) != 0 ||
		    (rc = pa_sqlite_col_text(&k->public_jwk, st, 3)) != 0)
			goto done;
	}
	if (src != SQLITE_DONE)
		rc = pa_sqlite_fail(c, src, "list the keys");
done:
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_lti_key_list(pa_store_lti_key **out, size_t *count, pa_store *store)
{
	list_job j = { NULL, 0 };
	int rc = pa_sqlite_read(store, list_job_run, &j);

	if (rc) {
		pa_store_lti_key_list_free(j.list, j.count);
		return rc;
	}
	*out = j.list;
	*count = j.count;
	return 0;
}
