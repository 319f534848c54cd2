/*
 * course.json (docs/course-format.md): read with jansson, every rule
 * checked, every problem reported with its line and column (common/jsonpos)
 * and the path of the value ("modules[0].units[1].passingScore"), so one
 * run lists everything a designer has to fix.
 */
#include "packager/course.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/fs.h"
#include "common/jsonpos.h"
#include "common/strset.h"
#include "common/util.h"

#define COURSE_FILE "course.json"
#define MAX_IDENTIFIER 64
#define MAX_LANG_TAG 35
#define MAX_SHORT_STRING 200


typedef struct cctx {
	const char *text;
	size_t len;
	const char *dir;
	pa_diag *diag;
	pa_jsonpos pos;      /* finds line:col for diagnostics */
	pa_course *course;
	pa_strset ids;       /* module and unit identifiers: one namespace (manifest items) */
	size_t unit_total;
	bool too_many_units;
	int rc;              /* PA_ENOMEM once an allocation failed */
} cctx;

static const char *const course_keys[] = {
	"id", "version", "date", "languages", "title", "description", "audience", "duration",
	"keywords", "licence", "attribution", "authors", "passingScore", "attemptLimit",
	"navigation", "modules", NULL
};
static const char *const module_keys[] = { "id", "title", "description", "units", NULL };
static const char *const lesson_keys[] = { "id", "type", "title", "source", NULL };
static const char *const assessment_keys[] = {
	"id", "type", "title", "questions", "passingScore", "attemptLimit", "shuffle", "graded",
	"timeLimit", NULL
};

/* ---- small public helpers ---- */

bool pa_course_is_identifier(const char *str)
{
	size_t n = 0;

	if (!str || !isalpha((unsigned char)str[0]) || (str[0] & 0x80))
		return false;
	for (; str[n]; n++) {
		unsigned char c = (unsigned char)str[n];

		if (c >= 0x80 || !(isalnum(c) || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return n <= MAX_IDENTIFIER;
}

/* Digits at *p as a whole number (at most 9 digits), with an optional fraction when frac. */
static bool duration_number(const char **p, double *out, bool frac)
{
	const char *s = *p;
	double v = 0;
	int digits = 0;

	while (*s >= '0' && *s <= '9') {
		if (++digits > 9)
			return false;
		v = v * 10 + (*s++ - '0');
	}
	if (!digits)
		return false;
	if (frac && *s == '.') {
		double scale = 0.1;

		s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		for (digits = 0; *s >= '0' && *s <= '9'; s++) {
			if (++digits > 9)
				return false;
			v += (*s - '0') * scale;
			scale /= 10;
		}
	}
	*p = s;
	*out = v;
	return true;
}

int pa_duration_parse(double *out_seconds, const char *iso)
{
	static const struct { char unit; double seconds; bool time; } parts[] = {
		{ 'Y', 365.0 * 86400, false }, { 'M', 30.0 * 86400, false }, { 'D', 86400, false },
		{ 'H', 3600, true }, { 'M', 60, true }, { 'S', 1, true },
	};
	const char *p = iso;
	double total = 0;
	bool in_time = false, any = false, time_any = false;
	size_t next = 0;

	if (!p || *p++ != 'P')
		goto bad;
	while (*p) {
		double v;
		const char *start = p;

		if (*p == 'T') {
			if (in_time)
				goto bad;
			in_time = true;
			p++;
			next = 3;
			continue;
		}
		if (!duration_number(&p, &v, true))
			goto bad;
		while (next < PA_ARRAY_SIZE(parts) && (parts[next].unit != *p || parts[next].time != in_time))
			next++;
		if (next == PA_ARRAY_SIZE(parts))
			goto bad;
		/* Only seconds may have a fraction. */
		if (parts[next].unit != 'S' && memchr(start, '.', (size_t)(p - start)))
			goto bad;
		total += v * parts[next].seconds;
		any = true;
		time_any = time_any || in_time;
		next++;
		p++;
	}
	if (!any || (in_time && !time_any))
		goto bad;
	if (!(total > 0))
		return pa_error_set(PA_EINVALID, "the duration '%s' is zero", iso);
	*out_seconds = total;
	return 0;
bad:
	return pa_error_set(PA_EPARSE, "'%s' is not an ISO 8601 duration like PT45M or PT1H30M",
			    iso ? iso : "");
}

static bool lang_equal(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

static bool same_primary(const char *a, const char *b)
{
	size_t na = strcspn(a, "-"), nb = strcspn(b, "-");

	return na == nb && strncasecmp(a, b, na) == 0;
}

const char *pa_lstring_get(const pa_lstring *s, const char *lang)
{
	if (!s || s->count == 0)
		return NULL;
	if (lang) {
		for (size_t i = 0; i < s->count; i++) {
			if (lang_equal(s->items[i].lang, lang))
				return s->items[i].text;
		}
		for (size_t i = 0; i < s->count; i++) {
			if (same_primary(s->items[i].lang, lang))
				return s->items[i].text;
		}
	}
	return s->items[0].text;
}

bool pa_module_is_graded(const pa_module *module)
{
	for (size_t i = 0; i < module->unit_count; i++) {
		if (module->units[i].kind == PA_UNIT_ASSESSMENT && module->units[i].graded)
			return true;
	}
	return false;
}

int pa_course_lang_index(const pa_course *course, const char *lang)
{
	for (size_t i = 0; i < course->language_count; i++) {
		if (lang_equal(course->languages[i], lang))
			return (int)i;
	}
	return -1;
}

/* ---- freeing ---- */

static void lstring_dispose(pa_lstring *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->items[i].lang);
		free(s->items[i].text);
	}
	free(s->items);
}

static void strings_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void unit_dispose(pa_unit *u, size_t languages)
{
	free(u->id);
	lstring_dispose(&u->title);
	lstring_dispose(&u->source);
	lstring_dispose(&u->questions);
	if (u->quizzes) {
		for (size_t i = 0; i < languages; i++)
			pa_quiz_dispose(&u->quizzes[i]);
		free(u->quizzes);
	}
	free(u->time_limit);
}

void pa_course_free(pa_course *course)
{
	if (!course)
		return;
	for (size_t m = 0; m < course->module_count; m++) {
		pa_module *mod = &course->modules[m];

		for (size_t u = 0; u < mod->unit_count; u++)
			unit_dispose(&mod->units[u], course->language_count);
		free(mod->units);
		free(mod->id);
		lstring_dispose(&mod->title);
		lstring_dispose(&mod->description);
	}
	free(course->modules);
	for (size_t k = 0; k < course->keyword_count; k++) {
		free(course->keywords[k].lang);
		strings_free(course->keywords[k].words, course->keywords[k].count);
	}
	free(course->keywords);
	strings_free(course->languages, course->language_count);
	strings_free(course->authors, course->author_count);
	lstring_dispose(&course->title);
	lstring_dispose(&course->description);
	lstring_dispose(&course->audience);
	free(course->dir);
	free(course->id);
	free(course->version);
	free(course->date);
	free(course->duration);
	free(course->licence);
	free(course->attribution);
	free(course);
}

/* ---- paths and diagnostics ---- */


/* "modules[0].units[1].title" */
static void path_render(pa_buf *out, const pa_jsonpath *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p->s[i].key)
			pa_buf_printf(out, "%s%s", i ? "." : "", p->s[i].key);
		else
			pa_buf_printf(out, "[%zu]", p->s[i].index);
	}
}

static void vreport(cctx *c, pa_diag_severity sev, const pa_jsonpath *at, bool key, size_t prefix,
		    const char *fmt, va_list ap) PA_PRINTF(6, 0);

/* A diagnostic at the value (or key) of at, prefixed by the first prefix steps of at. */
static void vreport(cctx *c, pa_diag_severity sev, const pa_jsonpath *at, bool key, size_t prefix,
		    const char *fmt, va_list ap)
{
	pa_buf msg = PA_BUF_INIT;
	unsigned line = 0, col = 0;

	/* Finding a position costs a scan: only for diagnostics that are kept. */
	if (c->diag->count < c->diag->max)
		pa_jsonpos_locate(&c->pos, &line, &col, at->s, at->n, key);
	if (prefix) {
		path_render(&msg, at, prefix);
		pa_buf_puts(&msg, ": ");
	}
	pa_buf_vprintf(&msg, fmt, ap);
	if (pa_diag_add(c->diag, sev, COURSE_FILE, line, col, "%s", pa_buf_cstr(&msg)) != 0)
		c->rc = PA_ENOMEM;
	pa_buf_dispose(&msg);
}

static void error_at(cctx *c, const pa_jsonpath *at, const char *fmt, ...) PA_PRINTF(3, 4);
static void missing(cctx *c, const pa_jsonpath *obj, const char *key);
static void warn_key(cctx *c, const pa_jsonpath *obj, const char *key, const char *fmt, ...) PA_PRINTF(4, 5);

/* An error about the value at: "path: message". */
static void error_at(cctx *c, const pa_jsonpath *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, PA_DIAG_ERROR, at, false, at->n, fmt, ap);
	va_end(ap);
}

/* A required member is absent: point at the object holding it. */
static void missing(cctx *c, const pa_jsonpath *obj, const char *key)
{
	error_at(c, obj, "\"%s\" is missing", key);
}

/* A warning about a member's key ("path: unknown key ..."). */
static void warn_key(cctx *c, const pa_jsonpath *obj, const char *key, const char *fmt, ...)
{
	pa_jsonpath at = pa_jsonpath_key(obj, key);
	va_list ap;

	va_start(ap, fmt);
	vreport(c, PA_DIAG_WARNING, &at, true, obj->n, fmt, ap);
	va_end(ap);
}

static void key_error(cctx *c, const pa_jsonpath *obj, const char *key, const char *fmt, ...) PA_PRINTF(4, 5);

static void key_error(cctx *c, const pa_jsonpath *obj, const char *key, const char *fmt, ...)
{
	pa_jsonpath at = pa_jsonpath_key(obj, key);
	va_list ap;

	va_start(ap, fmt);
	vreport(c, PA_DIAG_ERROR, &at, true, obj->n, fmt, ap);
	va_end(ap);
}

/* Edit distance of two short strings, ignoring case (for "did you mean"). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[MAX_IDENTIFIER + 1];

	if (la > MAX_IDENTIFIER || lb > MAX_IDENTIFIER)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best;

			best = diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

static bool in_list(const char *const *list, const char *key)
{
	for (size_t i = 0; list[i]; i++) {
		if (strcmp(list[i], key) == 0)
			return true;
	}
	return false;
}

/* Unknown members are warnings: a misspelt key would otherwise be dropped in silence. */
static void check_keys(cctx *c, json_t *obj, const pa_jsonpath *at, const char *const *allowed,
		       const char *const *elsewhere, const char *what)
{
	const char *key, *best;
	json_t *v;

	json_object_foreach(obj, key, v) {
		size_t best_d = 3;

		if (in_list(allowed, key))
			continue;
		if (elsewhere && in_list(elsewhere, key)) {
			key_error(c, at, key, "\"%s\" does not apply to %s", key, what);
			continue;
		}
		best = NULL;
		for (size_t i = 0; allowed[i]; i++) {
			size_t d = distance(key, allowed[i]);

			if (d < best_d) {
				best_d = d;
				best = allowed[i];
			}
		}
		if (best)
			warn_key(c, at, key, "unknown key \"%s\" (did you mean \"%s\"?)", key, best);
		else
			warn_key(c, at, key, "unknown key \"%s\" (ignored)", key);
	}
}

/* ---- values ---- */

static char *dup_or_oom(cctx *c, const char *s)
{
	char *p = pa_strdup(s);

	if (!p)
		c->rc = PA_ENOMEM;
	return p;
}

/* A string member; NULL when absent or wrong (reported). */
static const char *get_string(cctx *c, json_t *obj, const pa_jsonpath *at, const char *key, bool required)
{
	json_t *v = json_object_get(obj, key);
	pa_jsonpath vp = pa_jsonpath_key(at, key);

	if (!v) {
		if (required)
			missing(c, at, key);
		return NULL;
	}
	if (!json_is_string(v)) {
		error_at(c, &vp, "must be a string");
		return NULL;
	}
	if (required && !json_string_value(v)[0]) {
		error_at(c, &vp, "must not be empty");
		return NULL;
	}
	return json_string_value(v);
}

static void get_percent_or_count(cctx *c, json_t *obj, const pa_jsonpath *at, const char *key,
				 int *out, const char *what)
{
	json_t *v = json_object_get(obj, key);
	pa_jsonpath vp = pa_jsonpath_key(at, key);

	if (!v)
		return;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100) {
		error_at(c, &vp, "must be a whole number from 0 to 100 (%s)", what);
		return;
	}
	*out = (int)json_integer_value(v);
}

static void get_bool(cctx *c, json_t *obj, const pa_jsonpath *at, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);
	pa_jsonpath vp = pa_jsonpath_key(at, key);

	if (!v)
		return;
	if (!json_is_boolean(v)) {
		error_at(c, &vp, "must be true or false");
		return;
	}
	*out = json_is_true(v);
}

static char *get_duration(cctx *c, json_t *obj, const pa_jsonpath *at, const char *key)
{
	const char *s = get_string(c, obj, at, key, false);
	pa_jsonpath vp = pa_jsonpath_key(at, key);
	double seconds;

	if (!s)
		return NULL;
	if (pa_duration_parse(&seconds, s) != 0) {
		error_at(c, &vp, "%s", pa_error_last());
		return NULL;
	}
	return dup_or_oom(c, s);
}

static bool lstring_add(cctx *c, pa_lstring *s, const char *lang, const char *text)
{
	pa_lstr *item = pa_array_push(&s->items, &s->count, sizeof(*item));

	if (!item || !(item->lang = pa_strdup(lang)) || !(item->text = pa_strdup(text))) {
		c->rc = PA_ENOMEM;
		return false;
	}
	return true;
}

static const char *default_lang(const cctx *c)
{
	return c->course->language_count ? c->course->languages[0] : "und";
}

/*
 * Check the keys of a {lang: value} object: every key a course language,
 * the default language present. Returns false when unusable.
 */
static bool check_lang_object(cctx *c, json_t *obj, const pa_jsonpath *at)
{
	const char *key;
	json_t *v;
	bool ok = true;

	json_object_foreach(obj, key, v) {
		if (c->course->language_count && pa_course_lang_index(c->course, key) < 0) {
			pa_buf langs = PA_BUF_INIT;

			for (size_t i = 0; i < c->course->language_count; i++)
				pa_buf_printf(&langs, "%s%s", i ? ", " : "", c->course->languages[i]);
			key_error(c, at, key, "\"%s\" is not a language of the course (%s)", key,
				  pa_buf_cstr(&langs));
			pa_buf_dispose(&langs);
			ok = false;
		}
	}
	if (c->course->language_count && !json_object_get(obj, default_lang(c))) {
		bool found = false;

		/* Keys are matched without regard to case, like language tags. */
		json_object_foreach(obj, key, v)
			found = found || lang_equal(key, default_lang(c));
		if (!found) {
			error_at(c, at, "needs a \"%s\" entry (the default language)", default_lang(c));
			ok = false;
		}
	}
	return ok;
}

/* The member of a {lang: value} object for course language i, or NULL. */
static json_t *lang_member(json_t *obj, const char *lang, const char **key_out)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		if (lang_equal(key, lang)) {
			*key_out = key;
			return v;
		}
	}
	return NULL;
}

/* A text: a string, or {lang: string}. */
static void get_text(cctx *c, json_t *obj, const pa_jsonpath *at, const char *key, bool required,
		     pa_lstring *out)
{
	json_t *v = json_object_get(obj, key);
	pa_jsonpath vp = pa_jsonpath_key(at, key);

	if (!v) {
		if (required)
			missing(c, at, key);
		return;
	}
	if (json_is_string(v)) {
		/* An empty optional text is no text: pa_lstring_get gives NULL. */
		if (required && !json_string_value(v)[0])
			error_at(c, &vp, "must not be empty");
		else if (json_string_value(v)[0])
			lstring_add(c, out, default_lang(c), json_string_value(v));
		return;
	}
	if (!json_is_object(v)) {
		error_at(c, &vp, "must be a string or an object with one string per language");
		return;
	}
	if (!check_lang_object(c, v, &vp))
		return;
	for (size_t i = 0; i < c->course->language_count; i++) {
		const char *k = NULL;
		json_t *t = lang_member(v, c->course->languages[i], &k);
		pa_jsonpath tp = pa_jsonpath_key(&vp, k);

		if (!t)
			continue;
		if (!json_is_string(t))
			error_at(c, &tp, "must be a string");
		else if (required && !json_string_value(t)[0])
			error_at(c, &tp, "must not be empty");
		else if (json_string_value(t)[0])
			lstring_add(c, out, c->course->languages[i], json_string_value(t));
	}
}

/* ---- files ---- */

/* rel (normalised) names a regular file inside the course folder, reached without links. */
static bool check_file(cctx *c, const pa_jsonpath *at, const char *rel)
{
	pa_buf full = PA_BUF_INIT;
	struct stat st;
	bool ok = false;
	size_t base;

	pa_buf_puts(&full, c->dir);
	if (full.len && full.ptr[full.len - 1] != '/')
		pa_buf_putc(&full, '/');
	base = full.len;
	pa_buf_puts(&full, rel);
	if (pa_buf_error(&full)) {
		c->rc = pa_buf_error(&full);
		goto done;
	}
	/* Every folder on the way, then the file: a link could lead out of the course. */
	for (size_t i = base; ; i++) {
		char saved = full.ptr[i];

		if (saved != '/' && saved != '\0')
			continue;
		full.ptr[i] = '\0';
		if (lstat(full.ptr, &st) != 0) {
			error_at(c, at, "'%s' does not exist", rel);
			goto done;
		}
		if (S_ISLNK(st.st_mode)) {
			error_at(c, at, "'%s' is a symbolic link, which is not followed: copy the "
				 "file into the course folder", full.ptr + base);
			goto done;
		}
		full.ptr[i] = saved;
		if (!saved)
			break;
	}
	if (!S_ISREG(st.st_mode)) {
		error_at(c, at, "'%s' is not a file", rel);
		goto done;
	}
	ok = true;
done:
	pa_buf_dispose(&full);
	return ok;
}

static bool has_extension(const char *path, const char *const *exts)
{
	for (size_t i = 0; exts[i]; i++) {
		if (pa_str_endswith_nocase(path, exts[i]))
			return true;
	}
	return false;
}

/* One path of source/questions: normalised, inside the course, the right kind, existing. */
static void add_path(cctx *c, const pa_jsonpath *at, json_t *v, const char *lang,
		     const char *const *exts, const char *kind, pa_lstring *out)
{
	pa_buf norm = PA_BUF_INIT;

	if (!json_is_string(v)) {
		error_at(c, at, "must be a path (a string)");
		goto done;
	}
	if (pa_path_normalize(&norm, json_string_value(v)) != 0) {
		if (pa_buf_error(&norm) == PA_ENOMEM)
			c->rc = PA_ENOMEM;
		error_at(c, at, "%s: every path stays inside the course folder", pa_error_last());
		goto done;
	}
	if (!has_extension(norm.ptr, exts)) {
		pa_buf list = PA_BUF_INIT;

		for (size_t i = 0; exts[i]; i++)
			pa_buf_printf(&list, "%s%s", i ? ", " : "", exts[i]);
		error_at(c, at, "'%s' is not %s (%s)", norm.ptr, kind, pa_buf_cstr(&list));
		pa_buf_dispose(&list);
		goto done;
	}
	if (check_file(c, at, norm.ptr))
		lstring_add(c, out, lang, norm.ptr);
done:
	pa_buf_dispose(&norm);
}

/* source or questions: a path, or {lang: path}. */
static void get_paths(cctx *c, json_t *obj, const pa_jsonpath *at, const char *key,
		      const char *const *exts, const char *kind, pa_lstring *out)
{
	json_t *v = json_object_get(obj, key);
	pa_jsonpath vp = pa_jsonpath_key(at, key);

	if (!v) {
		missing(c, at, key);
		return;
	}
	if (!json_is_object(v)) {
		add_path(c, &vp, v, default_lang(c), exts, kind, out);
		return;
	}
	if (!check_lang_object(c, v, &vp))
		return;
	for (size_t i = 0; i < c->course->language_count; i++) {
		const char *k = NULL;
		json_t *p = lang_member(v, c->course->languages[i], &k);
		pa_jsonpath pp = pa_jsonpath_key(&vp, k);

		if (p)
			add_path(c, &pp, p, c->course->languages[i], exts, kind, out);
	}
}

/* The question file of language i: its own, else the default language's. */
static const char *quiz_path(const pa_unit *u, const char *lang)
{
	for (size_t i = 0; i < u->questions.count; i++) {
		if (lang_equal(u->questions.items[i].lang, lang))
			return u->questions.items[i].text;
	}
	return u->questions.count ? u->questions.items[0].text : NULL;
}

static void load_quizzes(cctx *c, pa_unit *u, const pa_jsonpath *at)
{
	pa_course *course = c->course;
	bool all_loaded = true;

	if (u->questions.count == 0 || course->language_count == 0)
		return;
	if (!(u->quizzes = calloc(course->language_count, sizeof(*u->quizzes)))) {
		c->rc = PA_ENOMEM;
		return;
	}
	for (size_t i = 0; i < course->language_count; i++) {
		const char *rel = quiz_path(u, course->languages[i]);
		bool repeat = false;
		pa_buf full = PA_BUF_INIT;
		pa_diag scratch;
		int rc;

		for (size_t j = 0; j < i; j++)
			repeat = repeat || strcmp(rel, quiz_path(u, course->languages[j])) == 0;
		pa_path_join(&full, c->dir, rel);
		/* A file shared by two languages is reported once. */
		pa_diag_init(&scratch);
		rc = pa_buf_error(&full) ? pa_buf_error(&full)
			: pa_quiz_load(&u->quizzes[i], full.ptr, rel, repeat ? &scratch : c->diag);
		pa_diag_dispose(&scratch);
		pa_buf_dispose(&full);
		if (rc == PA_ENOMEM)
			c->rc = rc;
		all_loaded = all_loaded && rc == 0;
	}
	if (!all_loaded)
		return;
	for (size_t i = 1; i < course->language_count; i++) {
		if (strcmp(quiz_path(u, course->languages[0]), quiz_path(u, course->languages[i])) != 0)
			pa_quiz_check_translation(&u->quizzes[0], &u->quizzes[i], c->diag);
	}
	if (u->graded) {
		const pa_quiz *quiz = &u->quizzes[0];
		bool scored = false;

		for (size_t i = 0; i < quiz->count; i++) {
			const pa_question *q = &quiz->questions[i];

			scored = scored || pa_question_is_scored(q);
			if ((q->type == PA_Q_CHOICE || q->type == PA_Q_MULTIPLE) && !pa_question_is_scored(q))
				pa_diag_add(c->diag, PA_DIAG_ERROR, quiz->file, q->line, q->col,
					    "question '%s' has no right answer: a graded assessment needs one "
					    "(only a survey, graded: false, may ask without one)", q->id);
		}
		if (!scored)
			error_at(c, at, "the assessment has no scored question: set graded: false for a survey");
	}
}

/* ---- the structure ---- */

static const char *const lesson_exts[] = { ".md", ".markdown", ".html", ".htm", NULL };
static const char *const quiz_exts[] = { ".gift", ".json", NULL };

static void get_id(cctx *c, json_t *obj, const pa_jsonpath *at, char **out, const char *what)
{
	const char *id = get_string(c, obj, at, "id", true);
	pa_jsonpath vp = pa_jsonpath_key(at, "id");

	if (!id)
		return;
	if (!pa_course_is_identifier(id)) {
		error_at(c, &vp, "'%s' is not an identifier (letters, digits, '.', '_' and '-', "
			 "starting with a letter, at most %d characters)", id, MAX_IDENTIFIER);
		return;
	}
	if (what) {
		if (pa_strset_has(&c->ids, id)) {
			error_at(c, &vp, "the %s identifier '%s' is already used in the course", what, id);
			return;
		}
		if (pa_strset_add(&c->ids, id) != 0)
			c->rc = PA_ENOMEM;
	}
	*out = dup_or_oom(c, id);
}

static void parse_unit(cctx *c, pa_unit *u, json_t *obj, const pa_jsonpath *at)
{
	const char *type;
	pa_jsonpath tp = pa_jsonpath_key(at, "type");
	bool has_score;
	unsigned col;
	size_t errors;


	pa_jsonpos_locate(&c->pos, &u->line, &col, at->s, at->n, false);
	if (!json_is_object(obj)) {
		error_at(c, at, "a unit is an object with \"id\", \"type\" and \"title\"");
		return;
	}
	get_id(c, obj, at, &u->id, "unit");
	get_text(c, obj, at, "title", true, &u->title);
	u->passing_score = c->course->passing_score;
	u->attempt_limit = c->course->attempt_limit;
	u->graded = true;
	if (!(type = get_string(c, obj, at, "type", true)))
		return;
	if (strcmp(type, "lesson") == 0) {
		u->kind = PA_UNIT_LESSON;
		check_keys(c, obj, at, lesson_keys, assessment_keys, "a lesson");
		get_paths(c, obj, at, "source", lesson_exts, "a lesson", &u->source);
		return;
	}
	if (strcmp(type, "assessment") != 0) {
		error_at(c, &tp, "must be \"lesson\" or \"assessment\"");
		return;
	}
	u->kind = PA_UNIT_ASSESSMENT;
	check_keys(c, obj, at, assessment_keys, lesson_keys, "an assessment");
	get_percent_or_count(c, obj, at, "passingScore", &u->passing_score, "a percentage");
	get_percent_or_count(c, obj, at, "attemptLimit", &u->attempt_limit, "0 for unlimited");
	get_bool(c, obj, at, "shuffle", &u->shuffle);
	get_bool(c, obj, at, "graded", &u->graded);
	u->time_limit = get_duration(c, obj, at, "timeLimit");
	has_score = json_object_get(obj, "passingScore") != NULL;
	if (!u->graded && has_score)
		warn_key(c, at, "passingScore", "a survey (graded: false) is never passed or failed: "
			 "\"passingScore\" is ignored");
	errors = c->diag->errors;
	get_paths(c, obj, at, "questions", quiz_exts, "a question file", &u->questions);
	/* Only when every path is good: a fallback to the wrong file would confuse. */
	if (c->rc == 0 && u->questions.count && c->diag->errors == errors)
		load_quizzes(c, u, at);
}

static void parse_module(cctx *c, pa_module *m, json_t *obj, const pa_jsonpath *at)
{
	json_t *units, *v;
	pa_jsonpath up = pa_jsonpath_key(at, "units");
	unsigned col;
	size_t i;

	pa_jsonpos_locate(&c->pos, &m->line, &col, at->s, at->n, false);
	if (!json_is_object(obj)) {
		error_at(c, at, "a module is an object with \"id\", \"title\" and \"units\"");
		return;
	}
	check_keys(c, obj, at, module_keys, NULL, "a module");
	get_id(c, obj, at, &m->id, "module");
	get_text(c, obj, at, "title", true, &m->title);
	get_text(c, obj, at, "description", false, &m->description);
	units = json_object_get(obj, "units");
	if (!units) {
		missing(c, at, "units");
		return;
	}
	if (!json_is_array(units) || json_array_size(units) == 0) {
		error_at(c, &up, "must be an array of at least one unit");
		return;
	}
	if (json_array_size(units) > PA_COURSE_MAX_UNITS - c->unit_total) {
		error_at(c, &up, "more than %d units in the course", PA_COURSE_MAX_UNITS);
		c->too_many_units = true;
		return;
	}
	c->unit_total += json_array_size(units);
	if (!(m->units = calloc(json_array_size(units), sizeof(*m->units)))) {
		c->rc = PA_ENOMEM;
		return;
	}
	json_array_foreach(units, i, v) {
		pa_jsonpath at_u = pa_jsonpath_index(&up, i);

		m->unit_count = i + 1;
		parse_unit(c, &m->units[i], v, &at_u);
		if (c->rc)
			return;
	}
}

/* A simple BCP 47 check: a 2-3 letter language, then subtags of 1-8 letters or digits. */
static bool lang_tag_ok(const char *s)
{
	size_t n = 0, part = 0;

	if (strlen(s) > MAX_LANG_TAG)
		return false;
	while (s[n] && isalpha((unsigned char)s[n]) && !(s[n] & 0x80))
		n++;
	if (n < 2 || n > 3)
		return false;
	for (; s[n]; n++) {
		unsigned char ch = (unsigned char)s[n];

		if (ch == '-') {
			if (n && s[n - 1] == '-')
				return false;
			part = 0;
			continue;
		}
		if (ch >= 0x80 || !isalnum(ch) || ++part > 8)
			return false;
	}
	return s[n - 1] != '-';
}

static void parse_languages(cctx *c, json_t *doc)
{
	pa_jsonpath root = { .n = 0 }, lp = pa_jsonpath_key(&root, "languages");
	json_t *arr = json_object_get(doc, "languages"), *v;
	pa_course *course = c->course;
	size_t i;

	if (!arr) {
		missing(c, &root, "languages");
		return;
	}
	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		error_at(c, &lp, "must be an array of at least one language tag, like [\"en\", \"fr\"]");
		return;
	}
	if (json_array_size(arr) > PA_COURSE_MAX_LANGUAGES) {
		error_at(c, &lp, "more than %d languages", PA_COURSE_MAX_LANGUAGES);
		return;
	}
	if (!(course->languages = calloc(json_array_size(arr), sizeof(char *)))) {
		c->rc = PA_ENOMEM;
		return;
	}
	json_array_foreach(arr, i, v) {
		pa_jsonpath at = pa_jsonpath_index(&lp, i);
		const char *tag = json_string_value(v);

		if (!tag || !lang_tag_ok(tag)) {
			error_at(c, &at, "must be a language tag like \"en\", \"fr\" or \"pt-BR\"");
			continue;
		}
		if (pa_course_lang_index(course, tag) >= 0) {
			error_at(c, &at, "\"%s\" is listed twice", tag);
			continue;
		}
		if (!(course->languages[course->language_count] = dup_or_oom(c, tag)))
			return;
		course->language_count++;
	}
}

static bool date_ok(const char *s)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && !(s[i] >= '0' && s[i] <= '9'))
			return false;
	}
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	/* The zip format's timestamps run from 1980 to 2107. */
	return y >= 1980 && y <= 2107;
}

static bool string_list(cctx *c, json_t *arr, const pa_jsonpath *at, char ***out, size_t *count)
{
	json_t *v;
	size_t i;

	if (!json_is_array(arr)) {
		error_at(c, at, "must be an array of strings");
		return false;
	}
	if (json_array_size(arr) > PA_COURSE_MAX_UNITS) {
		error_at(c, at, "more than %d entries", PA_COURSE_MAX_UNITS);
		return false;
	}
	if (json_array_size(arr) && !(*out = calloc(json_array_size(arr), sizeof(char *)))) {
		c->rc = PA_ENOMEM;
		return false;
	}
	json_array_foreach(arr, i, v) {
		pa_jsonpath ip = pa_jsonpath_index(at, i);

		if (!json_is_string(v)) {
			error_at(c, &ip, "must be a string");
			continue;
		}
		if (!((*out)[*count] = dup_or_oom(c, json_string_value(v))))
			return false;
		(*count)++;
	}
	return true;
}

static void parse_keywords(cctx *c, json_t *doc)
{
	pa_jsonpath root = { .n = 0 }, kp = pa_jsonpath_key(&root, "keywords");
	json_t *v = json_object_get(doc, "keywords");
	pa_course *course = c->course;

	if (!v)
		return;
	if (json_is_array(v)) {
		pa_lstrlist *l = pa_array_push(&course->keywords, &course->keyword_count, sizeof(*l));

		if (!l || !(l->lang = pa_strdup(default_lang(c)))) {
			c->rc = PA_ENOMEM;
			return;
		}
		string_list(c, v, &kp, &l->words, &l->count);
		return;
	}
	if (!json_is_object(v)) {
		error_at(c, &kp, "must be an array of strings or an object with one array per language");
		return;
	}
	if (!check_lang_object(c, v, &kp))
		return;
	for (size_t i = 0; i < course->language_count; i++) {
		const char *k = NULL;
		json_t *list = lang_member(v, course->languages[i], &k);
		pa_jsonpath lp = pa_jsonpath_key(&kp, k);
		pa_lstrlist *l;

		if (!list)
			continue;
		if (!(l = pa_array_push(&course->keywords, &course->keyword_count, sizeof(*l))) ||
		    !(l->lang = pa_strdup(course->languages[i]))) {
			c->rc = PA_ENOMEM;
			return;
		}
		if (!string_list(c, list, &lp, &l->words, &l->count))
			return;
	}
}

static void parse_course(cctx *c, json_t *doc)
{
	pa_jsonpath root = { .n = 0 }, mp = pa_jsonpath_key(&root, "modules");
	pa_course *course = c->course;
	const char *s;
	json_t *v, *modules;
	size_t i;

	check_keys(c, doc, &root, course_keys, NULL, "a course");
	parse_languages(c, doc);
	get_id(c, doc, &root, &course->id, NULL);
	if ((s = get_string(c, doc, &root, "version", true))) {
		pa_jsonpath vp = pa_jsonpath_key(&root, "version");

		if (strlen(s) > MAX_SHORT_STRING)
			error_at(c, &vp, "is longer than %d characters", MAX_SHORT_STRING);
		else
			course->version = dup_or_oom(c, s);
	}
	if ((s = get_string(c, doc, &root, "date", false))) {
		pa_jsonpath vp = pa_jsonpath_key(&root, "date");

		if (!date_ok(s))
			error_at(c, &vp, "'%s' is not a date YYYY-MM-DD from 1980 to 2107", s);
		else
			course->date = dup_or_oom(c, s);
	}
	get_text(c, doc, &root, "title", true, &course->title);
	get_text(c, doc, &root, "description", false, &course->description);
	get_text(c, doc, &root, "audience", false, &course->audience);
	course->duration = get_duration(c, doc, &root, "duration");
	parse_keywords(c, doc);
	if ((s = get_string(c, doc, &root, "licence", true)))
		course->licence = dup_or_oom(c, s);
	if ((s = get_string(c, doc, &root, "attribution", false)))
		course->attribution = dup_or_oom(c, s);
	if ((v = json_object_get(doc, "authors"))) {
		pa_jsonpath ap = pa_jsonpath_key(&root, "authors");

		string_list(c, v, &ap, &course->authors, &course->author_count);
	}
	get_percent_or_count(c, doc, &root, "passingScore", &course->passing_score, "a percentage");
	get_percent_or_count(c, doc, &root, "attemptLimit", &course->attempt_limit, "0 for unlimited");
	if ((s = get_string(c, doc, &root, "navigation", false))) {
		pa_jsonpath np = pa_jsonpath_key(&root, "navigation");

		if (strcmp(s, "free") == 0)
			course->navigation = PA_NAV_FREE;
		else if (strcmp(s, "forced") == 0)
			course->navigation = PA_NAV_FORCED;
		else if (strcmp(s, "prerequisites") == 0)
			course->navigation = PA_NAV_PREREQUISITES;
		else
			error_at(c, &np, "must be \"free\", \"forced\" or \"prerequisites\"");
	}
	if (c->rc)
		return;
	modules = json_object_get(doc, "modules");
	if (!modules) {
		missing(c, &root, "modules");
		return;
	}
	if (!json_is_array(modules) || json_array_size(modules) == 0) {
		error_at(c, &mp, "must be an array of at least one module");
		return;
	}
	if (json_array_size(modules) > PA_COURSE_MAX_MODULES) {
		error_at(c, &mp, "more than %d modules", PA_COURSE_MAX_MODULES);
		return;
	}
	if (!(course->modules = calloc(json_array_size(modules), sizeof(*course->modules)))) {
		c->rc = PA_ENOMEM;
		return;
	}
	json_array_foreach(modules, i, v) {
		pa_jsonpath at = pa_jsonpath_index(&mp, i);

		course->module_count = i + 1;
		parse_module(c, &course->modules[i], v, &at);
		if (c->rc || c->too_many_units)
			break;
	}
}

int pa_course_parse(pa_course **out, const char *json, size_t len, const char *dir, pa_diag *diag)
{
	cctx c = { json, len, dir, diag, { 0 }, NULL, PA_STRSET_INIT, 0, false, 0 };
	size_t errors = diag->errors;
	json_error_t err;
	json_t *doc = NULL;
	int rc = 0;

	*out = NULL;
	pa_jsonpos_init(&c.pos, json, len);
	if (!(c.course = calloc(1, sizeof(*c.course))) || !(c.course->dir = pa_strdup(dir))) {
		rc = PA_ENOMEM;
		goto done;
	}
	c.course->passing_score = 80;
	c.course->attempt_limit = 0;
	c.course->navigation = PA_NAV_FREE;
	if (len > PA_COURSE_MAX_BYTES) {
		pa_diag_error(diag, COURSE_FILE, 0, "larger than %zu MiB", PA_COURSE_MAX_BYTES >> 20);
		goto done;
	}
	doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (!doc) {
		pa_diag_add(diag, PA_DIAG_ERROR, COURSE_FILE, err.line > 0 ? (unsigned)err.line : 0,
			    err.column > 0 ? (unsigned)err.column : 0, "%s", err.text);
		goto done;
	}
	if (!json_is_object(doc)) {
		pa_diag_add(diag, PA_DIAG_ERROR, COURSE_FILE, 1, 1,
			    "course.json holds an object: { \"id\": ..., \"modules\": [...] }");
		goto done;
	}
	parse_course(&c, doc);
	rc = c.rc;
done:
	json_decref(doc);
	pa_jsonpos_dispose(&c.pos);
	pa_strset_dispose(&c.ids);
	if (rc == 0 && diag->errors > errors)
		rc = PA_EINVALID;
	if (rc != 0) {
		pa_course_free(c.course);
		return rc;
	}
	*out = c.course;
	return 0;
}

int pa_course_load(pa_course **out, const char *dir, pa_diag *diag)
{
	pa_buf path = PA_BUF_INIT, text = PA_BUF_INIT;
	int rc;

	*out = NULL;
	if ((rc = pa_path_join(&path, dir, COURSE_FILE)) != 0)
		goto done;
	rc = pa_fs_read(&text, path.ptr, PA_COURSE_MAX_BYTES);
	if (rc == PA_ENOTFOUND)
		pa_diag_error(diag, COURSE_FILE, 0, "not found in %s: is it a course folder?", dir);
	else if (rc == PA_ELIMIT)
		pa_diag_error(diag, COURSE_FILE, 0, "larger than %zu MiB", PA_COURSE_MAX_BYTES >> 20);
	else if (rc != 0)
		pa_diag_error(diag, COURSE_FILE, 0, "cannot be read: %s", pa_error_last());
	if (rc == PA_ENOMEM)
		goto done;
	if (rc != 0) {
		rc = PA_EINVALID;
		goto done;
	}
	rc = pa_course_parse(out, pa_buf_cstr(&text), text.len, dir, diag);
done:
	pa_buf_dispose(&path);
	pa_buf_dispose(&text);
	return rc;
}
