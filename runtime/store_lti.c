/* The public LTI store calls: forwarded to the backend (runtime/store_lti.h). */
#include "runtime/store_lti.h"

#include <stdlib.h>
#include <string.h>

#include "runtime/store_backend.h"

/* --- tool keys --- */
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
/* --- single-use values --- */
/* --- links, learners, grade targets --- */
/* --- outbox --- */
