/*
 * Differential fuzzing of common/jsonpos: for every value of a JSON text
 * (as jansson reads it), a remembering context must give the same position
 * as a fresh single lookup, whatever the order of the lookups.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonpos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PATHS 256

typedef struct walk {
	pa_jsonpos_step paths[MAX_PATHS][PA_JSONPOS_MAX_DEPTH];
	size_t depths[MAX_PATHS];
	size_t count;
	pa_jsonpos_step cur[PA_JSONPOS_MAX_DEPTH];
} walk;

static void collect(walk *w, json_t *v, size_t depth)
{
	const char *key;
	json_t *child;
	size_t i;

	if (w->count == MAX_PATHS)
		return;
	memcpy(w->paths[w->count], w->cur, sizeof(w->cur));
	w->depths[w->count++] = depth;
	if (depth == PA_JSONPOS_MAX_DEPTH)
		return;
	if (json_is_object(v)) {
		json_object_foreach(v, key, child) {
			w->cur[depth].key = key;
			w->cur[depth].index = 0;
			collect(w, child, depth + 1);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child) {
			w->cur[depth].key = NULL;
			w->cur[depth].index = i;
			collect(w, child, depth + 1);
		}
	}
}

static void check(pa_jsonpos *jp, const walk *w, size_t k, bool key, const char *text, size_t len)
{
	unsigned l1, c1, l2, c2;
	int rc1 = pa_jsonpos_locate(jp, &l1, &c1, w->paths[k], w->depths[k], key);
	int rc2 = pa_jsonpos_find(&l2, &c2, text, len, w->paths[k], w->depths[k], key);

	/* jansson found the value, so must we; and both ways agree. */
	if (rc1 != 0 || rc2 != 0 || l1 != l2 || c1 != c2)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	walk *w;
	json_t *doc;
	pa_jsonpos jp;

	doc = json_loadb(text, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
	if (!doc)
		return 0;
	if (!(w = calloc(1, sizeof(*w))))
		abort();
	collect(w, doc, 0);
	pa_jsonpos_init(&jp, text, size);
	for (size_t k = 0; k < w->count; k++)
		check(&jp, w, k, k % 3 == 0, text, size);
	for (size_t k = w->count; k-- > 0;)
		check(&jp, w, k, k % 2 == 0, text, size);
	for (size_t k = 0; k < w->count; k++)
		check(&jp, w, (k * 7919) % w->count, false, text, size);
	pa_jsonpos_dispose(&jp);
	free(w);
	json_decref(doc);
	return 0;
}
