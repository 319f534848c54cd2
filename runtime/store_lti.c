/* The public LTI store calls: forwarded to the backend (runtime/store_lti.h). */
#include "runtime/store_lti.h"

#include <stdlib.h>
#include <string.h>

#include "runtime/store_backend.h"

/* --- tool keys --- */
/* --- platforms and deployments (1.3) --- */
/* --- consumers (1.1) --- */
/* --- single-use values --- */
/* --- links, learners, grade targets --- */
/* --- outbox --- */

int pa_store_lti_outbox_due(pa_store_lti_outbox_row **out, size_t *count, pa_store *store, int64_t now, size_t max)
{
	return store->lti->outbox_due(out, count, store, now, max);
}

int pa_store_lti_outbox_next(int64_t *out, pa_store *store)
{
	return store->lti->outbox_next(out, store);
}

int pa_store_lti_outbox_record(pa_store *store, int64_t id, const pa_store_lti_outbox_result *r)
{
	return store->lti->outbox_record(store, id, r);
}

int pa_store_lti_outbox_list(pa_store_lti_outbox_row **out, size_t *count, pa_store *store, pa_outbox_state state,
			     bool all, size_t max)
{
	return store->lti->outbox_list(out, count, store, state, all, max);
}

int pa_store_lti_outbox_retry(int64_t *retried, int64_t *superseded, pa_store *store, int64_t id, int64_t now)
{
	return store->lti->outbox_retry(retried, superseded, store, id, now);
}
