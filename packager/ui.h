/*
 * The words a generated page shows around the course's own content (skip
 * link, buttons, notices), in the languages the program knows. Other
 * languages fall back to English.
 */
#ifndef PA_UI_H
#define PA_UI_H

#include <stdbool.h>

typedef enum pa_ui_key {
	PA_UI_SKIP = 0,        /* skip link */
	PA_UI_LANGUAGE,        /* label of the language menu */
	PA_UI_NEW_TAB,         /* hint after an external link */
	PA_UI_COMPLETE,        /* the lesson's finish button */
	PA_UI_NOSCRIPT,        /* shown when JavaScript is off */
	PA_UI_QUIZ_LOADING,    /* placeholder before the questions are built */
	PA_UI_LESSON_END,      /* label of the finishing area */
	PA_UI_KEY_COUNT
} pa_ui_key;

/* The text of key in lang (exact tag, then primary subtag, then English). */
const char *pa_ui_text(const char *lang, pa_ui_key key);

/* The language's own name ("Français" for "fr"), or the tag itself. */
const char *pa_ui_language_name(const char *lang);

/* True for scripts written right to left (Arabic, Hebrew, Persian, Urdu). */
bool pa_ui_is_rtl(const char *lang);

#endif
