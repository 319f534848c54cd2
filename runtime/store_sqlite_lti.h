/*
 * The SQLite functions behind pa_store_lti_ops (private to runtime/),
 * one section per file store_sqlite_lti_<concept>.c.
 */
#ifndef PA_STORE_SQLITE_LTI_H
#define PA_STORE_SQLITE_LTI_H

#include "runtime/store_lti.h"

/* --- tool keys (store_sqlite_lti_keys.c) --- */
int pa_sqlite_lti_key_add_first(pa_store *store, const pa_store_lti_key *in);
int pa_sqlite_lti_key_rotate(pa_store *store, const pa_store_lti_key *in);
int pa_sqlite_lti_key_list(pa_store_lti_key **out, size_t *count, pa_store *store);
/* --- platforms and deployments (store_sqlite_lti_platforms.c) --- */
int pa_sqlite_platform_add(int64_t *out, pa_store *store, const pa_store_platform *in);
int pa_sqlite_platform_get(pa_store_platform *out, pa_store *store, int64_t id);
int pa_sqlite_platform_find(pa_store_platform *out, pa_store *store, const char *issuer, const char *client_id);
int pa_sqlite_platform_list(pa_store_platform **out, size_t *count, pa_store *store);
int pa_sqlite_platform_remove(pa_store *store, int64_t id);
int pa_sqlite_deployment_add(pa_store *store, int64_t platform_id, const char *deployment_id);
int pa_sqlite_deployment_check(pa_store *store, int64_t platform_id, const char *deployment_id);
/* --- consumers (store_sqlite_lti_consumers.c) --- */
int pa_sqlite_consumer_add(int64_t *out, pa_store *store, const char *key, const char *secret, const char *name);
int pa_sqlite_consumer_get(pa_store_consumer *out, pa_store *store, const char *key);
int pa_sqlite_consumer_by_id(pa_store_consumer *out, pa_store *store, int64_t id);
int pa_sqlite_consumer_list(pa_store_consumer **out, size_t *count, pa_store *store);
int pa_sqlite_consumer_remove(pa_store *store, const char *key);
/* --- single-use values (store_sqlite_lti_nonces.c) --- */
int pa_sqlite_nonce_put(pa_store *store, const char *scope, const char *value, const char *data, int64_t expires);
int pa_sqlite_nonce_take(char **out, pa_store *store, const char *scope, const char *value);
/* --- links, learners, grade targets (store_sqlite_lti_links.c) --- */
int pa_sqlite_lti_link_upsert(pa_store_lti_link *out, pa_store *store, const pa_store_lti_link *in);
int pa_sqlite_lti_link_get(pa_store_lti_link *out, pa_store *store, int64_t id);
int pa_sqlite_lti_grade_target_set(pa_store *store, int64_t attempt_id, int64_t link_id, const char *user_ref);
int pa_sqlite_lti_link_attempts(pa_store_lti_link_attempt **out, size_t *count, pa_store *store, int64_t link_id);
/* --- outbox (store_sqlite_lti_outbox.c) --- */

#endif
