/*
 * What a storage backend provides (private to runtime/): one table of
 * operations, one per public pa_store_* call. A backend's handle starts
 * with a struct pa_store so that the public functions find the table.
 */
#ifndef PA_STORE_BACKEND_H
#define PA_STORE_BACKEND_H

#include "runtime/store.h"

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
	/* --- platforms and deployments (1.3) --- */
	/* --- consumers (1.1) --- */
	/* --- single-use values --- */
	/* --- links, learners, grade targets --- */
	/* --- outbox --- */
	int unused_;   /* C wants a member; remove when the first one lands */
} pa_store_lti_ops;

struct pa_store {
	const pa_store_ops *ops;
	const pa_store_lti_ops *lti;
};

/* The SQLite backend (runtime/store_sqlite.c). */
int pa_store_sqlite_open(pa_store **out, const char *data_dir, const pa_config *cfg);

#endif
