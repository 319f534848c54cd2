#include "packager/ui.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"

typedef struct ui_table {
	const char *lang;
	const char *text[PA_UI_KEY_COUNT];
} ui_table;

static const ui_table tables[] = {
	{ "en", {
		"Skip to content",
		"Language",
		"(opens in a new tab)",
		"Mark as complete",
		"This page needs JavaScript to record your progress and to run its questions. "
		"You can still read the lesson.",
		"Loading the questions…",
		"End of the lesson",
	} },
	{ "fr", {
		"Aller au contenu",
		"Langue",
		"(s’ouvre dans un nouvel onglet)",
		"Marquer comme terminé",
		"Cette page a besoin de JavaScript pour enregistrer votre progression et afficher ses "
		"questions. Vous pouvez tout de même lire la leçon.",
		"Chargement des questions…",
		"Fin de la leçon",
	} },
	{ "es", {
		"Ir al contenido",
		"Idioma",
		"(se abre en una pestaña nueva)",
		"Marcar como terminado",
		"Esta página necesita JavaScript para registrar su progreso y mostrar sus preguntas. "
		"Puede leer la lección de todos modos.",
		"Cargando las preguntas…",
		"Fin de la lección",
	} },
};

static const struct { const char *tag, *name; } names[] = {
	{ "ar", "العربية" }, { "de", "Deutsch" }, { "en", "English" }, { "es", "Español" },
	{ "fa", "فارسی" }, { "fr", "Français" }, { "he", "עברית" }, { "it", "Italiano" },
	{ "nl", "Nederlands" }, { "pt", "Português" }, { "ru", "Русский" }, { "sw", "Kiswahili" },
	{ "tr", "Türkçe" }, { "uk", "Українська" }, { "ur", "اردو" }, { "zh", "中文" },
};

/* Does tag's primary subtag equal primary? ("fr-CA" ~ "fr") */
static bool same_primary(const char *tag, const char *primary)
{
	size_t n = strcspn(tag, "-_");

	return n == strlen(primary) && strncasecmp(tag, primary, n) == 0;
}

const char *pa_ui_text(const char *lang, pa_ui_key key)
{
	const ui_table *t = &tables[0];

	if ((unsigned)key >= PA_UI_KEY_COUNT)
		return "";
	for (size_t i = 0; lang && i < PA_ARRAY_SIZE(tables); i++) {
		if (same_primary(lang, tables[i].lang)) {
			t = &tables[i];
			break;
		}
	}
	return t->text[key];
}

const char *pa_ui_language_name(const char *lang)
{
	for (size_t i = 0; i < PA_ARRAY_SIZE(names); i++) {
		if (same_primary(lang, names[i].tag))
			return names[i].name;
	}
	return lang;
}

bool pa_ui_is_rtl(const char *lang)
{
	static const char *const rtl[] = { "ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb" };

	for (size_t i = 0; i < PA_ARRAY_SIZE(rtl); i++) {
		if (same_primary(lang, rtl[i]))
			return true;
	}
	return false;
}
