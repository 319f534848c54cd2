/*
 * A hash table of nodes by an int64 key, in order of use, bounded by a
 * byte count: the caches of serve (runtime/attempt_cache.h,
 * runtime/engines.h). Intrusive: a cached thing starts with, or holds, a
 * pa_lru_node and is found back with PA_LRU_OF. Not thread-safe: the
 * caches hold their own lock. Nodes the bound pushes out are handed back
 * in a list (linked by chain) to be freed outside the lock.
 */
#ifndef PA_LRU_H
#define PA_LRU_H

#include <stddef.h>
#include <stdint.h>

typedef struct pa_lru_node {
	int64_t key;
	size_t bytes;
	struct pa_lru_node *chain;          /* next in its bucket; next in an evicted list */
	struct pa_lru_node *newer, *older;
} pa_lru_node;

typedef struct pa_lru {
	pa_lru_node **buckets;
	size_t nbuckets;                    /* a power of two */
	size_t count, bytes, max_bytes;
	pa_lru_node *newest, *oldest;
} pa_lru;

#define PA_LRU_OF(node, type, member) ((type *)(void *)((char *)(node) - offsetof(type, member)))

int pa_lru_init(pa_lru *lru, size_t max_bytes);
/* The table only: the nodes are the caller's (walk them from newest first). */
void pa_lru_dispose(pa_lru *lru);

/* The node of key, made the most recent (touch) or not; NULL if absent. */
pa_lru_node *pa_lru_find(pa_lru *lru, int64_t key, int touch);

/* Take node out (it stays the caller's). */
void pa_lru_remove(pa_lru *lru, pa_lru_node *node);

/*
 * Put node in as the most recent (its key must be absent, its bytes set);
 * older nodes past max_bytes are taken out and pushed on *evicted. A node
 * larger than max_bytes alone is not put in: it comes back on *evicted.
 */
void pa_lru_insert(pa_lru *lru, pa_lru_node *node, pa_lru_node **evicted);

#endif
