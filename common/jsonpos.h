/*
 * Where a value sits in a JSON text. jansson reports line and column only
 * for syntax errors; semantic errors (a missing key, a bad identifier) find
 * theirs here, by walking a path of keys and indexes through the text with
 * a small tokenizer, so a designer reads "course.json:14:7: error: ...".
 */
#ifndef PA_JSONPOS_H
#define PA_JSONPOS_H

#include <stdbool.h>
#include <stddef.h>

/* One step of a path: an object member (key set) or an array element. */
typedef struct pa_jsonpos_step {
	const char *key;   /* UTF-8, as jansson decodes it; NULL for an index */
	size_t index;
} pa_jsonpos_step;

#define PA_JSONPOS_MAX_DEPTH 16

/* A path into a document, built step by step as a parser descends. */
#define PA_JSONPATH_MAX_DEPTH 8

typedef struct pa_jsonpath {
	pa_jsonpos_step s[PA_JSONPATH_MAX_DEPTH];
	size_t n;
} pa_jsonpath;

/* base extended by one member or element (a path at the maximum depth stays as it is). */
pa_jsonpath pa_jsonpath_key(const pa_jsonpath *base, const char *key);
pa_jsonpath pa_jsonpath_index(const pa_jsonpath *base, size_t index);

/*
 * A text being searched. It remembers the last path found and the last
 * position counted, so that lookups made in document order (one per
 * question, one per answer...) cost in total about one pass over the text
 * instead of one pass each.
 */
typedef struct pa_jsonpos {
	const char *text;
	size_t len;
	size_t depth;                              /* steps of the remembered path */
	pa_jsonpos_step steps[PA_JSONPOS_MAX_DEPTH];
	char *keys[PA_JSONPOS_MAX_DEPTH];          /* copies of its keys */
	size_t at[PA_JSONPOS_MAX_DEPTH + 1];       /* at[d]: offset of the value d steps down */
	size_t key_at[PA_JSONPOS_MAX_DEPTH];       /* key_at[d]: offset of the key of step d */
	size_t counted;                            /* an offset whose line and column are known */
	unsigned line, col;
} pa_jsonpos;

void pa_jsonpos_init(pa_jsonpos *jp, const char *text, size_t len);
void pa_jsonpos_dispose(pa_jsonpos *jp);

/*
 * The 1-based line and column (counted in characters, as jansson counts)
 * where the value at path starts, or its key when want_key and the last
 * step is a key. An empty path is the root value. Returns 0, or
 * PA_ENOTFOUND (text malformed, path absent or deeper than
 * PA_JSONPOS_MAX_DEPTH) with the position of the deepest value found.
 */
int pa_jsonpos_locate(pa_jsonpos *jp, unsigned *line, unsigned *col,
		      const pa_jsonpos_step *path, size_t depth, bool want_key);

/* The same for a single lookup. */
int pa_jsonpos_find(unsigned *line, unsigned *col, const char *text, size_t len,
		    const pa_jsonpos_step *path, size_t depth, bool want_key);

/* The line and column of a byte offset. */
void pa_jsonpos_of_offset(unsigned *line, unsigned *col, const char *text, size_t len, size_t offset);

#endif
