/* The engines of the SCOs being played (runtime/engines.h). */
#include "runtime/engines.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/lru.h"
#include "common/util.h"

typedef struct shelved {
	pa_lru_node node;   /* keyed by the attempt's id */
	char *sco;
	int64_t seq;
	pa_scorm *engine;
} shelved;

struct pa_engines {
	pthread_mutex_t lock;
	pa_lru lru;
};

static void shelved_free(shelved *e)
{
	if (e) {
		pa_scorm_free(e->engine);
		free(e->sco);
		free(e);
	}
}

static void free_list(pa_lru_node *n)
{
	for (pa_lru_node *next; n; n = next) {
		next = n->chain;
		shelved_free(PA_LRU_OF(n, shelved, node));
	}
}

int pa_engines_new(pa_engines **out, size_t max_bytes)
{
	pa_engines *e = calloc(1, sizeof(*e));

	*out = NULL;
	if (!e || pa_lru_init(&e->lru, max_bytes) != 0) {
		free(e);
		return pa_error_set(PA_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&e->lock, NULL);
	*out = e;
	return 0;
}

void pa_engines_free(pa_engines *e)
{
	if (!e)
		return;
	for (pa_lru_node *n = e->lru.newest, *next; n; n = next) {
		next = n->older;
		shelved_free(PA_LRU_OF(n, shelved, node));
	}
	pa_lru_dispose(&e->lru);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

pa_scorm *pa_engines_take(pa_engines *e, int64_t attempt_id, const char *sco, int64_t seq)
{
	pa_lru_node *n;
	shelved *s = NULL;
	pa_scorm *engine = NULL;

	pthread_mutex_lock(&e->lock);
	if ((n = pa_lru_find(&e->lru, attempt_id, 0)) != NULL) {
		/* Whatever it is, it leaves: either taken, or not of this commit's base. */
		pa_lru_remove(&e->lru, n);
		s = PA_LRU_OF(n, shelved, node);
	}
	pthread_mutex_unlock(&e->lock);
	if (s && s->seq == seq && !strcmp(s->sco, sco)) {
		engine = s->engine;
		s->engine = NULL;
	}
	shelved_free(s);
	return engine;
}

void pa_engines_give(pa_engines *e, int64_t attempt_id, const char *sco, int64_t seq, pa_scorm *engine,
		     size_t bytes)
{
	shelved *s = calloc(1, sizeof(*s));
	pa_lru_node *old, *evicted = NULL;

	if (!s || !(s->sco = pa_strdup(sco))) {
		free(s);
		pa_scorm_free(engine);
		return;
	}
	s->engine = engine;
	s->seq = seq;
	s->node.key = attempt_id;
	/* The engine's values twice (its table and their copies) and its fixed part. */
	s->node.bytes = sizeof(*s) + strlen(sco) + 2 * bytes + 4096;
	pthread_mutex_lock(&e->lock);
	if ((old = pa_lru_find(&e->lru, attempt_id, 0)) != NULL) {
		pa_lru_remove(&e->lru, old);
		old->chain = evicted;
		evicted = old;
	}
	pa_lru_insert(&e->lru, &s->node, &evicted);
	pthread_mutex_unlock(&e->lock);
	free_list(evicted);
}
