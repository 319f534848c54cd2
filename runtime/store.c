/* The public store calls: pick a backend at open, then forward. */
#include "runtime/store.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "runtime/attempt_cache.h"
#include "runtime/store_backend.h"

/*
 * Every commit needs its attempt's version and activity tree. A version
 * never changes once made (a re-import makes another), so the ones read
 * are kept, a few dozen at most: safe whatever other processes do.
 */
#define VERSION_CACHE_SLOTS 64

int pa_store_open(pa_store **out, const char *data_dir, const pa_config *cfg)
{
	const char *backend = cfg ? pa_config_string(cfg, PA_CFG_STORE) : "sqlite";
	pa_store_version *slots;
	int rc;

	*out = NULL;
	if (strcmp(backend, "sqlite") != 0)
		return pa_error_set(PA_EINVAL, "store: unknown backend '%s' (sqlite)", backend);
	if (!(slots = calloc(VERSION_CACHE_SLOTS, sizeof(*slots))))
		return pa_error_set(PA_ENOMEM, "store: out of memory");
	if ((rc = pa_store_sqlite_open(out, data_dir, cfg)) != 0) {
		free(slots);
		return rc;
	}
	pthread_mutex_init(&(*out)->versions.lock, NULL);
	(*out)->versions.slot = slots;
	return 0;
}

void pa_store_close(pa_store *store)
{
	struct pa_store_versions versions;
	pa_attempt_cache *cache;

	if (!store)
		return;
	/* The writer finishes its commits first, and they tell the cache. */
	cache = store->attempts;
	versions = store->versions;
	store->ops->close(store);
	for (size_t i = 0; i < versions.count; i++)
		pa_store_version_dispose(&versions.slot[i]);
	free(versions.slot);
	pthread_mutex_destroy(&versions.lock);
	if (cache) {
		pa_attempt_cache_stats st;

		pa_attempt_cache_stats_get(&st, cache);
		pa_info("store: attempt cache: %llu reads from memory, %llu from the store; %zu attempts in %zu KiB at the end",
			(unsigned long long)st.hits, (unsigned long long)st.misses, st.attempts, st.bytes / 1024);
	}
	pa_attempt_cache_free(cache);
}

int pa_store_cache_attempts(pa_store *store, size_t max_bytes)
{
	if (store->attempts || max_bytes == 0)
		return 0;
	return pa_attempt_cache_new(&store->attempts, max_bytes);
}

const char *pa_store_backend(const pa_store *store)
{
	return store->ops->name;
}

int pa_store_ping(int *out, pa_store *store)
{
	return store->ops->ping(out, store);
}

void pa_store_version_dispose(pa_store_version *v)
{
	if (!v)
		return;
	free(v->identifier);
	free(v->title);
	free(v->scorm_version);
	free(v->manifest_sha256);
	free(v->folder);
	free(v->tree_json);
	memset(v, 0, sizeof(*v));
}

int pa_store_version_folder(pa_buf *out, int64_t package_id, int version)
{
	return pa_buf_printf(out, "packages/%lld/%d", (long long)package_id, version);
}

int pa_store_version_create(pa_store_version *out, pa_store *store,
			    const pa_store_new_version *in, const pa_store_placer *placer)
{
	if (out)
		memset(out, 0, sizeof(*out));
	if (!in->identifier || !*in->identifier)
		return pa_error_set(PA_EINVAL, "store: a package needs an identifier");
	return store->ops->version_create(out, store, in, placer);
}

int pa_store_version_get(pa_store_version *out, pa_store *store, int64_t package_id, int version)
{
	memset(out, 0, sizeof(*out));
	return store->ops->version_get(out, store, package_id, version, true);
}

int pa_store_version_find(pa_store_version *out, pa_store *store, int64_t package_id, int version)
{
	memset(out, 0, sizeof(*out));
	return store->ops->version_get(out, store, package_id, version, false);
}

/* A deep copy of a version. */
static int version_copy(pa_store_version *out, const pa_store_version *in)
{
	*out = *in;
	out->identifier = out->title = out->scorm_version = out->manifest_sha256 = out->folder = out->tree_json = NULL;
	if ((in->identifier && !(out->identifier = pa_strdup(in->identifier))) ||
	    (in->title && !(out->title = pa_strdup(in->title))) ||
	    (in->scorm_version && !(out->scorm_version = pa_strdup(in->scorm_version))) ||
	    (in->manifest_sha256 && !(out->manifest_sha256 = pa_strdup(in->manifest_sha256))) ||
	    (in->folder && !(out->folder = pa_strdup(in->folder))) ||
	    (in->tree_json && !(out->tree_json = pa_strdup(in->tree_json)))) {
		pa_store_version_dispose(out);
		return pa_error_set(PA_ENOMEM, "store: out of memory");
	}
	return 0;
}

int pa_store_version_by_id(pa_store_version *out, pa_store *store, int64_t version_id)
{
	struct pa_store_versions *vc = &store->versions;
	int rc = PA_ENOTFOUND;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&vc->lock);
	for (size_t i = 0; i < vc->count; i++)
		if (vc->slot[i].id == version_id)
			rc = version_copy(out, &vc->slot[i]);
	pthread_mutex_unlock(&vc->lock);
	if (rc != PA_ENOTFOUND)
		return rc;
	if ((rc = store->ops->version_by_id(out, store, version_id)) != 0)
		return rc;
	pthread_mutex_lock(&vc->lock);
	if (vc->slot && vc->count < VERSION_CACHE_SLOTS) {
		pa_store_version *slot = &vc->slot[vc->count];
		bool known = false;

		for (size_t i = 0; i < vc->count; i++)
			known = known || vc->slot[i].id == version_id;
		if (!known && version_copy(slot, out) == 0)
			vc->count++;
	}
	pthread_mutex_unlock(&vc->lock);
	return 0;
}

int pa_store_package_list(pa_store_version **out, size_t *count, pa_store *store)
{
	*out = NULL;
	*count = 0;
	return store->ops->package_list(out, count, store);
}

void pa_store_version_list_free(pa_store_version *list, size_t count)
{
	for (size_t i = 0; list && i < count; i++)
		pa_store_version_dispose(&list[i]);
	free(list);
}

int pa_store_token_add(int64_t *out, pa_store *store, const char *name,
		       const unsigned char hash[PA_STORE_TOKEN_HASH_BYTES])
{
	if (!name || !*name)
		return pa_error_set(PA_EINVAL, "store: a token needs a name");
	return store->ops->token_add(out, store, name, hash);
}

int pa_store_token_list(pa_store_token **out, size_t *count, pa_store *store)
{
	*out = NULL;
	*count = 0;
	return store->ops->token_list(out, count, store);
}

void pa_store_token_list_free(pa_store_token *list, size_t count)
{
	for (size_t i = 0; list && i < count; i++)
		free(list[i].name);
	free(list);
}

int pa_store_token_revoke(pa_store *store, const char *name)
{
	return store->ops->token_revoke(store, name);
}

int pa_store_token_check(int64_t *out, pa_store *store,
			 const unsigned char hash[PA_STORE_TOKEN_HASH_BYTES])
{
	return store->ops->token_check(out, store, hash);
}

int pa_store_learner_ensure(int64_t *out, pa_store *store, const char *subject, const char *name)
{
	if (!subject || !*subject)
		return pa_error_set(PA_EINVAL, "store: a learner needs a subject");
	return store->ops->learner_ensure(out, store, subject, name);
}

void pa_store_learner_dispose(pa_store_learner *l)
{
	if (!l)
		return;
	free(l->subject);
	free(l->name);
	memset(l, 0, sizeof(*l));
}

int pa_store_learner_get(pa_store_learner *out, pa_store *store, int64_t id)
{
	memset(out, 0, sizeof(*out));
	return store->ops->learner_get(out, store, id);
}

int pa_store_learner_globals(pa_buf *out, pa_store *store, int64_t learner_id)
{
	return store->ops->learner_globals(out, store, learner_id);
}

const char *pa_store_learner_lms_id(const char *subject)
{
	const char *sp;

	if (!pa_str_startswith(subject, "lti13 ") && !pa_str_startswith(subject, "lti11 "))
		return subject;
	/* The issuer (a URL) and the consumer key have no spaces; what follows is the LMS's. */
	sp = strchr(subject + 6, ' ');
	return sp && sp[1] ? sp + 1 : subject;
}

void pa_store_sco_dispose(pa_store_sco *sco)
{
	if (!sco)
		return;
	free(sco->id);
	free(sco->state);
	memset(sco, 0, sizeof(*sco));
}

void pa_store_attempt_dispose(pa_store_attempt *a)
{
	if (!a)
		return;
	free(a->completion_status);
	free(a->success_status);
	free(a->state);
	for (size_t i = 0; i < a->nscos; i++)
		pa_store_sco_dispose(&a->scos[i]);
	free(a->scos);
	memset(a, 0, sizeof(*a));
}

int pa_store_attempt_create(int64_t *out, pa_store *store, int64_t version_id,
			    int64_t learner_id, bool preview)
{
	return store->ops->attempt_create(out, store, version_id, learner_id, preview);
}

int pa_store_attempt_get(pa_store_attempt *out, pa_store *store, int64_t attempt_id)
{
	memset(out, 0, sizeof(*out));
	return store->ops->attempt_get(out, store, attempt_id);
}

int pa_store_attempt_read(pa_store_attempt *out, pa_store *store, int64_t attempt_id, const char *sco)
{
	int rc;

	memset(out, 0, sizeof(*out));
	/* A commit's read (sco given) from memory; the others from the store,
	 * which then refresh the cache: another process serving the same data
	 * folder may have committed since (its commits are checked against
	 * the stored last_seq in their transaction, so a stale entry makes a
	 * commit fail, never overwrite). */
	if (sco && store->attempts && pa_attempt_cache_get(out, store->attempts, attempt_id, sco) == 0)
		return 0;
	if ((rc = store->ops->attempt_read(out, store, attempt_id, sco)) == 0 && store->attempts)
		pa_attempt_cache_put(store->attempts, out);
	return rc;
}

int pa_store_attempt_latest(pa_store_attempt *out, pa_store *store, int64_t learner_id,
			    int64_t package_id, bool preview)
{
	memset(out, 0, sizeof(*out));
	return store->ops->attempt_latest(out, store, learner_id, package_id, preview);
}

static int commit_check(const pa_store_commit *commit)
{
	if (commit->seq < 1)
		return pa_error_set(PA_EINVAL, "store: commit numbers start at 1");
	if (!commit->calls)
		return pa_error_set(PA_EINVAL, "store: a commit needs its calls");
	for (size_t i = 0; i < commit->nscos; i++)
		if (!commit->scos[i].id || !commit->scos[i].state || !commit->scos[i].summarized)
			return pa_error_set(PA_EINVAL, "store: a SCO of a commit needs its id, state and summary");
	return 0;
}

/* A commit is on disk (rc 0) or failed: move the attempt's cached state forward, or forget it. */
static void cache_after(pa_store *store, const pa_store_commit *commit, int rc)
{
	if (!store->attempts)
		return;
	if (rc == 0)
		pa_attempt_cache_commit(store->attempts, commit, pa_store_now_ms());
	else
		pa_attempt_cache_drop(store->attempts, commit->attempt_id);
}

int pa_store_commit_append(pa_store *store, const pa_store_commit *commit)
{
	int rc = commit_check(commit);

	if (rc)
		return rc;
	rc = store->ops->commit_append(store, commit);
	cache_after(store, commit, rc);
	return rc;
}

typedef struct async_done {
	pa_store *store;
	const pa_store_commit *commit;
	pa_store_done_fn done;
	void *arg;
} async_done;

/* On the writer thread, before the caller hears of it: the cache is ahead of the next commit. */
static void async_done_cb(void *arg, int rc)
{
	async_done d = *(async_done *)arg;

	free(arg);
	cache_after(d.store, d.commit, rc);
	d.done(d.arg, rc);
}

int pa_store_commit_append_async(pa_store *store, const pa_store_commit *commit, pa_store_done_fn done, void *arg)
{
	async_done *d;
	int rc = commit_check(commit);

	if (rc)
		return rc;
	if (!store->attempts)
		return store->ops->commit_append_async(store, commit, done, arg);
	if (!(d = malloc(sizeof(*d))))
		return pa_error_set(PA_ENOMEM, "store: out of memory");
	*d = (async_done){ store, commit, done, arg };
	if ((rc = store->ops->commit_append_async(store, commit, async_done_cb, d)) != 0) {
		free(d);
		pa_attempt_cache_drop(store->attempts, commit->attempt_id);
	}
	return rc;
}

int pa_store_commit_result(pa_buf *out, pa_store *store, int64_t attempt_id, int64_t seq)
{
	return store->ops->commit_result(out, store, attempt_id, seq);
}

int pa_store_commit_calls(pa_buf *out, pa_store *store, int64_t attempt_id, int64_t seq)
{
	return store->ops->commit_calls(out, store, attempt_id, seq);
}

int64_t pa_store_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
