/* A sorted set of strings (file lists, identifiers): unique, in byte order. */
#ifndef PA_STRSET_H
#define PA_STRSET_H

#include <stdbool.h>
#include <stddef.h>

typedef struct pa_strset {
	char **items;
	size_t count;
	size_t cap;
} pa_strset;

#define PA_STRSET_INIT { NULL, 0, 0 }

/* Add a copy of str; adding one already there is a no-op. 0 or PA_ENOMEM. */
int pa_strset_add(pa_strset *set, const char *str);
bool pa_strset_has(const pa_strset *set, const char *str);
void pa_strset_dispose(pa_strset *set);

#endif
