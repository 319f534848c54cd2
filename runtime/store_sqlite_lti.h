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
int pa_sqlite_lti_link_attempts_query(pa_store_lti_link_attempt **out, size_t *count, int64_t *total, pa_store *store,
				      const pa_store_lti_attempts_query *q);
int pa_sqlite_lti_launch_record(pa_store_lti_launch_out *out, pa_store *store, const pa_store_lti_launch_in *in);
/* --- outbox (store_sqlite_lti_outbox.c) --- */
int pa_sqlite_lti_outbox_due(pa_store_lti_outbox_row **out, size_t *count, pa_store *store, int64_t now, size_t max);
int pa_sqlite_lti_outbox_next(int64_t *out, pa_store *store);
int pa_sqlite_lti_outbox_record(size_t *recorded, pa_store *store, const pa_store_lti_outbox_result *r, size_t n);
int pa_sqlite_lti_outbox_list(pa_store_lti_outbox_row **out, size_t *count, pa_store *store, pa_outbox_filter filter,
			      size_t max);
int pa_sqlite_lti_outbox_retry(int64_t *retried, int64_t *superseded, pa_store *store, int64_t id, int64_t now);
int pa_sqlite_lti_outbox_purge(int64_t *deleted, bool *more, pa_store *store, pa_store_lti_outbox_cursor *cursor,
			       int64_t sent_before, int64_t failed_before, size_t max);
/*
 * In the transaction of a commit (store_sqlite.c commit_job, after the
 * attempt's row is updated), and of setting a grade target: a row for
 * each grade target of attempt_id whose last row (for this attempt) does
 * not say what the attempt now says (completion, success, score). None
 * when the attempt has no grade target (one index lookup).
 */
struct pa_sqlite_conn;
int pa_sqlite_lti_outbox_on_commit(struct pa_sqlite_conn *c, int64_t attempt_id, int64_t now);

#endif
