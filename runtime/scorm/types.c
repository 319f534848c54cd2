/*
 * The value checks of both data models: SCORM 2004 4th Edition RTE 4.1.1
 * (characterstring, localized_string_type, language_type,
 * long_identifier_type, real(10,7), time(second,10,0),
 * timeinterval(second,10,2), the interaction formats) and SCORM 1.2 RTE
 * 3.3.2 (CMIIdentifier, CMIDecimal, CMITimespan...). Every check reads a
 * bounded string and never allocates.
 */
#include <stdio.h>
#include <string.h>

#include "runtime/scorm/internal.h"

#define CS_PER_SECOND 100u

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool pa_scorm_utf8(const char *s, size_t len, size_t *chars)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	size_t n = 0;

	while (p < end) {
		unsigned c = *p;
		size_t k;
		unsigned cp;

		/* ASCII eight bytes at a time: suspend_data is kilobytes of it */
		while ((size_t)(end - p) >= 8) {
			uint64_t w;

			memcpy(&w, p, 8);
			if (w & 0x8080808080808080ull)
				break;
			p += 8;
			n += 8;
		}
		if (p == end)
			break;
		c = *p;
		if (c < 0x80) { p++; n++; continue; }
		if (c >= 0xC2 && c <= 0xDF) { k = 1; cp = c & 0x1F; }
		else if (c >= 0xE0 && c <= 0xEF) { k = 2; cp = c & 0x0F; }
		else if (c >= 0xF0 && c <= 0xF4) { k = 3; cp = c & 0x07; }
		else return false;
		if ((size_t)(end - p) <= k)
			return false;
		for (size_t i = 1; i <= k; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3Fu);
		}
		/* overlong forms, surrogates and beyond U+10FFFF */
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		p += k + 1;
		n++;
	}
	if (chars)
		*chars = n;
	return true;
}

static size_t chars_of(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

/* -?digits[.digits][(e|E)[+-]digits]: what JavaScript's String(number) writes. */
static bool real_slice(const char *s, size_t n, double *out)
{
	size_t i = 0;
	double v = 0, scale = 1;
	int exp = 0, esign = 1;
	bool neg = false;

	if (i < n && s[i] == '-') { neg = true; i++; }
	if (i >= n || !is_digit(s[i]))
		return false;
	while (i < n && is_digit(s[i]))
		v = v * 10 + (s[i++] - '0');
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || !is_digit(s[i]))
			return false;
		while (i < n && is_digit(s[i])) {
			scale /= 10;
			v += (s[i++] - '0') * scale;
		}
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			esign = s[i++] == '-' ? -1 : 1;
		if (i >= n || !is_digit(s[i]))
			return false;
		while (i < n && is_digit(s[i])) {
			if (exp < 1000)
				exp = exp * 10 + (s[i] - '0');
			i++;
		}
	}
	if (i != n)
		return false;
	for (; exp > 0; exp--)
		v = esign > 0 ? v * 10 : v / 10;
	if (v > 1.7e308)
		return false;
	if (out)
		*out = neg ? -v : v;
	return true;
}

bool pa_scorm_real(const char *s, double *out)
{
	return real_slice(s, strlen(s), out);
}

bool pa_scorm_sint12(const char *s, long *out)
{
	size_t i = 0, digits = 0;
	long v = 0;
	bool neg = false;

	if (s[0] == '-' || s[0] == '+') { neg = s[0] == '-'; i++; }
	for (; is_digit(s[i]); i++, digits++) {
		if (digits >= 6)
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (digits == 0 || s[i] != '\0')
		return false;
	*out = neg ? -v : v;
	return true;
}

/* Up to 9 digits, so that no sum of components overflows 64 bits. */
static bool number(const char **p, uint64_t *out)
{
	uint64_t v = 0;
	int digits = 0;

	while (is_digit(**p)) {
		if (++digits > 9)
			return false;
		v = v * 10 + (uint64_t)(**p - '0');
		(*p)++;
	}
	*out = v;
	return digits > 0;
}

/* Fraction of a second in centiseconds; digits past the second are cut. */
static bool fraction(const char **p, uint64_t *cs)
{
	int digits = 0;

	*cs = 0;
	while (is_digit(**p)) {
		if (digits < 2)
			*cs = *cs * 10 + (uint64_t)(**p - '0');
		digits++;
		(*p)++;
	}
	if (digits == 1)
		*cs *= 10;
	return digits > 0 && digits <= 20;
}

/*
 * P[nY][nM][nD][T[nH][nM][n[.n]S]]: at least one component, and T only
 * with a time component. A year counts 365 days, a month 30.
 */
bool pa_scorm_interval(const char *s, uint64_t *cs)
{
	static const struct { char unit; uint64_t seconds; } date[] = {
		{ 'Y', 365u * 86400u }, { 'M', 30u * 86400u }, { 'D', 86400u } },
		time[] = { { 'H', 3600u }, { 'M', 60u }, { 'S', 1u } };
	const char *p = s;
	uint64_t total = 0;
	size_t d = 0, t = 0;
	int parts = 0;

	if (*p++ != 'P')
		return false;
	while (is_digit(*p)) {
		uint64_t v;
		if (!number(&p, &v))
			return false;
		while (d < 3 && date[d].unit != *p)
			d++;
		if (d == 3)
			return false;
		total += v * date[d].seconds * CS_PER_SECOND;
		p++; d++; parts++;
	}
	if (*p == 'T') {
		int tparts = 0;
		p++;
		while (is_digit(*p)) {
			uint64_t v, f = 0;
			if (!number(&p, &v))
				return false;
			if (*p == '.') {
				p++;
				if (!fraction(&p, &f) || *p != 'S')
					return false;
			}
			while (t < 3 && time[t].unit != *p)
				t++;
			if (t == 3)
				return false;
			total += v * time[t].seconds * CS_PER_SECOND + f;
			p++; t++; tparts++;
		}
		if (tparts == 0)
			return false;
		parts += tparts;
	}
	if (*p != '\0' || parts == 0)
		return false;
	if (cs)
		*cs = total;
	return true;
}

static bool digits_n(const char **p, int n, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < n; i++) {
		if (!is_digit((*p)[i]))
			return false;
		v = v * 10 + (unsigned)((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool leap(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* YYYY[-MM[-DD[Thh[:mm[:ss[.s[TZD]]]]]]], years 1970 to 2038. */
bool pa_scorm_time(const char *s)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	unsigned y, mo, d, h, mi, sec, tzh, tzm;
	uint64_t frac;

	if (!digits_n(&p, 4, &y) || y < 1970 || y > 2038)
		return false;
	if (*p == '\0')
		return true;
	if (*p++ != '-' || !digits_n(&p, 2, &mo) || mo < 1 || mo > 12)
		return false;
	if (*p == '\0')
		return true;
	if (*p++ != '-' || !digits_n(&p, 2, &d) || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap(y)))
		return false;
	if (*p == '\0')
		return true;
	if (*p++ != 'T' || !digits_n(&p, 2, &h) || h > 23)
		return false;
	if (*p == '\0')
		return true;
	if (*p++ != ':' || !digits_n(&p, 2, &mi) || mi > 59)
		return false;
	if (*p == '\0')
		return true;
	if (*p++ != ':' || !digits_n(&p, 2, &sec) || sec > 59)
		return false;
	if (*p == '.') {
		p++;
		if (!fraction(&p, &frac))
			return false;
	}
	if (*p == '\0')
		return true;
	if (*p == 'Z')
		return p[1] == '\0';
	if (*p != '+' && *p != '-')
		return false;
	p++;
	if (!digits_n(&p, 2, &tzh) || tzh > 23)
		return false;
	if (*p == '\0')
		return true;
	if (*p++ != ':' || !digits_n(&p, 2, &tzm) || tzm > 59)
		return false;
	return *p == '\0';
}

/* HHHH:MM:SS[.SS]: hours of two to four digits. */
bool pa_scorm_timespan12(const char *s, uint64_t *cs)
{
	const char *p = s;
	unsigned h = 0, m, sec;
	uint64_t f = 0;
	int hd = 0;

	while (is_digit(*p)) {
		if (++hd > 4)
			return false;
		h = h * 10 + (unsigned)(*p++ - '0');
	}
	if (hd < 2 || *p++ != ':' || !digits_n(&p, 2, &m) || m > 59 ||
	    *p++ != ':' || !digits_n(&p, 2, &sec) || sec > 59)
		return false;
	if (*p == '.') {
		p++;
		if (!is_digit(*p) || !fraction(&p, &f) || p - s > 16)
			return false;
	}
	if (*p != '\0')
		return false;
	if (cs)
		*cs = ((uint64_t)h * 3600u + m * 60u + sec) * CS_PER_SECOND + f;
	return true;
}

/* HH:MM:SS[.SS], a time of day. */
bool pa_scorm_time12(const char *s)
{
	uint64_t cs;
	const char *p = s;
	unsigned h;

	if (!digits_n(&p, 2, &h) || h > 23 || *p != ':')
		return false;
	return pa_scorm_timespan12(s, &cs) && strlen(s) <= 11;
}

/* RFC 3066 / ISO 639: a primary subtag of 2 or 3 letters (or i, x),
 * then subtags of 1 to 8 letters or digits. */
static bool lang_slice(const char *s, size_t n)
{
	size_t i = 0, k = 0;

	while (i < n && is_alpha(s[i]) && k < 8) { i++; k++; }
	if (k == 0 || (k == 1 && s[0] != 'i' && s[0] != 'I' && s[0] != 'x' && s[0] != 'X') ||
	    (k > 3 && k != 0))
		return false;
	if (k == 1 && i == n)
		return false;
	while (i < n) {
		if (s[i++] != '-')
			return false;
		k = 0;
		while (i < n && (is_alpha(s[i]) || is_digit(s[i]))) { i++; k++; }
		if (k == 0 || k > 8)
			return false;
	}
	return n <= 250;
}

bool pa_scorm_lang(const char *s, size_t len)
{
	return len == 0 || lang_slice(s, len);
}

static bool lstring_slice(const char *s, size_t n, size_t spm)
{
	static const char open[] = "{lang=";
	size_t o = sizeof open - 1;

	if (n >= o && memcmp(s, open, o) == 0) {
		const char *close = memchr(s + o, '}', n - o);
		if (close) {
			if (!lang_slice(s + o, (size_t)(close - s) - o))
				return false;
			n -= (size_t)(close + 1 - s);
			s = close + 1;
		}
	}
	return chars_of(s, n) <= spm;
}

bool pa_scorm_lstring(const char *s, size_t spm)
{
	return lstring_slice(s, strlen(s), spm);
}

/* A label or a URI; a URN's namespace identifier is checked (RFC 8141). */
static bool longid_slice(const char *s, size_t n, size_t spm)
{
	size_t i, blank = 0;

	if (n == 0 || chars_of(s, n) > spm)
		return false;
	for (i = 0; i < n; i++)
		blank += is_space(s[i]);
	if (blank == n)
		return false;
	if (n >= 4 && (s[0] | 0x20) == 'u' && (s[1] | 0x20) == 'r' && (s[2] | 0x20) == 'n' && s[3] == ':') {
		size_t k = 0;
		for (i = 4; i < n && s[i] != ':'; i++, k++)
			if (!(is_alpha(s[i]) || is_digit(s[i]) || (s[i] == '-' && k > 0)))
				return false;
		if (k == 0 || k > 31 || i + 1 >= n)
			return false;
	}
	return true;
}

bool pa_scorm_longid(const char *s, size_t len, size_t spm)
{
	return longid_slice(s, len, spm);
}

/* Printable, no white space, 1 to 255 characters. */
bool pa_scorm_ident12(const char *s)
{
	size_t n = strlen(s), chars;

	if (n == 0 || !pa_scorm_utf8(s, n, &chars) || chars > 255)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7F)
			return false;
	return true;
}

bool pa_scorm_vocab(const char *words, const char *s)
{
	size_t n = strlen(s);
	const char *w = words;

	for (;;) {
		const char *bar = strchr(w, '|');
		size_t k = bar ? (size_t)(bar - w) : strlen(w);
		if (k == n && memcmp(w, s, n) == 0)
			return true;
		if (!bar)
			return false;
		w = bar + 1;
	}
}

/* ---- interaction formats (RTE 4.2.9.1, 4.2.9.2) ---- */

static const char *find(const char *s, const char *end, const char *d)
{
	size_t k = strlen(d);
	for (; (size_t)(end - s) >= k; s++)
		if (memcmp(s, d, k) == 0)
			return s;
	return NULL;
}

typedef struct { const char *p; size_t n; } slice;

/* Split [s, end) on delim into at most max items; -1 when there are more. */
static int split(const char *s, const char *end, const char *delim, slice *items, int max)
{
	int n = 0;

	for (;;) {
		const char *d = find(s, end, delim);
		if (n == max)
			return -1;
		items[n].p = s;
		items[n].n = (size_t)((d ? d : end) - s);
		n++;
		if (!d)
			return n;
		s = d + strlen(delim);
	}
}

/* An identifier inside a pattern: never one of the delimiters. */
static bool shortid(slice x)
{
	const char *end = x.p + x.n;
	return longid_slice(x.p, x.n, 250) && !find(x.p, end, "[:]") && !find(x.p, end, "[.]") &&
	       !find(x.p, end, "[,]");
}

static bool same(slice a, slice b) { return a.n == b.n && memcmp(a.p, b.p, a.n) == 0; }

/* An optional {name=true|false} at the start of a pattern. */
static bool flag(const char **s, const char *end, const char *name)
{
	size_t k = strlen(name);

	if ((size_t)(end - *s) < k || memcmp(*s, name, k) != 0)
		return true;
	*s += k;
	if ((size_t)(end - *s) >= 5 && memcmp(*s, "true}", 5) == 0)
		*s += 5;
	else if ((size_t)(end - *s) >= 6 && memcmp(*s, "false}", 6) == 0)
		*s += 6;
	else
		return false;
	return true;
}

/* min[:]max with either side empty, or a single real. */
static bool numeric_range(slice x)
{
	const char *end = x.p + x.n, *d = find(x.p, end, "[:]");
	double lo = 0, hi = 0;

	if (!d)
		return real_slice(x.p, x.n, NULL);
	if (d > x.p && !real_slice(x.p, (size_t)(d - x.p), &lo))
		return false;
	if (d + 3 < end && !real_slice(d + 3, (size_t)(end - d - 3), &hi))
		return false;
	return d == x.p || d + 3 == end || lo <= hi;
}

/* step_name[.]step_answer, one of them possibly empty. */
static bool step(slice x, bool pattern)
{
	const char *end = x.p + x.n, *d = find(x.p, end, "[.]");
	slice name, answer;

	if (!d)
		return false;
	name.p = x.p; name.n = (size_t)(d - x.p);
	answer.p = d + 3; answer.n = (size_t)(end - answer.p);
	if (name.n == 0 && answer.n == 0)
		return false;
	if (name.n > 0 && !shortid(name))
		return false;
	if (answer.n == 0 || shortid(answer))
		return true;
	return pattern ? numeric_range(answer) : real_slice(answer.p, answer.n, NULL);
}

#define ITEMS_MAX 250

static int check(const char *type, const char *s, bool pattern, const char **why)
{
	slice item[ITEMS_MAX];
	const char *end = s + strlen(s), *p = s;
	int n, max;

	*why = NULL;
	if (strcmp(type, "true-false") == 0) {
		if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
			return 0;
		*why = "a true-false value is true or false";
		return 406;
	}
	if (strcmp(type, "choice") == 0 || strcmp(type, "sequencing") == 0) {
		if (*s == '\0')
			return 0;
		n = split(s, end, "[,]", item, 36);
		if (n < 0) { *why = "more than 36 identifiers"; return 351; }
		for (int i = 0; i < n; i++) {
			if (!shortid(item[i])) { *why = "an identifier is empty or malformed"; return 406; }
			for (int j = 0; j < i && type[0] == 'c'; j++)
				if (same(item[i], item[j])) { *why = "a choice identifier is repeated"; return 406; }
		}
		return 0;
	}
	if (strcmp(type, "fill-in") == 0) {
		if (pattern && (!flag(&p, end, "{case_matters=") || !flag(&p, end, "{order_matters=") ||
		                !flag(&p, end, "{case_matters="))) {
			*why = "case_matters and order_matters take true or false";
			return 406;
		}
		n = split(p, end, "[,]", item, 10);
		if (n < 0) { *why = "more than 10 strings"; return 351; }
		for (int i = 0; i < n; i++)
			if (!lstring_slice(item[i].p, item[i].n, 250)) {
				*why = "a string is longer than 250 characters or has a bad {lang=}";
				return 406;
			}
		return 0;
	}
	if (strcmp(type, "long-fill-in") == 0) {
		if (pattern && !flag(&p, end, "{case_matters=")) {
			*why = "case_matters takes true or false";
			return 406;
		}
		if (!lstring_slice(p, (size_t)(end - p), 4000)) {
			*why = "longer than 4000 characters or a bad {lang=}";
			return 406;
		}
		return 0;
	}
	if (strcmp(type, "likert") == 0) {
		if (shortid((slice){ s, (size_t)(end - s) }) || (pattern && *s == '\0'))
			return 0;
		*why = "a likert value is one identifier";
		return 406;
	}
	if (strcmp(type, "matching") == 0) {
		n = split(s, end, "[,]", item, 36);
		if (n < 0) { *why = "more than 36 pairs"; return 351; }
		for (int i = 0; i < n; i++) {
			slice pair[3];
			if (split(item[i].p, item[i].p + item[i].n, "[.]", pair, 2) != 2 ||
			    !shortid(pair[0]) || !shortid(pair[1])) {
				*why = "a matching pair is source[.]target";
				return 406;
			}
		}
		return 0;
	}
	if (strcmp(type, "performance") == 0) {
		if (pattern && !flag(&p, end, "{order_matters=")) {
			*why = "order_matters takes true or false";
			return 406;
		}
		max = pattern ? 125 : ITEMS_MAX;
		n = split(p, end, "[,]", item, max);
		if (n < 0) { *why = "too many steps"; return 351; }
		for (int i = 0; i < n; i++)
			if (!step(item[i], pattern)) {
				*why = "a step is name[.]answer";
				return 406;
			}
		return 0;
	}
	if (strcmp(type, "numeric") == 0) {
		if (pattern ? numeric_range((slice){ s, (size_t)(end - s) }) : real_slice(s, (size_t)(end - s), NULL))
			return 0;
		*why = pattern ? "a numeric pattern is min[:]max" : "a numeric response is a real number";
		return 406;
	}
	/* other */
	if (chars_of(s, (size_t)(end - s)) <= 4000)
		return 0;
	*why = "longer than 4000 characters";
	return 406;
}

int pa_scorm_check_pattern(const char *type, const char *s, const char **why)
{
	return check(type, s, true, why);
}

int pa_scorm_check_response(const char *type, const char *s, const char **why)
{
	return check(type, s, false, why);
}

size_t pa_scorm_patterns_max(const char *type)
{
	static const struct { const char *type; size_t max; } spm[] = {
		{ "true-false", 1 }, { "choice", 10 }, { "fill-in", 5 }, { "long-fill-in", 5 },
		{ "likert", 1 }, { "matching", 5 }, { "performance", 5 }, { "sequencing", 5 },
		{ "numeric", 1 }, { "other", 1 } };

	for (size_t i = 0; i < sizeof spm / sizeof spm[0]; i++)
		if (strcmp(spm[i].type, type) == 0)
			return spm[i].max;
	return 1;
}

void pa_scorm_format_interval(uint64_t cs, char *out, size_t size)
{
	uint64_t s = cs / CS_PER_SECOND;
	unsigned frac = (unsigned)(cs % CS_PER_SECOND);

	if (frac)
		snprintf(out, size, "PT%lluH%uM%u.%02uS", (unsigned long long)(s / 3600u),
		         (unsigned)(s / 60u % 60u), (unsigned)(s % 60u), frac);
	else
		snprintf(out, size, "PT%lluH%uM%uS", (unsigned long long)(s / 3600u),
		         (unsigned)(s / 60u % 60u), (unsigned)(s % 60u));
}

void pa_scorm_format_timespan12(uint64_t cs, char *out, size_t size)
{
	uint64_t max = (9999u * 3600u + 59u * 60u + 59u) * (uint64_t)CS_PER_SECOND + 99u;
	uint64_t s;

	if (cs > max)
		cs = max;
	s = cs / CS_PER_SECOND;
	snprintf(out, size, "%04u:%02u:%02u.%02u", (unsigned)(s / 3600u), (unsigned)(s / 60u % 60u),
	         (unsigned)(s % 60u), (unsigned)(cs % CS_PER_SECOND));
}
