/*
 * The engine: the API state machine, element lookup and the rules of both
 * standards (access, collections, dependencies, evaluation), interpreting
 * the tables of model.c. Values live in one open-addressing table keyed by
 * (first index, second index, table row), so a record's values sort
 * together and in table order (what export relies on).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/scorm/engine.h"

#define V(s, c2004, c12) ((s)->version == PA_SCORM_12 ? (c12) : (c2004))
#define ENTRY_OVERHEAD 32u  /* bytes counted against state_max per value */

/* ---- the value table ---- */

static uint64_t hash64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

pa_scorm_entry *pa_scorm_find(const pa_scorm *s, uint64_t key)
{
	size_t mask = s->cap - 1, i;

	if (s->cap == 0)
		return NULL;
	for (i = hash64(key) & mask;; i = (i + 1) & mask) {
		if (s->tab[i].key == key)
			return &s->tab[i];
		if (s->tab[i].key == 0)
			return NULL;
	}
}

static int grow(pa_scorm *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64, mask = cap - 1;
	pa_scorm_entry *tab;

	if (cap > SIZE_MAX / sizeof *tab)
		return PA_SCORM_ENOMEM;
	tab = calloc(cap, sizeof *tab);
	if (!tab)
		return PA_SCORM_ENOMEM;
	for (size_t j = 0; j < s->cap; j++) {
		size_t i;
		if (s->tab[j].key == 0)
			continue;
		for (i = hash64(s->tab[j].key) & mask; tab[i].key != 0; i = (i + 1) & mask)
			;
		tab[i] = s->tab[j];
	}
	free(s->tab);
	s->tab = tab;
	s->cap = cap;
	return 0;
}

static pa_scorm_entry *slot(pa_scorm *s, uint64_t key)
{
	pa_scorm_entry *e = pa_scorm_find(s, key);
	size_t mask, i;

	if (e)
		return e;
	if ((s->used + 1) * 2 > s->cap && grow(s) != 0)
		return NULL;
	mask = s->cap - 1;
	for (i = hash64(key) & mask; s->tab[i].key != 0; i = (i + 1) & mask)
		;
	s->tab[i].key = key;
	s->used++;
	return &s->tab[i];
}

/* Store a copy of val; PA_SCORM_ELIMIT past state_max. */
static int put(pa_scorm *s, uint64_t key, const char *val, size_t len)
{
	pa_scorm_entry *e = pa_scorm_find(s, key);
	size_t old = e && e->val ? e->len : 0;
	size_t bytes = s->bytes - old + len + (e && e->val ? 0 : ENTRY_OVERHEAD);
	char *copy;

	if (len > UINT32_MAX || bytes > s->lim.state_max)
		return PA_SCORM_ELIMIT;
	if (e && e->val && e->len == len) { /* same size: no allocation (the hot path) */
		memcpy(e->val, val, len);
		return 0;
	}
	copy = malloc(len + 1);
	if (!copy)
		return PA_SCORM_ENOMEM;
	memcpy(copy, val, len);
	copy[len] = '\0';
	e = slot(s, key);
	if (!e) {
		free(copy);
		return PA_SCORM_ENOMEM;
	}
	free(e->val);
	e->val = copy;
	e->len = (uint32_t)len;
	s->bytes = bytes;
	return 0;
}

static uint32_t count_of(const pa_scorm *s, int coll, unsigned parent)
{
	pa_scorm_entry *e = pa_scorm_find(s, PA_SCORM_COUNT_KEY(coll, parent));
	return e ? e->len : 0;
}

static int count_inc(pa_scorm *s, int coll, unsigned parent)
{
	pa_scorm_entry *e = slot(s, PA_SCORM_COUNT_KEY(coll, parent));
	if (!e)
		return PA_SCORM_ENOMEM;
	e->len++;
	return 0;
}

static void table_dispose(pa_scorm *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->tab[i].val);
	free(s->tab);
	s->tab = NULL;
	s->cap = s->used = s->bytes = 0;
}

/* ---- element lookup ---- */

static uint32_t fnv(const char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

static int row_by_path(const pa_scorm *s, const char *p, size_t n)
{
	uint32_t i = fnv(p, n) & (PA_SCORM_LOOKUP - 1);

	for (;; i = (i + 1) & (PA_SCORM_LOOKUP - 1)) {
		int row = s->lookup[i] - 1;
		if (row < 0)
			return -1;
		if (strncmp(s->model[row].path, p, n) == 0 && s->model[row].path[n] == '\0')
			return row;
	}
}

/*
 * Resolve an element name: indices become "n" and are kept. Leading zeros
 * and indices past 9 digits are undefined elements, not aliases.
 */
/* Is norm (a normalized name) an element or the parent of one? */
static bool known_prefix(const pa_scorm *s, const char *norm, size_t n)
{
	for (size_t i = 0; i < s->nmodel; i++) {
		const char *p = s->model[i].path;
		if (!(s->model[i].flags & PA_F_HIDDEN) && strncmp(p, norm, n) == 0 &&
		    (p[n] == '\0' || p[n] == '.'))
			return true;
	}
	return false;
}

static bool normalize(const char *path, pa_scorm_ref *r, char *norm, size_t *normlen)
{
	size_t n = 0;
	const char *p = path;

	r->nidx = 0;
	r->row = -1;
	while (*p) {
		const char *end = strchr(p, '.');
		size_t k = end ? (size_t)(end - p) : strlen(p);
		bool digits = k > 0;

		for (size_t i = 0; i < k && digits; i++)
			digits = p[i] >= '0' && p[i] <= '9';
		if (digits) {
			unsigned v = 0;
			if ((k > 1 && p[0] == '0') || k > 9 || r->nidx == 2)
				return false;
			for (size_t i = 0; i < k; i++)
				v = v * 10 + (unsigned)(p[i] - '0');
			if (v >= PA_SCORM_INDEX_MAX)
				return false;
			r->idx[r->nidx++] = v;
			p = "n";
			k = 1;
		}
		if (k == 0 || n + k + 1 >= PA_SCORM_PATH_MAX)
			return false;
		memcpy(norm + n, p, k);
		n += k;
		if (!end)
			break;
		norm[n++] = '.';
		p = end + 1;
		if (*p == '\0')
			return false;
	}
	norm[n] = '\0';
	*normlen = n;
	return true;
}

static bool resolve(const pa_scorm *s, const char *path, pa_scorm_ref *r, char *norm, size_t *normlen)
{
	if (!normalize(path, r, norm, normlen))
		return false;
	r->row = row_by_path(s, norm, *normlen);
	return r->row >= 0;
}

/* Does el end with a keyword (_children, _count, _version)
 * after the name of an element or of a parent of elements? */
static bool keyword_after_known(const pa_scorm *s, const char *el, const char **kw)
{
	static const char *const words[] = { "._children", "._count", "._version" };
	char prefix[PA_SCORM_PATH_MAX], norm[PA_SCORM_PATH_MAX];
	size_t len = strlen(el), n;
	pa_scorm_ref r;

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		size_t k = strlen(words[i]);
		if (len <= k || len - k >= sizeof prefix || strcmp(el + len - k, words[i]) != 0)
			continue;
		memcpy(prefix, el, len - k);
		prefix[len - k] = '\0';
		*kw = words[i] + 2;
		return normalize(prefix, &r, norm, &n) && known_prefix(s, norm, n);
	}
	return false;
}

/* The collections an element's indices walk through. */
static void path_colls(const pa_scorm_elem *e, int nidx, int colls[2])
{
	int c = e->type == PA_T_COUNT ? pa_scorm_coll_parent(e->coll) : e->coll;

	if (nidx == 2) {
		colls[0] = pa_scorm_coll_parent(c);
		colls[1] = c;
	} else {
		colls[0] = c;
		colls[1] = PA_C_NONE;
	}
}

uint64_t pa_scorm_key(int row, unsigned i1, unsigned i2)
{
	return ((uint64_t)i1 << 40) | ((uint64_t)i2 << 20) | (uint64_t)(row + 1);
}

static const char *stored(const pa_scorm *s, int row, unsigned i1, unsigned i2)
{
	pa_scorm_entry *e;
	if (row < 0)
		return NULL;
	e = pa_scorm_find(s, pa_scorm_key(row, i1, i2));
	return e ? e->val : NULL;
}

/* ---- errors ---- */

typedef struct { int code; const char *text; } errtext;

static const errtext errors2004[] = {
	{ 0, "No Error" }, { 101, "General Exception" }, { 102, "General Initialization Failure" },
	{ 103, "Already Initialized" }, { 104, "Content Instance Terminated" },
	{ 111, "General Termination Failure" }, { 112, "Termination Before Initialization" },
	{ 113, "Termination After Termination" }, { 122, "Retrieve Data Before Initialization" },
	{ 123, "Retrieve Data After Termination" }, { 132, "Store Data Before Initialization" },
	{ 133, "Store Data After Termination" }, { 142, "Commit Before Initialization" },
	{ 143, "Commit After Termination" }, { 201, "General Argument Error" },
	{ 301, "General Get Failure" }, { 351, "General Set Failure" }, { 391, "General Commit Failure" },
	{ 401, "Undefined Data Model Element" }, { 402, "Unimplemented Data Model Element" },
	{ 403, "Data Model Element Value Not Initialized" }, { 404, "Data Model Element Is Read Only" },
	{ 405, "Data Model Element Is Write Only" }, { 406, "Data Model Element Type Mismatch" },
	{ 407, "Data Model Element Value Out Of Range" }, { 408, "Data Model Dependency Not Established" },
	{ -1, NULL } };

static const errtext errors12[] = {
	{ 0, "No error" }, { 101, "General exception" }, { 201, "Invalid argument error" },
	{ 202, "Element cannot have children" }, { 203, "Element not an array - cannot have count" },
	{ 301, "Not initialized" }, { 401, "Not implemented error" },
	{ 402, "Invalid set value, element is a keyword" }, { 403, "Element is read only" },
	{ 404, "Element is write only" }, { 405, "Incorrect data type" }, { -1, NULL } };

static const char *error_text(const pa_scorm *s, int code)
{
	const errtext *t = s->version == PA_SCORM_12 ? errors12 : errors2004;
	for (; t->text; t++)
		if (t->code == code)
			return t->text;
	return "";
}

/* Set *code and the detail for it; element names are cut to fit. */
static int PA_SCORM_PRINTF(4, 5) fail(char *diag, int *code, int c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(diag, PA_SCORM_DIAG_MAX + 1, fmt, ap);
	va_end(ap);
	*code = c;
	return c;
}

/* An element name in a diagnostic: at most 120 bytes of it. */
#define NAME(p) 120, (p)

/* ---- reading ---- */

static const char *computed(pa_scorm *s, const pa_scorm_elem *e, int row)
{
	const char *p = e->path;
	const char *v;
	double a, b;

	if (strcmp(p, "cmi.entry") == 0 || strcmp(p, "cmi.core.entry") == 0)
		return s->entry;
	if (strcmp(p, "cmi.total_time") == 0) {
		pa_scorm_format_interval(s->total_cs, s->scratch, sizeof s->scratch);
		return s->scratch;
	}
	if (strcmp(p, "cmi.core.total_time") == 0) {
		pa_scorm_format_timespan12(s->total_cs, s->scratch, sizeof s->scratch);
		return s->scratch;
	}
	/* RTE 4.2.4.1 and 4.2.22.1: a threshold or passing score set by the
	 * LMS decides, whatever the SCO said. */
	if (strcmp(p, "cmi.completion_status") == 0) {
		const char *t = stored(s, s->rows.completion_threshold, 0, 0);
		if (t && pa_scorm_real(t, &a)) {
			v = stored(s, s->rows.progress_measure, 0, 0);
			if (!v || !pa_scorm_real(v, &b))
				return "unknown";
			return b >= a ? "completed" : "incomplete";
		}
	} else if (strcmp(p, "cmi.success_status") == 0) {
		const char *t = stored(s, s->rows.scaled_passing_score, 0, 0);
		if (t && pa_scorm_real(t, &a)) {
			v = stored(s, s->rows.score_scaled, 0, 0);
			if (!v || !pa_scorm_real(v, &b))
				return "unknown";
			return b >= a ? "passed" : "failed";
		}
	}
	v = stored(s, row, 0, 0);
	return v ? v : e->def;
}

/* "{target=ID}" of adl.nav.request_valid.choice/jump and adl.nav.request. */
static bool target(const char *p, const char **rest)
{
	const char *close;

	if (strncmp(p, "{target=", 8) != 0 || !(close = strchr(p + 8, '}')))
		return false;
	if (!pa_scorm_longid(p + 8, (size_t)(close - p - 8), 4000))
		return false;
	*rest = close + 1;
	return true;
}

/* adl.nav.request_valid.choice.{target=ID} or .jump.{target=ID}: the
 * collection of its records and the target. */
static bool nav_valid_name(const char *el, int *coll, const char **id, size_t *idlen)
{
	static const char choice[] = "adl.nav.request_valid.choice.", jump[] = "adl.nav.request_valid.jump.";
	const char *p, *rest;

	if (strncmp(el, choice, sizeof choice - 1) == 0) {
		p = el + sizeof choice - 1;
		*coll = PA_C_NAV_CHOICE;
	} else if (strncmp(el, jump, sizeof jump - 1) == 0) {
		p = el + sizeof jump - 1;
		*coll = PA_C_NAV_JUMP;
	} else {
		return false;
	}
	if (!target(p, &rest) || *rest != '\0')
		return false;
	*id = p + 8;
	*idlen = (size_t)(rest - 1 - *id);
	return true;
}

/* The record of a stated target, or -1. */
static int nav_record(const pa_scorm *s, int coll, const char *id, size_t idlen)
{
	uint32_t n = count_of(s, coll, 0);
	int row = coll == PA_C_NAV_CHOICE ? s->rows.nav_choice : s->rows.nav_jump;

	for (uint32_t i = 0; i < n; i++) {
		const pa_scorm_entry *e = pa_scorm_find(s, pa_scorm_key(row, i, 0));
		if (e && e->val && e->len == idlen && memcmp(e->val, id, idlen) == 0)
			return (int)i;
	}
	return -1;
}

/*
 * GetValue for the content (lms false) or the host (lms true: no access
 * check, and NULL instead of "" with 403 when there is no value).
 */
static const char *get(pa_scorm *s, const char *el, bool lms, int *code, char *diag)
{
	char norm[PA_SCORM_PATH_MAX];
	size_t n;
	pa_scorm_ref r;
	const pa_scorm_elem *e;
	int colls[2];
	const char *v, *id;
	size_t idlen;

	*code = 0;
	if (!el || !*el) {
		fail(diag, code, V(s, 301, 201), "GetValue needs the name of an element");
		return "";
	}
	if (s->version == PA_SCORM_2004 && nav_valid_name(el, &colls[0], &id, &idlen)) {
		/* what the host (the sequencing engine) stated, or unknown */
		int i = nav_record(s, colls[0], id, idlen);
		int row = colls[0] == PA_C_NAV_CHOICE ? s->rows.nav_choice : s->rows.nav_jump;
		v = i >= 0 ? stored(s, row + 1, (unsigned)i, 0) : NULL;
		return v ? v : "unknown";
	}
	if (!resolve(s, el, &r, norm, &n) || (!lms && (s->model[r.row].flags & PA_F_HIDDEN))) {
		const char *kw;
		if (keyword_after_known(s, el, &kw) && kw[0] != 'v') {
			bool children = kw[1] == 'h';
			fail(diag, code, V(s, 301, children ? 202 : 203), "%.*s has no %s", NAME(el),
			     children ? "children" : "count");
			return "";
		}
		fail(diag, code, 401, "%.*s is not an element of the SCORM %s data model", NAME(el),
		     s->version == PA_SCORM_12 ? "1.2" : "2004");
		return "";
	}
	e = &s->model[r.row];
	if (!lms && e->access == PA_A_WO) {
		fail(diag, code, V(s, 405, 404), "%.*s is write-only", NAME(el));
		return "";
	}
	path_colls(e, r.nidx, colls);
	for (int i = 0; i < r.nidx; i++) {
		uint32_t count = count_of(s, colls[i], i == 0 ? 0 : r.idx[0]);
		if (r.idx[i] >= count) {
			fail(diag, code, V(s, 301, 201), "%.*s: index %u is past the end of the collection (%u)",
			     NAME(el), r.idx[i], count);
			return "";
		}
	}
	switch (e->type) {
	case PA_T_CHILDREN:
	case PA_T_VERSION:
		return e->words;
	case PA_T_COUNT:
		snprintf(s->scratch, sizeof s->scratch, "%u",
		         count_of(s, e->coll, r.nidx ? r.idx[0] : 0));
		return s->scratch;
	default:
		break;
	}
	if (e->flags & PA_F_COMPUTED)
		v = computed(s, e, r.row);
	else {
		v = stored(s, r.row, r.nidx > 0 ? r.idx[0] : 0, r.nidx > 1 ? r.idx[1] : 0);
		if (!v)
			v = e->def;
	}
	if (v)
		return v;
	if (lms)
		return NULL;
	if (s->version == PA_SCORM_12)
		return "";
	fail(diag, code, 403, "%.*s has no value yet", NAME(el));
	return "";
}

/* ---- writing ---- */

static size_t spm_of(const pa_scorm *s, const pa_scorm_elem *e)
{
	if (e->flags & PA_F_LIM_SUSPEND)
		return s->lim.suspend_data_max;
	if (e->flags & PA_F_LIM_LOCATION)
		return s->lim.location_max;
	return e->spm;
}

static bool in_range(const pa_scorm_elem *e, double v)
{
	return !(e->has_lo && v < e->lo) && !(e->has_hi && v > e->hi);
}

static const char *const nav_words = "continue|previous|exit|exitAll|abandon|abandonAll|suspendAll|_none_";

/* The type check of a value; 0 or the standard's code. */
static int check_value(pa_scorm *s, const pa_scorm_elem *e, const char *el, const char *val,
                       size_t len, const char *itype, bool lms, char *diag, int *code)
{
	size_t chars, spm = spm_of(s, e);
	int mismatch = V(s, 406, 405), range = V(s, 407, 405), toolong = V(s, 351, 405);
	double d;
	long l;
	const char *why, *rest;
	int c;

	if (!pa_scorm_utf8(val, len, &chars) || memchr(val, '\0', len))
		return fail(diag, code, mismatch, "%.*s: the value is not valid UTF-8", NAME(el));
	switch (e->type) {
	case PA_T_STRING:
	case PA_T_12STRING:
	case PA_T_12FEEDBACK:
		if (chars > spm)
			return fail(diag, code, toolong, "%.*s: %zu characters, more than the %zu allowed",
			            NAME(el), chars, spm);
		return 0;
	case PA_T_LSTRING:
		if (!pa_scorm_lstring(val, SIZE_MAX))
			return fail(diag, code, mismatch, "%.*s: malformed {lang=} delimiter", NAME(el));
		if (!pa_scorm_lstring(val, spm))
			return fail(diag, code, toolong, "%.*s: more than the %zu characters allowed",
			            NAME(el), spm);
		return 0;
	case PA_T_LANG:
		if (!pa_scorm_lang(val, len))
			return fail(diag, code, mismatch, "%.*s: not a language code (RFC 3066)", NAME(el));
		return 0;
	case PA_T_LONGID:
		if (chars > spm)
			return fail(diag, code, toolong, "%.*s: %zu characters, more than the %zu allowed",
			            NAME(el), chars, spm);
		if (!pa_scorm_longid(val, len, spm))
			return fail(diag, code, mismatch, "%.*s: an identifier may not be empty or blank, "
			            "and a URN needs urn:<NID>:<NSS>", NAME(el));
		return 0;
	case PA_T_REAL:
		if (!pa_scorm_real(val, &d))
			return fail(diag, code, mismatch, "%.*s: not a real number", NAME(el));
		if (!in_range(e, d))
			return fail(diag, code, range, "%.*s: %.*s is out of range", NAME(el), 40, val);
		return 0;
	case PA_T_INTERVAL:
		if (!pa_scorm_interval(val, NULL))
			return fail(diag, code, mismatch, "%.*s: not an ISO 8601 duration (PnYnMnDTnHnMnS)",
			            NAME(el));
		return 0;
	case PA_T_TIME:
		if (!pa_scorm_time(val))
			return fail(diag, code, mismatch, "%.*s: not a time YYYY-MM-DDThh:mm:ss[.s][TZD] "
			            "between 1970 and 2038", NAME(el));
		return 0;
	case PA_T_VOCAB:
		if (!pa_scorm_vocab(e->words, val))
			return fail(diag, code, mismatch, "%.*s: not one of %.*s", NAME(el), 120, e->words);
		return 0;
	case PA_T_12STATUS:
		if (!pa_scorm_vocab(e->words, val) || (!lms && strcmp(val, "not attempted") == 0))
			return fail(diag, code, mismatch, "%.*s: not one of passed, completed, failed, "
			            "incomplete, browsed", NAME(el));
		return 0;
	case PA_T_RESULT:
	case PA_T_12RESULT:
		if (!pa_scorm_vocab(e->words, val) && !pa_scorm_real(val, NULL))
			return fail(diag, code, mismatch, "%.*s: not one of %s, nor a number", NAME(el), e->words);
		return 0;
	case PA_T_PATTERN:
	case PA_T_RESPONSE:
		c = e->type == PA_T_PATTERN ? pa_scorm_check_pattern(itype, val, &why)
		                            : pa_scorm_check_response(itype, val, &why);
		if (c)
			return fail(diag, code, c, "%.*s: %s (type %s)", NAME(el), why, itype);
		return 0;
	case PA_T_NAVREQ:
		if (pa_scorm_vocab(nav_words, val))
			return 0;
		if (target(val, &rest) && (strcmp(rest, "choice") == 0 || strcmp(rest, "jump") == 0))
			return 0;
		return fail(diag, code, mismatch, "%.*s: not a navigation request", NAME(el));
	case PA_T_12IDENT:
		if (!pa_scorm_ident12(val))
			return fail(diag, code, mismatch, "%.*s: an identifier has 1 to 255 characters and no "
			            "spaces", NAME(el));
		return 0;
	case PA_T_12DECIMAL:
		if (len == 0)
			return 0; /* CMIBlank */
		if (!pa_scorm_real(val, &d))
			return fail(diag, code, mismatch, "%.*s: not a decimal number", NAME(el));
		if (!in_range(e, d))
			return fail(diag, code, range, "%.*s: %.*s is out of range", NAME(el), 40, val);
		return 0;
	case PA_T_12SINT:
		if (!pa_scorm_sint12(val, &l) || !in_range(e, (double)l))
			return fail(diag, code, mismatch, "%.*s: an integer from %g to %g", NAME(el), e->lo, e->hi);
		return 0;
	case PA_T_12TIMESPAN:
		if (!pa_scorm_timespan12(val, NULL))
			return fail(diag, code, mismatch, "%.*s: not a timespan HHHH:MM:SS.SS", NAME(el));
		return 0;
	case PA_T_12TIME:
		if (!pa_scorm_time12(val))
			return fail(diag, code, mismatch, "%.*s: not a time HH:MM:SS", NAME(el));
		return 0;
	default:
		return fail(diag, code, V(s, 351, 101), "%.*s cannot be set", NAME(el));
	}
}

static size_t coll_max(const pa_scorm *s, int coll)
{
	switch (coll) {
	case PA_C_INTERACTIONS: return s->lim.interactions_max;
	case PA_C_OBJECTIVES: return s->lim.objectives_max;
	case PA_C_COMMENTS_LEARNER:
	case PA_C_COMMENTS_LMS: return s->lim.comments_max;
	case PA_C_NAV_CHOICE:
	case PA_C_NAV_JUMP: return 1000; /* activities of one course */
	default: return 100; /* objectives of one interaction; patterns are capped by type */
	}
}

/*
 * Changing an interaction's type keeps its record valid: the patterns and
 * the response already there must fit the new type, or the state could not
 * be imported again.
 */
static bool fits_type(const pa_scorm *s, unsigned i, const char *type)
{
	int prow = row_by_path(s, "cmi.interactions.n.correct_responses.n.pattern", 46);
	int rrow = row_by_path(s, "cmi.interactions.n.learner_response", 35);
	uint32_t n = count_of(s, PA_C_INT_CORRECT, i);
	const char *v, *why;

	if (n > pa_scorm_patterns_max(type))
		return false;
	for (uint32_t j = 0; j < n; j++)
		if ((v = stored(s, prow, i, j)) && pa_scorm_check_pattern(type, v, &why) != 0)
			return false;
	v = stored(s, rrow, i, 0);
	return !v || pa_scorm_check_response(type, v, &why) == 0;
}

static int set(pa_scorm *s, const char *el, const char *val, bool lms, char *diag, int *code,
               uint64_t *key_out);

/* The host states request_valid for a target: its record, made if new. */
static int set_nav_valid(pa_scorm *s, int coll, const char *id, size_t idlen, const char *val, char *diag,
                         int *code, uint64_t *key_out)
{
	const char *kind = coll == PA_C_NAV_CHOICE ? "choice" : "jump";
	char name[96];
	int i = nav_record(s, coll, id, idlen);
	char *copy;
	int rc;

	if (!pa_scorm_vocab("true|false|unknown", val))
		return fail(diag, code, 406, "adl.nav.request_valid.%s: true, false or unknown", kind);
	if (i < 0) {
		i = (int)count_of(s, coll, 0);
		copy = malloc(idlen + 1);
		if (!copy)
			return fail(diag, code, 351, "out of memory");
		memcpy(copy, id, idlen);
		copy[idlen] = '\0';
		snprintf(name, sizeof name, "adl.nav.request_valid.%s.%d.target", kind, i);
		rc = set(s, name, copy, true, diag, code, key_out);
		free(copy);
		if (rc)
			return rc;
	}
	snprintf(name, sizeof name, "adl.nav.request_valid.%s.%d.state", kind, i);
	return set(s, name, val, true, diag, code, key_out);
}

/*
 * SetValue for the content (lms false) or the host (no access check).
 * Returns 0 or the standard's code, with the detail in diag.
 */
static int set(pa_scorm *s, const char *el, const char *val, bool lms, char *diag, int *code, uint64_t *key_out)
{
	char norm[PA_SCORM_PATH_MAX];
	size_t n, len;
	pa_scorm_ref r;
	const pa_scorm_elem *e;
	int colls[2], rc;
	bool create[2] = { false, false };
	const char *itype = NULL;
	unsigned i1, i2;
	uint64_t key;

	*code = 0;
	if (!el || !*el)
		return fail(diag, code, V(s, 351, 201), "SetValue needs the name of an element");
	if (!val)
		val = "";
	if (s->version == PA_SCORM_2004 && nav_valid_name(el, &colls[0], &itype, &n)) {
		if (!lms)
			return fail(diag, code, 404, "%.*s is read-only", NAME(el));
		return set_nav_valid(s, colls[0], itype, n, val, diag, code, key_out);
	}
	if (!resolve(s, el, &r, norm, &n) || (!lms && (s->model[r.row].flags & PA_F_HIDDEN))) {
		const char *kw;
		if (keyword_after_known(s, el, &kw))
			return fail(diag, code, V(s, 404, 402), "%.*s is a keyword: it cannot be set", NAME(el));
		return fail(diag, code, 401, "%.*s is not an element of the SCORM %s data model", NAME(el),
		            s->version == PA_SCORM_12 ? "1.2" : "2004");
	}
	e = &s->model[r.row];
	if (e->type == PA_T_CHILDREN || e->type == PA_T_COUNT || e->type == PA_T_VERSION)
		return fail(diag, code, V(s, 404, 402), "%.*s is a keyword: it cannot be set", NAME(el));
	if (!lms && e->access == PA_A_RO)
		return fail(diag, code, V(s, 404, 403), "%.*s is read-only", NAME(el));

	/* Collections: append at index == _count, never past it (RTE 4.1.7.6). */
	path_colls(e, r.nidx, colls);
	i1 = r.nidx > 0 ? r.idx[0] : 0;
	i2 = r.nidx > 1 ? r.idx[1] : 0;
	for (int i = 0; i < r.nidx; i++) {
		uint32_t count = create[0] ? 0 : count_of(s, colls[i], i == 0 ? 0 : i1);
		bool own = i == r.nidx - 1; /* the element's own record */
		if (r.idx[i] > count)
			return fail(diag, code, V(s, 351, 201), "%.*s: set out of order: index %u but _count "
			            "is %u", NAME(el), r.idx[i], count);
		if (r.idx[i] < count)
			continue;
		if (s->version == PA_SCORM_2004 && !(own && (e->flags & PA_F_CREATE)))
			return fail(diag, code, 408, "%.*s: the record's identifier must be set first", NAME(el));
		if (count >= coll_max(s, colls[i]))
			return fail(diag, code, V(s, 351, 101), "%.*s: the collection is full (%zu records)",
			            NAME(el), coll_max(s, colls[i]));
		create[i] = true;
	}
	if (s->version == PA_SCORM_2004) {
		if ((e->flags & PA_F_NEEDS_ID) && !create[0]) {
			int idrow = colls[0] == PA_C_INTERACTIONS ? s->rows.int_id : s->rows.obj_id;
			if (!stored(s, idrow, i1, 0))
				return fail(diag, code, 408, "%.*s: the record's identifier must be set first", NAME(el));
		}
		if (e->flags & PA_F_NEEDS_TYPE) {
			itype = stored(s, s->rows.int_type, i1, 0);
			if (!itype)
				return fail(diag, code, 408, "%.*s: the interaction's type must be set first", NAME(el));
		}
	}
	len = strlen(val);
	if (check_value(s, e, el, val, len, itype, lms, diag, code))
		return *code;
	if (e->type == PA_T_PATTERN && create[1] && count_of(s, PA_C_INT_CORRECT, i1) >= pa_scorm_patterns_max(itype))
		return fail(diag, code, 351, "%.*s: a %s interaction has at most %zu correct responses",
		            NAME(el), itype, pa_scorm_patterns_max(itype));
	key = r.nidx == 2 ? pa_scorm_key(r.row, i1, i2) : pa_scorm_key(r.row, i1, 0);
	if ((e->flags & PA_F_IMMUTABLE) && !create[0]) {
		const char *old = stored(s, r.row, i1, 0);
		if (old && strcmp(old, val) != 0)
			return fail(diag, code, 351, "%.*s: an objective's identifier cannot change", NAME(el));
	}
	if (e->flags & PA_F_UNIQUE) {
		bool nested = r.nidx == 2;
		uint32_t count = count_of(s, e->coll, nested ? i1 : 0);
		unsigned self = nested ? i2 : i1;
		for (unsigned j = 0; j < count; j++) {
			const char *other = nested ? stored(s, r.row, i1, j) : stored(s, r.row, j, 0);
			if (j != self && other && strcmp(other, val) == 0)
				return fail(diag, code, 351, "%.*s: identifier already used at index %u", NAME(el), j);
		}
	}
	if (r.row == s->rows.int_type && s->version == PA_SCORM_2004 && !fits_type(s, i1, val))
		return fail(diag, code, 351, "%.*s: the interaction's responses do not fit the type %s",
		            NAME(el), val);
	rc = put(s, key, val, len);
	if (rc == 0 && create[0])
		rc = count_inc(s, colls[0], 0);
	if (rc == 0 && create[1])
		rc = count_inc(s, colls[1], i1);
	if (rc != 0)
		return fail(diag, code, V(s, 351, 101), "%.*s: %s", NAME(el),
		            rc == PA_SCORM_ELIMIT ? "the learner's data would pass its size limit"
		                                  : "out of memory");
	if (key_out)
		*key_out = key;
	return 0;
}

/* ---- life cycle ---- */

static int find_row(const pa_scorm *s, const char *path)
{
	return row_by_path(s, path, strlen(path));
}

int pa_scorm_new(pa_scorm **out, pa_scorm_version version, const pa_scorm_limits *limits)
{
	pa_scorm *s;

	*out = NULL;
	if (version != PA_SCORM_12 && version != PA_SCORM_2004)
		return PA_SCORM_EINVAL;
	s = calloc(1, sizeof *s);
	if (!s)
		return PA_SCORM_ENOMEM;
	s->version = version;
	if (limits)
		s->lim = *limits;
#define DEF(f, v) if (s->lim.f == 0) s->lim.f = (v)
	DEF(suspend_data_max, 65536);
	DEF(location_max, 1000);
	DEF(interactions_max, 1000);
	DEF(objectives_max, 500);
	DEF(comments_max, 250);
	DEF(state_max, (size_t)4 << 20);
#undef DEF
	if (s->lim.interactions_max >= PA_SCORM_INDEX_MAX) s->lim.interactions_max = PA_SCORM_INDEX_MAX - 1;
	if (s->lim.objectives_max >= PA_SCORM_INDEX_MAX) s->lim.objectives_max = PA_SCORM_INDEX_MAX - 1;
	if (s->lim.comments_max >= PA_SCORM_INDEX_MAX) s->lim.comments_max = PA_SCORM_INDEX_MAX - 1;
	s->model = pa_scorm_model(version, &s->nmodel);
	for (size_t i = 0; i < s->nmodel; i++) {
		const char *p = s->model[i].path;
		uint32_t h = fnv(p, strlen(p)) & (PA_SCORM_LOOKUP - 1);
		while (s->lookup[h])
			h = (h + 1) & (PA_SCORM_LOOKUP - 1);
		s->lookup[h] = (uint8_t)(i + 1);
	}
	s->rows.int_id = find_row(s, "cmi.interactions.n.id");
	s->rows.int_type = find_row(s, "cmi.interactions.n.type");
	s->rows.obj_id = find_row(s, "cmi.objectives.n.id");
	s->rows.completion_threshold = find_row(s, "cmi.completion_threshold");
	s->rows.progress_measure = find_row(s, "cmi.progress_measure");
	s->rows.scaled_passing_score = find_row(s, "cmi.scaled_passing_score");
	s->rows.score_scaled = find_row(s, "cmi.score.scaled");
	s->rows.exit = find_row(s, version == PA_SCORM_12 ? "cmi.core.exit" : "cmi.exit");
	s->rows.session_time = find_row(s, version == PA_SCORM_12 ? "cmi.core.session_time" : "cmi.session_time");
	s->rows.nav = find_row(s, "adl.nav.request");
	s->rows.nav_choice = find_row(s, "adl.nav.request_valid.choice.n.target");
	s->rows.nav_jump = find_row(s, "adl.nav.request_valid.jump.n.target");
	s->rows.lesson_status = find_row(s, "cmi.core.lesson_status");
	s->rows.score_raw = find_row(s, "cmi.core.score.raw");
	s->rows.mastery = find_row(s, "cmi.student_data.mastery_score");
	s->rows.credit = find_row(s, version == PA_SCORM_12 ? "cmi.core.credit" : "cmi.credit");
	s->rows.mode = find_row(s, version == PA_SCORM_12 ? "cmi.core.lesson_mode" : "cmi.mode");
	memcpy(s->entry, "ab-initio", 10);
	*out = s;
	return 0;
}

void pa_scorm_free(pa_scorm *s)
{
	if (!s)
		return;
	table_dispose(s);
	free(s);
}

pa_scorm_version pa_scorm_get_version(const pa_scorm *s) { return s->version; }
pa_scorm_phase pa_scorm_get_phase(const pa_scorm *s) { return s->phase; }

static bool api_ok(pa_scorm *s)
{
	s->last_error = 0;
	s->diag[0] = '\0';
	return true;
}

static bool api_fail(pa_scorm *s, int code, const char *what)
{
	s->last_error = code;
	snprintf(s->diag, sizeof s->diag, "%s", what);
	return false;
}

static bool param_empty(const char *param) { return !param || !*param; }

/* End of session bookkeeping (Terminate, LMSFinish, or a closed window). */
static void finish(pa_scorm *s)
{
	const char *st = stored(s, s->rows.session_time, 0, 0);
	uint64_t cs = 0;
	bool ok = st && (s->version == PA_SCORM_12 ? pa_scorm_timespan12(st, &cs) : pa_scorm_interval(st, &cs));

	if (ok && s->total_cs + cs >= s->total_cs)
		s->total_cs += cs;
	if (s->version == PA_SCORM_12) {
		/*
		 * RTE 1.2 p. 3-25 and Conformance Requirements 2-19: a status the
		 * SCO never set becomes "completed" ("browsed" in browse mode);
		 * then, for credit and unless the SCO said "incomplete", a mastery
		 * score and a raw score decide between passed and failed.
		 */
		const char *status = stored(s, s->rows.lesson_status, 0, 0);
		const char *mode = stored(s, s->rows.mode, 0, 0);
		const char *credit = stored(s, s->rows.credit, 0, 0);
		const char *raw = stored(s, s->rows.score_raw, 0, 0);
		const char *mastery = stored(s, s->rows.mastery, 0, 0);
		bool untouched = !status || strcmp(status, "not attempted") == 0;
		double r, m;
		const char *next = NULL;

		if (mode && strcmp(mode, "browse") == 0) {
			if (untouched)
				next = "browsed";
		} else {
			if (untouched)
				next = "completed";
			if ((!credit || strcmp(credit, "credit") == 0) && (!status || strcmp(status, "incomplete") != 0) &&
			    raw && *raw && mastery && *mastery && pa_scorm_real(raw, &r) && pa_scorm_real(mastery, &m))
				next = r >= m ? "passed" : "failed";
		}
		if (next)
			(void)put(s, pa_scorm_key(s->rows.lesson_status, 0, 0), next, strlen(next));
	}
}

bool pa_scorm_initialize(pa_scorm *s, const char *param)
{
	if (s->phase == PA_SCORM_RUNNING)
		return api_fail(s, V(s, 103, 101), "the API is already initialized");
	if (s->phase == PA_SCORM_TERMINATED)
		return api_fail(s, V(s, 104, 101), "the session has ended: Initialize cannot be called again");
	if (!param_empty(param))
		return api_fail(s, 201, "the parameter must be the empty string");
	s->phase = PA_SCORM_RUNNING;
	return api_ok(s);
}

bool pa_scorm_terminate(pa_scorm *s, const char *param)
{
	if (s->phase == PA_SCORM_NOT_INITIALIZED)
		return api_fail(s, V(s, 112, 301), "the API is not initialized");
	if (s->phase == PA_SCORM_TERMINATED)
		return api_fail(s, V(s, 113, 101), "the session has already ended");
	if (!param_empty(param))
		return api_fail(s, 201, "the parameter must be the empty string");
	finish(s);
	s->phase = PA_SCORM_TERMINATED;
	return api_ok(s);
}

bool pa_scorm_commit(pa_scorm *s, const char *param)
{
	if (s->phase == PA_SCORM_NOT_INITIALIZED)
		return api_fail(s, V(s, 142, 301), "the API is not initialized");
	if (s->phase == PA_SCORM_TERMINATED)
		return api_fail(s, V(s, 143, 101), "the session has ended");
	if (!param_empty(param))
		return api_fail(s, 201, "the parameter must be the empty string");
	return api_ok(s);
}

const char *pa_scorm_get_value(pa_scorm *s, const char *element)
{
	const char *v;
	int code;

	if (s->phase == PA_SCORM_NOT_INITIALIZED) {
		api_fail(s, V(s, 122, 301), "the API is not initialized");
		return "";
	}
	if (s->phase == PA_SCORM_TERMINATED) {
		api_fail(s, V(s, 123, 101), "the session has ended");
		return "";
	}
	v = get(s, element, false, &code, s->diag);
	s->last_error = code;
	if (code == 0)
		s->diag[0] = '\0';
	return v;
}

bool pa_scorm_set_value(pa_scorm *s, const char *element, const char *value)
{
	int code;

	if (s->phase == PA_SCORM_NOT_INITIALIZED)
		return api_fail(s, V(s, 132, 301), "the API is not initialized");
	if (s->phase == PA_SCORM_TERMINATED)
		return api_fail(s, V(s, 133, 101), "the session has ended");
	set(s, element, value, false, s->diag, &code, NULL);
	s->last_error = code;
	if (code == 0)
		s->diag[0] = '\0';
	return code == 0;
}

int pa_scorm_get_last_error(const pa_scorm *s) { return s->last_error; }

/* A CMIErrorCode: digits only, at most 3 of them. */
static int parse_code(const char *code)
{
	int v = 0;
	size_t i;

	if (!code || !*code)
		return -1;
	for (i = 0; code[i]; i++) {
		if (code[i] < '0' || code[i] > '9' || i >= 3)
			return -1;
		v = v * 10 + (code[i] - '0');
	}
	return v;
}

const char *pa_scorm_get_error_string(const pa_scorm *s, const char *code)
{
	int c = parse_code(code);
	return c < 0 ? "" : error_text(s, c);
}

const char *pa_scorm_get_diagnostic(const pa_scorm *s, const char *code)
{
	int c = param_empty(code) ? s->last_error : parse_code(code);

	if (c < 0)
		return "";
	if (c == s->last_error && s->diag[0])
		return s->diag;
	return error_text(s, c);
}

int pa_scorm_lms_set(pa_scorm *s, const char *element, const char *value)
{
	int code;

	if (element && (strcmp(element, "cmi.entry") == 0 || strcmp(element, "cmi.core.entry") == 0)) {
		if (!value || !pa_scorm_vocab("ab-initio|resume|", value)) {
			snprintf(s->lms_diag, sizeof s->lms_diag, "%s: not ab-initio, resume or \"\"", element);
			return PA_SCORM_EINVALID;
		}
		snprintf(s->entry, sizeof s->entry, "%s", value);
		return 0;
	}
	if (element && (strcmp(element, "cmi.total_time") == 0 || strcmp(element, "cmi.core.total_time") == 0)) {
		uint64_t cs;
		bool ok = value && (s->version == PA_SCORM_12 ? pa_scorm_timespan12(value, &cs)
		                                              : pa_scorm_interval(value, &cs));
		if (!ok) {
			snprintf(s->lms_diag, sizeof s->lms_diag, "%s: not a duration", element);
			return PA_SCORM_EINVALID;
		}
		s->total_cs = cs;
		return 0;
	}
	if (set(s, element, value, true, s->lms_diag, &code, NULL) != 0)
		return PA_SCORM_EINVALID;
	s->lms_diag[0] = '\0';
	return 0;
}

int pa_scorm_set_internal(pa_scorm *s, const char *element, const char *value, uint64_t *key)
{
	int code;
	return set(s, element, value, true, s->lms_diag, &code, key);
}

const char *pa_scorm_lms_get(pa_scorm *s, const char *element)
{
	char diag[PA_SCORM_DIAG_MAX + 1];
	int code;
	const char *v = get(s, element, true, &code, diag);
	return code ? NULL : v;
}

const char *pa_scorm_lms_diagnostic(const pa_scorm *s) { return s->lms_diag; }

const char *pa_scorm_nav_request(pa_scorm *s)
{
	const char *v;
	if (s->version == PA_SCORM_12)
		return NULL;
	v = stored(s, s->rows.nav, 0, 0);
	return v ? v : "_none_";
}

/* Keep only what the LMS owns: a new 2004 attempt starts from there. */
static int keep_lms_values(pa_scorm *s)
{
	pa_scorm_entry *old = s->tab;
	size_t cap = s->cap;
	int rc = 0;

	s->tab = NULL;
	s->cap = s->used = s->bytes = 0;
	for (size_t i = 0; i < cap; i++) {
		pa_scorm_entry *e = &old[i];
		int row = (int)(e->key & 0xFFFFFu) - 1;
		bool keep;

		if (e->key == 0)
			continue;
		if (e->val == NULL) /* a counter */
			keep = e->key == PA_SCORM_COUNT_KEY(PA_C_COMMENTS_LMS, 0);
		else
			keep = row >= 0 && (size_t)row < s->nmodel && (s->model[row].flags & PA_F_LMS_KEEP);
		if (keep && rc == 0) {
			pa_scorm_entry *n = slot(s, e->key);
			if (!n) {
				rc = PA_SCORM_ENOMEM;
			} else {
				*n = *e;
				s->bytes += e->val ? e->len + ENTRY_OVERHEAD : 0;
				continue;
			}
		}
		free(e->val);
	}
	free(old);
	return rc;
}

/* Remove a value; backward-shift deletion keeps every probe chain whole. */
static void drop(pa_scorm *s, int row)
{
	pa_scorm_entry *e;
	size_t mask = s->cap - 1, i, j;

	if (row < 0 || !(e = pa_scorm_find(s, pa_scorm_key(row, 0, 0))))
		return;
	i = (size_t)(e - s->tab);
	s->bytes -= e->len + ENTRY_OVERHEAD;
	free(e->val);
	for (j = i;;) {
		size_t k;
		j = (j + 1) & mask;
		if (s->tab[j].key == 0)
			break;
		k = hash64(s->tab[j].key) & mask;
		/* move tab[j] into the hole unless its home lies cyclically in (i, j] */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		s->tab[i] = s->tab[j];
		i = j;
	}
	s->tab[i].key = 0;
	s->tab[i].val = NULL;
	s->tab[i].len = 0;
	s->used--;
}

int pa_scorm_next_session(pa_scorm *s)
{
	const char *ex, *nav;
	bool suspended;
	int rc = 0;

	if (s->phase == PA_SCORM_NOT_INITIALIZED)
		return 0;
	if (s->phase == PA_SCORM_RUNNING)
		finish(s);
	ex = stored(s, s->rows.exit, 0, 0);
	nav = stored(s, s->rows.nav, 0, 0);
	/* suspendAll suspends the whole activity tree, this SCO with it (SN book). */
	suspended = (ex && strcmp(ex, "suspend") == 0) || (nav && strcmp(nav, "suspendAll") == 0);
	if (suspended) {
		memcpy(s->entry, "resume", 7);
	} else if (s->version == PA_SCORM_2004) {
		rc = keep_lms_values(s);
		memcpy(s->entry, "ab-initio", 10);
		s->total_cs = 0;
	} else {
		s->entry[0] = '\0';
	}
	drop(s, s->rows.exit);
	drop(s, s->rows.session_time);
	drop(s, s->rows.nav);
	s->phase = PA_SCORM_NOT_INITIALIZED;
	s->last_error = 0;
	s->diag[0] = '\0';
	return rc;
}
