/* A bounded hash table in order of use (common/lru.h). */
#include "common/lru.h"

#include <stdlib.h>

#include "common/error.h"

static size_t bucket(size_t nbuckets, int64_t key)
{
	return (size_t)(((uint64_t)key * 0x9E3779B97F4A7C15ull) >> 32) & (nbuckets - 1);
}

int pa_lru_init(pa_lru *lru, size_t max_bytes)
{
	*lru = (pa_lru){ 0 };
	if (!(lru->buckets = calloc(1024, sizeof(*lru->buckets))))
		return pa_error_set(PA_ENOMEM, "out of memory");
	lru->nbuckets = 1024;
	lru->max_bytes = max_bytes;
	return 0;
}

void pa_lru_dispose(pa_lru *lru)
{
	free(lru->buckets);
	*lru = (pa_lru){ 0 };
}

static void unlink_recency(pa_lru *lru, pa_lru_node *n)
{
	if (n->newer)
		n->newer->older = n->older;
	else
		lru->newest = n->older;
	if (n->older)
		n->older->newer = n->newer;
	else
		lru->oldest = n->newer;
	n->newer = n->older = NULL;
}

static void make_newest(pa_lru *lru, pa_lru_node *n)
{
	n->older = lru->newest;
	n->newer = NULL;
	if (lru->newest)
		lru->newest->newer = n;
	lru->newest = n;
	if (!lru->oldest)
		lru->oldest = n;
}

pa_lru_node *pa_lru_find(pa_lru *lru, int64_t key, int touch)
{
	pa_lru_node *n = lru->buckets[bucket(lru->nbuckets, key)];

	while (n && n->key != key)
		n = n->chain;
	if (n && touch && lru->newest != n) {
		unlink_recency(lru, n);
		make_newest(lru, n);
	}
	return n;
}

void pa_lru_remove(pa_lru *lru, pa_lru_node *node)
{
	pa_lru_node **p = &lru->buckets[bucket(lru->nbuckets, node->key)];

	while (*p != node)
		p = &(*p)->chain;
	*p = node->chain;
	node->chain = NULL;
	unlink_recency(lru, node);
	lru->count--;
	lru->bytes -= node->bytes;
}

/* Twice the buckets when chains grow long; as it is when memory is short. */
static void grow(pa_lru *lru)
{
	size_t n = lru->nbuckets * 2;
	pa_lru_node **b;

	if (lru->count < lru->nbuckets || !(b = calloc(n, sizeof(*b))))
		return;
	for (size_t i = 0; i < lru->nbuckets; i++) {
		for (pa_lru_node *e = lru->buckets[i], *next; e; e = next) {
			size_t k = bucket(n, e->key);

			next = e->chain;
			e->chain = b[k];
			b[k] = e;
		}
	}
	free(lru->buckets);
	lru->buckets = b;
	lru->nbuckets = n;
}

void pa_lru_insert(pa_lru *lru, pa_lru_node *node, pa_lru_node **evicted)
{
	size_t k;

	if (node->bytes > lru->max_bytes) {
		node->chain = *evicted;
		*evicted = node;
		return;
	}
	k = bucket(lru->nbuckets, node->key);
	node->chain = lru->buckets[k];
	lru->buckets[k] = node;
	make_newest(lru, node);
	lru->count++;
	lru->bytes += node->bytes;
	while (lru->bytes > lru->max_bytes && lru->oldest != node) {
		pa_lru_node *old = lru->oldest;

		pa_lru_remove(lru, old);
		old->chain = *evicted;
		*evicted = old;
	}
	grow(lru);
}
