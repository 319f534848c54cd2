#include "common/strset.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/util.h"

/* Index of str, or of where it would go; *found tells which. */
static size_t search(const pa_strset *set, const char *str, bool *found)
{
	size_t lo = 0, hi = set->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(set->items[mid], str);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

int pa_strset_add(pa_strset *set, const char *str)
{
	bool found;
	size_t at = search(set, str, &found);
	char *copy;

	if (found)
		return 0;
	if (set->count == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16, bytes;
		char **p;

		if (pa_mul_overflow(&bytes, cap, sizeof(char *)) || !(p = realloc(set->items, bytes)))
			return pa_error_set(PA_ENOMEM, "out of memory growing a set");
		set->items = p;
		set->cap = cap;
	}
	if (!(copy = pa_strdup(str)))
		return PA_ENOMEM;
	memmove(set->items + at + 1, set->items + at, (set->count - at) * sizeof(char *));
	set->items[at] = copy;
	set->count++;
	return 0;
}

bool pa_strset_has(const pa_strset *set, const char *str)
{
	bool found;

	search(set, str, &found);
	return found;
}

void pa_strset_dispose(pa_strset *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++)
		free(set->items[i]);
	free(set->items);
	set->items = NULL;
	set->count = set->cap = 0;
}
