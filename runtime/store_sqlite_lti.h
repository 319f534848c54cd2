/*
 * The SQLite functions behind pa_store_lti_ops (private to runtime/),
 * one section per file store_sqlite_lti_<concept>.c.
 */
#ifndef PA_STORE_SQLITE_LTI_H
#define PA_STORE_SQLITE_LTI_H

#include "runtime/store_lti.h"

/* --- tool keys (store_sqlite_lti_keys.c) --- */
/* --- platforms and deployments (store_sqlite_lti_platforms.c) --- */
/* --- consumers (store_sqlite_lti_consumers.c) --- */
int pa_sqlite_consumer_add(int64_t *out, pa_store *store, const char *key, const char *secret, const char *name);
int pa_sqlite_consumer_get(pa_store_consumer *out, pa_store *store, const char *key);
int pa_sqlite_consumer_by_id(pa_store_consumer *out, pa_store *store, int64_t id);
int pa_sqlite_consumer_list(pa_store_consumer **out, size_t *count, pa_store *store);
int pa_sqlite_consumer_remove(pa_store *store, const char *key);
/* --- single-use values (store_sqlite_lti_nonces.c) --- */
/* --- links, learners, grade targets (store_sqlite_lti_links.c) --- */
/* --- outbox (store_sqlite_lti_outbox.c) --- */

#endif
