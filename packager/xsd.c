#include "packager/xsd.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "common/buf.h"
#include "common/fs.h"
#include "common/util.h"

/* Most diagnostics one parse or one validation reports. */
#define MAX_FINDINGS 200
/* Most distinct namespaces looked at in one manifest. */
#define MAX_NAMESPACES 64

/* --- the entity loader --- */

/*
 * The folder the loader may read from, for the validation running on this
 * thread; NULL (the rest of the time) refuses everything.
 */
static _Thread_local const char *loader_root;
/* The sets whose local copies serve well-known remote locations, in order. */
static _Thread_local const char *loader_sets[2];
static _Thread_local char loader_refused[512];
static pthread_once_t loader_once = PTHREAD_ONCE_INIT;

/* Remote schema locations the XSDs name, served from the local set. */
static const char *const local_copies[][2] = {
	{ "http://www.w3.org/2001/xml.xsd", "xml.xsd" },
	{ "http://www.w3.org/2001/03/xml.xsd", "xml.xsd" },
	{ "http://www.w3.org/XML/1998/namespace", "xml.xsd" },
	{ "http://www.w3.org/2001/XMLSchema.dtd", "XMLSchema.dtd" },
	{ "http://www.w3.org/2001/datatypes.dtd", "datatypes.dtd" },
};

static xmlParserInputPtr refuse(const char *url)
{
	if (!loader_refused[0])
		snprintf(loader_refused, sizeof(loader_refused), "%s", url ? url : "(no address)");
	return NULL;
}

static xmlParserInputPtr entity_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	char resolved[PATH_MAX];
	pa_buf path = PA_BUF_INIT;
	const char *p = url;
	xmlParserInputPtr in = NULL;
	size_t rootlen;

	(void)id;
	if (!loader_root || !url)
		return refuse(url);
	rootlen = strlen(loader_root);
	for (size_t i = 0; i < PA_ARRAY_SIZE(local_copies); i++) {
		if (strcmp(url, local_copies[i][0]) != 0)
			continue;
		for (size_t s = 0; s < PA_ARRAY_SIZE(loader_sets) && loader_sets[s]; s++) {
			pa_buf_clear(&path);
			pa_path_join(&path, loader_sets[s], local_copies[i][1]);
			if (pa_fs_is_file(pa_buf_cstr(&path)))
				break;
		}
		p = pa_buf_cstr(&path);
		break;
	}
	if (pa_str_startswith(p, "file://"))
		p += 7;
	if (strstr(p, "://") || !realpath(p, resolved) ||
	    strncmp(resolved, loader_root, rootlen) != 0 || resolved[rootlen] != '/') {
		in = refuse(url);
		goto done;
	}
	in = xmlNewInputFromFile(ctxt, resolved);
done:
	pa_buf_dispose(&path);
	return in;
}

static void install_loader(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(entity_loader);
}

/* --- error collection --- */

typedef struct collector {
	pa_diag *diag;
	const char *file;
	pa_diag_severity severity;
	size_t count;
	bool stopped;            /* the parse was stopped on purpose */
	/* validation only: namespaces whose nodes are not reported */
	const char *const *skip_ns;
	size_t skip_count;
	/* schema loading only: the first error, for the message */
	pa_buf *first;
} collector;

/* libxml2 messages end with a newline and name elements '{namespace}local'. */
static void tidy_message(pa_buf *out, const char *msg)
{
	const char *p = msg;

	while (*p) {
		if (*p == '{') {
			const char *close = strchr(p, '}');

			/* Namespace URIs make messages unreadable; the prefix is in the file. */
			if (close && memchr(p, ':', (size_t)(close - p))) {
				p = close + 1;
				continue;
			}
		}
		pa_buf_putc(out, *p++);
	}
	while (out->len && (out->ptr[out->len - 1] == '\n' || out->ptr[out->len - 1] == ' '))
		pa_buf_truncate(out, out->len - 1);
}

static bool in_skipped_ns(const collector *c, const xmlNode *node)
{
	for (; node && node->type != XML_DOCUMENT_NODE; node = node->parent) {
		const xmlNs *ns = node->ns;

		if (!ns || !ns->href)
			continue;
		for (size_t i = 0; i < c->skip_count; i++) {
			if (strcmp((const char *)ns->href, c->skip_ns[i]) == 0)
				return true;
		}
	}
	return false;
}

static void on_error(void *ctx, xmlErrorPtr err)
{
	collector *c = ctx;
	pa_buf msg = PA_BUF_INIT;
	const xmlNode *node = err->node;
	unsigned line = err->line > 0 ? (unsigned)err->line : 0;
	unsigned col = err->int2 > 0 ? (unsigned)err->int2 : 0;
	pa_diag_severity sev = c->severity;

	if (c->stopped || !err->message)
		return;
	if (c->first) {
		if (err->level >= XML_ERR_ERROR && !c->first->len)
			tidy_message(c->first, err->message);
		return;
	}
	if (node && c->skip_count && in_skipped_ns(c, node))
		return;
	if (err->level == XML_ERR_WARNING)
		sev = PA_DIAG_WARNING;
	if (c->count++ >= MAX_FINDINGS)
		return;
	if (node && err->domain == XML_FROM_SCHEMASV) {
		if (node->type == XML_ATTRIBUTE_NODE)
			node = node->parent;
		line = pa_xsd_node_line(node);
		col = pa_xsd_node_col(node);
	}
	tidy_message(&msg, err->message);
	pa_diag_add(c->diag, sev, c->file, line, col, "%s", pa_buf_cstr(&msg));
	pa_buf_dispose(&msg);
}

/* --- parsing --- */

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
			   const xmlChar *system_id, xmlChar *content)
{
	xmlParserCtxtPtr ctxt = ctx;
	collector *c = ctxt->_private;

	(void)type; (void)public_id; (void)content;
	if (c->stopped)
		return;
	pa_diag_add(c->diag, PA_DIAG_ERROR, c->file, (unsigned)xmlSAX2GetLineNumber(ctxt),
		    (unsigned)xmlSAX2GetColumnNumber(ctxt),
		    "the DOCTYPE declares %s entity '%s': entity declarations are refused "
		    "(they serve entity expansion and file disclosure attacks)",
		    system_id ? "the external" : "the", (const char *)name);
	c->stopped = true;
	xmlStopParser(ctxt);
}

static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
			       const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	collector *c = ctxt->_private;

	if (system_id || external_id)
		pa_diag_add(c->diag, PA_DIAG_WARNING, c->file, (unsigned)xmlSAX2GetLineNumber(ctxt),
			    (unsigned)xmlSAX2GetColumnNumber(ctxt),
			    "the DOCTYPE names the external DTD '%s', which is never loaded",
			    (const char *)(system_id ? system_id : external_id));
	xmlSAX2InternalSubset(ctx, name, external_id, system_id);
}

/* Position of the next start tag "<qname" at or after *pos, skipping
 * comments, CDATA sections and processing instructions. */
static const char *find_start_tag(const char *p, const char *end, const char *qname, size_t qlen)
{
	while (p < end && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		size_t left = (size_t)(end - p);
		const char *skip = NULL;

		if (left >= 4 && memcmp(p, "<!--", 4) == 0)
			skip = "-->";
		else if (left >= 9 && memcmp(p, "<![CDATA[", 9) == 0)
			skip = "]]>";
		else if (left >= 2 && p[1] == '?')
			skip = "?>";
		if (skip) {
			const char *q = p + 2;
			size_t slen = strlen(skip);

			while (q + slen <= end && memcmp(q, skip, slen) != 0)
				q++;
			p = q + slen;
			continue;
		}
		if (left > qlen + 1 && memcmp(p + 1, qname, qlen) == 0 &&
		    strchr(" \t\r\n/>", p[1 + qlen]))
			return p;
		p++;
	}
	return NULL;
}

#define COL_BITS 20
#define COL_MAX ((1u << COL_BITS) - 1)

/*
 * libxml2 records the line where a start tag ends and no column; find where
 * each start tag begins by scanning the source once, in document order,
 * and keep line and column in the element's _private field.
 */

/* The node after node in document order: an element's children first,
 * then siblings, then up; NULL at the end of the document. */
static xmlNode *next_element_order(const xmlNode *node)
{
	if (node->type == XML_ELEMENT_NODE && node->children)
		return node->children;
	while (node && !node->next) {
		node = node->parent;
		if (node && node->type == XML_DOCUMENT_NODE)
			return NULL;
	}
	return node ? node->next : NULL;
}

static void record_positions(xmlDoc *doc, const char *data, size_t len)
{
	const char *end = data + len, *pos = data, *line_start = data;
	uintptr_t line = 1;
	xmlNode *node = xmlDocGetRootElement(doc);

	while (node) {
		if (node->type == XML_ELEMENT_NODE) {
			pa_buf qname = PA_BUF_INIT;
			const char *tag;
			uintptr_t col;

			if (node->ns && node->ns->prefix)
				pa_buf_printf(&qname, "%s:", (const char *)node->ns->prefix);
			pa_buf_puts(&qname, (const char *)node->name);
			tag = pa_buf_error(&qname) ? NULL : find_start_tag(pos, end, qname.ptr, qname.len);
			pa_buf_dispose(&qname);
			/* Not found: the source is not in an ASCII-compatible encoding
			 * (UTF-16). Stop, rather than scan to the end for every element;
			 * positions then fall back to libxml2's lines. */
			if (!tag)
				return;
			for (; pos < tag; pos++) {
				if (*pos == '\n') {
					line++;
					line_start = pos + 1;
				}
			}
			col = (uintptr_t)(tag - line_start) + 1;
			node->_private = (void *)((line << COL_BITS) | (col > COL_MAX ? COL_MAX : col));
			pos = tag + 1;
		}
		node = next_element_order(node);
	}
}

unsigned pa_xsd_node_line(const xmlNode *node)
{
	uintptr_t v;

	if (!node)
		return 0;
	if (node->type == XML_ATTRIBUTE_NODE)
		node = node->parent;
	v = (uintptr_t)node->_private;
	if (v && (v >> COL_BITS) <= UINT_MAX)
		return (unsigned)(v >> COL_BITS);
	return (unsigned)xmlGetLineNo(node) > 0 ? (unsigned)xmlGetLineNo(node) : 0;
}

unsigned pa_xsd_node_col(const xmlNode *node)
{
	if (!node)
		return 0;
	if (node->type == XML_ATTRIBUTE_NODE)
		node = node->parent;
	return (unsigned)((uintptr_t)node->_private & COL_MAX);
}

int pa_xsd_parse_untrusted(xmlDoc **out, const char *data, size_t len,
			   const char *file, pa_diag *diag)
{
	collector c = { diag, file, PA_DIAG_ERROR, 0, false, NULL, 0, NULL };
	xmlStructuredErrorFunc saved = xmlStructuredError;
	void *saved_ctx = xmlStructuredErrorContext;
	xmlParserCtxtPtr ctxt = NULL;
	xmlDoc *doc = NULL;
	size_t errors = diag->errors;
	int rc = 0;

	*out = NULL;
	pthread_once(&loader_once, install_loader);
	if (len > INT_MAX)
		return pa_error_set(PA_ELIMIT, "%s: too large to parse", file);
	if (!(ctxt = xmlNewParserCtxt()))
		return pa_error_set(PA_ENOMEM, "out of memory parsing %s", file);
	ctxt->_private = &c;
	ctxt->sax->entityDecl = on_entity_decl;
	ctxt->sax->internalSubset = on_internal_subset;
	loader_root = NULL;
	loader_refused[0] = '\0';
	xmlSetStructuredErrorFunc(&c, on_error);
	/* No NOENT, DTDLOAD, DTDATTR or HUGE: nothing outside is read, nothing expanded. */
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, file, NULL,
				XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	xmlSetStructuredErrorFunc(saved_ctx, saved);
	if (c.stopped) {
		rc = pa_error_set(PA_EUNSAFE, "%s: entity declarations refused", file);
	} else if (!doc || !ctxt->wellFormed || diag->errors > errors) {
		if (diag->errors == errors)
			pa_diag_add(diag, PA_DIAG_ERROR, file, 0, 0, "not well-formed XML");
		rc = pa_error_set(PA_EPARSE, "%s: not well-formed XML", file);
	} else if (loader_refused[0]) {
		pa_diag_add(diag, PA_DIAG_ERROR, file, 0, 0, "refused to load '%s'", loader_refused);
		rc = pa_error_set(PA_EUNSAFE, "%s: refused to load '%s'", file, loader_refused);
	}
	if (rc) {
		xmlFreeDoc(doc);
		doc = NULL;
	} else {
		record_positions(doc, data, len);
		*out = doc;
	}
	xmlFreeParserCtxt(ctxt);
	return rc;
}

/* --- validation --- */

typedef struct ns_schema {
	const char *ns;
	const char *file;
	pa_xsd_family family;
} ns_schema;

static const ns_schema known[] = {
	{ "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd", PA_XSD_SCORM12 },
	{ "http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd", PA_XSD_SCORM12 },
	{ "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1", "imsmd_rootv1p2p1.xsd", PA_XSD_SCORM12 },
	{ "http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd", PA_XSD_SCORM2004 },
	{ "http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd", PA_XSD_SCORM2004 },
	{ "http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq_v1p3.xsd", PA_XSD_SCORM2004 },
	{ "http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav_v1p3.xsd", PA_XSD_SCORM2004 },
	{ "http://www.imsglobal.org/xsd/imsss", "imsss_v1p0.xsd", PA_XSD_SCORM2004 },
	{ "http://ltsc.ieee.org/xsd/LOM", "lom.xsd", PA_XSD_SCORM2004 },
};

/* Namespaces the validator handles itself. */
static bool builtin_ns(const char *ns)
{
	return strcmp(ns, "http://www.w3.org/2001/XMLSchema-instance") == 0 ||
	       strcmp(ns, "http://www.w3.org/XML/1998/namespace") == 0;
}

static const char *const family_dirs[][3] = {
	[PA_XSD_SCORM12] = { "scorm12", "scorm12edition", "." },
	[PA_XSD_SCORM2004] = { "scorm2004-4th", "scorm20044thedition", "." },
};
static const char *const family_root[] = {
	[PA_XSD_SCORM12] = "imscp_rootv1p1p2.xsd",
	[PA_XSD_SCORM2004] = "imscp_v1p1.xsd",
};

int pa_xsd_find_set(pa_buf *out, const char *schema_dir, pa_xsd_family family)
{
	for (size_t i = 0; i < 3; i++) {
		pa_buf probe = PA_BUF_INIT;
		bool found;

		pa_path_join(&probe, schema_dir, family_dirs[family][i]);
		pa_buf_putc(&probe, '/');
		pa_buf_puts(&probe, family_root[family]);
		found = !pa_buf_error(&probe) && pa_fs_is_file(probe.ptr);
		pa_buf_dispose(&probe);
		if (found) {
			if (strcmp(family_dirs[family][i], ".") == 0)
				return pa_buf_puts(out, schema_dir);
			return pa_path_join(out, schema_dir, family_dirs[family][i]);
		}
	}
	return pa_error_set(PA_ENOTFOUND, "no SCORM %s schemas in %s (expected %s/%s)",
			    family == PA_XSD_SCORM12 ? "1.2" : "2004", schema_dir,
			    family_dirs[family][0], family_root[family]);
}

typedef struct ns_use {
	const char *ns;          /* borrowed from the document */
	const xmlNode *first;    /* where it is first used */
} ns_use;

static void note_ns(ns_use *uses, size_t *count, const xmlNs *ns, const xmlNode *where)
{
	const char *href;

	if (!ns || !ns->href)
		return;
	href = (const char *)ns->href;
	for (size_t i = 0; i < *count; i++) {
		if (strcmp(uses[i].ns, href) == 0)
			return;
	}
	if (*count < MAX_NAMESPACES) {
		uses[*count].ns = href;
		uses[*count].first = where;
		(*count)++;
	}
}

static void collect_ns(ns_use *uses, size_t *count, const xmlNode *node)
{
	while (node) {
		if (node->type == XML_ELEMENT_NODE) {
			note_ns(uses, count, node->ns, node);
			for (const xmlAttr *a = node->properties; a; a = a->next)
				note_ns(uses, count, a->ns, node);
		}
		node = next_element_order(node);
	}
}

/* The local XSD of ns: the family's set first, then the other one. */
static int locate_xsd(pa_buf *out, const char *schema_dir, pa_xsd_family family, const char *ns)
{
	for (int pass = 0; pass < 2; pass++) {
		pa_xsd_family f = pass == 0 ? family : (family == PA_XSD_SCORM12 ? PA_XSD_SCORM2004 : PA_XSD_SCORM12);

		for (size_t i = 0; i < PA_ARRAY_SIZE(known); i++) {
			pa_buf dir = PA_BUF_INIT;
			int found = 0;

			if (strcmp(known[i].ns, ns) != 0 || known[i].family != f)
				continue;
			if (pa_xsd_find_set(&dir, schema_dir, f) == 0) {
				pa_buf_putc(&dir, '/');
				pa_buf_puts(&dir, known[i].file);
				if (!pa_buf_error(&dir) && pa_fs_is_file(dir.ptr)) {
					pa_buf_puts(out, dir.ptr);
					found = 1;
				}
			}
			pa_buf_dispose(&dir);
			if (found)
				return 0;
		}
	}
	pa_error_clear();
	return PA_ENOTFOUND;
}

int pa_xsd_validate(xmlDoc *doc, const char *schema_dir, pa_xsd_family family,
		    const char *file, pa_diag_severity severity, pa_diag *diag)
{
	ns_use uses[MAX_NAMESPACES];
	const char *skip[MAX_NAMESPACES];
	char root[PATH_MAX], set_root[PATH_MAX], other_root[PATH_MAX];
	pa_buf wrapper = PA_BUF_INIT, first = PA_BUF_INIT, set = PA_BUF_INIT, other = PA_BUF_INIT;
	collector c = { diag, file, severity, 0, false, NULL, 0, NULL };
	xmlStructuredErrorFunc saved = xmlStructuredError;
	void *saved_ctx = xmlStructuredErrorContext;
	xmlSchemaParserCtxtPtr pctxt = NULL;
	xmlSchemaValidCtxtPtr vctxt = NULL;
	xmlSchemaPtr schema = NULL;
	size_t nuses = 0, nimports = 0;
	int rc = 0;

	pthread_once(&loader_once, install_loader);
	if ((rc = pa_xsd_find_set(&set, schema_dir, family)) != 0)
		goto done;
	/* The other family's set, if any, serves namespaces of mixed manifests. */
	if (pa_xsd_find_set(&other, schema_dir, family == PA_XSD_SCORM12 ? PA_XSD_SCORM2004 : PA_XSD_SCORM12) != 0 ||
	    !realpath(other.ptr, other_root))
		other_root[0] = '\0';
	pa_error_clear();
	if (!realpath(schema_dir, root) || !realpath(set.ptr, set_root)) {
		rc = pa_error_set(PA_ENOTFOUND, "schema folder %s not found", schema_dir);
		goto done;
	}
	collect_ns(uses, &nuses, xmlDocGetRootElement(doc));
	pa_buf_puts(&wrapper, "<?xml version=\"1.0\"?>\n"
		    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n");
	for (size_t i = 0; i < nuses; i++) {
		pa_buf xsd = PA_BUF_INIT;
		char resolved[PATH_MAX];

		if (builtin_ns(uses[i].ns))
			continue;
		if (locate_xsd(&xsd, schema_dir, family, uses[i].ns) == 0 && realpath(xsd.ptr, resolved)) {
			xmlChar *uri = xmlPathToURI((const xmlChar *)resolved);

			pa_buf_puts(&wrapper, "  <xs:import namespace=\"");
			pa_buf_put_xml(&wrapper, uses[i].ns);
			pa_buf_puts(&wrapper, "\" schemaLocation=\"");
			pa_buf_put_xml(&wrapper, uri ? (const char *)uri : resolved);
			pa_buf_puts(&wrapper, "\"/>\n");
			xmlFree(uri);
			nimports++;
		} else {
			skip[c.skip_count++] = uses[i].ns;
			pa_diag_add(diag, PA_DIAG_NOTE, file, pa_xsd_node_line(uses[i].first),
				    pa_xsd_node_col(uses[i].first),
				    "no local schema for the namespace '%s': its elements are not schema-checked",
				    uses[i].ns);
		}
		pa_buf_dispose(&xsd);
	}
	pa_buf_puts(&wrapper, "</xs:schema>\n");
	if ((rc = pa_buf_error(&wrapper)) != 0)
		goto done;
	if (!nimports)
		goto done; /* nothing we have a schema for: nothing to check */
	c.skip_ns = skip;

	/* Load the schemas: only files below the schema folder may be read. */
	loader_root = root;
	loader_sets[0] = set_root;
	loader_sets[1] = other_root[0] ? other_root : NULL;
	loader_refused[0] = '\0';
	c.first = &first;
	xmlSetStructuredErrorFunc(&c, on_error);
	pctxt = xmlSchemaNewMemParserCtxt(wrapper.ptr, (int)wrapper.len);
	if (pctxt) {
		xmlSchemaSetParserStructuredErrors(pctxt, on_error, &c);
		schema = xmlSchemaParse(pctxt);
	}
	xmlSetStructuredErrorFunc(saved_ctx, saved);
	loader_root = NULL;
	loader_sets[0] = loader_sets[1] = NULL;
	c.first = NULL;
	if (!schema) {
		rc = pa_error_set(PA_ENOTFOUND, "cannot load the SCORM schemas of %s: %s%s%s", pa_buf_cstr(&set),
				  first.len ? pa_buf_cstr(&first) : "unknown error",
				  loader_refused[0] ? "; refused to load " : "", loader_refused);
		goto done;
	}

	if (!(vctxt = xmlSchemaNewValidCtxt(schema))) {
		rc = pa_error_set(PA_ENOMEM, "out of memory validating %s", file);
		goto done;
	}
	xmlSchemaSetValidStructuredErrors(vctxt, on_error, &c);
	xmlSetStructuredErrorFunc(&c, on_error);
	if (xmlSchemaValidateDoc(vctxt, doc) < 0)
		rc = pa_error_set(PA_ERROR, "%s: schema validation failed to run", file);
	xmlSetStructuredErrorFunc(saved_ctx, saved);
	if (c.count > MAX_FINDINGS)
		pa_diag_add(diag, PA_DIAG_NOTE, file, 0, 0, "%zu more schema findings not shown",
			    c.count - MAX_FINDINGS);
done:
	xmlSchemaFreeValidCtxt(vctxt);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pctxt);
	pa_buf_dispose(&wrapper);
	pa_buf_dispose(&first);
	pa_buf_dispose(&set);
	pa_buf_dispose(&other);
	return rc;
}
