/* The public LTI store calls: forwarded to the backend (runtime/store_lti.h). */
#include "runtime/store_lti.h"

#include <stdlib.h>
#include <string.h>

#include "runtime/store_backend.h"

/* --- tool keys --- */
/* --- platforms and deployments (1.3) --- */
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
/* --- links, learners, grade targets --- */
/* --- outbox --- */
