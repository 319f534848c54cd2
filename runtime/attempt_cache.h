/*
 * The attempts being played, kept in memory by `passerelle serve` so that a
 * commit does not read its attempt back from the store: each commit reads
 * the state the previous one wrote, and under load that read (a fresh
 * SQLite snapshot each time, its pages fetched again) cost more than the
 * replay itself.
 *
 * The cache is a copy of what pa_store_attempt_read returns, filled by
 * those reads and moved forward by every commit once it is on disk. Another
 * process serving the same data folder may commit to an attempt behind
 * this cache's back: the store checks each commit's seq against the
 * attempt's stored last_seq inside the commit's transaction, so a stale
 * entry can only make a commit fail (and be dropped), never overwrite
 * what the other process wrote.
 *
 * Bounded: past max_bytes the least recently used attempts are dropped.
 * Thread-safe (one mutex; every call is a lookup and a copy).
 */
#ifndef PA_ATTEMPT_CACHE_H
#define PA_ATTEMPT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/store.h"

typedef struct pa_attempt_cache pa_attempt_cache;

int pa_attempt_cache_new(pa_attempt_cache **out, size_t max_bytes);
void pa_attempt_cache_free(pa_attempt_cache *cache);

/*
 * A copy of the attempt into out when the cache holds all that
 * pa_store_attempt_read(out, ..., sco) returns (the states it asks for);
 * PA_ENOTFOUND otherwise (out untouched).
 */
int pa_attempt_cache_get(pa_store_attempt *out, pa_attempt_cache *cache, int64_t attempt_id, const char *sco);

/* Remember what a store read returned (unless the cache already holds a later commit's). */
void pa_attempt_cache_put(pa_attempt_cache *cache, const pa_store_attempt *a);

/*
 * A commit is on disk: move its attempt forward (when the cache holds the
 * state it was replayed on, seq - 1), or forget the attempt. now: the
 * attempt's new "updated".
 */
void pa_attempt_cache_commit(pa_attempt_cache *cache, const pa_store_commit *commit, int64_t now);

/* Forget an attempt (a commit failed: what the store holds is not known here). */
void pa_attempt_cache_drop(pa_attempt_cache *cache, int64_t attempt_id);

typedef struct pa_attempt_cache_stats {
	uint64_t hits, misses;
	size_t attempts, bytes;
} pa_attempt_cache_stats;

void pa_attempt_cache_stats_get(pa_attempt_cache_stats *out, pa_attempt_cache *cache);

#endif
