/*
 * Checks on manifests shared by test_manifest.c and test_pack.c: XSD
 * validation against the full official sets (one wrapper schema importing
 * every namespace, xml.xsd mapped to the local copy, no network) and
 * XPath queries with the SCORM namespaces bound.
 */
#ifndef PA_TEST_MANIFEST_CHECK_H
#define PA_TEST_MANIFEST_CHECK_H

#include "support.h"

#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "common/buf.h"

static char check_schema_dir[4096];
static xmlExternalEntityLoader check_default_loader;

/* The XSDs name xml.xsd on the W3C's site: read the copy beside them,
 * and refuse anything else from the network. */
static xmlParserInputPtr check_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	char local[4200];

	if (url && strstr(url, "www.w3.org/") && strstr(url, "xml.xsd")) {
		snprintf(local, sizeof(local), "%s/scorm2004-4th/xml.xsd", check_schema_dir);
		return check_default_loader(local, id, ctxt);
	}
	if (url && (strncmp(url, "http:", 5) == 0 || strncmp(url, "https:", 6) == 0 ||
		    strncmp(url, "ftp:", 4) == 0))
		return NULL;
	return check_default_loader(url, id, ctxt);
}

static void check_collect(void *ctx, xmlErrorPtr e)
{
	pa_buf *errors = ctx;

	pa_buf_printf(errors, "line %d: %s", e->line, e->message ? e->message : "?\n");
}

/*
 * Validate xml against the schemas of shared/schemas (scorm2004-4th with
 * lom.xsd, or scorm12). Returns 0 when valid; messages go to errors.
 */
static int check_validate(const char *xml, size_t len, bool v2004, pa_buf *errors)
{
	pa_buf wrapper = PA_BUF_INIT;
	const char *base;
	xmlSchemaParserCtxtPtr pctx;
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vctx;
	xmlDocPtr doc;
	int rc;

	snprintf(check_schema_dir, sizeof(check_schema_dir), "%s/schemas", pa_test_shared_dir());
	if (!check_default_loader)
		check_default_loader = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(check_loader);
	base = check_schema_dir;
	pa_buf_puts(&wrapper, "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' "
			      "targetNamespace='urn:passerelle:test:wrapper'>\n");
	if (v2004) {
		static const char *const imports[][2] = {
			{ "http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd" },
			{ "http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd" },
			{ "http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq_v1p3.xsd" },
			{ "http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav_v1p3.xsd" },
			{ "http://www.imsglobal.org/xsd/imsss", "imsss_v1p0.xsd" },
			{ "http://ltsc.ieee.org/xsd/LOM", "lom.xsd" },
		};

		for (size_t i = 0; i < sizeof(imports) / sizeof(imports[0]); i++)
			pa_buf_printf(&wrapper, "<xs:import namespace='%s' schemaLocation='file://%s/scorm2004-4th/%s'/>\n",
				      imports[i][0], base, imports[i][1]);
	} else {
		static const char *const imports[][2] = {
			{ "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd" },
			{ "http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd" },
			{ "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1", "imsmd_rootv1p2p1.xsd" },
		};

		for (size_t i = 0; i < sizeof(imports) / sizeof(imports[0]); i++)
			pa_buf_printf(&wrapper, "<xs:import namespace='%s' schemaLocation='file://%s/scorm12/%s'/>\n",
				      imports[i][0], base, imports[i][1]);
	}
	pa_buf_puts(&wrapper, "</xs:schema>\n");

	/* Parser complaints about the official files (ims_xml.xsd binds the
	 * xml namespace as default) go with the rest, not to the terminal. */
	xmlSetStructuredErrorFunc(errors, check_collect);
	pctx = xmlSchemaNewMemParserCtxt(wrapper.ptr, (int)wrapper.len);
	assert_non_null(pctx);
	xmlSchemaSetParserStructuredErrors(pctx, check_collect, errors);
	schema = xmlSchemaParse(pctx);
	xmlSchemaFreeParserCtxt(pctx);
	if (!schema) {
		fprintf(stderr, "schemas failed to load: %s\n", pa_buf_cstr(errors));
		fail();
	}
	doc = xmlReadMemory(xml, (int)len, "imsmanifest.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	vctx = xmlSchemaNewValidCtxt(schema);
	xmlSchemaSetValidStructuredErrors(vctx, check_collect, errors);
	rc = xmlSchemaValidateDoc(vctx, doc);
	xmlSchemaFreeValidCtxt(vctx);
	xmlFreeDoc(doc);
	xmlSchemaFree(schema);
	xmlSetExternalEntityLoader(check_default_loader);
	xmlSetStructuredErrorFunc(NULL, NULL);
	pa_buf_dispose(&wrapper);
	return rc;
}

typedef struct check_doc {
	xmlDocPtr doc;
	xmlXPathContextPtr xp;
} check_doc;

static void check_open(check_doc *d, const char *xml, size_t len)
{
	d->doc = xmlReadMemory(xml, (int)len, "imsmanifest.xml", NULL, XML_PARSE_NONET);
	assert_non_null(d->doc);
	d->xp = xmlXPathNewContext(d->doc);
	xmlXPathRegisterNs(d->xp, BAD_CAST "cp", BAD_CAST "http://www.imsglobal.org/xsd/imscp_v1p1");
	xmlXPathRegisterNs(d->xp, BAD_CAST "cp12", BAD_CAST "http://www.imsproject.org/xsd/imscp_rootv1p1p2");
	xmlXPathRegisterNs(d->xp, BAD_CAST "adlcp", BAD_CAST "http://www.adlnet.org/xsd/adlcp_v1p3");
	xmlXPathRegisterNs(d->xp, BAD_CAST "adlcp12", BAD_CAST "http://www.adlnet.org/xsd/adlcp_rootv1p2");
	xmlXPathRegisterNs(d->xp, BAD_CAST "adlseq", BAD_CAST "http://www.adlnet.org/xsd/adlseq_v1p3");
	xmlXPathRegisterNs(d->xp, BAD_CAST "imsss", BAD_CAST "http://www.imsglobal.org/xsd/imsss");
	xmlXPathRegisterNs(d->xp, BAD_CAST "lom", BAD_CAST "http://ltsc.ieee.org/xsd/LOM");
	xmlXPathRegisterNs(d->xp, BAD_CAST "imsmd", BAD_CAST "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1");
}

static void check_close(check_doc *d)
{
	xmlXPathFreeContext(d->xp);
	xmlFreeDoc(d->doc);
}

/* The number of nodes expr selects. */
static int check_count(check_doc *d, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, d->xp);
	int n;

	if (!o) {
		fprintf(stderr, "bad XPath: %s\n", expr);
		fail();
	}
	n = o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	return n;
}

/* The string value of expr, into out. */
static const char *check_string(check_doc *d, pa_buf *out, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, d->xp);
	xmlChar *s;

	assert_non_null(o);
	s = xmlXPathCastToString(o);
	pa_buf_clear(out);
	pa_buf_puts(out, (const char *)s);
	xmlFree(s);
	xmlXPathFreeObject(o);
	return pa_buf_cstr(out);
}

#define assert_xpath_count(d, n, expr) do { \
	int got_ = check_count((d), (expr)); \
	if (got_ != (n)) { fprintf(stderr, "%s: %d nodes, expected %d\n", (expr), got_, (n)); fail(); } \
} while (0)

#define assert_xpath_string(d, want, expr) do { \
	pa_buf s_ = PA_BUF_INIT; \
	const char *got_ = check_string((d), &s_, (expr)); \
	if (strcmp(got_, (want)) != 0) { fprintf(stderr, "%s: '%s', expected '%s'\n", (expr), got_, (want)); fail(); } \
	pa_buf_dispose(&s_); \
} while (0)

#endif
