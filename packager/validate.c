#include "packager/validate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/tree.h>

#include "common/buf.h"
#include "common/fs.h"
#include "common/util.h"
#include "packager/unzip.h"
#include "packager/xsd.h"

#define NS_CP12 "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
#define NS_CP "http://www.imsglobal.org/xsd/imscp_v1p1"
#define NS_ADLCP12 "http://www.adlnet.org/xsd/adlcp_rootv1p2"
#define NS_ADLCP "http://www.adlnet.org/xsd/adlcp_v1p3"
#define NS_ADLSEQ "http://www.adlnet.org/xsd/adlseq_v1p3"
#define NS_ADLNAV "http://www.adlnet.org/xsd/adlnav_v1p3"
#define NS_IMSSS "http://www.imsglobal.org/xsd/imsss"

/* Unreferenced files listed one by one before a summary. */
#define MAX_UNREFERENCED_LISTED 10
/* Deepest folder nesting walked in a folder package. */
#define MAX_DIR_DEPTH 64

const char *pa_scorm_version_name(pa_scorm_version version)
{
	switch (version) {
	case PA_SCORM_12: return "SCORM 1.2";
	case PA_SCORM_2004: return "SCORM 2004 (edition not stated)";
	case PA_SCORM_2004_2ND: return "SCORM 2004 2nd Edition";
	case PA_SCORM_2004_3RD: return "SCORM 2004 3rd Edition";
	case PA_SCORM_2004_4TH: return "SCORM 2004 4th Edition";
	default: return "unknown SCORM version";
	}
}

/* --- the files of the package --- */

typedef struct files {
	char **names;   /* sorted, unique, owned */
	bool *used;
	size_t count;
} files;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void files_dispose(files *f)
{
	for (size_t i = 0; i < f->count; i++)
		free(f->names[i]);
	free(f->names);
	free(f->used);
	memset(f, 0, sizeof(*f));
}

static int files_add(files *f, const char *name)
{
	char **slot = pa_array_push(&f->names, &f->count, sizeof(char *));

	if (!slot || !(*slot = pa_strdup(name))) {
		if (slot)
			f->count--;
		return PA_ENOMEM;
	}
	return 0;
}

/* Sort, drop duplicates, and make the used[] marks. */
static int files_seal(files *f)
{
	size_t out = 0;

	if (f->count)
		qsort(f->names, f->count, sizeof(char *), cmp_str);
	for (size_t i = 0; i < f->count; i++) {
		if (out && strcmp(f->names[out - 1], f->names[i]) == 0)
			free(f->names[i]);
		else
			f->names[out++] = f->names[i];
	}
	f->count = out;
	if (out && !(f->used = calloc(out, sizeof(bool))))
		return pa_error_set(PA_ENOMEM, "out of memory listing files");
	return 0;
}

static ssize_t files_find(const files *f, const char *name)
{
	size_t lo = 0, hi = f->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(f->names[mid], name);

		if (c == 0)
			return (ssize_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static const char *files_find_nocase(const files *f, const char *name)
{
	for (size_t i = 0; i < f->count; i++) {
		if (strcasecmp(f->names[i], name) == 0)
			return f->names[i];
	}
	return NULL;
}

/* --- the checks --- */

typedef struct id_entry {
	const char *id;
	const xmlNode *node;
} id_entry;

typedef struct check {
	pa_diag *diag;
	files *files;
	const char *cp_ns;        /* the root's namespace, or NULL */
	pa_scorm_version version;
	bool v12;
	id_entry *ids;            /* manifest, organization, item, resource */
	size_t nids;
	id_entry *seq_ids;        /* imsss:sequencing ID */
	size_t nseq_ids;
} check;

static void PA_PRINTF(4, 5) report(check *c, pa_diag_severity sev, const xmlNode *node, const char *fmt, ...)
{
	pa_buf msg = PA_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pa_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	pa_diag_add(c->diag, sev, PA_MANIFEST, pa_xsd_node_line(node), pa_xsd_node_col(node),
		    "%s", pa_buf_cstr(&msg));
	pa_buf_dispose(&msg);
}

static bool ns_is(const xmlNode *n, const char *ns)
{
	if (!n->ns || !n->ns->href)
		return ns == NULL;
	return ns && strcmp((const char *)n->ns->href, ns) == 0;
}

static bool name_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* An element of the content packaging namespace of this manifest. */
static bool is_cp(const check *c, const xmlNode *n, const char *name)
{
	return name_is(n, name) && ns_is(n, c->cp_ns);
}

static const xmlNode *next_element(const xmlNode *n)
{
	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE)
			return n;
	}
	return NULL;
}

#define FOR_CHILDREN(child, parent) \
	for (const xmlNode *child = next_element((parent)->children); child; child = next_element(child->next))

static const xmlNode *cp_child(const check *c, const xmlNode *parent, const char *name)
{
	FOR_CHILDREN(k, parent) {
		if (is_cp(c, k, name))
			return k;
	}
	return NULL;
}

/* The value of an attribute (borrowed), in namespace ns (NULL: none). */
static const char *prop(const xmlNode *n, const char *name, const char *ns)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		bool ns_ok = ns ? (a->ns && a->ns->href && strcmp((const char *)a->ns->href, ns) == 0) : !a->ns;

		if (ns_ok && strcmp((const char *)a->name, name) == 0)
			return a->children && a->children->type == XML_TEXT_NODE && a->children->content
			       ? (const char *)a->children->content : "";
	}
	return NULL;
}

/* The text of an element, trimmed, into out. */
static void text_of(pa_buf *out, const xmlNode *n)
{
	const char *s;
	size_t len;
	xmlChar *t = xmlNodeGetContent(n);

	s = t ? (const char *)t : "";
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	pa_buf_put(out, s, len);
	xmlFree(t);
}

/* Walk every element below (and including) root, in document order. */
static const xmlNode *next_in_tree(const xmlNode *n, const xmlNode *root)
{
	if (n->children && next_element(n->children))
		return next_element(n->children);
	while (n && n != root) {
		const xmlNode *sib = next_element(n->next);

		if (sib)
			return sib;
		n = n->parent;
	}
	return NULL;
}

static int cmp_id(const void *a, const void *b)
{
	const id_entry *x = a, *y = b;
	int r = strcmp(x->id, y->id);

	if (r)
		return r;
	/* Stable on document order, so the later one is reported. */
	return pa_xsd_node_line(x->node) < pa_xsd_node_line(y->node) ? -1 :
	       pa_xsd_node_line(x->node) > pa_xsd_node_line(y->node) ? 1 :
	       (pa_xsd_node_col(x->node) < pa_xsd_node_col(y->node) ? -1 : 1);
}

static const id_entry *find_id(const id_entry *ids, size_t n, const char *id)
{
	id_entry key = { id, NULL };
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(ids[mid].id, key.id);

		if (r == 0) {
			while (mid > 0 && strcmp(ids[mid - 1].id, id) == 0)
				mid--;
			return &ids[mid];
		}
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int push_id(id_entry **arr, size_t *n, const char *id, const xmlNode *node)
{
	id_entry *e = pa_array_push(arr, n, sizeof(**arr));

	if (!e)
		return PA_ENOMEM;
	e->id = id;
	e->node = node;
	return 0;
}

static int collect_ids(check *c, const xmlNode *root)
{
	for (const xmlNode *n = root; n; n = next_in_tree(n, root)) {
		const char *id;

		if (is_cp(c, n, "manifest") || is_cp(c, n, "organization") ||
		    is_cp(c, n, "item") || is_cp(c, n, "resource")) {
			if (!(id = prop(n, "identifier", NULL)) || !*id) {
				report(c, name_is(n, "manifest") ? PA_DIAG_WARNING : PA_DIAG_ERROR, n,
				       "<%s> has no identifier", (const char *)n->name);
				continue;
			}
			if (push_id(&c->ids, &c->nids, id, n))
				return PA_ENOMEM;
		} else if (name_is(n, "sequencing") && ns_is(n, NS_IMSSS) && (id = prop(n, "ID", NULL))) {
			if (push_id(&c->seq_ids, &c->nseq_ids, id, n))
				return PA_ENOMEM;
		}
	}
	if (c->nids)
		qsort(c->ids, c->nids, sizeof(*c->ids), cmp_id);
	if (c->nseq_ids)
		qsort(c->seq_ids, c->nseq_ids, sizeof(*c->seq_ids), cmp_id);
	for (size_t i = 1; i < c->nids; i++) {
		if (strcmp(c->ids[i - 1].id, c->ids[i].id) == 0)
			report(c, PA_DIAG_ERROR, c->ids[i].node, "identifier '%s' is already used on line %u",
			       c->ids[i].id, pa_xsd_node_line(c->ids[i - 1].node));
	}
	for (size_t i = 1; i < c->nseq_ids; i++) {
		if (strcmp(c->seq_ids[i - 1].id, c->seq_ids[i].id) == 0)
			report(c, PA_DIAG_ERROR, c->seq_ids[i].node,
			       "sequencing ID '%s' is already used on line %u",
			       c->seq_ids[i].id, pa_xsd_node_line(c->seq_ids[i - 1].node));
	}
	return 0;
}

/* --- version --- */

static bool uses_ns(const xmlNode *root, const char *ns)
{
	for (const xmlNode *n = root; n; n = next_in_tree(n, root)) {
		if (ns_is(n, ns))
			return true;
		for (const xmlAttr *a = n->properties; a; a = a->next) {
			if (a->ns && a->ns->href && strcmp((const char *)a->ns->href, ns) == 0)
				return true;
		}
	}
	return false;
}

static pa_scorm_version detect_version(check *c, const xmlNode *root)
{
	const xmlNode *meta = cp_child(c, root, "metadata"), *sv = NULL;
	pa_scorm_version stated = PA_SCORM_UNKNOWN, found;
	pa_buf text = PA_BUF_INIT;
	bool ns12 = c->cp_ns && strcmp(c->cp_ns, NS_CP12) == 0;
	bool ns2004 = c->cp_ns && strcmp(c->cp_ns, NS_CP) == 0;
	bool adl12 = uses_ns(root, NS_ADLCP12);
	bool adl2004 = uses_ns(root, NS_ADLCP) || uses_ns(root, NS_IMSSS) ||
		       uses_ns(root, NS_ADLSEQ) || uses_ns(root, NS_ADLNAV);

	if (meta)
		sv = cp_child(c, meta, "schemaversion");
	if (sv) {
		text_of(&text, sv);
		if (strcmp(pa_buf_cstr(&text), "1.2") == 0)
			stated = PA_SCORM_12;
		else if (strcasecmp(pa_buf_cstr(&text), "CAM 1.3") == 0 ||
			 strcasecmp(pa_buf_cstr(&text), "2004 2nd Edition") == 0)
			stated = PA_SCORM_2004_2ND;
		else if (strcasecmp(pa_buf_cstr(&text), "2004 3rd Edition") == 0)
			stated = PA_SCORM_2004_3RD;
		else if (strcasecmp(pa_buf_cstr(&text), "2004 4th Edition") == 0)
			stated = PA_SCORM_2004_4TH;
		else
			report(c, PA_DIAG_WARNING, sv, "schemaversion '%s' is not one of 1.2, CAM 1.3, "
			       "2004 3rd Edition, 2004 4th Edition", pa_buf_cstr(&text));
	} else {
		report(c, PA_DIAG_WARNING, meta ? meta : root,
		       "no <metadata><schemaversion>: the SCORM version is guessed from the namespaces");
	}

	/* The namespaces decide the family: they are what the LMS reads. */
	if (adl12 && !adl2004)
		found = PA_SCORM_12;
	else if (adl2004 && !adl12)
		found = PA_SCORM_2004;
	else if (ns12)
		found = PA_SCORM_12;
	else if (ns2004)
		found = stated == PA_SCORM_12 ? PA_SCORM_12 : PA_SCORM_2004;
	else
		found = stated;

	if (found == PA_SCORM_2004 && stated >= PA_SCORM_2004)
		found = stated;
	else if (stated != PA_SCORM_UNKNOWN && (stated == PA_SCORM_12) != (found == PA_SCORM_12))
		report(c, PA_DIAG_WARNING, sv, "schemaversion says %s but the namespaces are those of %s",
		       pa_scorm_version_name(stated), pa_scorm_version_name(found));
	pa_buf_dispose(&text);
	return found;
}

/* --- values --- */

typedef enum value_kind { V_BOOL, V_COUNT, V_RANGE, V_VOCAB } value_kind;

typedef struct value_rule {
	const char *ns;
	const char *element;   /* local name; NULL: any element */
	const char *attr;      /* NULL: the element's text */
	value_kind kind;
	double min, max;
	const char *vocab;     /* "a|b|c" */
} value_rule;

#define RULE_CONDITIONS "satisfied|objectiveStatusKnown|objectiveMeasureKnown|objectiveMeasureGreaterThan|" \
	"objectiveMeasureLessThan|completed|activityProgressKnown|attempted|attemptLimitExceeded|" \
	"timeLimitExceeded|outsideAvailableTimeRange|always"
#define ROLLUP_CONDITIONS "satisfied|objectiveStatusKnown|objectiveMeasureKnown|completed|" \
	"activityProgressKnown|attempted|attemptLimitExceeded|timeLimitExceeded|outsideAvailableTimeRange"
#define CONSIDERATION "always|ifAttempted|ifNotSkipped|ifNotSuspended"
#define TIMING "never|once|onEachNewAttempt"
#define TIME_LIMIT_ACTION "exit,message|exit,no message|continue,message|continue,no message"

/* The values of SCORM 2004 sequencing (IMS SS) and ADL extensions, and of 1.2's adlcp. */
static const value_rule value_rules[] = {
	{ NS_IMSSS, "controlMode", "choice", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "controlMode", "choiceExit", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "controlMode", "flow", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "controlMode", "forwardOnly", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "controlMode", "useCurrentAttemptObjectiveInfo", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "controlMode", "useCurrentAttemptProgressInfo", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "limitConditions", "attemptLimit", V_COUNT, 0, 0, NULL },
	{ NS_IMSSS, "ruleConditions", "conditionCombination", V_VOCAB, 0, 0, "all|any" },
	{ NS_IMSSS, "ruleCondition", "condition", V_VOCAB, 0, 0, RULE_CONDITIONS },
	{ NS_IMSSS, "ruleCondition", "operator", V_VOCAB, 0, 0, "not|noOp" },
	{ NS_IMSSS, "ruleCondition", "measureThreshold", V_RANGE, -1, 1, NULL },
	{ NS_IMSSS, "rollupRules", "rollupObjectiveSatisfied", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "rollupRules", "rollupProgressCompletion", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "rollupRules", "objectiveMeasureWeight", V_RANGE, 0, 1, NULL },
	{ NS_IMSSS, "rollupRule", "childActivitySet", V_VOCAB, 0, 0,
	  "all|any|none|atLeastCount|atLeastPercent" },
	{ NS_IMSSS, "rollupRule", "minimumCount", V_COUNT, 0, 0, NULL },
	{ NS_IMSSS, "rollupRule", "minimumPercent", V_RANGE, 0, 1, NULL },
	{ NS_IMSSS, "rollupConditions", "conditionCombination", V_VOCAB, 0, 0, "all|any" },
	{ NS_IMSSS, "rollupCondition", "condition", V_VOCAB, 0, 0, ROLLUP_CONDITIONS },
	{ NS_IMSSS, "rollupCondition", "operator", V_VOCAB, 0, 0, "not|noOp" },
	{ NS_IMSSS, "rollupAction", "action", V_VOCAB, 0, 0, "satisfied|notSatisfied|completed|incomplete" },
	{ NS_IMSSS, "primaryObjective", "satisfiedByMeasure", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "objective", "satisfiedByMeasure", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "minNormalizedMeasure", NULL, V_RANGE, -1, 1, NULL },
	{ NS_IMSSS, "mapInfo", "readSatisfiedStatus", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "mapInfo", "readNormalizedMeasure", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "mapInfo", "writeSatisfiedStatus", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "mapInfo", "writeNormalizedMeasure", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "randomizationControls", "randomizationTiming", V_VOCAB, 0, 0, TIMING },
	{ NS_IMSSS, "randomizationControls", "selectionTiming", V_VOCAB, 0, 0, TIMING },
	{ NS_IMSSS, "randomizationControls", "selectCount", V_COUNT, 0, 0, NULL },
	{ NS_IMSSS, "randomizationControls", "reorderChildren", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "deliveryControls", "tracked", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "deliveryControls", "completionSetByContent", V_BOOL, 0, 0, NULL },
	{ NS_IMSSS, "deliveryControls", "objectiveSetByContent", V_BOOL, 0, 0, NULL },
	{ NS_ADLSEQ, "rollupConsiderations", "requiredForSatisfied", V_VOCAB, 0, 0, CONSIDERATION },
	{ NS_ADLSEQ, "rollupConsiderations", "requiredForNotSatisfied", V_VOCAB, 0, 0, CONSIDERATION },
	{ NS_ADLSEQ, "rollupConsiderations", "requiredForCompleted", V_VOCAB, 0, 0, CONSIDERATION },
	{ NS_ADLSEQ, "rollupConsiderations", "requiredForIncomplete", V_VOCAB, 0, 0, CONSIDERATION },
	{ NS_ADLSEQ, "rollupConsiderations", "measureSatisfactionIfActive", V_BOOL, 0, 0, NULL },
	{ NS_ADLSEQ, "constrainedChoiceConsiderations", "preventActivation", V_BOOL, 0, 0, NULL },
	{ NS_ADLSEQ, "constrainedChoiceConsiderations", "constrainChoice", V_BOOL, 0, 0, NULL },
	{ NS_ADLSEQ, NULL, "objectivesGlobalToSystem", V_BOOL, 0, 0, NULL },
	{ NS_ADLCP, NULL, "sharedDataGlobalToSystem", V_BOOL, 0, 0, NULL },
	{ NS_ADLCP, "completionThreshold", "completedByMeasure", V_BOOL, 0, 0, NULL },
	{ NS_ADLCP, "completionThreshold", "minProgressMeasure", V_RANGE, 0, 1, NULL },
	{ NS_ADLCP, "completionThreshold", "progressWeight", V_RANGE, 0, 1, NULL },
	{ NS_ADLCP, "completionThreshold", NULL, V_RANGE, 0, 1, NULL },
	{ NS_ADLCP, "timeLimitAction", NULL, V_VOCAB, 0, 0, TIME_LIMIT_ACTION },
	{ NS_ADLNAV, "hideLMSUI", NULL, V_VOCAB, 0, 0,
	  "previous|continue|exit|exitAll|abandon|abandonAll|suspendAll" },
	{ NS_ADLCP12, "masteryscore", NULL, V_RANGE, 0, 100, NULL },
	{ NS_ADLCP12, "timelimitaction", NULL, V_VOCAB, 0, 0, TIME_LIMIT_ACTION },
};

static bool in_vocab(const char *vocab, const char *value)
{
	size_t len = strlen(value);

	for (const char *p = vocab; *p; ) {
		size_t n = strcspn(p, "|");

		if (n == len && memcmp(p, value, n) == 0)
			return true;
		p += n;
		if (*p == '|')
			p++;
	}
	return false;
}

static void list_vocab(pa_buf *out, const char *vocab)
{
	for (const char *p = vocab; *p; p++)
		pa_buf_puts(out, *p == '|' ? ", " : (char[2]){ *p, 0 });
}

static void check_value(check *c, const value_rule *r, const xmlNode *n, const char *what, const char *raw)
{
	pa_buf v = PA_BUF_INIT, choices = PA_BUF_INIT;
	int64_t count;
	double d;

	/* XSD collapses whitespace around these values. */
	while (*raw == ' ' || *raw == '\t' || *raw == '\n' || *raw == '\r')
		raw++;
	pa_buf_puts(&v, raw);
	while (v.len && strchr(" \t\r\n", v.ptr[v.len - 1]))
		pa_buf_truncate(&v, v.len - 1);
	switch (r->kind) {
	case V_BOOL:
		if (!in_vocab("true|false|1|0", pa_buf_cstr(&v)))
			report(c, PA_DIAG_ERROR, n, "%s is '%s', not true or false", what, pa_buf_cstr(&v));
		break;
	case V_COUNT:
		if (pa_parse_int64(&count, pa_buf_cstr(&v), 0, INT64_MAX) != 0)
			report(c, PA_DIAG_ERROR, n, "%s is '%s', not a whole number 0 or more", what,
			       pa_buf_cstr(&v));
		break;
	case V_RANGE:
		if (pa_parse_double(&d, pa_buf_cstr(&v), -1e300, 1e300) != 0)
			report(c, PA_DIAG_ERROR, n, "%s is '%s', not a number", what, pa_buf_cstr(&v));
		else if (d < r->min || d > r->max)
			report(c, PA_DIAG_ERROR, n, "%s is %s, out of range (%g to %g)", what,
			       pa_buf_cstr(&v), r->min, r->max);
		break;
	case V_VOCAB:
		if (!in_vocab(r->vocab, pa_buf_cstr(&v))) {
			list_vocab(&choices, r->vocab);
			report(c, PA_DIAG_ERROR, n, "%s is '%s', not one of: %s", what, pa_buf_cstr(&v),
			       pa_buf_cstr(&choices));
		}
		break;
	}
	pa_buf_dispose(&v);
	pa_buf_dispose(&choices);
}

static void check_values(check *c, const xmlNode *root)
{
	for (const xmlNode *n = root; n; n = next_in_tree(n, root)) {
		for (size_t i = 0; i < PA_ARRAY_SIZE(value_rules); i++) {
			const value_rule *r = &value_rules[i];
			pa_buf what = PA_BUF_INIT;

			if (r->element && (!name_is(n, r->element) || !ns_is(n, r->ns)))
				continue;
			if (!r->attr) {
				pa_buf text = PA_BUF_INIT;

				/* 4th Edition's completionThreshold is empty, with attributes. */
				text_of(&text, n);
				pa_buf_printf(&what, "<%s>", r->element);
				if (text.len || !n->properties)
					check_value(c, r, n, pa_buf_cstr(&what), pa_buf_cstr(&text));
				pa_buf_dispose(&text);
			} else {
				/* Element-specific rules name plain attributes; the
				 * others (element NULL) name attributes in r->ns. */
				const char *v = prop(n, r->attr, r->element ? NULL : r->ns);

				if (v) {
					pa_buf_printf(&what, "%s of <%s>", r->attr, (const char *)n->name);
					check_value(c, r, n, pa_buf_cstr(&what), v);
				}
			}
			pa_buf_dispose(&what);
		}
		/* A rule's action must belong to its kind of rule. */
		if (name_is(n, "ruleAction") && ns_is(n, NS_IMSSS) && n->parent) {
			const char *action = prop(n, "action", NULL), *allowed = NULL;
			const char *rule = (const char *)n->parent->name;

			if (strcmp(rule, "preConditionRule") == 0)
				allowed = "skip|disabled|hiddenFromChoice|stopForwardTraversal";
			else if (strcmp(rule, "exitConditionRule") == 0)
				allowed = "exit";
			else if (strcmp(rule, "postConditionRule") == 0)
				allowed = "exitParent|exitAll|retry|retryAll|continue|previous";
			if (allowed && action) {
				value_rule r = { NS_IMSSS, "ruleAction", "action", V_VOCAB, 0, 0, allowed };
				pa_buf what = PA_BUF_INIT;

				pa_buf_printf(&what, "action of <ruleAction> in <%s>", rule);
				check_value(c, &r, n, pa_buf_cstr(&what), action);
				pa_buf_dispose(&what);
			}
		}
		/* IDRef names a sequencing of the collection. */
		if (name_is(n, "sequencing") && ns_is(n, NS_IMSSS)) {
			const char *ref = prop(n, "IDRef", NULL);

			if (ref && !find_id(c->seq_ids, c->nseq_ids, ref))
				report(c, PA_DIAG_ERROR, n, "IDRef '%s' names no <sequencing ID> of the "
				       "<sequencingCollection>", ref);
		}
	}
}

/* --- hrefs and files --- */

typedef enum href_kind { HREF_FILE, HREF_EXTERNAL, HREF_BAD } href_kind;

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
		return (ch | 0x20) - 'a' + 10;
	return -1;
}

/*
 * Turn base + href into a normalised path inside the package (query and
 * fragment dropped, %XX decoded), or say why it is not one.
 */
static href_kind resolve_href(pa_buf *out, const char *base, const char *href, bool decode)
{
	pa_buf joined = PA_BUF_INIT, decoded = PA_BUF_INIT;
	href_kind kind = HREF_FILE;
	const char *p;
	size_t n;

	/* A scheme ("http:", "https:", "mailto:") makes it external. */
	for (p = href; (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		       (p > href && ((*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')); p++)
		;
	if (*p == ':' && p - href > 1)
		return HREF_EXTERNAL;
	if (base && *base && !strstr(base, "://"))
		pa_path_join(&joined, base, href);
	else if (base && strstr(base, "://"))
		return HREF_EXTERNAL;
	else
		pa_buf_puts(&joined, href);
	n = strcspn(pa_buf_cstr(&joined), "?#");
	for (size_t i = 0; i < n; i++) {
		const char *s = pa_buf_cstr(&joined) + i;

		if (decode && s[0] == '%' && i + 2 < n && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			pa_buf_putc(&decoded, (char)(hexval(s[1]) * 16 + hexval(s[2])));
			i += 2;
		} else {
			pa_buf_putc(&decoded, *s);
		}
	}
	if (!decoded.len || memchr(pa_buf_cstr(&decoded), '\0', decoded.len) ||
	    pa_path_normalize(out, pa_buf_cstr(&decoded)) != 0)
		kind = HREF_BAD;
	pa_buf_dispose(&joined);
	pa_buf_dispose(&decoded);
	return kind;
}

static const char *xml_base(const xmlNode *n)
{
	return prop(n, "base", (const char *)XML_XML_NAMESPACE);
}

/*
 * Check that href (relative to base) names a file of the package; mark it
 * used. missing_sev: how bad a missing file is.
 */
static void check_href(check *c, const xmlNode *n, const char *base, const char *href,
		       pa_diag_severity missing_sev, const char *what)
{
	pa_buf path = PA_BUF_INIT, raw = PA_BUF_INIT;
	href_kind kind;
	ssize_t at;

	if (!*href) {
		report(c, missing_sev, n, "%s is empty", what);
		return;
	}
	kind = resolve_href(&path, base, href, true);
	if (kind == HREF_EXTERNAL)
		goto done;
	if (kind == HREF_BAD) {
		report(c, PA_DIAG_ERROR, n, "%s '%s' does not name a file inside the package", what, href);
		goto done;
	}
	at = files_find(c->files, path.ptr);
	/* Some tools write spaces and '%' unencoded: try the href as written. */
	if (at < 0 && resolve_href(&raw, base, href, false) == HREF_FILE)
		at = files_find(c->files, raw.ptr);
	if (at >= 0) {
		c->files->used[at] = true;
	} else {
		const char *other = files_find_nocase(c->files, path.ptr);

		if (other)
			report(c, missing_sev, n, "%s '%s': no such file; '%s' differs only in case, "
			       "and names are case-sensitive on most servers", what, href, other);
		else
			report(c, missing_sev, n, "%s '%s': no such file in the package", what, href);
	}
done:
	pa_buf_dispose(&path);
	pa_buf_dispose(&raw);
}

/* xml:base of <resources> then of <resource>, joined. */
static void resource_base(pa_buf *out, const xmlNode *res)
{
	const char *outer = res->parent && res->parent->type == XML_ELEMENT_NODE ? xml_base(res->parent) : NULL;
	const char *inner = xml_base(res);

	if (outer && *outer)
		pa_buf_puts(out, outer);
	if (inner && *inner) {
		if (out->len && out->ptr[out->len - 1] != '/')
			pa_buf_putc(out, '/');
		pa_buf_puts(out, inner);
	}
}

static const char *scorm_type(check *c, const xmlNode *res, const xmlAttr **attr_out)
{
	/* 1.2 spells it scormtype, 2004 scormType; LMSs read either. */
	for (const xmlAttr *a = res->properties; a; a = a->next) {
		if (!a->ns || !a->ns->href || strcasecmp((const char *)a->name, "scormtype") != 0)
			continue;
		if (strcmp((const char *)a->ns->href, NS_ADLCP) && strcmp((const char *)a->ns->href, NS_ADLCP12))
			continue;
		*attr_out = a;
		(void)c;
		return a->children && a->children->content ? (const char *)a->children->content : "";
	}
	*attr_out = NULL;
	return NULL;
}

static void check_resources(check *c, const xmlNode *root)
{
	for (const xmlNode *n = root; n; n = next_in_tree(n, root)) {
		pa_buf base = PA_BUF_INIT;
		const xmlAttr *st_attr;
		const char *href, *type, *st;
		const char *expected = c->v12 ? "scormtype" : "scormType";

		if (!is_cp(c, n, "resource"))
			continue;
		resource_base(&base, n);
		if ((href = prop(n, "href", NULL)) != NULL)
			check_href(c, n, pa_buf_cstr(&base), href, PA_DIAG_ERROR, "launch file");
		type = prop(n, "type", NULL);
		if (!type)
			report(c, PA_DIAG_WARNING, n, "resource has no type (expected \"webcontent\")");
		else if (strcmp(type, "webcontent") != 0)
			report(c, PA_DIAG_WARNING, n, "resource type is '%s', not \"webcontent\"", type);
		st = scorm_type(c, n, &st_attr);
		if (!st) {
			report(c, PA_DIAG_WARNING, n, "resource has no adlcp:%s: LMSs treat it as an asset",
			       expected);
		} else {
			if (strcmp((const char *)st_attr->name, expected) != 0)
				report(c, PA_DIAG_WARNING, n, "the attribute is adlcp:%s in %s, not adlcp:%s",
				       expected, c->v12 ? "SCORM 1.2" : "SCORM 2004",
				       (const char *)st_attr->name);
			if (strcmp(st, "sco") != 0 && strcmp(st, "asset") != 0) {
				if (strcasecmp(st, "sco") == 0 || strcasecmp(st, "asset") == 0)
					report(c, PA_DIAG_WARNING, n, "scormType '%s' should be lower case", st);
				else
					report(c, PA_DIAG_ERROR, n, "scormType is '%s', not \"sco\" or \"asset\"", st);
			}
		}
		FOR_CHILDREN(k, n) {
			if (is_cp(c, k, "file")) {
				const char *fh = prop(k, "href", NULL);

				if (!fh)
					report(c, PA_DIAG_WARNING, k, "<file> has no href");
				else
					check_href(c, k, pa_buf_cstr(&base), fh, PA_DIAG_WARNING, "file");
			} else if (is_cp(c, k, "dependency")) {
				const char *ref = prop(k, "identifierref", NULL);
				const id_entry *e = ref ? find_id(c->ids, c->nids, ref) : NULL;

				if (!ref)
					report(c, PA_DIAG_WARNING, k, "<dependency> has no identifierref");
				else if (!e || !is_cp(c, e->node, "resource"))
					report(c, PA_DIAG_WARNING, k, "dependency '%s' names no resource", ref);
			}
		}
		pa_buf_dispose(&base);
	}
	/* Metadata kept in files (adlcp:location) is part of the package. */
	for (const xmlNode *n = root; n; n = next_in_tree(n, root)) {
		if (name_is(n, "location") && (ns_is(n, NS_ADLCP) || ns_is(n, NS_ADLCP12))) {
			pa_buf text = PA_BUF_INIT, base = PA_BUF_INIT;
			const xmlNode *p;

			/* Inside a resource, the metadata file is relative to its base. */
			for (p = n->parent; p && p->type == XML_ELEMENT_NODE && !is_cp(c, p, "resource"); p = p->parent)
				;
			if (p && p->type == XML_ELEMENT_NODE)
				resource_base(&base, p);
			text_of(&text, n);
			check_href(c, n, pa_buf_cstr(&base), pa_buf_cstr(&text), PA_DIAG_WARNING, "metadata file");
			pa_buf_dispose(&text);
			pa_buf_dispose(&base);
		}
	}
}

/* Items of an organization: references, launchability; returns how many launch. */
static size_t check_items(check *c, const xmlNode *parent)
{
	size_t launchable = 0;

	FOR_CHILDREN(n, parent) {
		const char *ref, *vis;
		bool has_children = false;

		if (!is_cp(c, n, "item"))
			continue;
		FOR_CHILDREN(k, n) {
			if (is_cp(c, k, "item"))
				has_children = true;
		}
		if (!cp_child(c, n, "title"))
			report(c, PA_DIAG_WARNING, n, "item has no <title>");
		if ((vis = prop(n, "isvisible", NULL)) && !in_vocab("true|false|1|0", vis))
			report(c, PA_DIAG_WARNING, n, "isvisible is '%s', not true or false", vis);
		ref = prop(n, "identifierref", NULL);
		if (ref) {
			const id_entry *e = find_id(c->ids, c->nids, ref);

			if (!e)
				report(c, PA_DIAG_ERROR, n, "identifierref '%s' names nothing in the manifest", ref);
			else if (is_cp(c, e->node, "resource") && !prop(e->node, "href", NULL))
				report(c, PA_DIAG_ERROR, n, "item refers to resource '%s', which has no href to launch",
				       ref);
			else if (!is_cp(c, e->node, "resource") && !is_cp(c, e->node, "manifest"))
				report(c, PA_DIAG_ERROR, n, "identifierref '%s' names <%s>, not a resource", ref,
				       (const char *)e->node->name);
			else
				launchable++;
			if (has_children)
				report(c, PA_DIAG_WARNING, n, "an item with children should not refer to a resource");
		} else if (!has_children) {
			report(c, PA_DIAG_WARNING, n, "item has no children and no identifierref: nothing to launch");
		}
		launchable += check_items(c, n);
	}
	return launchable;
}

static void check_organizations(check *c, const xmlNode *root)
{
	const xmlNode *orgs = cp_child(c, root, "organizations");
	const char *def;
	size_t count = 0, launchable = 0;

	if (!cp_child(c, root, "resources"))
		report(c, PA_DIAG_ERROR, root, "the manifest has no <resources>");
	if (!orgs) {
		report(c, PA_DIAG_ERROR, root, "the manifest has no <organizations>");
		return;
	}
	FOR_CHILDREN(o, orgs) {
		if (!is_cp(c, o, "organization"))
			continue;
		count++;
		if (!cp_child(c, o, "title"))
			report(c, PA_DIAG_WARNING, o, "organization has no <title>");
		launchable += check_items(c, o);
	}
	def = prop(orgs, "default", NULL);
	if (def) {
		const id_entry *e = find_id(c->ids, c->nids, def);

		if (!e || !is_cp(c, e->node, "organization"))
			report(c, count ? PA_DIAG_WARNING : PA_DIAG_ERROR, orgs,
			       "default organization '%s' does not exist%s", def,
			       count ? ": LMSs use the first one" : "");
	} else if (count) {
		report(c, PA_DIAG_WARNING, orgs, "<organizations> names no default organization");
	}
	if (!count)
		report(c, PA_DIAG_ERROR, orgs, "no <organization>: nothing to launch");
	else if (!launchable)
		report(c, PA_DIAG_ERROR, orgs, "no item refers to a resource: nothing to launch");
}

/* Files the package carries by design, that no resource lists. */
static bool exempt_file(const char *name)
{
	return strcmp(name, PA_MANIFEST) == 0 || pa_str_endswith_nocase(name, ".xsd") ||
	       pa_str_endswith_nocase(name, ".dtd");
}

static void check_unreferenced(check *c)
{
	size_t listed = 0, unlisted = 0;

	for (size_t i = 0; i < c->files->count; i++) {
		if (c->files->used[i] || exempt_file(c->files->names[i]))
			continue;
		if (listed < MAX_UNREFERENCED_LISTED) {
			pa_diag_add(c->diag, PA_DIAG_WARNING, c->files->names[i], 0, 0,
				    "no resource in " PA_MANIFEST " lists this file");
			listed++;
		} else {
			unlisted++;
		}
	}
	if (unlisted)
		pa_diag_add(c->diag, PA_DIAG_WARNING, "", 0, 0,
			    "%zu more files that no resource in " PA_MANIFEST " lists", unlisted);
}

/* Order the manifest's findings by position (stable), for reading. */
static void sort_diag(pa_diag *diag, size_t from)
{
	for (size_t i = from + 1; i < diag->count; i++) {
		pa_diag_entry e = diag->items[i];
		size_t j = i;

		while (j > from && (diag->items[j - 1].line > e.line ||
				    (diag->items[j - 1].line == e.line && diag->items[j - 1].col > e.col))) {
			diag->items[j] = diag->items[j - 1];
			j--;
		}
		diag->items[j] = e;
	}
}

static bool line_reported(const pa_diag *diag, size_t from, size_t to, unsigned line)
{
	for (size_t i = from; i < to; i++) {
		if (diag->items[i].line == line && strcmp(diag->items[i].file, PA_MANIFEST) == 0)
			return true;
	}
	return false;
}

static int run_checks(pa_scorm_version *out, const char *data, size_t len, files *f,
		      const pa_validate_options *opts, const char *schema_dir, pa_diag *diag)
{
	check c = { 0 };
	xmlDoc *doc = NULL;
	const xmlNode *root;
	size_t start = diag->count;
	int rc = 0;

	c.diag = diag;
	c.files = f;
	*out = PA_SCORM_UNKNOWN;
	if (pa_xsd_parse_untrusted(&doc, data, len, PA_MANIFEST, diag) != 0)
		goto done; /* reported */
	root = xmlDocGetRootElement(doc);
	if (!root || strcmp((const char *)root->name, "manifest") != 0) {
		report(&c, PA_DIAG_ERROR, root, "the root element is <%s>, not <manifest>",
		       root ? (const char *)root->name : "");
		goto done;
	}
	c.cp_ns = root->ns && root->ns->href ? (const char *)root->ns->href : NULL;
	if (!c.cp_ns || (strcmp(c.cp_ns, NS_CP) && strcmp(c.cp_ns, NS_CP12)))
		report(&c, PA_DIAG_WARNING, root, "<manifest> is in the namespace '%s', not IMS Content Packaging's",
		       c.cp_ns ? c.cp_ns : "");
	c.version = *out = detect_version(&c, root);
	c.v12 = c.version == PA_SCORM_12;
	if (c.version == PA_SCORM_UNKNOWN)
		report(&c, PA_DIAG_ERROR, root, "not a SCORM manifest: neither its namespaces nor its "
		       "schemaversion name SCORM 1.2 or 2004");
	if ((rc = collect_ids(&c, root)) != 0)
		goto done;
	check_organizations(&c, root);
	check_resources(&c, root);
	check_values(&c, root);

	if (!opts->skip_schema && c.version != PA_SCORM_UNKNOWN) {
		pa_diag schema;
		size_t ours = diag->count;

		pa_diag_init(&schema);
		rc = pa_xsd_validate(doc, schema_dir, c.v12 ? PA_XSD_SCORM12 : PA_XSD_SCORM2004,
				     PA_MANIFEST, PA_DIAG_WARNING, &schema);
		/* A specific finding says it better than the schema's words. */
		for (size_t i = 0; i < schema.count; i++) {
			const pa_diag_entry *e = &schema.items[i];

			if (e->severity != PA_DIAG_NOTE && line_reported(diag, start, ours, e->line))
				continue;
			pa_diag_add(diag, e->severity, e->file, e->line, e->col, "%s", e->message);
		}
		pa_diag_dispose(&schema);
		if (rc)
			goto done;
	}
	sort_diag(diag, start);
	check_unreferenced(&c);
done:
	free(c.ids);
	free(c.seq_ids);
	xmlFreeDoc(doc);
	return rc;
}

/* --- entry points --- */

typedef struct settings {
	pa_config own;       /* when the caller gave none */
	const pa_config *cfg;
	pa_unzip_limits limits;
	const char *schema_dir;
	size_t max_manifest;
} settings;

static int settings_init(settings *s, const pa_validate_options *opts)
{
	int rc;

	memset(s, 0, sizeof(*s));
	if (opts && opts->config) {
		s->cfg = opts->config;
	} else {
		if ((rc = pa_config_init(&s->own)) != 0)
			return rc;
		s->cfg = &s->own;
	}
	pa_unzip_limits_from_config(&s->limits, s->cfg);
	s->schema_dir = opts && opts->schema_dir ? opts->schema_dir : pa_config_string(s->cfg, PA_CFG_SCHEMA_DIR);
	s->max_manifest = (size_t)pa_config_size(s->cfg, PA_CFG_MAX_MANIFEST_BYTES);
	return 0;
}

static void settings_dispose(settings *s)
{
	pa_config_dispose(&s->own);
}

static const pa_validate_options no_options = { NULL, NULL, false };

/* Say where the manifest is when it is not at the root. */
static void report_no_manifest(pa_diag *diag, const char *display, const files *f)
{
	for (size_t i = 0; i < f->count; i++) {
		const char *slash = strrchr(f->names[i], '/');

		if (slash && strcmp(slash + 1, PA_MANIFEST) == 0) {
			pa_diag_add(diag, PA_DIAG_ERROR, display, 0, 0,
				    "no " PA_MANIFEST " at the root of the package, but '%s' is there: "
				    "package the contents of that folder, not the folder", f->names[i]);
			return;
		}
	}
	pa_diag_add(diag, PA_DIAG_ERROR, display, 0, 0, "no " PA_MANIFEST " at the root of the package");
}

static void report_too_big(pa_diag *diag, uint64_t size, size_t max)
{
	pa_diag_add(diag, PA_DIAG_ERROR, PA_MANIFEST, 0, 0,
		    "the manifest is %llu bytes, over the limit of %zu (max_manifest_bytes); not parsed",
		    (unsigned long long)size, max);
}

int pa_validate_manifest(pa_scorm_version *out, const char *data, size_t len,
			 const char *const *names, size_t count,
			 const pa_validate_options *opts, pa_diag *diag)
{
	files f = { 0 };
	settings s;
	int rc;

	*out = PA_SCORM_UNKNOWN;
	if (!opts)
		opts = &no_options;
	if ((rc = settings_init(&s, opts)) != 0)
		return rc;
	for (size_t i = 0; i < count && !rc; i++)
		rc = files_add(&f, names[i]);
	if (!rc && !(rc = files_seal(&f))) {
		if (len > s.max_manifest)
			report_too_big(diag, len, s.max_manifest);
		else
			rc = run_checks(out, data, len, &f, opts, s.schema_dir, diag);
	}
	files_dispose(&f);
	settings_dispose(&s);
	return rc;
}

int pa_validate_zip(pa_scorm_version *out, const char *zip_path,
		    const pa_validate_options *opts, pa_diag *diag)
{
	const char *display = strrchr(zip_path, '/') ? strrchr(zip_path, '/') + 1 : zip_path;
	pa_buf manifest = PA_BUF_INIT;
	pa_zip *zip = NULL;
	files f = { 0 };
	settings s;
	size_t idx;
	int rc;

	*out = PA_SCORM_UNKNOWN;
	if (!opts)
		opts = &no_options;
	if ((rc = settings_init(&s, opts)) != 0)
		return rc;
	if ((rc = pa_zip_open(&zip, zip_path, display, &s.limits, diag)) != 0) {
		/* A hostile or broken zip is a finding, not a failure to check. */
		rc = (rc == PA_EUNSAFE || rc == PA_EZIP || rc == PA_ELIMIT) ? 0 : rc;
		goto done;
	}
	if (pa_zip_verify(zip) != 0) {
		const char *msg = pa_error_last();

		if (pa_str_startswith(msg, display) && pa_str_startswith(msg + strlen(display), ": "))
			msg += strlen(display) + 2;
		pa_diag_add(diag, PA_DIAG_ERROR, display, 0, 0, "%s", msg);
		if (pa_error_last_code() == PA_ELIMIT)
			goto done; /* a bomb: read nothing more */
	}
	for (size_t i = 0; i < pa_zip_count(zip) && !rc; i++) {
		if (!pa_zip_is_dir(zip, i))
			rc = files_add(&f, pa_zip_name(zip, i));
	}
	if (rc || (rc = files_seal(&f)) != 0)
		goto done;
	if (pa_zip_find(&idx, zip, PA_MANIFEST) != 0) {
		report_no_manifest(diag, display, &f);
		goto done;
	}
	rc = pa_zip_read(&manifest, zip, idx, s.max_manifest);
	if (rc == PA_ELIMIT) {
		/* The declared size may lie: the cap holds on inflated bytes. */
		report_too_big(diag, (uint64_t)s.max_manifest + 1, s.max_manifest);
		rc = 0;
		goto done;
	} else if (rc) {
		pa_diag_add(diag, PA_DIAG_ERROR, display, 0, 0, "cannot read " PA_MANIFEST ": %s", pa_error_last());
		rc = 0;
		goto done;
	}
	rc = run_checks(out, pa_buf_cstr(&manifest), manifest.len, &f, opts, s.schema_dir, diag);
done:
	pa_zip_free(zip);
	pa_buf_dispose(&manifest);
	files_dispose(&f);
	settings_dispose(&s);
	return rc;
}

/* List the regular files below dir (relative names), refusing to follow links. */
static int walk(files *f, pa_diag *diag, int fd, pa_buf *rel, unsigned depth, const pa_unzip_limits *lim)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (depth > MAX_DIR_DEPTH)
		return pa_error_set(PA_ELIMIT, "folders nested deeper than %d", MAX_DIR_DEPTH);
	if (!(d = fdopendir(fd))) {
		close(fd);
		return pa_error_set(PA_EIO, "cannot read folder %s: %s", rel->len ? rel->ptr : ".", strerror(errno));
	}
	while (!rc && (de = readdir(d)) != NULL) {
		size_t keep = rel->len;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (rel->len)
			pa_buf_putc(rel, '/');
		pa_buf_puts(rel, de->d_name);
		if ((rc = pa_buf_error(rel)) != 0)
			break;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			rc = pa_error_set(PA_EIO, "%s: %s", rel->ptr, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			rc = sub < 0 ? pa_error_set(PA_EIO, "%s: %s", rel->ptr, strerror(errno))
				     : walk(f, diag, sub, rel, depth + 1, lim);
		} else if (S_ISREG(st.st_mode)) {
			if (f->count >= lim->max_entries)
				rc = pa_error_set(PA_ELIMIT, "more than %llu files (max_entries)",
						  (unsigned long long)lim->max_entries);
			else if (rel->len > lim->max_path_length)
				pa_diag_add(diag, PA_DIAG_ERROR, rel->ptr, 0, 0, "name longer than max_path_length");
			else
				rc = files_add(f, rel->ptr);
		} else {
			pa_diag_add(diag, PA_DIAG_WARNING, rel->ptr, 0, 0, "%s: not part of the package",
				    S_ISLNK(st.st_mode) ? "a symbolic link" : "not a regular file");
		}
		pa_buf_truncate(rel, keep);
	}
	closedir(d);
	return rc;
}

int pa_validate_dir(pa_scorm_version *out, const char *dir,
		    const pa_validate_options *opts, pa_diag *diag)
{
	pa_buf rel = PA_BUF_INIT, manifest = PA_BUF_INIT, path = PA_BUF_INIT;
	files f = { 0 };
	settings s;
	struct stat st;
	int rc, fd;

	*out = PA_SCORM_UNKNOWN;
	if (!opts)
		opts = &no_options;
	if ((rc = settings_init(&s, opts)) != 0)
		return rc;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rc = pa_error_set(PA_ENOTFOUND, "%s: %s", dir, strerror(errno));
		goto done;
	}
	if ((rc = walk(&f, diag, fd, &rel, 0, &s.limits)) != 0) {
		pa_diag_add(diag, PA_DIAG_ERROR, dir, 0, 0, "%s", pa_error_last());
		rc = 0;
		goto done;
	}
	if ((rc = files_seal(&f)) != 0)
		goto done;
	pa_path_join(&path, dir, PA_MANIFEST);
	if (lstat(pa_buf_cstr(&path), &st) != 0 || !S_ISREG(st.st_mode)) {
		if (lstat(pa_buf_cstr(&path), &st) == 0)
			pa_diag_add(diag, PA_DIAG_ERROR, PA_MANIFEST, 0, 0, "not a regular file");
		else
			report_no_manifest(diag, dir, &f);
		goto done;
	}
	if ((uint64_t)st.st_size > s.max_manifest) {
		report_too_big(diag, (uint64_t)st.st_size, s.max_manifest);
		goto done;
	}
	if (pa_fs_read(&manifest, pa_buf_cstr(&path), s.max_manifest) != 0) {
		pa_diag_add(diag, PA_DIAG_ERROR, PA_MANIFEST, 0, 0, "%s", pa_error_last());
		goto done;
	}
	rc = run_checks(out, pa_buf_cstr(&manifest), manifest.len, &f, opts, s.schema_dir, diag);
done:
	pa_buf_dispose(&rel);
	pa_buf_dispose(&manifest);
	pa_buf_dispose(&path);
	files_dispose(&f);
	settings_dispose(&s);
	return rc;
}

int pa_validate_path(pa_scorm_version *out, const char *path,
		     const pa_validate_options *opts, pa_diag *diag)
{
	*out = PA_SCORM_UNKNOWN;
	if (pa_fs_is_dir(path))
		return pa_validate_dir(out, path, opts, diag);
	if (pa_fs_is_file(path))
		return pa_validate_zip(out, path, opts, diag);
	return pa_error_set(PA_ENOTFOUND, "%s: no such file or folder", path);
}
