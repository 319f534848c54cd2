/* The attempts being played, in memory (runtime/attempt_cache.h). */
#include "runtime/attempt_cache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/lru.h"
#include "common/util.h"

typedef struct entry {
	pa_lru_node node;            /* keyed by the attempt's id */
	pa_store_attempt a;          /* owned; a SCO's state NULL when not known here */
} entry;

struct pa_attempt_cache {
	pthread_mutex_t lock;
	pa_lru lru;
	uint64_t hits, misses;
};

static size_t text_bytes(const void *p, size_t len)
{
	return p ? len + 1 : 0;
}

static size_t entry_bytes(const entry *e)
{
	const pa_store_attempt *a = &e->a;
	size_t n = sizeof(*e) + text_bytes(a->state, a->state_len) + a->nscos * sizeof(*a->scos);

	n += a->completion_status ? strlen(a->completion_status) + 1 : 0;
	n += a->success_status ? strlen(a->success_status) + 1 : 0;
	for (size_t i = 0; i < a->nscos; i++)
		n += strlen(a->scos[i].id) + 1 + text_bytes(a->scos[i].state, a->scos[i].state_len);
	return n;
}

static int dup_bytes(unsigned char **out, const unsigned char *p, size_t len)
{
	*out = NULL;
	if (!p)
		return 0;
	if (!(*out = malloc(len + 1)))
		return pa_error_set(PA_ENOMEM, "out of memory");
	memcpy(*out, p, len);
	(*out)[len] = '\0';
	return 0;
}

static int dup_text(char **out, const char *s)
{
	*out = NULL;
	if (s && !(*out = pa_strdup(s)))
		return pa_error_set(PA_ENOMEM, "out of memory");
	return 0;
}

/* The states a read of sco returns: every one (sco NULL), else sco's and those not summed up. */
static bool wanted(const pa_store_sco *row, const char *sco)
{
	return !sco || !strcmp(row->id, sco) || !row->summarized;
}

/* A deep copy of in; with sco given (not all), only the states a read of sco returns. */
static int attempt_copy(pa_store_attempt *out, const pa_store_attempt *in, bool all, const char *sco)
{
	int rc;

	*out = *in;
	out->completion_status = out->success_status = NULL;
	out->state = NULL;
	out->scos = NULL;
	out->nscos = 0;
	if ((rc = dup_text(&out->completion_status, in->completion_status)) != 0 ||
	    (rc = dup_text(&out->success_status, in->success_status)) != 0 ||
	    (rc = dup_bytes(&out->state, in->state, in->state_len)) != 0)
		goto done;
	for (size_t i = 0; i < in->nscos; i++) {
		/* pa_array_push's growth, as apply() adds rows with it */
		pa_store_sco *row = pa_array_push(&out->scos, &out->nscos, sizeof(*out->scos));

		if (!row) {
			rc = PA_ENOMEM;
			goto done;
		}
		*row = in->scos[i];
		row->id = NULL;
		row->state = NULL;
		if ((rc = dup_text(&row->id, in->scos[i].id)) != 0)
			goto done;
		if ((all || wanted(&in->scos[i], sco)) &&
		    (rc = dup_bytes(&row->state, in->scos[i].state, in->scos[i].state_len)) != 0)
			goto done;
		if (!row->state)
			row->state_len = 0;
	}
done:
	if (rc)
		pa_store_attempt_dispose(out);
	return rc;
}

static entry *find(pa_attempt_cache *c, int64_t id, int touch)
{
	pa_lru_node *n = pa_lru_find(&c->lru, id, touch);

	return n ? PA_LRU_OF(n, entry, node) : NULL;
}

static void entry_free(entry *e)
{
	if (e) {
		pa_store_attempt_dispose(&e->a);
		free(e);
	}
}

/* Free what the bound pushed out, outside the lock. */
static void free_evicted(pa_lru_node *n)
{
	for (pa_lru_node *next; n; n = next) {
		next = n->chain;
		entry_free(PA_LRU_OF(n, entry, node));
	}
}

/* Put e in, sized, as the most recent. */
static void insert(pa_attempt_cache *c, entry *e, pa_lru_node **evicted)
{
	e->node.key = e->a.id;
	e->node.bytes = entry_bytes(e);
	pa_lru_insert(&c->lru, &e->node, evicted);
}

int pa_attempt_cache_new(pa_attempt_cache **out, size_t max_bytes)
{
	pa_attempt_cache *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c || pa_lru_init(&c->lru, max_bytes) != 0) {
		free(c);
		return pa_error_set(PA_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

void pa_attempt_cache_free(pa_attempt_cache *c)
{
	if (!c)
		return;
	for (pa_lru_node *n = c->lru.newest, *next; n; n = next) {
		next = n->older;
		entry_free(PA_LRU_OF(n, entry, node));
	}
	pa_lru_dispose(&c->lru);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int pa_attempt_cache_get(pa_store_attempt *out, pa_attempt_cache *c, int64_t attempt_id, const char *sco)
{
	entry *e;
	int rc = PA_ENOTFOUND;

	pthread_mutex_lock(&c->lock);
	if ((e = find(c, attempt_id, 1)) != NULL) {
		for (size_t i = 0; e && i < e->a.nscos; i++)
			if (!e->a.scos[i].state && wanted(&e->a.scos[i], sco))
				e = NULL;   /* a state this read wants is not here */
	}
	if (e && (rc = attempt_copy(out, &e->a, false, sco)) == 0) {
		c->hits++;
	} else {
		c->misses++;
		rc = PA_ENOTFOUND;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

void pa_attempt_cache_put(pa_attempt_cache *c, const pa_store_attempt *a)
{
	entry *e = calloc(1, sizeof(*e)), *old;
	pa_lru_node *evicted = NULL;

	if (!e || attempt_copy(&e->a, a, true, NULL) != 0) {
		free(e);
		return;
	}
	pthread_mutex_lock(&c->lock);
	if ((old = find(c, a->id, 0)) != NULL) {
		if (old->a.last_seq > a->last_seq) {
			/* A commit landed since this was read: the cache is ahead. */
			pthread_mutex_unlock(&c->lock);
			entry_free(e);
			return;
		}
		if (old->a.last_seq == a->last_seq) {
			/* The same commit's state: keep the states this read left out. */
			for (size_t i = 0; i < e->a.nscos; i++) {
				pa_store_sco *row = &e->a.scos[i];

				for (size_t j = 0; j < old->a.nscos && !row->state; j++) {
					if (old->a.scos[j].state && !strcmp(old->a.scos[j].id, row->id)) {
						row->state = old->a.scos[j].state;
						row->state_len = old->a.scos[j].state_len;
						old->a.scos[j].state = NULL;
					}
				}
			}
		}
		pa_lru_remove(&c->lru, &old->node);
		old->node.chain = evicted;
		evicted = &old->node;
	}
	insert(c, e, &evicted);
	pthread_mutex_unlock(&c->lock);
	free_evicted(evicted);
}

/* Commit m onto the attempt a (at m->seq - 1). */
static int apply(pa_store_attempt *a, const pa_store_commit *m, int64_t now)
{
	int rc;

	if (m->state) {
		unsigned char *state;

		if ((rc = dup_bytes(&state, m->state, m->state_len)) != 0)
			return rc;
		free(a->state);
		a->state = state;
		a->state_len = m->state_len;
	}
	if (m->completion_status) {
		char *s;

		if ((rc = dup_text(&s, m->completion_status)) != 0)
			return rc;
		free(a->completion_status);
		a->completion_status = s;
	}
	if (m->success_status) {
		char *s;

		if ((rc = dup_text(&s, m->success_status)) != 0)
			return rc;
		free(a->success_status);
		a->success_status = s;
	}
	if (m->has_score) {
		a->has_score = true;
		a->score_scaled = m->score_scaled;
	}
	a->suspended = m->suspended;
	a->last_seq = m->seq;
	a->updated = now;
	for (size_t i = 0; i < m->nscos; i++) {
		const pa_store_sco *in = &m->scos[i];
		pa_store_sco *row = NULL;
		unsigned char *state;

		for (size_t j = 0; j < a->nscos && !row; j++)
			if (!strcmp(a->scos[j].id, in->id))
				row = &a->scos[j];
		if ((rc = dup_bytes(&state, in->state, in->state_len)) != 0)
			return rc;
		if (!row) {
			if (!(row = pa_array_push(&a->scos, &a->nscos, sizeof(*a->scos)))) {
				free(state);
				return pa_error_set(PA_ENOMEM, "out of memory");
			}
			memset(row, 0, sizeof(*row));
			if ((rc = dup_text(&row->id, in->id)) != 0) {
				a->nscos--;
				free(state);
				return rc;
			}
		}
		free(row->state);
		row->state = state;
		row->state_len = in->state_len;
		row->summarized = true;
		memcpy(row->completion_status, in->completion_status, sizeof(row->completion_status));
		memcpy(row->success_status, in->success_status, sizeof(row->success_status));
		row->has_score = in->has_score;
		row->score_scaled = in->score_scaled;
	}
	return 0;
}

void pa_attempt_cache_commit(pa_attempt_cache *c, const pa_store_commit *m, int64_t now)
{
	pa_lru_node *evicted = NULL;
	entry *e;

	pthread_mutex_lock(&c->lock);
	if ((e = find(c, m->attempt_id, 0)) != NULL) {
		pa_lru_remove(&c->lru, &e->node);
		/* Any other base than the state the commit was replayed on, or a
		 * failure half-way, and the attempt is read from the store again. */
		if (e->a.last_seq + 1 != m->seq || apply(&e->a, m, now) != 0) {
			e->node.chain = evicted;
			evicted = &e->node;
		} else {
			insert(c, e, &evicted);
		}
	}
	pthread_mutex_unlock(&c->lock);
	free_evicted(evicted);
}

void pa_attempt_cache_drop(pa_attempt_cache *c, int64_t attempt_id)
{
	entry *e;

	pthread_mutex_lock(&c->lock);
	if ((e = find(c, attempt_id, 0)) != NULL)
		pa_lru_remove(&c->lru, &e->node);
	pthread_mutex_unlock(&c->lock);
	entry_free(e);
}

void pa_attempt_cache_stats_get(pa_attempt_cache_stats *out, pa_attempt_cache *c)
{
	pthread_mutex_lock(&c->lock);
	out->hits = c->hits;
	out->misses = c->misses;
	out->attempts = c->lru.count;
	out->bytes = c->lru.bytes;
	pthread_mutex_unlock(&c->lock);
}
