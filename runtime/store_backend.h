/*
 * What a storage backend provides (private to runtime/): one table of
 * operations, one per public pa_store_* call. A backend's handle starts
 * with a struct pa_store so that the public functions find the table.
 */
#ifndef PA_STORE_BACKEND_H
#define PA_STORE_BACKEND_H

#include <pthread.h>

#include "runtime/store.h"
#include "runtime/store_lti.h"

typedef struct pa_store_ops {
	const char *name;
	void (*close)(pa_store *store);
	int (*ping)(int *out, pa_store *store);
	int (*version_create)(pa_store_version *out, pa_store *store,
			      const pa_store_new_version *in, const pa_store_placer *placer);
	int (*version_get)(pa_store_version *out, pa_store *store, int64_t package_id, int version,
			   bool with_tree);
	int (*version_by_id)(pa_store_version *out, pa_store *store, int64_t version_id);
	int (*package_list)(pa_store_version **out, size_t *count, pa_store *store);
	int (*token_add)(int64_t *out, pa_store *store, const char *name, const unsigned char *hash);
	int (*token_list)(pa_store_token **out, size_t *count, pa_store *store);
	int (*token_revoke)(pa_store *store, const char *name);
	int (*token_check)(int64_t *out, pa_store *store, const unsigned char *hash);
	int (*learner_ensure)(int64_t *out, pa_store *store, const char *subject, const char *name);
	int (*learner_get)(pa_store_learner *out, pa_store *store, int64_t id);
	int (*learner_globals)(pa_buf *out, pa_store *store, int64_t learner_id);
	int (*attempt_create)(int64_t *out, pa_store *store, int64_t version_id, int64_t learner_id, bool preview);
	int (*attempt_get)(pa_store_attempt *out, pa_store *store, int64_t attempt_id);
	int (*attempt_latest)(pa_store_attempt *out, pa_store *store, int64_t learner_id,
			      int64_t package_id, bool preview);
	int (*attempt_read)(pa_store_attempt *out, pa_store *store, int64_t attempt_id, const char *sco);
	int (*commit_append)(pa_store *store, const pa_store_commit *commit);
	int (*commit_append_async)(pa_store *store, const pa_store_commit *commit, pa_store_done_fn done, void *arg);
	int (*commit_result)(pa_buf *out, pa_store *store, int64_t attempt_id, int64_t seq);
	int (*commit_calls)(pa_buf *out, pa_store *store, int64_t attempt_id, int64_t seq);
} pa_store_ops;

/* LTI's tables (runtime/store_lti.h), one member per call. */
typedef struct pa_store_lti_ops {
	/* --- tool keys --- */
	int (*key_add_first)(pa_store *store, const pa_store_lti_key *in);
	int (*key_rotate)(pa_store *store, const pa_store_lti_key *in);
	int (*key_list)(pa_store_lti_key **out, size_t *count, pa_store *store);
	/* --- platforms and deployments (1.3) --- */
	int (*platform_add)(int64_t *out, pa_store *store, const pa_store_platform *in);
	int (*platform_get)(pa_store_platform *out, pa_store *store, int64_t id);
	int (*platform_find)(pa_store_platform *out, pa_store *store, const char *issuer, const char *client_id);
	int (*platform_list)(pa_store_platform **out, size_t *count, pa_store *store);
	int (*platform_remove)(pa_store *store, int64_t id);
	int (*deployment_add)(pa_store *store, int64_t platform_id, const char *deployment_id);
	int (*deployment_check)(pa_store *store, int64_t platform_id, const char *deployment_id);
	/* --- consumers (1.1) --- */
	int (*consumer_add)(int64_t *out, pa_store *store, const char *key, const char *secret, const char *name);
	int (*consumer_get)(pa_store_consumer *out, pa_store *store, const char *key);
	int (*consumer_by_id)(pa_store_consumer *out, pa_store *store, int64_t id);
	int (*consumer_list)(pa_store_consumer **out, size_t *count, pa_store *store);
	int (*consumer_remove)(pa_store *store, const char *key);
	/* --- single-use values --- */
	int (*nonce_put)(pa_store *store, const char *scope, const char *value, const char *data, int64_t expires);
	int (*nonce_take)(char **out, pa_store *store, const char *scope, const char *value);
	/* --- links, learners, grade targets --- */
	int (*link_upsert)(pa_store_lti_link *out, pa_store *store, const pa_store_lti_link *in);
	int (*link_get)(pa_store_lti_link *out, pa_store *store, int64_t id);
	int (*grade_target_set)(pa_store *store, int64_t attempt_id, int64_t link_id, const char *user_ref);
	int (*link_attempts)(pa_store_lti_link_attempt **out, size_t *count, pa_store *store, int64_t link_id);
	int (*link_attempts_query)(pa_store_lti_link_attempt **out, size_t *count, int64_t *total, pa_store *store,
				   const pa_store_lti_attempts_query *q);
	int (*launch_record)(pa_store_lti_launch_out *out, pa_store *store, const pa_store_lti_launch_in *in);
	/* --- outbox --- */
	int (*outbox_due)(pa_store_lti_outbox_row **out, size_t *count, pa_store *store, int64_t now, size_t max);
	int (*outbox_next)(int64_t *out, pa_store *store);
	int (*outbox_record)(size_t *recorded, pa_store *store, const pa_store_lti_outbox_result *r, size_t n);
	int (*outbox_list)(pa_store_lti_outbox_row **out, size_t *count, pa_store *store, pa_outbox_filter filter,
			   size_t max);
	int (*outbox_retry)(int64_t *retried, int64_t *superseded, pa_store *store, int64_t id, int64_t now);
	int (*outbox_purge)(int64_t *deleted, bool *more, pa_store *store, pa_store_lti_outbox_cursor *cursor,
			    int64_t sent_before, int64_t failed_before, size_t max);
} pa_store_lti_ops;

struct pa_store {
	const pa_store_ops *ops;
	const pa_store_lti_ops *lti;
	/* store.c's alone: */
	struct pa_attempt_cache *attempts;   /* NULL unless pa_store_cache_attempts */
	struct pa_store_versions {           /* versions read by id: they never change */
		pthread_mutex_t lock;
		pa_store_version *slot;
		size_t count;
	} versions;
};

/* The SQLite backend (runtime/store_sqlite.c). */
int pa_store_sqlite_open(pa_store **out, const char *data_dir, const pa_config *cfg);

#endif
