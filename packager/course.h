/* A course source (docs/course-format.md) loaded into memory. */
#ifndef PA_COURSE_H
#define PA_COURSE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/diag.h"
#include "packager/quiz.h"

/* A text in several languages. */
typedef struct pa_lstr {
	char *lang;
	char *text;
} pa_lstr;

typedef struct pa_lstring {
	pa_lstr *items;
	size_t count;
} pa_lstring;

/*
 * The text in lang: exact tag, then same primary subtag ("fr" for
 * "fr-CA"), then the first item; NULL when the text is empty.
 */
const char *pa_lstring_get(const pa_lstring *s, const char *lang);

typedef struct pa_lstrlist {
	char *lang;
	char **words;
	size_t count;
} pa_lstrlist;

typedef enum pa_nav_mode {
	PA_NAV_FREE = 0,
	PA_NAV_FORCED,
	PA_NAV_PREREQUISITES
} pa_nav_mode;

typedef enum pa_unit_kind {
	PA_UNIT_LESSON = 0,
	PA_UNIT_ASSESSMENT
} pa_unit_kind;

typedef struct pa_unit {
	char *id;
	pa_unit_kind kind;
	pa_lstring title;
	unsigned line;          /* line of the unit in course.json */
	/* lesson: course-relative path per language (.md or .html) */
	pa_lstring source;
	/* assessment */
	pa_lstring questions;   /* course-relative path per language */
	pa_quiz *quizzes;       /* parsed, one per course language, same order as pa_course.languages */
	int passing_score;      /* percent 0..100 (course default applied) */
	int attempt_limit;      /* 0 = unlimited (course default applied) */
	bool shuffle;
	bool graded;            /* false for surveys */
	char *time_limit;       /* ISO 8601 duration, or NULL */
} pa_unit;

typedef struct pa_module {
	char *id;
	pa_lstring title;
	pa_lstring description;
	pa_unit *units;
	size_t unit_count;
	unsigned line;
} pa_module;

typedef struct pa_course {
	char *dir;              /* the course folder as given */
	char *id;
	char *version;
	char *date;             /* YYYY-MM-DD or NULL */
	char **languages;       /* at least one; the first is the default */
	size_t language_count;
	pa_lstring title;
	pa_lstring description;
	pa_lstring audience;
	char *duration;         /* ISO 8601 duration or NULL */
	pa_lstrlist *keywords;
	size_t keyword_count;
	char *licence;
	char *attribution;      /* or NULL */
	char **authors;
	size_t author_count;
	int passing_score;      /* percent, default 80 */
	int attempt_limit;      /* 0 = unlimited */
	pa_nav_mode navigation;
	pa_module *modules;
	size_t module_count;
} pa_course;

/*
 * Load DIR/course.json and every question file it names, checking every
 * rule of docs/course-format.md. Problems go to diag with file and line
 * (file names relative to the course folder, e.g. "course.json",
 * "m1/quiz.en.gift"). Returns 0 with *out set when diag holds no error;
 * otherwise PA_EINVALID (or another error) and *out is NULL.
 * Lesson files are checked to exist but are read by the renderer.
 */
int pa_course_load(pa_course **out, const char *dir, pa_diag *diag);
void pa_course_free(pa_course *course);

/*
 * The same from course.json text already in memory (len bytes, need not be
 * NUL-terminated); lesson and question files are still looked up in dir.
 */
int pa_course_parse(pa_course **out, const char *json, size_t len, const char *dir, pa_diag *diag);

/* Limits on what one course may hold (hostile or runaway input). */
#define PA_COURSE_MAX_BYTES ((size_t)16 * 1024 * 1024)
#define PA_COURSE_MAX_MODULES 1000
#define PA_COURSE_MAX_UNITS 1000     /* in the whole course */
#define PA_COURSE_MAX_LANGUAGES 100

/* True for an identifier: [A-Za-z][A-Za-z0-9._-]*, at most 64 characters. */
bool pa_course_is_identifier(const char *str);

/*
 * An ISO 8601 duration as the course format allows it
 * (P[nY][nM][nD][T[nH][nM][n[.n]S]], not zero) in seconds, counting a year
 * as 365 days and a month as 30 (for SCORM 1.2's HHHH:MM:SS).
 */
int pa_duration_parse(double *out_seconds, const char *iso);

/* True when the module holds a graded assessment. */
bool pa_module_is_graded(const pa_module *module);

/* Index of lang in course->languages, or -1. */
int pa_course_lang_index(const pa_course *course, const char *lang);

#endif
