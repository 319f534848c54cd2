#include "common/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

int pa_parse_int64(int64_t *out, const char *str, int64_t min, int64_t max)
{
	char *end;
	long long v;

	if (!str || !*str || !(*str == '-' || *str == '+' || (*str >= '0' && *str <= '9')))
		return pa_error_set(PA_EPARSE, "'%s' is not a whole number", str ? str : "");
	errno = 0;
	v = strtoll(str, &end, 10);
	if (*end)
		return pa_error_set(PA_EPARSE, "'%s' is not a whole number", str);
	if (errno == ERANGE || v < min || v > max)
		return pa_error_set(PA_ELIMIT, "%s is out of range (%lld to %lld)", str,
				    (long long)min, (long long)max);
	*out = v;
	return 0;
}

int pa_parse_double(double *out, const char *str, double min, double max)
{
	char *end;
	double v;
	const char *p;

	if (!str || !*str)
		return pa_error_set(PA_EPARSE, "empty number");
	/* Plain decimal notation only: no hex floats, inf, nan or spaces. */
	for (p = str; *p; p++) {
		if (!strchr("0123456789+-.eE", *p))
			return pa_error_set(PA_EPARSE, "'%s' is not a number", str);
	}
	errno = 0;
	v = strtod(str, &end);
	if (*end || end == str)
		return pa_error_set(PA_EPARSE, "'%s' is not a number", str);
	if (errno == ERANGE || !isfinite(v) || v < min || v > max)
		return pa_error_set(PA_ELIMIT, "%s is out of range (%g to %g)", str, min, max);
	*out = v;
	return 0;
}

char *pa_strndup(const char *str, size_t len)
{
	char *p;

	if (len == SIZE_MAX || !(p = malloc(len + 1))) {
		pa_error_set(PA_ENOMEM, "out of memory copying a string");
		return NULL;
	}
	memcpy(p, str, len);
	p[len] = '\0';
	return p;
}

char *pa_strdup(const char *str)
{
	return pa_strndup(str, strlen(str));
}

void *pa_array_push(void *arr_ptr, size_t *count, size_t elem)
{
	void **arr = arr_ptr;
	size_t n, bytes;
	char *p;

	if (pa_add_overflow(&n, *count, 1) || pa_mul_overflow(&bytes, n, elem)) {
		pa_error_set(PA_ELIMIT, "too many items");
		return NULL;
	}
	/* Grow by powers of two: reallocate only when count reaches one. */
	if ((*count & (*count - 1)) == 0) {
		size_t cap = *count ? *count * 2 : 1, cbytes;

		if (pa_mul_overflow(&cbytes, cap, elem)) {
			pa_error_set(PA_ELIMIT, "too many items");
			return NULL;
		}
		p = realloc(*arr, cbytes);
		if (!p) {
			pa_error_set(PA_ENOMEM, "out of memory growing a list");
			return NULL;
		}
		*arr = p;
	}
	p = (char *)*arr + (bytes - elem);
	memset(p, 0, elem);
	*count = n;
	return p;
}

bool pa_str_startswith(const char *str, const char *prefix)
{
	return strncmp(str, prefix, strlen(prefix)) == 0;
}

bool pa_str_endswith(const char *str, const char *suffix)
{
	size_t a = strlen(str), b = strlen(suffix);

	return a >= b && memcmp(str + a - b, suffix, b) == 0;
}

bool pa_str_endswith_nocase(const char *str, const char *suffix)
{
	size_t a = strlen(str), b = strlen(suffix), i;

	if (a < b)
		return false;
	for (i = 0; i < b; i++) {
		char x = str[a - b + i], y = suffix[i];

		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

bool pa_utf8_valid(const char *str, size_t len, size_t *bad_offset)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			n = 1; cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2; cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3; cp = c & 0x07;
		} else {
			goto bad;
		}
		if (len - i <= n)
			goto bad;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			goto bad;
		i += n + 1;
	}
	return true;
bad:
	if (bad_offset)
		*bad_offset = i;
	return false;
}

bool pa_secret_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char diff = (unsigned char)(alen != blen);
	size_t i, n = alen < blen ? alen : blen;

	for (i = 0; i < n; i++)
		diff |= (unsigned char)(x[i] ^ y[i]);
	return diff == 0;
}
