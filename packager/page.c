#include "packager/page.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "packager/markdown.h"
#include "packager/ui.h"

#ifndef PA_VERSION
#define PA_VERSION "0"
#endif

typedef struct page {
	const pa_page_ctx *ctx;
	const pa_module *module;
	const pa_unit *unit;
	const char **langs;
	size_t nlangs;
	pa_strset ids;
	pa_strset *assets;
	pa_diag *diag;
	pa_buf *out;
	int error;     /* first hard error */
	bool invalid;  /* some content broke a rule */
} page;

static const char *lget_or(const pa_lstring *s, const char *lang, const char *dflt)
{
	const char *t = pa_lstring_get(s, lang);

	return t && *t ? t : dflt;
}

static const pa_quiz *quiz_for(const page *p, const char *lang)
{
	const pa_course *c = p->ctx->course;

	if (!p->unit->quizzes)
		return NULL;
	for (size_t i = 0; i < c->language_count; i++) {
		if (strcasecmp(c->languages[i], lang) == 0)
			return &p->unit->quizzes[i];
	}
	return &p->unit->quizzes[0];
}

static void note(page *p, int err)
{
	if (err == PA_EINVALID)
		p->invalid = true;
	else if (err < 0 && !p->error)
		p->error = err;
}

/* ---- JSON ------------------------------------------------------------ */

static void json_num(pa_buf *out, double v)
{
	if (isfinite(v))
		pa_buf_printf(out, "%.15g", v);
	else
		pa_buf_puts(out, "null");
}

static void json_key(pa_buf *out, bool *first, const char *key)
{
	if (!*first)
		pa_buf_putc(out, ',');
	*first = false;
	pa_buf_put_json(out, key);
	pa_buf_putc(out, ':');
}

/* Which text of a question or answer a per-language map shows. */
typedef enum qfield {
	QF_TEXT, QF_FB_CORRECT, QF_FB_INCORRECT, QF_FB_GENERAL,
	QF_A_TEXT, QF_A_MATCH, QF_A_FEEDBACK
} qfield;

static const char *field_of(const pa_question *q, size_t ai, qfield f)
{
	const pa_answer *a = ai < q->answer_count ? &q->answers[ai] : NULL;

	switch (f) {
	case QF_TEXT: return q->text;
	case QF_FB_CORRECT: return q->feedback_correct;
	case QF_FB_INCORRECT: return q->feedback_incorrect;
	case QF_FB_GENERAL: return q->feedback_general;
	case QF_A_TEXT: return a ? a->text : NULL;
	case QF_A_MATCH: return a ? a->match : NULL;
	case QF_A_FEEDBACK: return a ? a->feedback : NULL;
	}
	return NULL;
}

/* The same question in the quiz of lang (translations share ids and order). */
static const pa_question *question_in(const page *p, const char *lang, size_t qi)
{
	const pa_quiz *qz = quiz_for(p, lang);
	const pa_quiz *dflt = quiz_for(p, p->langs[0]);

	if (qz && qi < qz->count)
		return &qz->questions[qi];
	return dflt && qi < dflt->count ? &dflt->questions[qi] : NULL;
}

/*
 * {"en":"<html>","fr":"<html>"} for one text of question qi in every
 * language; "raw" keeps the source text (for matching answers against).
 */
static void json_texts(page *p, size_t qi, size_t ai, qfield f, bool raw)
{
	pa_buf *out = p->out;
	bool first = true;

	pa_buf_putc(out, '{');
	for (size_t l = 0; l < p->nlangs; l++) {
		const char *lang = p->langs[l];
		const pa_question *q = question_in(p, lang, qi);
		const char *text = q ? field_of(q, ai, f) : NULL;
		pa_buf html = PA_BUF_INIT;

		if (!text)
			continue;
		json_key(out, &first, lang);
		if (raw) {
			pa_buf_put_json(out, text);
			continue;
		}
		{
			pa_md_ctx md = {
				.course_dir = p->ctx->course->dir,
				.file = lget_or(&p->unit->questions, lang, quiz_for(p, lang)->file),
				.line = ai < q->answer_count && q->answers[ai].line &&
					(f == QF_A_TEXT || f == QF_A_MATCH || f == QF_A_FEEDBACK)
					? q->answers[ai].line : q->line,
				.lang = lang,
				.id_prefix = "",
				.ids = &p->ids,
				.assets = p->assets,
				.diag = p->diag,
			};

			note(p, pa_markdown_render_inline(&html, text, q->format, &md));
		}
		pa_buf_put_json(out, pa_buf_cstr(&html));
		pa_buf_dispose(&html);
	}
	pa_buf_putc(out, '}');
}

static void json_question(page *p, size_t qi)
{
	const pa_question *q = question_in(p, p->langs[0], qi);
	pa_buf *out = p->out;
	bool first = true;

	pa_buf_putc(out, '{');
	json_key(out, &first, "id");
	pa_buf_put_json(out, q->id);
	json_key(out, &first, "type");
	pa_buf_put_json(out, pa_question_type_name(q->type));
	json_key(out, &first, "scored");
	pa_buf_puts(out, pa_question_is_scored(q) ? "true" : "false");
	json_key(out, &first, "weight");
	json_num(out, q->weight > 0 ? q->weight : 1);
	json_key(out, &first, "shuffle");
	pa_buf_puts(out, q->shuffle ? "true" : "false");
	json_key(out, &first, "text");
	json_texts(p, qi, 0, QF_TEXT, false);
	switch (q->type) {
	case PA_Q_TRUEFALSE:
		json_key(out, &first, "answer");
		pa_buf_puts(out, q->tf_answer ? "true" : "false");
		break;
	case PA_Q_NUMERIC:
		json_key(out, &first, "min");
		json_num(out, q->min);
		json_key(out, &first, "max");
		json_num(out, q->max);
		break;
	case PA_Q_SHORT:
		json_key(out, &first, "caseSensitive");
		pa_buf_puts(out, q->case_sensitive ? "true" : "false");
		break;
	default:
		break;
	}
	json_key(out, &first, "feedback");
	{
		bool f2 = true;
		static const struct { const char *key; qfield f; } fbs[] = {
			{ "correct", QF_FB_CORRECT }, { "incorrect", QF_FB_INCORRECT },
			{ "general", QF_FB_GENERAL },
		};

		pa_buf_putc(out, '{');
		for (size_t i = 0; i < PA_ARRAY_SIZE(fbs); i++) {
			json_key(out, &f2, fbs[i].key);
			json_texts(p, qi, 0, fbs[i].f, false);
		}
		pa_buf_putc(out, '}');
	}
	json_key(out, &first, "answers");
	pa_buf_putc(out, '[');
	for (size_t ai = 0; ai < q->answer_count; ai++) {
		const pa_answer *a = &q->answers[ai];
		bool f3 = true;

		if (ai)
			pa_buf_putc(out, ',');
		pa_buf_putc(out, '{');
		json_key(out, &f3, "correct");
		pa_buf_puts(out, a->correct ? "true" : "false");
		json_key(out, &f3, "credit");
		json_num(out, a->credit);
		if (a->pattern) {
			json_key(out, &f3, "pattern");
			pa_buf_put_json(out, a->pattern);
		}
		if (q->type == PA_Q_NUMERIC) {
			json_key(out, &f3, "min");
			json_num(out, a->min);
			json_key(out, &f3, "max");
			json_num(out, a->max);
		} else if (q->type == PA_Q_SHORT) {
			/* Compared with what the learner types, never shown. */
			if (a->text) {
				json_key(out, &f3, "value");
				json_texts(p, qi, ai, QF_A_TEXT, true);
			}
		} else if (a->text) {
			json_key(out, &f3, "text");
			json_texts(p, qi, ai, QF_A_TEXT, false);
		}
		if (a->match) {
			/* HTML too; the page shows its text in a <select>. */
			json_key(out, &f3, "match");
			json_texts(p, qi, ai, QF_A_MATCH, false);
		}
		json_key(out, &f3, "feedback");
		json_texts(p, qi, ai, QF_A_FEEDBACK, false);
		pa_buf_putc(out, '}');
	}
	pa_buf_putc(out, ']');
	pa_buf_putc(out, '}');
}

static void json_data(page *p)
{
	const pa_unit *u = p->unit;
	const pa_course *c = p->ctx->course;
	pa_buf *out = p->out;
	bool first = true;

	pa_buf_puts(out, "<script type=\"application/json\" id=\"pa-data\">");
	pa_buf_putc(out, '{');
	json_key(out, &first, "version");
	pa_buf_puts(out, "1");
	json_key(out, &first, "course");
	pa_buf_put_json(out, c->id ? c->id : "");
	json_key(out, &first, "unit");
	pa_buf_put_json(out, u->id);
	json_key(out, &first, "module");
	pa_buf_put_json(out, p->module->id ? p->module->id : "");
	json_key(out, &first, "kind");
	pa_buf_put_json(out, u->kind == PA_UNIT_ASSESSMENT ? "assessment" : "lesson");
	json_key(out, &first, "format");
	pa_buf_put_json(out, pa_format_name(p->ctx->format));
	json_key(out, &first, "languages");
	pa_buf_putc(out, '[');
	for (size_t l = 0; l < p->nlangs; l++) {
		if (l)
			pa_buf_putc(out, ',');
		pa_buf_put_json(out, p->langs[l]);
	}
	pa_buf_putc(out, ']');
	json_key(out, &first, "titles");
	{
		bool f2 = true;

		pa_buf_putc(out, '{');
		for (size_t l = 0; l < p->nlangs; l++) {
			pa_buf t = PA_BUF_INIT;

			pa_buf_printf(&t, "%s – %s", lget_or(&u->title, p->langs[l], u->id),
				      lget_or(&c->title, p->langs[l], c->id ? c->id : ""));
			json_key(out, &f2, p->langs[l]);
			pa_buf_put_json(out, pa_buf_cstr(&t));
			note(p, pa_buf_error(&t));
			pa_buf_dispose(&t);
		}
		pa_buf_putc(out, '}');
	}
	if (u->kind == PA_UNIT_ASSESSMENT) {
		const pa_quiz *qz = quiz_for(p, p->langs[0]);
		double limit = 0;

		if (u->time_limit && pa_duration_parse(&limit, u->time_limit) != 0)
			limit = 0;
		json_key(out, &first, "graded");
		pa_buf_puts(out, u->graded ? "true" : "false");
		json_key(out, &first, "passingScore");
		pa_buf_printf(out, "%d", u->passing_score);
		json_key(out, &first, "attemptLimit");
		pa_buf_printf(out, "%d", u->attempt_limit);
		json_key(out, &first, "shuffle");
		pa_buf_puts(out, u->shuffle ? "true" : "false");
		json_key(out, &first, "timeLimit");
		json_num(out, limit > 0 ? limit : 0);
		json_key(out, &first, "questions");
		pa_buf_putc(out, '[');
		for (size_t qi = 0; qz && qi < qz->count; qi++) {
			if (qi)
				pa_buf_putc(out, ',');
			json_question(p, qi);
		}
		pa_buf_putc(out, ']');
	}
	pa_buf_puts(out, "}</script>\n");
}

/* ---- HTML ------------------------------------------------------------ */

static void open_l10n(page *p, const char *cls, size_t l)
{
	const char *lang = p->langs[l];

	pa_buf_printf(p->out, "<div class=\"pa-l10n %s\" data-pa-lang=\"", cls);
	pa_buf_put_xml(p->out, lang);
	pa_buf_puts(p->out, "\" lang=\"");
	pa_buf_put_xml(p->out, lang);
	pa_buf_printf(p->out, "\" dir=\"%s\"%s>", pa_ui_is_rtl(lang) ? "rtl" : "ltr", l ? " hidden" : "");
}

/* One span per language, only the default one visible. */
static void ui_spans(page *p, pa_ui_key key)
{
	for (size_t l = 0; l < p->nlangs; l++) {
		pa_buf_puts(p->out, "<span data-pa-lang=\"");
		pa_buf_put_xml(p->out, p->langs[l]);
		pa_buf_puts(p->out, "\" lang=\"");
		pa_buf_put_xml(p->out, p->langs[l]);
		pa_buf_printf(p->out, "\"%s>", l ? " hidden" : "");
		pa_buf_put_xml(p->out, pa_ui_text(p->langs[l], key));
		pa_buf_puts(p->out, "</span>");
	}
}

static void header(page *p)
{
	const pa_course *c = p->ctx->course;
	pa_buf *out = p->out;

	pa_buf_puts(out, "<a class=\"pa-skip\" href=\"#pa-main\">");
	ui_spans(p, PA_UI_SKIP);
	pa_buf_puts(out, "</a>\n<header class=\"pa-header\"><div class=\"pa-header-in\">");
	for (size_t l = 0; l < p->nlangs; l++) {
		open_l10n(p, "pa-titles", l);
		pa_buf_puts(out, "<p class=\"pa-course-title\">");
		pa_buf_put_xml(out, lget_or(&c->title, p->langs[l], c->id ? c->id : ""));
		pa_buf_puts(out, "</p><p class=\"pa-module-title\">");
		pa_buf_put_xml(out, lget_or(&p->module->title, p->langs[l], p->module->id ? p->module->id : ""));
		pa_buf_puts(out, "</p></div>");
	}
	if (p->nlangs > 1) {
		pa_buf_puts(out, "<div class=\"pa-langmenu\"><label for=\"pa-lang-select\">");
		ui_spans(p, PA_UI_LANGUAGE);
		pa_buf_puts(out, "</label> <select id=\"pa-lang-select\">");
		for (size_t l = 0; l < p->nlangs; l++) {
			pa_buf_puts(out, "<option value=\"");
			pa_buf_put_xml(out, p->langs[l]);
			pa_buf_puts(out, "\" lang=\"");
			pa_buf_put_xml(out, p->langs[l]);
			pa_buf_printf(out, "\"%s>", l ? "" : " selected");
			pa_buf_put_xml(out, pa_ui_language_name(p->langs[l]));
			pa_buf_puts(out, "</option>");
		}
		pa_buf_puts(out, "</select></div>");
	}
	pa_buf_puts(out, "</div></header>\n");
}

static void lesson_body(page *p, size_t l)
{
	const char *lang = p->langs[l];
	const char *file = pa_lstring_get(&p->unit->source, lang);
	pa_buf prefix = PA_BUF_INIT;
	pa_md_ctx md = { 0 };

	if (!file) {
		pa_diag_error(p->diag, "course.json", p->unit->line, "unit '%s' has no lesson file",
			      p->unit->id);
		p->invalid = true;
		return;
	}
	if (p->nlangs > 1)
		pa_buf_printf(&prefix, "%s-", lang);
	md.course_dir = p->ctx->course->dir;
	md.file = file;
	md.line = 1;
	md.lang = lang;
	md.id_prefix = pa_buf_cstr(&prefix);
	md.sections = true;
	md.ids = &p->ids;
	md.assets = p->assets;
	md.diag = p->diag;
	pa_buf_puts(p->out, "<div class=\"pa-lesson\">\n");
	note(p, pa_buf_error(&prefix));
	note(p, pa_markdown_render_file(p->out, &md));
	pa_buf_puts(p->out, "</div>\n<div class=\"pa-finish\"><p class=\"pa-finish-label\">");
	pa_buf_put_xml(p->out, pa_ui_text(lang, PA_UI_LESSON_END));
	pa_buf_puts(p->out, "</p><button type=\"button\" class=\"pa-button pa-complete\" data-pa-action=\"complete\">");
	pa_buf_put_xml(p->out, pa_ui_text(lang, PA_UI_COMPLETE));
	pa_buf_puts(p->out, "</button></div>\n");
	pa_buf_dispose(&prefix);
}

int pa_page_render(pa_buf *out, pa_strset *assets, const pa_page_ctx *ctx,
		   const pa_module *module, const pa_unit *unit, pa_diag *diag)
{
	const pa_course *c = ctx->course;
	page p = { 0 };
	const char *l0;
	int err;

	p.ctx = ctx;
	p.module = module;
	p.unit = unit;
	p.langs = ctx->language_count ? ctx->languages : (const char **)c->languages;
	p.nlangs = ctx->language_count ? ctx->language_count : c->language_count;
	p.assets = assets;
	p.diag = diag;
	p.out = out;
	if (!p.nlangs || !unit->id)
		return pa_error_set(PA_EINVAL, "a page needs a unit and at least one language");
	if (unit->kind == PA_UNIT_ASSESSMENT && !unit->quizzes)
		return pa_error_set(PA_EINVAL, "assessment '%s' has no questions loaded", unit->id);
	l0 = p.langs[0];

	pa_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"");
	pa_buf_put_xml(out, l0);
	pa_buf_printf(out, "\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		      "<meta name=\"generator\" content=\"Passerelle " PA_VERSION "\">\n<title>",
		      pa_ui_is_rtl(l0) ? "rtl" : "ltr");
	pa_buf_put_xml(out, lget_or(&unit->title, l0, unit->id));
	pa_buf_puts(out, " – ");
	pa_buf_put_xml(out, lget_or(&c->title, l0, c->id ? c->id : ""));
	pa_buf_puts(out, "</title>\n<link rel=\"stylesheet\" href=\"_pa/sco.css\">\n"
		    "<script src=\"_pa/sco.js\" defer></script>\n");
	json_data(&p);
	pa_buf_printf(out, "</head>\n<body class=\"pa-page pa-kind-%s\">\n",
		      unit->kind == PA_UNIT_ASSESSMENT ? "assessment" : "lesson");
	header(&p);
	pa_buf_puts(out, "<div id=\"pa-notice\" class=\"pa-notice\" role=\"status\" aria-live=\"polite\"></div>\n"
		    "<main id=\"pa-main\" class=\"pa-main\" tabindex=\"-1\">\n");
	for (size_t l = 0; l < p.nlangs; l++) {
		open_l10n(&p, "pa-content", l);
		pa_buf_puts(out, "\n<h1 class=\"pa-unit-title\">");
		pa_buf_put_xml(out, lget_or(&unit->title, p.langs[l], unit->id));
		pa_buf_puts(out, "</h1>\n");
		if (unit->kind == PA_UNIT_LESSON)
			lesson_body(&p, l);
		pa_buf_puts(out, "</div>\n");
		if (p.error)
			break;
	}
	if (unit->kind == PA_UNIT_ASSESSMENT) {
		pa_buf_puts(out, "<div id=\"pa-quiz\" class=\"pa-quiz\"><p class=\"pa-loading\">");
		ui_spans(&p, PA_UI_QUIZ_LOADING);
		pa_buf_puts(out, "</p></div>\n");
	}
	pa_buf_puts(out, "<noscript>");
	for (size_t l = 0; l < p.nlangs; l++) {
		pa_buf_puts(out, "<p class=\"pa-noscript\" lang=\"");
		pa_buf_put_xml(out, p.langs[l]);
		pa_buf_puts(out, "\">");
		pa_buf_put_xml(out, pa_ui_text(p.langs[l], PA_UI_NOSCRIPT));
		pa_buf_puts(out, "</p>");
	}
	pa_buf_puts(out, "</noscript>\n</main>\n</body>\n</html>\n");

	if (p.error)
		err = p.error;
	else if (pa_buf_error(out))
		err = pa_buf_error(out);
	else
		err = p.invalid ? PA_EINVALID : 0;
	pa_strset_dispose(&p.ids);
	return err;
}
