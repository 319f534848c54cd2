/*
 * Persistence: the engine as text, one fact per line, so that a stored
 * attempt can be read (and diffed) by a person and parsed strictly.
 *
 *   passerelle-scorm-state 1
 *   version 2004                    1.2 or 2004
 *   phase running                   not-initialized, running or terminated
 *   entry resume                    cmi.entry of the session: ab-initio, resume or empty
 *   total-time 123456               cmi.total_time in centiseconds
 *   set cmi.location page-3         one line per value: element, one space, value
 *   set cmi.interactions.0.id q1
 *   end
 *
 * Values are UTF-8; the bytes 0x00-0x1F, 0x7F and the backslash are
 * written \xHH (uppercase hex) and no other byte may be. Values come in
 * key order (collection records together, identifiers first), each line
 * exactly once, and import refuses anything else: an unknown line, a
 * missing or repeated one, a non-canonical escape, a value the data model
 * refuses, a size over the limits. The counts (_count) follow from the
 * records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/scorm/engine.h"

#define STATE_MAGIC "passerelle-scorm-state 1"

typedef struct sbuf {
	char *p;
	size_t len, cap, max;
	int error;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
	if (b->error)
		return;
	if (n > b->max - b->len) {
		b->error = PA_SCORM_ELIMIT;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;
		while (cap < b->len + n + 1)
			cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->error = PA_SCORM_ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

static bool must_escape(unsigned char c) { return c < 0x20 || c == 0x7F || c == '\\'; }

static void sb_escaped(sbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
		if (!must_escape(c))
			continue;
		sb_put(b, s + start, i - start);
		sb_put(b, esc, 4);
		start = i + 1;
	}
	sb_put(b, s + start, n - start);
}

/* The element name of a key: the row's path with its indices. */
static void sb_path(sbuf *b, const pa_scorm *s, uint64_t key)
{
	const char *p = s->model[(key & 0xFFFFFu) - 1].path;
	unsigned idx[2] = { (unsigned)(key >> 40), (unsigned)((key >> 20) & 0xFFFFFu) };
	int k = 0;
	char num[12];

	while (*p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (n == 1 && *p == 'n' && k < 2) {
			unsigned v = idx[k++];
			int d = 0;
			char tmp[12];
			do { tmp[d++] = (char)('0' + v % 10); v /= 10; } while (v);
			for (int i = 0; i < d; i++)
				num[i] = tmp[d - 1 - i];
			sb_put(b, num, (size_t)d);
		} else {
			sb_put(b, p, n);
		}
		if (!dot)
			break;
		sb_put(b, ".", 1);
		p = dot + 1;
	}
}

static int cmp_key(const void *a, const void *b)
{
	uint64_t x = (*(pa_scorm_entry *const *)a)->key, y = (*(pa_scorm_entry *const *)b)->key;
	return x < y ? -1 : x > y;
}

int pa_scorm_export(const pa_scorm *s, char **out, size_t *len)
{
	static const char *const phases[] = { "not-initialized", "running", "terminated" };
	sbuf b = { NULL, 0, 0, 0, 0 };
	pa_scorm_entry **v = NULL;
	size_t n = 0;
	char num[24];
	int d = 0, rc;
	uint64_t t = s->total_cs;

	*out = NULL;
	if (len)
		*len = 0;
	b.max = s->lim.state_max > (SIZE_MAX - 65536) / 4 ? SIZE_MAX : s->lim.state_max * 4 + 65536;
	if (s->used) {
		v = malloc(s->used * sizeof *v);
		if (!v)
			return PA_SCORM_ENOMEM;
	}
	for (size_t i = 0; i < s->cap; i++)
		if (s->tab[i].key && s->tab[i].val)
			v[n++] = &s->tab[i];
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_key);

	sb_puts(&b, STATE_MAGIC "\nversion ");
	sb_puts(&b, s->version == PA_SCORM_12 ? "1.2" : "2004");
	sb_puts(&b, "\nphase ");
	sb_puts(&b, phases[s->phase]);
	sb_puts(&b, "\nentry ");
	sb_puts(&b, s->entry);
	sb_puts(&b, "\ntotal-time ");
	do { num[d++] = (char)('0' + t % 10); t /= 10; } while (t);
	while (d)
		sb_put(&b, &num[--d], 1);
	sb_puts(&b, "\n");
	for (size_t i = 0; i < n; i++) {
		sb_puts(&b, "set ");
		sb_path(&b, s, v[i]->key);
		sb_put(&b, " ", 1);
		sb_escaped(&b, v[i]->val, v[i]->len);
		sb_put(&b, "\n", 1);
	}
	sb_puts(&b, "end\n");
	free(v);
	rc = b.error;
	if (rc) {
		free(b.p);
		return rc;
	}
	*out = b.p;
	if (len)
		*len = b.len;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1; /* lowercase is not canonical */
}

/* Decode [p, end) into dst (at least end - p + 1 bytes). */
static bool unescape(const char *p, const char *end, char *dst)
{
	while (p < end) {
		if (*p == '\\') {
			int hi, lo;
			if (end - p < 4 || p[1] != 'x' || (hi = hexval(p[2])) < 0 || (lo = hexval(p[3])) < 0)
				return false;
			unsigned char c = (unsigned char)(hi << 4 | lo);
			if (!must_escape(c) || c == 0)
				return false;
			*dst++ = (char)c;
			p += 4;
		} else {
			if (must_escape((unsigned char)*p))
				return false;
			*dst++ = *p++;
		}
	}
	*dst = '\0';
	return true;
}

static bool starts(const char *line, size_t n, const char *word)
{
	size_t k = strlen(word);
	return n >= k && memcmp(line, word, k) == 0;
}

#define FAIL(code, ...) do { rc = (code); snprintf(diag, sizeof diag, __VA_ARGS__); goto done; } while (0)

int pa_scorm_import(pa_scorm **out, const char *data, size_t len, const pa_scorm_limits *limits,
                    char *why, size_t why_size)
{
	pa_scorm *s = NULL;
	const char *p = data, *end = data + len;
	char *tmp = NULL, *name = NULL;
	char diag[PA_SCORM_DIAG_MAX + 1] = "";
	pa_scorm_phase phase = PA_SCORM_NOT_INITIALIZED;
	pa_scorm_version version;
	uint64_t prev = 0;
	size_t lineno = 0, max;
	int rc = 0, step = 0;

	*out = NULL;
	max = limits && limits->state_max ? limits->state_max : (size_t)4 << 20;
	if (!data || len > (max > (SIZE_MAX - 65536) / 4 ? SIZE_MAX : max * 4 + 65536))
		FAIL(PA_SCORM_ELIMIT, "the state is larger than its limit");
	if (memchr(data, '\0', len))
		FAIL(PA_SCORM_EPARSE, "the state holds a NUL byte");
	tmp = malloc(len + 1);
	name = malloc(len + 1);
	if (!tmp || !name) {
		rc = PA_SCORM_ENOMEM;
		goto done;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n;
		if (!nl)
			FAIL(PA_SCORM_EPARSE, "line %zu: no end of line", lineno + 1);
		n = (size_t)(nl - p);
		lineno++;
		if (step == 0) {
			if (n != sizeof STATE_MAGIC - 1 || memcmp(p, STATE_MAGIC, n) != 0)
				FAIL(PA_SCORM_EPARSE, "not a passerelle SCORM state (version 1)");
			step++;
		} else if (step == 1) {
			if (n == 11 && memcmp(p, "version 1.2", 11) == 0)
				version = PA_SCORM_12;
			else if (n == 12 && memcmp(p, "version 2004", 12) == 0)
				version = PA_SCORM_2004;
			else
				FAIL(PA_SCORM_EPARSE, "line %zu: version 1.2 or version 2004 expected", lineno);
			rc = pa_scorm_new(&s, version, limits);
			if (rc)
				goto done;
			step++;
		} else if (step == 2) {
			if (n == 21 && memcmp(p, "phase not-initialized", 21) == 0)
				phase = PA_SCORM_NOT_INITIALIZED;
			else if (n == 13 && memcmp(p, "phase running", 13) == 0)
				phase = PA_SCORM_RUNNING;
			else if (n == 16 && memcmp(p, "phase terminated", 16) == 0)
				phase = PA_SCORM_TERMINATED;
			else
				FAIL(PA_SCORM_EPARSE, "line %zu: phase expected", lineno);
			step++;
		} else if (step == 3) {
			if (!starts(p, n, "entry ") || !unescape(p + 6, nl, tmp) ||
			    !pa_scorm_vocab("ab-initio|resume|", tmp))
				FAIL(PA_SCORM_EPARSE, "line %zu: entry ab-initio, resume or nothing expected", lineno);
			memcpy(s->entry, tmp, strlen(tmp) + 1);
			step++;
		} else if (step == 4) {
			uint64_t t = 0;
			if (!starts(p, n, "total-time ") || n == 11 || n > 11 + 15 || (n > 12 && p[11] == '0'))
				FAIL(PA_SCORM_EPARSE, "line %zu: total-time in centiseconds expected", lineno);
			for (size_t i = 11; i < n; i++) {
				if (p[i] < '0' || p[i] > '9')
					FAIL(PA_SCORM_EPARSE, "line %zu: total-time in centiseconds expected", lineno);
				t = t * 10 + (uint64_t)(p[i] - '0');
			}
			s->total_cs = t;
			step++;
		} else if (n == 3 && memcmp(p, "end", 3) == 0) {
			if (nl + 1 != end)
				FAIL(PA_SCORM_EPARSE, "line %zu: text after end", lineno);
			step = -1;
			break;
		} else if (starts(p, n, "set ")) {
			const char *sp = memchr(p + 4, ' ', n - 4);
			uint64_t key = 0;
			if (!sp || sp == p + 4)
				FAIL(PA_SCORM_EPARSE, "line %zu: set <element> <value> expected", lineno);
			memcpy(name, p + 4, (size_t)(sp - p - 4));
			name[sp - p - 4] = '\0';
			if (!unescape(sp + 1, nl, tmp))
				FAIL(PA_SCORM_EPARSE, "line %zu: bad escape or control character", lineno);
			if (pa_scorm_set_internal(s, name, tmp, &key) != 0)
				FAIL(PA_SCORM_EINVALID, "line %zu: %.200s", lineno, s->lms_diag);
			if (key <= prev)
				FAIL(PA_SCORM_EPARSE, "line %zu: values out of order or repeated", lineno);
			prev = key;
		} else {
			FAIL(PA_SCORM_EPARSE, "line %zu: unknown line", lineno);
		}
		p = nl + 1;
	}
	if (step != -1)
		FAIL(PA_SCORM_EPARSE, "the state ends before its end line");
	s->phase = phase;
	s->lms_diag[0] = '\0';
	*out = s;
	s = NULL;
done:
	if (s)
		pa_scorm_free(s);
	free(tmp);
	free(name);
	if (why && why_size)
		snprintf(why, why_size, "%s", rc ? diag : "");
	return rc;
}
