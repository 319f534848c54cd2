/*
 * The SQLite functions behind pa_store_lti_ops (private to runtime/),
 * one section per file store_sqlite_lti_<concept>.c.
 */
#ifndef PA_STORE_SQLITE_LTI_H
#define PA_STORE_SQLITE_LTI_H

#include "runtime/store_lti.h"

/* --- tool keys (store_sqlite_lti_keys.c) --- */
/* --- platforms and deployments (store_sqlite_lti_platforms.c) --- */
int pa_sqlite_platform_add(int64_t *out, pa_store *store, const pa_store_platform *in);
int pa_sqlite_platform_get(pa_store_platform *out, pa_store *store, int64_t id);
int pa_sqlite_platform_find(pa_store_platform *out, pa_store *store, const char *issuer, const char *client_id);
int pa_sqlite_platform_list(pa_store_platform **out, size_t *count, pa_store *store);
int pa_sqlite_platform_remove(pa_store *store, int64_t id);
int pa_sqlite_deployment_add(pa_store *store, int64_t platform_id, const char *deployment_id);
int pa_sqlite_deployment_check(pa_store *store, int64_t platform_id, const char *deployment_id);
/* --- consumers (store_sqlite_lti_consumers.c) --- */
/* --- single-use values (store_sqlite_lti_nonces.c) --- */
/* --- links, learners, grade targets (store_sqlite_lti_links.c) --- */
/* --- outbox (store_sqlite_lti_outbox.c) --- */

#endif
