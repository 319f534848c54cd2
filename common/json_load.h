/*
 * A strict JSON parser into jansson values, for the hot path: a commit's
 * body, parsed at every commit, is mostly one long string (suspend data)
 * that jansson's reader takes byte by byte (12 ns a byte); this one scans
 * it in one pass and copies it once. It accepts what json_loadb with
 * JSON_REJECT_DUPLICATES | JSON_DECODE_ANY accepts: RFC 8259 text,
 * well-formed UTF-8, no duplicate keys, no "\u0000", integers that fit
 * json_int_t, finite reals; nesting deeper than PA_JSON_MAX_DEPTH is
 * refused. Memory is bounded by the text's length.
 */
#ifndef PA_JSON_LOAD_H
#define PA_JSON_LOAD_H

#include <stddef.h>
#include <jansson.h>

#define PA_JSON_MAX_DEPTH 512

/*
 * The value of text (len bytes): 0 and *out (the caller's, json_decref),
 * or PA_EPARSE with why (and the byte offset) in pa_error_last(), or
 * PA_ENOMEM.
 */
int pa_json_load(json_t **out, const char *text, size_t len);

#endif
