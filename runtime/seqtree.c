/*
 * imsmanifest.xml to the tree description. Each item's sequencing is the
 * referenced sequencingCollection entry (IDRef) with the item's own child
 * elements replacing the collection's elements of the same name (CAM
 * 5.1.4); the result is written as the engine's text lines.
 */
#include <string.h>

#include <libxml/tree.h>

#include "common/error.h"
#include "common/fs.h"
#include "common/strset.h"
#include "common/util.h"
#include "packager/xsd.h"
#include "runtime/scorm/internal.h"
#include "runtime/scorm/seq.h"
#include "runtime/seqtree.h"

#define NS_CP "http://www.imsglobal.org/xsd/imscp_v1p1"
#define NS_SS "http://www.imsglobal.org/xsd/imsss"
#define NS_ADLSEQ "http://www.adlnet.org/xsd/adlseq_v1p3"
#define NS_ADLNAV "http://www.adlnet.org/xsd/adlnav_v1p3"
#define NS_ADLCP "http://www.adlnet.org/xsd/adlcp_v1p3"

#define MAX_MANIFEST ((size_t)32 * 1024 * 1024)

typedef struct ctx {
	const char *file;
	pa_diag *diag;
	pa_buf *out;
	xmlNode *collection;   /* imsss:sequencingCollection or NULL */
	size_t count;
	pa_strset ids;         /* activity identifiers seen */
} ctx;

static bool is(const xmlNode *n, const char *ns, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, ns) == 0 && strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child(const xmlNode *n, const char *ns, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is(c, ns, name))
			return c;
	return NULL;
}

/* An attribute value (without namespace, or in ns), trimmed; NULL if absent.
 * The returned string is owned by the caller (xmlFree). */
static char *attr(const xmlNode *n, const char *ns, const char *name)
{
	xmlChar *v = ns ? xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)ns)
			: xmlGetNoNsProp(n, (const xmlChar *)name);

	if (v) {
		char *s = (char *)v, *e;

		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		memmove(v, s, strlen(s) + 1);
		e = (char *)v + strlen((char *)v);
		while (e > (char *)v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
			*--e = '\0';
	}
	return (char *)v;
}

#define error_at(c, n, ...) \
	pa_diag_add((c)->diag, PA_DIAG_ERROR, (c)->file, pa_xsd_node_line(n), pa_xsd_node_col(n), __VA_ARGS__)

static void put_enc(pa_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '_' || *p == '-' || *p == ':') {
			pa_buf_putc(b, (char)*p);
		} else {
			pa_buf_putc(b, '%');
			pa_buf_putc(b, hex[*p >> 4]);
			pa_buf_putc(b, hex[*p & 15]);
		}
	}
}

/* xs:boolean attribute into " key=0|1" (nothing if absent). */
static void put_bool(ctx *c, pa_buf *b, const xmlNode *n, const char *ns, const char *name, const char *key)
{
	char *v = attr(n, ns, name);

	if (!v)
		return;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		pa_buf_printf(b, " %s=1", key);
	else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		pa_buf_printf(b, " %s=0", key);
	else
		error_at(c, n, "%s must be true or false, not '%s'", name, v);
	xmlFree(v);
}

static bool bool_attr(ctx *c, const xmlNode *n, const char *name, bool dflt)
{
	char *v = attr(n, NULL, name);
	bool r = dflt;

	if (!v)
		return dflt;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		r = true;
	else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		r = false;
	else
		error_at(c, n, "%s must be true or false, not '%s'", name, v);
	xmlFree(v);
	return r;
}

/* Decimal attribute in [min, max] into " key=value". */
static void put_decimal(ctx *c, pa_buf *b, const xmlNode *n, const char *name, const char *key,
			double min, double max)
{
	char *v = attr(n, NULL, name);
	double d;

	if (!v)
		return;
	if (pa_parse_double(&d, v, min, max) != 0)
		pa_diag_add(c->diag, PA_DIAG_ERROR, c->file, pa_xsd_node_line(n), pa_xsd_node_col(n),
			    "%s: '%s' is not a number in [%g, %g]", name, v, min, max);
	else
		pa_buf_printf(b, " %s=%s", key, v);
	xmlFree(v);
}

static void put_count(ctx *c, pa_buf *b, const xmlNode *n, const char *name, const char *key)
{
	char *v = attr(n, NULL, name);
	int64_t x;

	if (!v)
		return;
	if (pa_parse_int64(&x, v, 0, 1000000000) != 0)
		error_at(c, n, "%s: '%s' is not a non-negative integer", name, v);
	else
		pa_buf_printf(b, " %s=%lld", key, (long long)x);
	xmlFree(v);
}

/* xs:duration attribute (limitConditions), written in seconds. */
static void put_duration(ctx *c, pa_buf *b, const xmlNode *n, const char *name)
{
	char *v = attr(n, NULL, name);
	uint64_t cs;

	if (!v)
		return;
	if (!pa_scorm_interval(v, &cs))
		error_at(c, n, "%s: '%s' is not a duration (P[nY][nM][nD][T[nH][nM][n[.n]S]])", name, v);
	else if (cs > (uint64_t)1e14)
		error_at(c, n, "%s: '%s' is longer than the engine counts", name, v);
	else
		pa_buf_printf(b, " %s=%llu.%02llu", name, (unsigned long long)(cs / 100), (unsigned long long)(cs % 100));
	xmlFree(v);
}

static bool digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int pa_seqtree_parse_datetime(double *out, const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, zh = 0, zm = 0, sign = 0;
	double frac = 0;

	if (!digits(&s, 4, &y) || *s++ != '-' || !digits(&s, 2, &mo) || *s++ != '-' ||
	    !digits(&s, 2, &d) || *s++ != 'T' || !digits(&s, 2, &h) || *s++ != ':' ||
	    !digits(&s, 2, &mi) || *s++ != ':' || !digits(&s, 2, &sec))
		return -1;
	if (*s == '.') {
		double scale = 0.1;

		if (!(*++s >= '0' && *s <= '9'))
			return -1;
		for (; *s >= '0' && *s <= '9'; s++, scale /= 10)
			frac += (*s - '0') * scale;
	}
	if (*s == 'Z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '+' ? 1 : -1;
		if (!digits(&s, 2, &zh) || *s++ != ':' || !digits(&s, 2, &zm) || zh > 14 || zm > 59)
			return -1;
	}
	if (*s || y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 59)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	*out = (double)days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec + frac -
	       sign * (zh * 3600 + zm * 60);
	return 0;
}

/* xs:dateTime attribute (limitConditions), written in Unix seconds. */
static void put_datetime(ctx *c, pa_buf *b, const xmlNode *n, const char *name)
{
	char *v = attr(n, NULL, name);
	double t;

	if (!v)
		return;
	if (pa_seqtree_parse_datetime(&t, v) != 0)
		error_at(c, n, "%s: '%s' is not a date and time (YYYY-MM-DDThh:mm:ss[Z])", name, v);
	else
		pa_buf_printf(b, " %s=%.3f", name, t);
	xmlFree(v);
}

/* Token attribute restricted to a vocabulary. */
static void put_vocab(ctx *c, pa_buf *b, const xmlNode *n, const char *name, const char *key,
		      const char *const *words)
{
	char *v = attr(n, NULL, name);

	if (!v)
		return;
	for (size_t i = 0; words[i]; i++)
		if (strcmp(v, words[i]) == 0) {
			pa_buf_printf(b, " %s=%s", key, v);
			xmlFree(v);
			return;
		}
	error_at(c, n, "%s: '%s' is not in its vocabulary", name, v);
	xmlFree(v);
}

static bool in_vocab(const char *v, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (strcmp(v, words[i]) == 0)
			return true;
	return false;
}

/* --- effective sequencing ------------------------------------------------------ */

enum { E_CONTROL, E_RULES, E_LIMIT, E_ROLLUP, E_OBJECTIVES, E_RANDOM, E_DELIVERY,
       E_CONSTRAINED, E_CONSIDER, E_ADLOBJ, E_COUNT };

typedef struct effective {
	xmlNode *el[E_COUNT];
} effective;

static int kind_of(const xmlNode *n)
{
	if (is(n, NS_SS, "controlMode")) return E_CONTROL;
	if (is(n, NS_SS, "sequencingRules")) return E_RULES;
	if (is(n, NS_SS, "limitConditions")) return E_LIMIT;
	if (is(n, NS_SS, "rollupRules")) return E_ROLLUP;
	if (is(n, NS_SS, "objectives")) return E_OBJECTIVES;
	if (is(n, NS_SS, "randomizationControls")) return E_RANDOM;
	if (is(n, NS_SS, "deliveryControls")) return E_DELIVERY;
	if (is(n, NS_ADLSEQ, "constrainedChoiceConsiderations")) return E_CONSTRAINED;
	if (is(n, NS_ADLSEQ, "rollupConsiderations")) return E_CONSIDER;
	if (is(n, NS_ADLSEQ, "objectives")) return E_ADLOBJ;
	return -1;
}

static void take(effective *e, const xmlNode *seqel)
{
	for (xmlNode *c = seqel ? seqel->children : NULL; c; c = c->next) {
		int k = kind_of(c);

		if (k >= 0)
			e->el[k] = c;
	}
}

static void resolve(ctx *c, effective *e, xmlNode *owner)
{
	xmlNode *s = child(owner, NS_SS, "sequencing");
	char *ref;

	memset(e, 0, sizeof(*e));
	if (!s)
		return;
	ref = attr(s, NULL, "IDRef");
	if (ref) {
		xmlNode *found = NULL;

		for (xmlNode *x = c->collection ? c->collection->children : NULL; x; x = x->next) {
			char *id;

			if (!is(x, NS_SS, "sequencing"))
				continue;
			id = attr(x, NULL, "ID");
			if (id && strcmp(id, ref) == 0)
				found = x;
			xmlFree(id);
			if (found)
				break;
		}
		if (!found)
			error_at(c, s, "IDRef '%s' names no sequencing in the sequencingCollection%s", ref, "");
		take(e, found);
		xmlFree(ref);
	}
	take(e, s);
}

/* --- lines --------------------------------------------------------------------- */

static const char *const timing_words[] = { "never", "once", "onEachNewAttempt", NULL };
static const char *const required_words[] = { "always", "ifAttempted", "ifNotSkipped", "ifNotSuspended", NULL };

static void activity_attrs(ctx *c, pa_buf *b, const effective *e)
{
	xmlNode *n;

	if ((n = e->el[E_CONTROL])) {
		put_bool(c, b, n, NULL, "choice", "choice");
		put_bool(c, b, n, NULL, "choiceExit", "choiceExit");
		put_bool(c, b, n, NULL, "flow", "flow");
		put_bool(c, b, n, NULL, "forwardOnly", "forwardOnly");
		put_bool(c, b, n, NULL, "useCurrentAttemptObjectiveInfo", "useCurrentAttemptObjectiveInfo");
		put_bool(c, b, n, NULL, "useCurrentAttemptProgressInfo", "useCurrentAttemptProgressInfo");
	}
	if ((n = e->el[E_LIMIT])) {
		put_count(c, b, n, "attemptLimit", "attemptLimit");
		put_duration(c, b, n, "attemptAbsoluteDurationLimit");
		put_duration(c, b, n, "attemptExperiencedDurationLimit");
		put_duration(c, b, n, "activityAbsoluteDurationLimit");
		put_duration(c, b, n, "activityExperiencedDurationLimit");
		put_datetime(c, b, n, "beginTimeLimit");
		put_datetime(c, b, n, "endTimeLimit");
	}
	if ((n = e->el[E_ROLLUP])) {
		put_bool(c, b, n, NULL, "rollupObjectiveSatisfied", "rollupObjectiveSatisfied");
		put_bool(c, b, n, NULL, "rollupProgressCompletion", "rollupProgressCompletion");
		put_decimal(c, b, n, "objectiveMeasureWeight", "objectiveMeasureWeight", 0, 1);
	}
	if ((n = e->el[E_RANDOM])) {
		put_vocab(c, b, n, "randomizationTiming", "randomizationTiming", timing_words);
		put_vocab(c, b, n, "selectionTiming", "selectionTiming", timing_words);
		put_count(c, b, n, "selectCount", "selectCount");
		put_bool(c, b, n, NULL, "reorderChildren", "reorderChildren");
	}
	if ((n = e->el[E_DELIVERY])) {
		put_bool(c, b, n, NULL, "tracked", "tracked");
		put_bool(c, b, n, NULL, "completionSetByContent", "completionSetByContent");
		put_bool(c, b, n, NULL, "objectiveSetByContent", "objectiveSetByContent");
	}
	if ((n = e->el[E_CONSTRAINED])) {
		put_bool(c, b, n, NULL, "preventActivation", "preventActivation");
		put_bool(c, b, n, NULL, "constrainChoice", "constrainChoice");
	}
	if ((n = e->el[E_CONSIDER])) {
		put_vocab(c, b, n, "requiredForSatisfied", "requiredForSatisfied", required_words);
		put_vocab(c, b, n, "requiredForNotSatisfied", "requiredForNotSatisfied", required_words);
		put_vocab(c, b, n, "requiredForCompleted", "requiredForCompleted", required_words);
		put_vocab(c, b, n, "requiredForIncomplete", "requiredForIncomplete", required_words);
		put_bool(c, b, n, NULL, "measureSatisfactionIfActive", "measureSatisfactionIfActive");
	}
}

static void hide_ui(ctx *c, pa_buf *b, const xmlNode *item)
{
	static const char *const words[] = { "previous", "continue", "exit", "exitAll", "abandon",
		"abandonAll", "suspendAll", NULL };
	xmlNode *p = child(item, NS_ADLNAV, "presentation");
	xmlNode *ni = child(p, NS_ADLNAV, "navigationInterface");
	bool first = true;

	for (xmlNode *h = ni ? ni->children : NULL; h; h = h->next) {
		xmlChar *t;

		if (!is(h, NS_ADLNAV, "hideLMSUI"))
			continue;
		t = xmlNodeGetContent(h);
		if (!t || !in_vocab((char *)t, words)) {
			error_at(c, h, "hideLMSUI: '%s' is not a control%s", t ? (char *)t : "", "");
		} else {
			pa_buf_puts(b, first ? " hideLMSUI=" : ",");
			pa_buf_puts(b, (char *)t);
			first = false;
		}
		xmlFree(t);
	}
}

static void completion_threshold(ctx *c, pa_buf *b, const xmlNode *item)
{
	xmlNode *t = child(item, NS_ADLCP, "completionThreshold");
	xmlChar *text;

	if (!t)
		return;
	/* 3rd Edition: the threshold is the element's text. */
	text = xmlNodeGetContent(t);
	if (text) {
		char *s = (char *)text, *e;
		double d;

		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
			*--e = '\0';
		if (*s) {
			if (pa_parse_double(&d, s, 0, 1) != 0)
				error_at(c, t, "completionThreshold: '%s' is not a number in [0, 1]", s);
			else
				pa_buf_printf(b, " completedByMeasure=1 minProgressMeasure=%s", s);
			xmlFree(text);
			return;
		}
		xmlFree(text);
	}
	put_bool(c, b, t, NULL, "completedByMeasure", "completedByMeasure");
	put_decimal(c, b, t, "minProgressMeasure", "minProgressMeasure", 0, 1);
	put_decimal(c, b, t, "progressWeight", "progressWeight", 0, 1);
}

/* The objective IDs an activity declares, to check referencedObjective. */
typedef struct idlist {
	char *ids[256];
	size_t n;
} idlist;

static bool has_id(const idlist *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->ids[i], id) == 0)
			return true;
	return false;
}

static void map_line(ctx *c, const char *act, const char *obj, const xmlNode *m, bool adl)
{
	static const char *const ss[][2] = {
		{ "readSatisfiedStatus", "readSatisfied" }, { "readNormalizedMeasure", "readMeasure" },
		{ "writeSatisfiedStatus", "writeSatisfied" }, { "writeNormalizedMeasure", "writeMeasure" } };
	static const bool ss_default[] = { true, true, false, false };
	static const char *const as[][2] = {
		{ "readRawScore", "readRaw" }, { "readMinScore", "readMin" }, { "readMaxScore", "readMax" },
		{ "readCompletionStatus", "readCompletion" }, { "readProgressMeasure", "readProgress" },
		{ "writeRawScore", "writeRaw" }, { "writeMinScore", "writeMin" }, { "writeMaxScore", "writeMax" },
		{ "writeCompletionStatus", "writeCompletion" }, { "writeProgressMeasure", "writeProgress" } };
	char *target = attr(m, NULL, "targetObjectiveID");
	pa_buf *b = c->out;

	if (!target || !*target) {
		error_at(c, m, "mapInfo without a targetObjectiveID%s%s", "", "");
		xmlFree(target);
		return;
	}
	pa_buf_puts(b, "map ");
	put_enc(b, act);
	pa_buf_putc(b, ' ');
	put_enc(b, obj);
	pa_buf_putc(b, ' ');
	put_enc(b, target);
	if (adl) {
		pa_buf_puts(b, " readSatisfied=0 readMeasure=0");
		for (size_t i = 0; i < 10; i++)
			pa_buf_printf(b, " %s=%d", as[i][1], bool_attr(c, m, as[i][0], i < 5));
	} else {
		for (size_t i = 0; i < 4; i++)
			pa_buf_printf(b, " %s=%d", ss[i][1], bool_attr(c, m, ss[i][0], ss_default[i]));
	}
	pa_buf_putc(b, '\n');
	xmlFree(target);
}

static void objectives(ctx *c, const char *act, const effective *e, idlist *ids)
{
	xmlNode *objs = e->el[E_OBJECTIVES];
	pa_buf *b = c->out;

	for (xmlNode *o = objs ? objs->children : NULL; o; o = o->next) {
		bool primary = is(o, NS_SS, "primaryObjective");
		char *id;
		xmlNode *mn;

		if (!primary && !is(o, NS_SS, "objective"))
			continue;
		id = attr(o, NULL, "objectiveID");
		if (!id || !*id) {
			xmlFree(id);
			if (!primary) {
				error_at(c, o, "an objective without an objectiveID%s%s", "", "");
				continue;
			}
			if (child(o, NS_SS, "mapInfo")) {
				error_at(c, o, "a primary objective with mapInfo needs an objectiveID%s%s", "", "");
				continue;
			}
			id = (char *)xmlStrdup((const xmlChar *)"");
			if (!id)
				continue;
		}
		if (*id && has_id(ids, id)) {
			error_at(c, o, "objective '%s' is declared twice%s", id, "");
			xmlFree(id);
			continue;
		}
		if (*id && ids->n < 256)
			ids->ids[ids->n++] = pa_strdup(id);
		pa_buf_puts(b, "objective ");
		put_enc(b, act);
		pa_buf_putc(b, ' ');
		if (*id)
			put_enc(b, id);
		else
			pa_buf_putc(b, '-');
		if (primary)
			pa_buf_puts(b, " primary");
		put_bool(c, b, o, NULL, "satisfiedByMeasure", "satisfiedByMeasure");
		if ((mn = child(o, NS_SS, "minNormalizedMeasure"))) {
			xmlChar *t = xmlNodeGetContent(mn);
			double d;

			if (!t || pa_parse_double(&d, (char *)t, -1, 1) != 0)
				error_at(c, mn, "minNormalizedMeasure: '%s' is not a number in [-1, 1]%s", t ? (char *)t : "", "");
			else
				pa_buf_printf(b, " minMeasure=%s", (char *)t);
			xmlFree(t);
		}
		pa_buf_putc(b, '\n');
		for (xmlNode *m = o->children; m; m = m->next)
			if (is(m, NS_SS, "mapInfo"))
				map_line(c, act, id, m, false);
		xmlFree(id);
	}
	/* adlseq:objectives extend imsss objectives of the same ID. */
	objs = e->el[E_ADLOBJ];
	for (xmlNode *o = objs ? objs->children : NULL; o; o = o->next) {
		char *id;

		if (!is(o, NS_ADLSEQ, "objective"))
			continue;
		id = attr(o, NULL, "objectiveID");
		if (!id || !has_id(ids, id)) {
			error_at(c, o, "adlseq objective '%s' matches no imsss objective%s", id ? id : "", "");
		} else {
			for (xmlNode *m = o->children; m; m = m->next)
				if (is(m, NS_ADLSEQ, "mapInfo"))
					map_line(c, act, id, m, true);
		}
		xmlFree(id);
	}
}

static const char *const seq_conditions[] = { "satisfied", "objectiveStatusKnown",
	"objectiveMeasureKnown", "objectiveMeasureGreaterThan", "objectiveMeasureLessThan",
	"completed", "activityProgressKnown", "attempted", "attemptLimitExceeded",
	"timeLimitExceeded", "outsideAvailableTimeRange", "always", NULL };
static const char *const rollup_conditions[] = { "satisfied", "objectiveStatusKnown",
	"objectiveMeasureKnown", "completed", "activityProgressKnown", "attempted",
	"attemptLimitExceeded", "timeLimitExceeded", "outsideAvailableTimeRange", NULL };

/* Conditions as " all|any tok tok ..." into b; false on error. */
static bool conditions(ctx *c, pa_buf *b, const xmlNode *conds, const char *cond_el, bool rollup,
		       const idlist *ids, const char *dflt_combination)
{
	char *comb = attr(conds, NULL, "conditionCombination");
	size_t n = 0;
	bool ok = true;

	if (comb && strcmp(comb, "all") != 0 && strcmp(comb, "any") != 0) {
		error_at(c, conds, "conditionCombination: '%s' is not all or any%s", comb, "");
		ok = false;
	}
	pa_buf_printf(b, " %s", comb && ok ? comb : dflt_combination);
	xmlFree(comb);
	for (xmlNode *x = conds->children; x; x = x->next) {
		char *cond, *op, *ref = NULL, *thr = NULL;

		if (!is(x, NS_SS, cond_el))
			continue;
		cond = attr(x, NULL, "condition");
		op = attr(x, NULL, "operator");
		if (!rollup) {
			ref = attr(x, NULL, "referencedObjective");
			thr = attr(x, NULL, "measureThreshold");
		}
		if (!cond || !in_vocab(cond, rollup ? rollup_conditions : seq_conditions)) {
			error_at(c, x, "condition: '%s' is not a %s condition", cond ? cond : "",
				 rollup ? "rollup" : "sequencing rule");
			ok = false;
		} else if (op && strcmp(op, "not") != 0 && strcmp(op, "noOp") != 0) {
			error_at(c, x, "operator: '%s' is not not or noOp%s", op, "");
			ok = false;
		} else if (ref && *ref && !has_id(ids, ref)) {
			error_at(c, x, "referencedObjective '%s' is no objective of this activity%s", ref, "");
			ok = false;
		} else {
			double d;

			pa_buf_putc(b, ' ');
			if (op && strcmp(op, "not") == 0)
				pa_buf_putc(b, '!');
			pa_buf_puts(b, cond);
			if (ref && *ref) {
				pa_buf_putc(b, '/');
				put_enc(b, ref);
			}
			if (thr) {
				if (pa_parse_double(&d, thr, -1, 1) != 0) {
					error_at(c, x, "measureThreshold: '%s' is not a number in [-1, 1]%s", thr, "");
					ok = false;
				} else {
					pa_buf_printf(b, "@%s", thr);
				}
			}
			n++;
		}
		xmlFree(cond);
		xmlFree(op);
		xmlFree(ref);
		xmlFree(thr);
	}
	if (ok && n == 0) {
		error_at(c, conds, "a rule without conditions%s%s", "", "");
		ok = false;
	}
	return ok;
}

static void rules(ctx *c, const char *act, const effective *e, const idlist *ids)
{
	static const struct { const char *el, *kind; const char *const actions[7]; } kinds[] = {
		{ "preConditionRule", "pre", { "skip", "disabled", "hiddenFromChoice", "stopForwardTraversal", NULL } },
		{ "exitConditionRule", "exit", { "exit", NULL } },
		{ "postConditionRule", "post", { "exitParent", "exitAll", "retry", "retryAll", "continue", "previous", NULL } },
	};
	xmlNode *sr = e->el[E_RULES];

	for (xmlNode *r = sr ? sr->children : NULL; r; r = r->next) {
		pa_buf line = PA_BUF_INIT;
		xmlNode *conds, *action;
		char *a = NULL;
		size_t k;

		for (k = 0; k < 3; k++)
			if (is(r, NS_SS, kinds[k].el))
				break;
		if (k == 3)
			continue;
		conds = child(r, NS_SS, "ruleConditions");
		action = child(r, NS_SS, "ruleAction");
		a = action ? attr(action, NULL, "action") : NULL;
		if (!conds || !action) {
			error_at(c, r, "%s needs ruleConditions and a ruleAction%s", kinds[k].el, "");
		} else if (!a || !in_vocab(a, kinds[k].actions)) {
			error_at(c, action, "action: '%s' is not a %s action", a ? a : "", kinds[k].el);
		} else {
			pa_buf_puts(&line, "rule ");
			put_enc(&line, act);
			pa_buf_printf(&line, " %s %s", kinds[k].kind, a);
			if (conditions(c, &line, conds, "ruleCondition", false, ids, "all")) {
				pa_buf_puts(c->out, pa_buf_cstr(&line));
				pa_buf_putc(c->out, '\n');
			}
		}
		xmlFree(a);
		pa_buf_dispose(&line);
	}
}

static void rollups(ctx *c, const char *act, const effective *e, const idlist *ids)
{
	static const char *const sets[] = { "all", "any", "none", "atLeastCount", "atLeastPercent", NULL };
	static const char *const actions[] = { "satisfied", "notSatisfied", "completed", "incomplete", NULL };
	xmlNode *rr = e->el[E_ROLLUP];

	for (xmlNode *r = rr ? rr->children : NULL; r; r = r->next) {
		pa_buf line = PA_BUF_INIT;
		xmlNode *conds, *action;
		char *set, *a;

		if (!is(r, NS_SS, "rollupRule"))
			continue;
		set = attr(r, NULL, "childActivitySet");
		conds = child(r, NS_SS, "rollupConditions");
		action = child(r, NS_SS, "rollupAction");
		a = action ? attr(action, NULL, "action") : NULL;
		if (!conds || !action) {
			error_at(c, r, "rollupRule needs rollupConditions and a rollupAction%s%s", "", "");
		} else if (set && !in_vocab(set, sets)) {
			error_at(c, r, "childActivitySet: '%s' is not all, any, none, atLeastCount or atLeastPercent%s", set, "");
		} else if (!a || !in_vocab(a, actions)) {
			error_at(c, action, "action: '%s' is not a rollup action%s", a ? a : "", "");
		} else {
			bool ok = true;

			pa_buf_puts(&line, "rollup ");
			put_enc(&line, act);
			if (set && strcmp(set, "atLeastCount") == 0) {
				char *v = attr(r, NULL, "minimumCount");
				int64_t x = 0;

				if (v && pa_parse_int64(&x, v, 0, 1000000) != 0) {
					error_at(c, r, "minimumCount: '%s' is not a non-negative integer%s", v, "");
					ok = false;
				}
				pa_buf_printf(&line, " atLeastCount:%lld", (long long)x);
				xmlFree(v);
			} else if (set && strcmp(set, "atLeastPercent") == 0) {
				char *v = attr(r, NULL, "minimumPercent");
				double d = 0;

				if (v && pa_parse_double(&d, v, 0, 1) != 0) {
					error_at(c, r, "minimumPercent: '%s' is not a number in [0, 1]%s", v, "");
					ok = false;
				}
				pa_buf_printf(&line, " atLeastPercent:%s", v && ok ? v : "0");
				xmlFree(v);
			} else {
				pa_buf_printf(&line, " %s", set ? set : "all");
			}
			pa_buf_printf(&line, " %s", a);
			if (ok && conditions(c, &line, conds, "rollupCondition", true, ids, "any")) {
				pa_buf_puts(c->out, pa_buf_cstr(&line));
				pa_buf_putc(c->out, '\n');
			}
		}
		xmlFree(set);
		xmlFree(a);
		pa_buf_dispose(&line);
	}
}

static void title_of(pa_buf *b, const xmlNode *n)
{
	xmlNode *t = child(n, NS_CP, "title");
	xmlChar *s = t ? xmlNodeGetContent(t) : NULL;

	if (s && *s) {
		pa_buf_puts(b, " title=");
		put_enc(b, (char *)s);
	}
	xmlFree(s);
}

static int activity(ctx *c, xmlNode *n, const char *parent, int depth)
{
	char *id = attr(n, NULL, "identifier");
	effective e;
	idlist ids = { { NULL }, 0 };
	int rc = 0;

	if (!id || !*id) {
		error_at(c, n, "an item without an identifier%s%s", "", "");
		xmlFree(id);
		return 0;
	}
	if (pa_strset_has(&c->ids, id)) {
		error_at(c, n, "identifier '%s' is used by another item or the organization", id);
		xmlFree(id);
		return 0;
	}
	if (pa_strset_add(&c->ids, id) != 0) {
		xmlFree(id);
		return PA_ENOMEM;
	}
	if (depth >= PA_SEQ_MAX_DEPTH || ++c->count > PA_SEQ_MAX_ACTIVITIES) {
		error_at(c, n, "activity '%s': the tree is too large or too deep%s", id, "");
		xmlFree(id);
		return PA_ELIMIT;
	}
	resolve(c, &e, n);
	pa_buf_puts(c->out, "activity ");
	put_enc(c->out, id);
	pa_buf_putc(c->out, ' ');
	if (parent)
		put_enc(c->out, parent);
	else
		pa_buf_putc(c->out, '-');
	title_of(c->out, n);
	if (parent) {
		char *vis = attr(n, NULL, "isvisible");

		if (vis && (strcmp(vis, "false") == 0 || strcmp(vis, "0") == 0))
			pa_buf_puts(c->out, " visible=0");
		else if (vis && strcmp(vis, "true") != 0 && strcmp(vis, "1") != 0)
			error_at(c, n, "isvisible must be true or false, not '%s'%s", vis, "");
		xmlFree(vis);
		hide_ui(c, c->out, n);
		completion_threshold(c, c->out, n);
	}
	activity_attrs(c, c->out, &e);
	pa_buf_putc(c->out, '\n');
	objectives(c, id, &e, &ids);
	rules(c, id, &e, &ids);
	rollups(c, id, &e, &ids);
	for (size_t i = 0; i < ids.n; i++)
		free(ids.ids[i]);
	for (xmlNode *k = n->children; k && !rc; k = k->next)
		if (is(k, NS_CP, "item"))
			rc = activity(c, k, id, depth + 1);
	xmlFree(id);
	return rc;
}

int pa_seqtree_from_manifest(pa_buf *out, const char *data, size_t len, const char *file, pa_diag *diag)
{
	xmlDoc *doc = NULL;
	xmlNode *root, *orgs, *org = NULL;
	char *dflt = NULL;
	ctx c;
	size_t errors = diag->errors;
	int rc;

	memset(&c, 0, sizeof(c));
	c.file = file;
	c.diag = diag;
	c.out = out;
	if ((rc = pa_xsd_parse_untrusted(&doc, data, len, file, diag)))
		return rc;
	root = xmlDocGetRootElement(doc);
	if (!is(root, NS_CP, "manifest")) {
		pa_diag_error(diag, file, root ? pa_xsd_node_line(root) : 1, "not an IMS content package manifest");
		rc = PA_EINVALID;
		goto done;
	}
	c.collection = child(root, NS_SS, "sequencingCollection");
	orgs = child(root, NS_CP, "organizations");
	dflt = orgs ? attr(orgs, NULL, "default") : NULL;
	for (xmlNode *o = orgs ? orgs->children : NULL; o; o = o->next) {
		char *id;

		if (!is(o, NS_CP, "organization"))
			continue;
		if (!org && !dflt)
			org = o;
		id = attr(o, NULL, "identifier");
		if (dflt && id && strcmp(id, dflt) == 0)
			org = o;
		xmlFree(id);
	}
	if (!org) {
		if (dflt)
			pa_diag_error(diag, file, pa_xsd_node_line(orgs), "the default organization '%s' does not exist", dflt);
		else
			pa_diag_error(diag, file, orgs ? pa_xsd_node_line(orgs) : pa_xsd_node_line(root),
				      "the manifest has no organization");
		rc = PA_EINVALID;
		goto done;
	}
	if (!child(org, NS_CP, "item")) {
		pa_diag_error(diag, file, pa_xsd_node_line(org), "the organization has no item");
		rc = PA_EINVALID;
		goto done;
	}
	pa_buf_puts(out, "pa-seqtree 1\n");
	{
		char *g = attr(org, NS_ADLSEQ, "objectivesGlobalToSystem");

		if (g && (strcmp(g, "false") == 0 || strcmp(g, "0") == 0))
			pa_buf_puts(out, "option objectivesGlobalToSystem=0\n");
		xmlFree(g);
	}
	rc = activity(&c, org, NULL, 0);
	if (!rc && pa_buf_error(out))
		rc = pa_error_set(pa_buf_error(out), "the tree description is too large");
	if (!rc && diag->errors > errors)
		rc = PA_EINVALID;
done:
	pa_strset_dispose(&c.ids);
	xmlFree(dflt);
	xmlFreeDoc(doc);
	return rc;
}

int pa_seqtree_from_dir(pa_buf *out, const char *package_dir, pa_diag *diag)
{
	pa_buf path = PA_BUF_INIT, data = PA_BUF_INIT;
	int rc;

	if ((rc = pa_path_join(&path, package_dir, "imsmanifest.xml")))
		goto done;
	if ((rc = pa_fs_read(&data, pa_buf_cstr(&path), MAX_MANIFEST))) {
		pa_diag_error(diag, pa_buf_cstr(&path), 0, "%s", pa_error_last());
		goto done;
	}
	rc = pa_seqtree_from_manifest(out, data.ptr ? data.ptr : "", data.len, "imsmanifest.xml", diag);
done:
	pa_buf_dispose(&path);
	pa_buf_dispose(&data);
	return rc;
}
