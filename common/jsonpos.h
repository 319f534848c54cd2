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

/*
 * The 1-based line and column (counted in characters, as jansson counts)
 * where the value at path starts, or its key when want_key and the last
 * step is a key. An empty path is the root value. Returns 0, or
 * PA_ENOTFOUND (text malformed or path absent) with the position of the
 * deepest value found on the way.
 */
int pa_jsonpos_find(unsigned *line, unsigned *col, const char *text, size_t len,
		    const pa_jsonpos_step *path, size_t depth, bool want_key);

/* The line and column of a byte offset. */
void pa_jsonpos_of_offset(unsigned *line, unsigned *col, const char *text, size_t len, size_t offset);

#endif
