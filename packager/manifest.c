#include "packager/manifest.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "common/error.h"
#include "common/util.h"

#define NS_CP2004 "http://www.imsglobal.org/xsd/imscp_v1p1"
#define NS_ADLCP2004 "http://www.adlnet.org/xsd/adlcp_v1p3"
#define NS_ADLSEQ "http://www.adlnet.org/xsd/adlseq_v1p3"
#define NS_ADLNAV "http://www.adlnet.org/xsd/adlnav_v1p3"
#define NS_IMSSS "http://www.imsglobal.org/xsd/imsss"
#define NS_LOM "http://ltsc.ieee.org/xsd/LOM"
#define NS_CP12 "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
#define NS_ADLCP12 "http://www.adlnet.org/xsd/adlcp_rootv1p2"
#define NS_IMSMD "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"

/* The shared run-time's resource; the prefixes below keep every other
 * identifier apart from it and from each other. */
#define SHARED_ID "SHARED-runtime"

/* Objective identifiers inside one activity (sequencing). */
#define OBJ_MODULE "module-passed"
#define OBJ_PREVIOUS "previous-module-passed"
#define OBJ_ASSESSMENT "assessment-passed"

typedef struct mw {
	xmlTextWriterPtr w;
	const pa_plan *plan;
	const pa_course *course;
	const char *lang;       /* the first packaged language: titles */
	bool v2004;
	int error;
	pa_buf text;            /* scratch: cleaned text */
	pa_buf val;             /* scratch: attribute values */
} mw;

static void fail(mw *m, const char *what)
{
	if (!m->error)
		m->error = pa_error_set(PA_EINVALID, "cannot write the manifest: %s", what);
}

static void start(mw *m, const char *name)
{
	if (!m->error && xmlTextWriterStartElement(m->w, BAD_CAST name) < 0)
		fail(m, name);
}

static void end(mw *m)
{
	if (!m->error && xmlTextWriterEndElement(m->w) < 0)
		fail(m, "end of element");
}

/* Text as XML 1.0 allows it: UTF-8, without the C0 controls it forbids. */
static const char *clean(mw *m, const char *str)
{
	size_t bad;

	pa_buf_clear(&m->text);
	if (!pa_utf8_valid(str, strlen(str), &bad)) {
		if (!m->error)
			m->error = pa_error_set(PA_EINVALID, "a text of the course is not valid UTF-8 (byte %zu of \"%.40s\")", bad, str);
		return NULL;
	}
	for (const char *p = str; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
			pa_buf_putc(&m->text, (char)c);
	}
	if (pa_buf_error(&m->text) && !m->error)
		m->error = pa_buf_error(&m->text);
	return pa_buf_cstr(&m->text);
}

static void attr(mw *m, const char *name, const char *value)
{
	const char *v;

	if (m->error || !(v = clean(m, value)))
		return;
	if (xmlTextWriterWriteAttribute(m->w, BAD_CAST name, BAD_CAST v) < 0)
		fail(m, name);
}

static void PA_PRINTF(3, 4) attrf(mw *m, const char *name, const char *fmt, ...)
{
	va_list ap;

	pa_buf_clear(&m->val);
	va_start(ap, fmt);
	pa_buf_vprintf(&m->val, fmt, ap);
	va_end(ap);
	if (pa_buf_error(&m->val)) {
		if (!m->error)
			m->error = pa_buf_error(&m->val);
		return;
	}
	attr(m, name, m->val.ptr);
}

static void text(mw *m, const char *str)
{
	const char *v;

	if (m->error || !(v = clean(m, str)))
		return;
	if (xmlTextWriterWriteString(m->w, BAD_CAST v) < 0)
		fail(m, "text");
}

static void elem(mw *m, const char *name, const char *str)
{
	start(m, name);
	text(m, str);
	end(m);
}

/* A score in percent as a normalised measure: 80 -> "0.8". */
static void put_measure(pa_buf *out, int percent)
{
	char s[16];
	size_t n;

	snprintf(s, sizeof(s), "%.2f", percent / 100.0);
	n = strlen(s);
	while (n > 0 && s[n - 1] == '0')
		s[--n] = '\0';
	if (n > 0 && s[n - 1] == '.')
		s[--n] = '\0';
	pa_buf_puts(out, s);
}

/* A file path as a URL path: bytes outside the URI's safe set escaped. */
static void put_href(pa_buf *out, const char *path)
{
	static const char safe[] = "-._~/!$&'()*+,;=:@";

	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(safe, *p))
			pa_buf_putc(out, (char)*p);
		else
			pa_buf_printf(out, "%%%02X", *p);
	}
}

static void attr_href(mw *m, const char *path)
{
	pa_buf_clear(&m->val);
	put_href(&m->val, path);
	if (pa_buf_error(&m->val)) {
		if (!m->error)
			m->error = pa_buf_error(&m->val);
		return;
	}
	attr(m, "href", m->val.ptr);
}

int pa_manifest_objective_urn(pa_buf *out, const char *course_id, const char *module_id)
{
	return pa_buf_printf(out, "urn:passerelle:%s:%s", course_id, module_id);
}

static const char *title_of(const pa_lstring *s, const char *lang, const char *fallback)
{
	const char *t = pa_lstring_get(s, lang);

	return t && *t ? t : fallback;
}

static bool is_graded_assessment(const pa_unit *u)
{
	return u->kind == PA_UNIT_ASSESSMENT && u->graded;
}

/* Graded assessments in a module; *only is the one when there is one. */
static size_t graded_in(const pa_module *mod, const pa_unit **only)
{
	size_t n = 0;

	*only = NULL;
	for (size_t i = 0; i < mod->unit_count; i++) {
		if (is_graded_assessment(&mod->units[i])) {
			*only = &mod->units[i];
			n++;
		}
	}
	if (n != 1)
		*only = NULL;
	return n;
}

/* The last graded module before index i, or NULL. */
static const pa_module *previous_graded(const pa_course *c, size_t i)
{
	while (i-- > 0) {
		const pa_unit *only;

		if (graded_in(&c->modules[i], &only) > 0)
			return &c->modules[i];
	}
	return NULL;
}

/* Seconds as SCORM 1.2's CMITimespan, HHHH:MM:SS. */
static int put_timespan(pa_buf *out, const char *iso)
{
	double seconds;
	long long s;

	if (pa_duration_parse(&seconds, iso) != 0)
		return pa_error_set(PA_EINVALID, "'%s' is not an ISO 8601 duration", iso);
	s = (long long)(seconds + 0.5);
	if (s > 9999LL * 3600 + 59 * 60 + 59)
		s = 9999LL * 3600 + 59 * 60 + 59;
	return pa_buf_printf(out, "%02lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
}

/* ---- LOM ---------------------------------------------------------------- */

/* The keyword list for lang: its own, or one for every language. */
static const pa_lstrlist *keywords_for(const pa_course *c, const char *lang)
{
	const pa_lstrlist *any = NULL;

	for (size_t i = 0; i < c->keyword_count; i++) {
		const pa_lstrlist *k = &c->keywords[i];

		if (!k->lang || !*k->lang)
			any = k;
		else if (strcmp(k->lang, lang) == 0)
			return k;
	}
	return any;
}

static void put_vcard(pa_buf *out, const char *name)
{
	pa_buf_puts(out, "BEGIN:VCARD\nVERSION:3.0\nFN:");
	for (const char *p = name; *p; p++) {
		if (*p == '\\' || *p == ',' || *p == ';')
			pa_buf_putc(out, '\\');
		if (*p == '\n' || *p == '\r')
			pa_buf_puts(out, "\\n");
		else
			pa_buf_putc(out, *p);
	}
	pa_buf_puts(out, "\nEND:VCARD");
}

static void put_rights(pa_buf *out, const pa_course *c)
{
	pa_buf_puts(out, c->licence);
	if (c->attribution && *c->attribution)
		pa_buf_printf(out, ". %s", c->attribution);
}

/*
 * One string per packaged language, skipping a translation that repeats
 * the one before (a plain string is the same in every language).
 */
typedef void (*lang_string_fn)(mw *m, const char *lang, const char *str);

static void each_language(mw *m, const pa_lstring *s, lang_string_fn put)
{
	const char *prev = NULL;

	for (size_t i = 0; i < m->plan->language_count; i++) {
		const char *lang = m->plan->languages[i];
		const char *t = pa_lstring_get(s, lang);

		if (!t || !*t || (prev && strcmp(prev, t) == 0))
			continue;
		put(m, lang, t);
		prev = t;
	}
}

static bool has_text(const pa_lstring *s)
{
	for (size_t i = 0; i < s->count; i++) {
		if (s->items[i].text && *s->items[i].text)
			return true;
	}
	return false;
}

static void lom_string(mw *m, const char *lang, const char *str)
{
	start(m, "lom:string");
	if (lang)
		attr(m, "language", lang);
	text(m, str);
	end(m);
}

static void lom_vocab(mw *m, const char *name, const char *value)
{
	start(m, name);
	elem(m, "lom:source", "LOMv1.0");
	elem(m, "lom:value", value);
	end(m);
}

static void lom_2004(mw *m)
{
	const pa_course *c = m->course;
	pa_buf tmp = PA_BUF_INIT;

	start(m, "lom:lom");
	start(m, "lom:general");
	start(m, "lom:identifier");
	elem(m, "lom:catalog", "URI");
	pa_buf_printf(&tmp, "urn:passerelle:%s", c->id);
	elem(m, "lom:entry", pa_buf_cstr(&tmp));
	end(m);
	start(m, "lom:title");
	each_language(m, &c->title, lom_string);
	end(m);
	for (size_t i = 0; i < m->plan->language_count; i++)
		elem(m, "lom:language", m->plan->languages[i]);
	if (has_text(&c->description)) {
		start(m, "lom:description");
		each_language(m, &c->description, lom_string);
		end(m);
	}
	for (size_t i = 0; i < m->plan->language_count; i++) {
		const char *lang = m->plan->languages[i];
		const pa_lstrlist *k = keywords_for(c, lang);

		/* A list for every language is written once, in the first. */
		if (!k || (i > 0 && (!k->lang || !*k->lang)))
			continue;
		for (size_t w = 0; w < k->count; w++) {
			start(m, "lom:keyword");
			lom_string(m, lang, k->words[w]);
			end(m);
		}
	}
	end(m); /* general */

	start(m, "lom:lifeCycle");
	start(m, "lom:version");
	lom_string(m, NULL, c->version);
	end(m);
	for (size_t i = 0; i < c->author_count; i++) {
		start(m, "lom:contribute");
		lom_vocab(m, "lom:role", "author");
		pa_buf_clear(&tmp);
		put_vcard(&tmp, c->authors[i]);
		elem(m, "lom:entity", pa_buf_cstr(&tmp));
		if (c->date) {
			start(m, "lom:date");
			elem(m, "lom:dateTime", c->date);
			end(m);
		}
		end(m);
	}
	end(m); /* lifeCycle */

	start(m, "lom:technical");
	elem(m, "lom:format", "text/html");
	end(m);

	if (c->duration || has_text(&c->audience)) {
		start(m, "lom:educational");
		if (c->duration) {
			start(m, "lom:typicalLearningTime");
			elem(m, "lom:duration", c->duration);
			end(m);
		}
		if (has_text(&c->audience)) {
			start(m, "lom:description");
			each_language(m, &c->audience, lom_string);
			end(m);
		}
		end(m);
	}

	start(m, "lom:rights");
	lom_vocab(m, "lom:copyrightAndOtherRestrictions", "yes");
	start(m, "lom:description");
	pa_buf_clear(&tmp);
	put_rights(&tmp, c);
	lom_string(m, NULL, pa_buf_cstr(&tmp));
	end(m);
	end(m); /* rights */
	end(m); /* lom */
	if (pa_buf_error(&tmp) && !m->error)
		m->error = pa_buf_error(&tmp);
	pa_buf_dispose(&tmp);
}

static void md_langstring(mw *m, const char *lang, const char *str)
{
	start(m, "imsmd:langstring");
	attr(m, "xml:lang", lang ? lang : "x-none");
	text(m, str);
	end(m);
}

static void md_vocab(mw *m, const char *name, const char *value)
{
	start(m, name);
	start(m, "imsmd:source");
	md_langstring(m, NULL, "LOMv1.0");
	end(m);
	start(m, "imsmd:value");
	md_langstring(m, NULL, value);
	end(m);
	end(m);
}

static void lom_12(mw *m)
{
	const pa_course *c = m->course;
	pa_buf tmp = PA_BUF_INIT;

	start(m, "imsmd:lom");
	start(m, "imsmd:general");
	start(m, "imsmd:title");
	each_language(m, &c->title, md_langstring);
	end(m);
	start(m, "imsmd:catalogentry");
	elem(m, "imsmd:catalog", "URI");
	start(m, "imsmd:entry");
	pa_buf_printf(&tmp, "urn:passerelle:%s", c->id);
	md_langstring(m, NULL, pa_buf_cstr(&tmp));
	end(m);
	end(m);
	for (size_t i = 0; i < m->plan->language_count; i++)
		elem(m, "imsmd:language", m->plan->languages[i]);
	if (has_text(&c->description)) {
		start(m, "imsmd:description");
		each_language(m, &c->description, md_langstring);
		end(m);
	}
	for (size_t i = 0; i < m->plan->language_count; i++) {
		const char *lang = m->plan->languages[i];
		const pa_lstrlist *k = keywords_for(c, lang);

		if (!k || (i > 0 && (!k->lang || !*k->lang)))
			continue;
		for (size_t w = 0; w < k->count; w++) {
			start(m, "imsmd:keyword");
			md_langstring(m, lang, k->words[w]);
			end(m);
		}
	}
	end(m); /* general */

	start(m, "imsmd:lifecycle");
	start(m, "imsmd:version");
	md_langstring(m, NULL, c->version);
	end(m);
	for (size_t i = 0; i < c->author_count; i++) {
		start(m, "imsmd:contribute");
		md_vocab(m, "imsmd:role", "Author");
		start(m, "imsmd:centity");
		pa_buf_clear(&tmp);
		put_vcard(&tmp, c->authors[i]);
		elem(m, "imsmd:vcard", pa_buf_cstr(&tmp));
		end(m);
		if (c->date) {
			start(m, "imsmd:date");
			elem(m, "imsmd:datetime", c->date);
			end(m);
		}
		end(m);
	}
	end(m); /* lifecycle */

	start(m, "imsmd:technical");
	elem(m, "imsmd:format", "text/html");
	end(m);

	if (c->duration || has_text(&c->audience)) {
		start(m, "imsmd:educational");
		if (c->duration) {
			start(m, "imsmd:typicallearningtime");
			pa_buf_clear(&tmp);
			if (put_timespan(&tmp, c->duration) != 0 && !m->error)
				m->error = pa_error_last_code();
			elem(m, "imsmd:datetime", pa_buf_cstr(&tmp));
			end(m);
		}
		if (has_text(&c->audience)) {
			start(m, "imsmd:description");
			each_language(m, &c->audience, md_langstring);
			end(m);
		}
		end(m);
	}

	start(m, "imsmd:rights");
	md_vocab(m, "imsmd:copyrightandotherrestrictions", "yes");
	start(m, "imsmd:description");
	pa_buf_clear(&tmp);
	put_rights(&tmp, c);
	md_langstring(m, NULL, pa_buf_cstr(&tmp));
	end(m);
	end(m); /* rights */
	end(m); /* lom */
	if (pa_buf_error(&tmp) && !m->error)
		m->error = pa_buf_error(&tmp);
	pa_buf_dispose(&tmp);
}

static void metadata(mw *m)
{
	start(m, "metadata");
	elem(m, "schema", "ADL SCORM");
	elem(m, "schemaversion", m->v2004 ? "2004 4th Edition" : "1.2");
	if (m->v2004)
		lom_2004(m);
	else
		lom_12(m);
	end(m);
}

/* ---- SCORM 2004 sequencing ---------------------------------------------- */

static void control_mode(mw *m)
{
	start(m, "imsss:controlMode");
	attr(m, "choice", m->course->navigation == PA_NAV_FORCED ? "false" : "true");
	attr(m, "flow", "true");
	end(m);
}

/* Leave satisfaction and measure to the siblings that are graded. */
static void rollup_excluded(mw *m)
{
	start(m, "imsss:rollupRules");
	attr(m, "rollupObjectiveSatisfied", "false");
	attr(m, "objectiveMeasureWeight", "0");
	end(m);
}

static void min_measure(mw *m, int percent)
{
	pa_buf_clear(&m->val);
	put_measure(&m->val, percent);
	elem(m, "imsss:minNormalizedMeasure", pa_buf_cstr(&m->val));
}

static void module_sequencing(mw *m, const pa_module *mod, size_t index)
{
	const pa_course *c = m->course;
	const pa_unit *only;
	size_t graded = graded_in(mod, &only);
	bool prereq = c->navigation == PA_NAV_PREREQUISITES;
	const pa_module *before = prereq ? previous_graded(c, index) : NULL;

	start(m, "imsss:sequencing");
	control_mode(m);
	if (before) {
		/* "not satisfied" alone is unknown, so never true, until the
		 * previous module has a status: test both. */
		start(m, "imsss:sequencingRules");
		start(m, "imsss:preConditionRule");
		start(m, "imsss:ruleConditions");
		attr(m, "conditionCombination", "any");
		start(m, "imsss:ruleCondition");
		attr(m, "referencedObjective", OBJ_PREVIOUS);
		attr(m, "operator", "not");
		attr(m, "condition", "satisfied");
		end(m);
		start(m, "imsss:ruleCondition");
		attr(m, "referencedObjective", OBJ_PREVIOUS);
		attr(m, "operator", "not");
		attr(m, "condition", "objectiveStatusKnown");
		end(m);
		end(m);
		start(m, "imsss:ruleAction");
		attr(m, "action", "disabled");
		end(m);
		end(m);
		end(m);
	}
	if (graded == 0)
		rollup_excluded(m);
	if (graded > 0 || before) {
		start(m, "imsss:objectives");
		start(m, "imsss:primaryObjective");
		attr(m, "objectiveID", OBJ_MODULE);
		/* With one assessment the module is passed at its score; with
		 * several, when all are passed (the default rollup). */
		if (only)
			attr(m, "satisfiedByMeasure", "true");
		if (only)
			min_measure(m, only->passing_score);
		if (graded > 0 && prereq) {
			start(m, "imsss:mapInfo");
			pa_buf_clear(&m->val);
			pa_manifest_objective_urn(&m->val, c->id, mod->id);
			attr(m, "targetObjectiveID", pa_buf_cstr(&m->val));
			attr(m, "readSatisfiedStatus", "false");
			attr(m, "readNormalizedMeasure", "false");
			attr(m, "writeSatisfiedStatus", "true");
			attr(m, "writeNormalizedMeasure", "true");
			end(m);
		}
		end(m);
		if (before) {
			start(m, "imsss:objective");
			attr(m, "objectiveID", OBJ_PREVIOUS);
			start(m, "imsss:mapInfo");
			pa_buf_clear(&m->val);
			pa_manifest_objective_urn(&m->val, c->id, before->id);
			attr(m, "targetObjectiveID", pa_buf_cstr(&m->val));
			attr(m, "readSatisfiedStatus", "true");
			attr(m, "readNormalizedMeasure", "false");
			end(m);
			end(m);
		}
		end(m);
	}
	end(m);
}

static void unit_sequencing(mw *m, const pa_unit *u)
{
	bool assessment = u->kind == PA_UNIT_ASSESSMENT;

	start(m, "imsss:sequencing");
	if (assessment && (u->attempt_limit > 0 || u->time_limit)) {
		start(m, "imsss:limitConditions");
		if (u->attempt_limit > 0)
			attrf(m, "attemptLimit", "%d", u->attempt_limit);
		if (u->time_limit)
			attr(m, "attemptAbsoluteDurationLimit", u->time_limit);
		end(m);
	}
	if (!is_graded_assessment(u))
		rollup_excluded(m);
	else {
		start(m, "imsss:objectives");
		start(m, "imsss:primaryObjective");
		attr(m, "objectiveID", OBJ_ASSESSMENT);
		attr(m, "satisfiedByMeasure", "true");
		min_measure(m, u->passing_score);
		end(m);
		end(m);
	}
	/* Lessons say when they are completed, assessments also whether
	 * they are passed: the LMS must not assume either. */
	start(m, "imsss:deliveryControls");
	attr(m, "completionSetByContent", "true");
	if (is_graded_assessment(u))
		attr(m, "objectiveSetByContent", "true");
	end(m);
	end(m);
}

/* ---- organisation and resources ----------------------------------------- */

static void id_attr(mw *m, const char *name, const char *prefix, const char *id)
{
	attrf(m, name, "%s%s", prefix, id);
}

/* SCORM 1.2 aicc_script: the items that must be done before unit k of
 * module mi (NULL text when none). */
static void prerequisites_12(mw *m, pa_buf *out, size_t mi, size_t k, const pa_unit **prev_unit)
{
	const pa_course *c = m->course;
	const pa_module *before;

	if (c->navigation == PA_NAV_FORCED) {
		if (*prev_unit)
			pa_buf_printf(out, "ITEM-%s", (*prev_unit)->id);
	} else if (c->navigation == PA_NAV_PREREQUISITES && (before = previous_graded(c, mi)) != NULL) {
		/* Every unit of the module, so that none opens before the
		 * previous graded module is passed. */
		bool first = true;

		(void)k;
		for (size_t i = 0; i < before->unit_count; i++) {
			if (!is_graded_assessment(&before->units[i]))
				continue;
			pa_buf_printf(out, "%sITEM-%s", first ? "" : "&", before->units[i].id);
			first = false;
		}
	}
}

static void unit_item(mw *m, size_t mi, size_t k, const pa_unit **prev_unit)
{
	const pa_module *mod = &m->course->modules[mi];
	const pa_unit *u = &mod->units[k];
	pa_buf tmp = PA_BUF_INIT;

	start(m, "item");
	id_attr(m, "identifier", "ITEM-", u->id);
	id_attr(m, "identifierref", "RES-", u->id);
	elem(m, "title", title_of(&u->title, m->lang, u->id));
	if (m->v2004) {
		if (u->kind == PA_UNIT_ASSESSMENT && u->time_limit)
			elem(m, "adlcp:timeLimitAction", "exit,message");
		unit_sequencing(m, u);
	} else {
		prerequisites_12(m, &tmp, mi, k, prev_unit);
		if (tmp.len) {
			start(m, "adlcp:prerequisites");
			attr(m, "type", "aicc_script");
			text(m, tmp.ptr);
			end(m);
		}
		if (u->kind == PA_UNIT_ASSESSMENT && u->time_limit) {
			pa_buf_clear(&tmp);
			if (put_timespan(&tmp, u->time_limit) != 0 && !m->error)
				m->error = pa_error_last_code();
			elem(m, "adlcp:maxtimeallowed", pa_buf_cstr(&tmp));
			elem(m, "adlcp:timelimitaction", "exit,message");
		}
		if (is_graded_assessment(u)) {
			pa_buf_clear(&tmp);
			pa_buf_printf(&tmp, "%d", u->passing_score);
			elem(m, "adlcp:masteryscore", pa_buf_cstr(&tmp));
		}
	}
	end(m);
	if (pa_buf_error(&tmp) && !m->error)
		m->error = pa_buf_error(&tmp);
	pa_buf_dispose(&tmp);
	*prev_unit = u;
}

static void organizations(mw *m)
{
	const pa_course *c = m->course;
	const pa_unit *prev_unit = NULL;

	start(m, "organizations");
	id_attr(m, "default", "ORG-", c->id);
	start(m, "organization");
	id_attr(m, "identifier", "ORG-", c->id);
	if (m->v2004 && c->navigation == PA_NAV_PREREQUISITES)
		attr(m, "adlseq:objectivesGlobalToSystem", "false");
	elem(m, "title", title_of(&c->title, m->lang, c->id));
	for (size_t mi = 0; mi < c->module_count; mi++) {
		const pa_module *mod = &c->modules[mi];

		start(m, "item");
		id_attr(m, "identifier", "MOD-", mod->id);
		elem(m, "title", title_of(&mod->title, m->lang, mod->id));
		for (size_t k = 0; k < mod->unit_count; k++)
			unit_item(m, mi, k, &prev_unit);
		if (m->v2004)
			module_sequencing(m, mod, mi);
		end(m);
	}
	if (m->v2004) {
		start(m, "imsss:sequencing");
		control_mode(m);
		end(m);
	}
	end(m);
	end(m);
}

static void resources(mw *m)
{
	const pa_plan *p = m->plan;
	const char *type_attr = m->v2004 ? "adlcp:scormType" : "adlcp:scormtype";
	bool shared = p->shared_files.count > 0;

	start(m, "resources");
	for (size_t i = 0; i < p->sco_count; i++) {
		const pa_plan_sco *s = &p->scos[i];

		start(m, "resource");
		id_attr(m, "identifier", "RES-", s->unit->id);
		attr(m, "type", "webcontent");
		attr(m, type_attr, "sco");
		attr_href(m, s->href);
		for (size_t f = 0; f < s->files.count; f++) {
			start(m, "file");
			attr_href(m, s->files.items[f]);
			end(m);
		}
		if (shared) {
			start(m, "dependency");
			attr(m, "identifierref", SHARED_ID);
			end(m);
		}
		end(m);
	}
	if (shared) {
		start(m, "resource");
		attr(m, "identifier", SHARED_ID);
		attr(m, "type", "webcontent");
		attr(m, type_attr, "asset");
		for (size_t f = 0; f < p->shared_files.count; f++) {
			start(m, "file");
			attr_href(m, p->shared_files.items[f]);
			end(m);
		}
		end(m);
	}
	end(m);
}

static void root(mw *m)
{
	const pa_course *c = m->course;
	bool letter = (c->id[0] >= 'A' && c->id[0] <= 'Z') || (c->id[0] >= 'a' && c->id[0] <= 'z') ||
		      c->id[0] == '_';

	start(m, "manifest");
	/* xs:ID must start with a letter or '_'; course ids may not. */
	attrf(m, "identifier", "%s%s", letter ? "" : "course-", c->id);
	attr(m, "version", c->version);
	if (m->v2004) {
		attr(m, "xmlns", NS_CP2004);
		attr(m, "xmlns:adlcp", NS_ADLCP2004);
		attr(m, "xmlns:adlseq", NS_ADLSEQ);
		attr(m, "xmlns:adlnav", NS_ADLNAV);
		attr(m, "xmlns:imsss", NS_IMSSS);
		attr(m, "xmlns:lom", NS_LOM);
		attr(m, "xmlns:xsi", NS_XSI);
		/* LOM is validated laxly by the package's schemas (lom.xsd is not
		 * one of the root control documents); a full validator imports it. */
		attr(m, "xsi:schemaLocation",
		     NS_CP2004 " imscp_v1p1.xsd " NS_ADLCP2004 " adlcp_v1p3.xsd " NS_ADLSEQ
		     " adlseq_v1p3.xsd " NS_ADLNAV " adlnav_v1p3.xsd " NS_IMSSS " imsss_v1p0.xsd");
	} else {
		attr(m, "xmlns", NS_CP12);
		attr(m, "xmlns:adlcp", NS_ADLCP12);
		attr(m, "xmlns:imsmd", NS_IMSMD);
		attr(m, "xmlns:xsi", NS_XSI);
		attr(m, "xsi:schemaLocation",
		     NS_CP12 " imscp_rootv1p1p2.xsd " NS_IMSMD " imsmd_rootv1p2p1.xsd " NS_ADLCP12
		     " adlcp_rootv1p2.xsd");
	}
	metadata(m);
	organizations(m);
	resources(m);
	end(m);
}

int pa_manifest_write(pa_buf *out, const pa_plan *plan)
{
	mw m = { 0 };
	xmlBufferPtr xb = NULL;
	int error = 0;

	if (!plan->course || plan->language_count == 0)
		return pa_error_set(PA_EINVAL, "the plan has no course or no language");
	m.plan = plan;
	m.course = plan->course;
	m.lang = plan->languages[0];
	m.v2004 = plan->format == PA_FORMAT_SCORM2004;
	pa_buf_init(&m.text, 0);
	pa_buf_init(&m.val, 0);
	if (!(xb = xmlBufferCreate()) || !(m.w = xmlNewTextWriterMemory(xb, 0))) {
		error = pa_error_set(PA_ENOMEM, "out of memory");
		goto done;
	}
	xmlTextWriterSetIndent(m.w, 1);
	xmlTextWriterSetIndentString(m.w, BAD_CAST "  ");
	if (xmlTextWriterStartDocument(m.w, "1.0", "UTF-8", NULL) < 0)
		fail(&m, "declaration");
	root(&m);
	if (!m.error && xmlTextWriterEndDocument(m.w) < 0)
		fail(&m, "end of document");
	xmlFreeTextWriter(m.w);
	m.w = NULL;
	if ((error = m.error) != 0)
		goto done;
	error = pa_buf_put(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
done:
	if (m.w)
		xmlFreeTextWriter(m.w);
	if (xb)
		xmlBufferFree(xb);
	pa_buf_dispose(&m.text);
	pa_buf_dispose(&m.val);
	return error;
}
