/* Small helpers every module needs: checked arithmetic, strict number
 * parsing, string duplication, UTF-8 checks, constant-time comparison. */
#ifndef PA_UTIL_H
#define PA_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PA_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Return true on overflow (the result is then unspecified). */
static inline bool pa_add_overflow(size_t *out, size_t a, size_t b)
{
	return __builtin_add_overflow(a, b, out);
}

static inline bool pa_mul_overflow(size_t *out, size_t a, size_t b)
{
	return __builtin_mul_overflow(a, b, out);
}

/* Strict parsing: the whole string must be the number, no leading space,
 * no trailing garbage, within [min, max]. Errors are PA_EPARSE or PA_ELIMIT. */
int pa_parse_int64(int64_t *out, const char *str, int64_t min, int64_t max);
int pa_parse_double(double *out, const char *str, double min, double max);

/* strdup/strndup that set the error detail on failure. */
char *pa_strdup(const char *str);
char *pa_strndup(const char *str, size_t len);

/* Growable arrays: grow *arr (of *count items of size elem) to hold one
 * more; returns a pointer to the new zeroed item or NULL (PA_ENOMEM set). */
void *pa_array_push(void *arr_ptr, size_t *count, size_t elem);

bool pa_str_startswith(const char *str, const char *prefix);
bool pa_str_endswith(const char *str, const char *suffix);
/* ASCII case-insensitive suffix test, for file extensions. */
bool pa_str_endswith_nocase(const char *str, const char *suffix);

/* Well-formed UTF-8 (no overlongs, surrogates or code points over U+10FFFF).
 * On failure *bad_offset (if not NULL) is the offset of the first bad byte. */
bool pa_utf8_valid(const char *str, size_t len, size_t *bad_offset);

/* Compare secrets without leaking where they differ. */
bool pa_secret_equal(const void *a, size_t alen, const void *b, size_t blen);

#endif
