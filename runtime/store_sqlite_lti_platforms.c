/*
 * LTI 1.3 platforms and their deployments in SQLite (runtime/store_lti.h):
 * tables lti_platforms and lti_deployments of migration 2. Deployments go
 * with their platform (ON DELETE CASCADE); links and attempts stay.
 */
#include "runtime/store_sqlite.h"
#include "runtime/store_sqlite_lti.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"

enum {
	ST_INSERT = PA_SQLITE_SLOTS_LTI_PLATFORMS,
	ST_GET,
	ST_FIND,
	ST_FIND_ISSUER,
	ST_LIST,
	ST_REMOVE,
	ST_DEPLOYMENTS,
	ST_DEPLOYMENTS_ALL,
	ST_DEPLOYMENT_ADD,
	ST_DEPLOYMENT_CHECK,
	ST_EXISTS,
	ST_END
};
_Static_assert(ST_END <= PA_SQLITE_SLOTS_LTI_PLATFORMS + 32, "32 slots per file");

#define COLUMNS "id, issuer, client_id, name, auth_url, token_url, jwks_url, token_audience, created"

static const char *const sql[] = {
	[ST_INSERT - ST_INSERT] =
		"INSERT INTO lti_platforms (issuer, client_id, name, auth_url, token_url, jwks_url, "
		"token_audience, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_GET - ST_INSERT] = "SELECT " COLUMNS " FROM lti_platforms WHERE id = ?1",
	[ST_FIND - ST_INSERT] = "SELECT " COLUMNS " FROM lti_platforms WHERE issuer = ?1 AND client_id = ?2",
	[ST_FIND_ISSUER - ST_INSERT] = "SELECT " COLUMNS " FROM lti_platforms WHERE issuer = ?1 ORDER BY id LIMIT 2",
	[ST_LIST - ST_INSERT] = "SELECT " COLUMNS " FROM lti_platforms ORDER BY id",
	[ST_REMOVE - ST_INSERT] = "DELETE FROM lti_platforms WHERE id = ?1",
	[ST_DEPLOYMENTS - ST_INSERT] =
		"SELECT platform_id, deployment_id FROM lti_deployments WHERE platform_id = ?1 "
		"ORDER BY created, deployment_id",
	[ST_DEPLOYMENTS_ALL - ST_INSERT] =
		"SELECT platform_id, deployment_id FROM lti_deployments ORDER BY platform_id, created, deployment_id",
	[ST_DEPLOYMENT_ADD - ST_INSERT] =
		"INSERT INTO lti_deployments (platform_id, deployment_id, created) VALUES (?1, ?2, ?3) "
		"ON CONFLICT (platform_id, deployment_id) DO NOTHING",
	[ST_DEPLOYMENT_CHECK - ST_INSERT] =
		"SELECT 1 FROM lti_deployments WHERE platform_id = ?1 AND deployment_id = ?2",
	[ST_EXISTS - ST_INSERT] = "SELECT 1 FROM lti_platforms WHERE id = ?1",
};

static int prepare(sqlite3_stmt **out, pa_sqlite_conn *c, int slot)
{
	return pa_sqlite_stmt(out, c, slot, sql[slot - ST_INSERT]);
}

static int read_platform(pa_store_platform *p, sqlite3_stmt *st)
{
	int rc;

	p->id = sqlite3_column_int64(st, 0);
	if ((rc = pa_sqlite_col_text(&p->issuer, st, 1)) != 0 || (rc = pa_sqlite_col_text(&p->client_id, st, 2)) != 0 ||
	    (rc = pa_sqlite_col_text(&p->name, st, 3)) != 0 || (rc = pa_sqlite_col_text(&p->auth_url, st, 4)) != 0 ||
	    (rc = pa_sqlite_col_text(&p->token_url, st, 5)) != 0 || (rc = pa_sqlite_col_text(&p->jwks_url, st, 6)) != 0 ||
	    (rc = pa_sqlite_col_text(&p->token_audience, st, 7)) != 0)
		return rc;
	p->created = sqlite3_column_int64(st, 8);
	return 0;
}

static int push_deployment(pa_store_platform *p, sqlite3_stmt *st)
{
	char **slot;

	if (!(slot = pa_array_push(&p->deployments, &p->ndeployments, sizeof(*p->deployments))))
		return PA_ENOMEM;
	return pa_sqlite_col_text(slot, st, 1);
}

/* The deployments of p (its id set). */
static int read_deployments(pa_sqlite_conn *c, pa_store_platform *p)
{
	sqlite3_stmt *st;
	int rc, src;

	if ((rc = prepare(&st, c, ST_DEPLOYMENTS)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, p->id);
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = push_deployment(p, st)) != 0)
			break;
	if (!rc && src != SQLITE_DONE)
		rc = pa_sqlite_fail(c, src, "read the deployments");
	pa_sqlite_stmt_done(st);
	return rc;
}

/* --- add --- */

typedef struct add_args {
	const pa_store_platform *in;
	int64_t id;
} add_args;

static int add_job(pa_sqlite_conn *c, void *arg)
{
	add_args *a = arg;
	sqlite3_stmt *st;
	int rc;

	if ((rc = prepare(&st, c, ST_INSERT)) != 0)
		return rc;
	pa_sqlite_bind_text(st, 1, a->in->issuer);
	pa_sqlite_bind_text(st, 2, a->in->client_id);
	pa_sqlite_bind_text(st, 3, a->in->name);
	pa_sqlite_bind_text(st, 4, a->in->auth_url);
	pa_sqlite_bind_text(st, 5, a->in->token_url);
	pa_sqlite_bind_text(st, 6, a->in->jwks_url);
	pa_sqlite_bind_text(st, 7, a->in->token_audience);
	sqlite3_bind_int64(st, 8, pa_store_now_ms());
	rc = pa_sqlite_step_done(c, st, "add the platform");
	if (rc == PA_EEXISTS)
		rc = pa_error_set(PA_EEXISTS, "a platform with issuer '%s' and client id '%s' is already registered",
				  a->in->issuer, a->in->client_id);
	a->id = sqlite3_last_insert_rowid(pa_sqlite_db(c));
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_platform_add(int64_t *out, pa_store *store, const pa_store_platform *in)
{
	add_args a = { in, 0 };
	int rc = pa_sqlite_write(store, add_job, &a);

	if (!rc && out)
		*out = a.id;
	return rc;
}

/* --- get, find --- */

typedef struct get_args {
	pa_store_platform *out;
	int64_t id;
	const char *issuer, *client_id;
} get_args;

static int get_job(pa_sqlite_conn *c, void *arg)
{
	get_args *a = arg;
	sqlite3_stmt *st;
	int rc;

	if ((rc = prepare(&st, c, a->issuer ? (a->client_id ? ST_FIND : ST_FIND_ISSUER) : ST_GET)) != 0)
		return rc;
	if (a->issuer) {
		pa_sqlite_bind_text(st, 1, a->issuer);
		pa_sqlite_bind_text(st, 2, a->client_id);
	} else {
		sqlite3_bind_int64(st, 1, a->id);
	}
	if ((rc = pa_sqlite_step_row(c, st, "find the platform")) != 0) {
		if (rc == PA_ENOTFOUND && a->issuer)
			rc = pa_error_set(PA_ENOTFOUND, "no platform with issuer '%s'%s%s%s registered", a->issuer,
					  a->client_id ? " and client id '" : "", a->client_id ? a->client_id : "",
					  a->client_id ? "' is" : " is");
		else if (rc == PA_ENOTFOUND)
			rc = pa_error_set(PA_ENOTFOUND, "no platform %lld", (long long)a->id);
		goto done;
	}
	if ((rc = read_platform(a->out, st)) != 0)
		goto done;
	if (a->issuer && !a->client_id && sqlite3_step(st) == SQLITE_ROW) {
		rc = pa_error_set(PA_EINVALID, "issuer '%s' has several platforms registered: the client id is needed",
				  a->issuer);
		goto done;
	}
	pa_sqlite_stmt_done(st);
	st = NULL;
	rc = read_deployments(c, a->out);
done:
	pa_sqlite_stmt_done(st);
	return rc;
}

static int get(pa_store_platform *out, pa_store *store, get_args *a)
{
	int rc;

	memset(out, 0, sizeof(*out));
	a->out = out;
	if ((rc = pa_sqlite_read(store, get_job, a)) != 0)
		pa_store_platform_dispose(out);
	return rc;
}

int pa_sqlite_platform_get(pa_store_platform *out, pa_store *store, int64_t id)
{
	get_args a = { NULL, id, NULL, NULL };

	return get(out, store, &a);
}

int pa_sqlite_platform_find(pa_store_platform *out, pa_store *store, const char *issuer, const char *client_id)
{
	get_args a = { NULL, 0, issuer, client_id };

	return get(out, store, &a);
}

/* --- list --- */

typedef struct list_args {
	pa_store_platform *list;
	size_t count;
} list_args;

static int list_job(pa_sqlite_conn *c, void *arg)
{
	list_args *a = arg;
	sqlite3_stmt *st;
	size_t i = 0;
	int rc, src;

	if ((rc = prepare(&st, c, ST_LIST)) != 0)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		pa_store_platform *p = pa_array_push(&a->list, &a->count, sizeof(*a->list));

		if (!p || (rc = read_platform(p, st)) != 0) {
			rc = p ? rc : PA_ENOMEM;
			break;
		}
	}
	if (!rc && src != SQLITE_DONE)
		rc = pa_sqlite_fail(c, src, "list the platforms");
	pa_sqlite_stmt_done(st);
	if (rc || (rc = prepare(&st, c, ST_DEPLOYMENTS_ALL)) != 0)
		return rc;
	/* Both in platform id order: one walk pairs them. */
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t pid = sqlite3_column_int64(st, 0);

		while (i < a->count && a->list[i].id < pid)
			i++;
		if (i < a->count && a->list[i].id == pid && (rc = push_deployment(&a->list[i], st)) != 0)
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = pa_sqlite_fail(c, src, "list the deployments");
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_platform_list(pa_store_platform **out, size_t *count, pa_store *store)
{
	list_args a = { NULL, 0 };
	int rc = pa_sqlite_read(store, list_job, &a);

	if (rc) {
		pa_store_platform_list_free(a.list, a.count);
		return rc;
	}
	*out = a.list;
	*count = a.count;
	return 0;
}

/* --- remove, deployments --- */

typedef struct id_args {
	int64_t id;
	const char *deployment_id;
} id_args;

static int remove_job(pa_sqlite_conn *c, void *arg)
{
	id_args *a = arg;
	sqlite3_stmt *st;
	int rc;

	if ((rc = prepare(&st, c, ST_REMOVE)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, a->id);
	if ((rc = pa_sqlite_step_done(c, st, "remove the platform")) == 0 && sqlite3_changes(pa_sqlite_db(c)) == 0)
		rc = pa_error_set(PA_ENOTFOUND, "no platform %lld", (long long)a->id);
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_platform_remove(pa_store *store, int64_t id)
{
	id_args a = { id, NULL };

	return pa_sqlite_write(store, remove_job, &a);
}

static int deployment_add_job(pa_sqlite_conn *c, void *arg)
{
	id_args *a = arg;
	sqlite3_stmt *st;
	int rc;

	/* Said plainly, rather than as a broken foreign key. */
	if ((rc = prepare(&st, c, ST_EXISTS)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, a->id);
	rc = pa_sqlite_step_row(c, st, "find the platform");
	pa_sqlite_stmt_done(st);
	if (rc == PA_ENOTFOUND)
		return pa_error_set(PA_ENOTFOUND, "no platform %lld", (long long)a->id);
	if (rc || (rc = prepare(&st, c, ST_DEPLOYMENT_ADD)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, a->id);
	pa_sqlite_bind_text(st, 2, a->deployment_id);
	sqlite3_bind_int64(st, 3, pa_store_now_ms());
	rc = pa_sqlite_step_done(c, st, "add the deployment");
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_deployment_add(pa_store *store, int64_t platform_id, const char *deployment_id)
{
	id_args a = { platform_id, deployment_id };

	return pa_sqlite_write(store, deployment_add_job, &a);
}

static int deployment_check_job(pa_sqlite_conn *c, void *arg)
{
	id_args *a = arg;
	sqlite3_stmt *st;
	int rc;

	if ((rc = prepare(&st, c, ST_DEPLOYMENT_CHECK)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, a->id);
	pa_sqlite_bind_text(st, 2, a->deployment_id);
	rc = pa_sqlite_step_row(c, st, "check the deployment");
	if (rc == PA_ENOTFOUND)
		rc = pa_error_set(PA_ENOTFOUND, "deployment '%s' is not registered for platform %lld",
				  a->deployment_id, (long long)a->id);
	pa_sqlite_stmt_done(st);
	return rc;
}

int pa_sqlite_deployment_check(pa_store *store, int64_t platform_id, const char *deployment_id)
{
	id_args a = { platform_id, deployment_id };

	return pa_sqlite_read(store, deployment_check_job, &a);
}
