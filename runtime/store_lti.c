/* The public LTI store calls: forwarded to the backend (runtime/store_lti.h). */
#include "runtime/store_lti.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "runtime/store_backend.h"

/* --- tool keys --- */

#include <openssl/crypto.h>

void pa_store_lti_key_dispose(pa_store_lti_key *k)
{
	if (!k)
		return;
	free(k->kid);
	if (k->private_pem)
		OPENSSL_cleanse(k->private_pem, strlen(k->private_pem));
	free(k->private_pem);
	free(k->public_jwk);
	memset(k, 0, sizeof(*k));
}

int pa_store_lti_key_add_first(pa_store *store, const pa_store_lti_key *in)
{
	return store->lti->key_add_first(store, in);
}

int pa_store_lti_key_rotate(pa_store *store, const pa_store_lti_key *in)
{
	return store->lti->key_rotate(store, in);
}

int pa_store_lti_key_list(pa_store_lti_key **out, size_t *count, pa_store *store)
{
	*out = NULL;
	*count = 0;
	return store->lti->key_list(out, count, store);
}

void pa_store_lti_key_list_free(pa_store_lti_key *list, size_t count)
{
	for (size_t i = 0; list && i < count; i++)
		pa_store_lti_key_dispose(&list[i]);
	free(list);
}

/* --- platforms and deployments (1.3) --- */

void pa_store_platform_dispose(pa_store_platform *p)
{
	if (!p)
		return;
	free(p->issuer);
	free(p->client_id);
	free(p->name);
	free(p->auth_url);
	free(p->token_url);
	free(p->jwks_url);
	free(p->token_audience);
	for (size_t i = 0; i < p->ndeployments; i++)
		free(p->deployments[i]);
	free(p->deployments);
	memset(p, 0, sizeof(*p));
}

int pa_store_platform_add(int64_t *out, pa_store *store, const pa_store_platform *in)
{
	const char *required[] = { in->issuer, in->client_id, in->auth_url, in->token_url, in->jwks_url };

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!required[i] || !*required[i])
			return pa_error_set(PA_EINVAL, "store: a platform needs an issuer, a client id, and its "
					    "authorization, token and JWKS URLs");
	return store->lti->platform_add(out, store, in);
}

int pa_store_platform_get(pa_store_platform *out, pa_store *store, int64_t id)
{
	return store->lti->platform_get(out, store, id);
}

int pa_store_platform_find(pa_store_platform *out, pa_store *store, const char *issuer, const char *client_id)
{
	memset(out, 0, sizeof(*out));
	if (!issuer || !*issuer)
		return pa_error_set(PA_EINVAL, "store: which issuer?");
	return store->lti->platform_find(out, store, issuer, client_id);
}

int pa_store_platform_list(pa_store_platform **out, size_t *count, pa_store *store)
{
	*out = NULL;
	*count = 0;
	return store->lti->platform_list(out, count, store);
}

void pa_store_platform_list_free(pa_store_platform *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		pa_store_platform_dispose(&list[i]);
	free(list);
}

int pa_store_platform_remove(pa_store *store, int64_t id)
{
	return store->lti->platform_remove(store, id);
}

int pa_store_deployment_add(pa_store *store, int64_t platform_id, const char *deployment_id)
{
	if (!deployment_id || !*deployment_id)
		return pa_error_set(PA_EINVAL, "store: an empty deployment id");
	return store->lti->deployment_add(store, platform_id, deployment_id);
}

int pa_store_deployment_check(pa_store *store, int64_t platform_id, const char *deployment_id)
{
	if (!deployment_id || !*deployment_id)
		return pa_error_set(PA_ENOTFOUND, "no deployment id");
	return store->lti->deployment_check(store, platform_id, deployment_id);
}

/* --- consumers (1.1) --- */

void pa_store_consumer_dispose(pa_store_consumer *c)
{
	if (!c)
		return;
	free(c->key);
	free(c->secret);
	free(c->name);
	memset(c, 0, sizeof(*c));
}

int pa_store_consumer_add(int64_t *out, pa_store *store, const char *key, const char *secret, const char *name)
{
	return store->lti->consumer_add(out, store, key, secret, name);
}

int pa_store_consumer_get(pa_store_consumer *out, pa_store *store, const char *key)
{
	return store->lti->consumer_get(out, store, key);
}

int pa_store_consumer_by_id(pa_store_consumer *out, pa_store *store, int64_t id)
{
	return store->lti->consumer_by_id(out, store, id);
}

int pa_store_consumer_list(pa_store_consumer **out, size_t *count, pa_store *store)
{
	return store->lti->consumer_list(out, count, store);
}

void pa_store_consumer_list_free(pa_store_consumer *list, size_t count)
{
	for (size_t i = 0; list && i < count; i++)
		pa_store_consumer_dispose(&list[i]);
	free(list);
}

int pa_store_consumer_remove(pa_store *store, const char *key)
{
	return store->lti->consumer_remove(store, key);
}

/* --- single-use values --- */

int pa_store_nonce_put(pa_store *store, const char *scope, const char *value, const char *data, int64_t expires)
{
	if (!scope || !*scope || !value || !*value)
		return pa_error_set(PA_EINVAL, "store: a single-use value needs a scope and a value");
	return store->lti->nonce_put(store, scope, value, data, expires);
}

int pa_store_nonce_take(char **out, pa_store *store, const char *scope, const char *value)
{
	if (out)
		*out = NULL;
	if (!scope || !value)
		return pa_error_set(PA_EINVAL, "store: a single-use value needs a scope and a value");
	return store->lti->nonce_take(out, store, scope, value);
}

/* --- links, learners, grade targets --- */

int pa_store_lti_link_upsert(pa_store_lti_link *out, pa_store *store, const pa_store_lti_link *in)
{
	return store->lti->link_upsert(out, store, in);
}

int pa_store_lti_link_get(pa_store_lti_link *out, pa_store *store, int64_t id)
{
	return store->lti->link_get(out, store, id);
}

int pa_store_lti_grade_target_set(pa_store *store, int64_t attempt_id, int64_t link_id, const char *user_ref)
{
	return store->lti->grade_target_set(store, attempt_id, link_id, user_ref);
}

int pa_store_lti_link_attempts(pa_store_lti_link_attempt **out, size_t *count, pa_store *store, int64_t link_id)
{
	return store->lti->link_attempts(out, count, store, link_id);
}

int pa_store_lti_link_attempts_query(pa_store_lti_link_attempt **out, size_t *count, int64_t *total, pa_store *store,
				     const pa_store_lti_attempts_query *q)
{
	*out = NULL;
	*count = 0;
	if (total)
		*total = 0;
	return store->lti->link_attempts_query(out, count, total, store, q);
}

int pa_store_lti_launch_record(pa_store_lti_launch_out *out, pa_store *store, const pa_store_lti_launch_in *in)
{
	memset(out, 0, sizeof(*out));
	if (!in->subject || !*in->subject || !in->link)
		return pa_error_set(PA_EINVAL, "store: a launch needs a learner and a link");
	return store->lti->launch_record(out, store, in);
}
/* --- outbox --- */

int pa_store_lti_outbox_due(pa_store_lti_outbox_row **out, size_t *count, pa_store *store, int64_t now, size_t max)
{
	return store->lti->outbox_due(out, count, store, now, max);
}

int pa_store_lti_outbox_next(int64_t *out, pa_store *store)
{
	return store->lti->outbox_next(out, store);
}

int pa_store_lti_outbox_record(size_t *recorded, pa_store *store, const pa_store_lti_outbox_result *r, size_t n)
{
	return store->lti->outbox_record(recorded, store, r, n);
}

int pa_store_lti_outbox_list(pa_store_lti_outbox_row **out, size_t *count, pa_store *store, pa_outbox_filter filter,
			     size_t max)
{
	return store->lti->outbox_list(out, count, store, filter, max);
}

int pa_store_lti_outbox_retry(int64_t *retried, int64_t *superseded, pa_store *store, int64_t id, int64_t now)
{
	return store->lti->outbox_retry(retried, superseded, store, id, now);
}

int pa_store_lti_outbox_purge(int64_t *deleted, bool *more, pa_store *store, pa_store_lti_outbox_cursor *cursor,
			      int64_t sent_before, int64_t failed_before, size_t max)
{
	if (deleted)
		*deleted = 0;
	*more = false;
	if (!max)
		return pa_error_set(PA_EINVAL, "store: an outbox purge needs a batch size");
	return store->lti->outbox_purge(deleted, more, store, cursor, sent_before, failed_before, max);
}
