/* packager/xsd: hostile XML is refused without reading anything; XSDs validate offline. */
#include "support.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libxml/parser.h>

#include "common/diag.h"
#include "common/fs.h"
#include "common/util.h"
#include "packager/xsd.h"

static int parse(xmlDoc **doc, const char *xml, pa_diag *diag)
{
	return pa_xsd_parse_untrusted(doc, xml, strlen(xml), "imsmanifest.xml", diag);
}

static const pa_diag_entry *find(const pa_diag *diag, const char *needle)
{
	for (size_t i = 0; i < diag->count; i++) {
		if (strstr(diag->items[i].message, needle))
			return &diag->items[i];
	}
	return NULL;
}

static bool any_message_has(const pa_diag *diag, const char *needle)
{
	return find(diag, needle) != NULL;
}

static void test_xsd__records_positions(void **state)
{
	const char *xml = "<?xml version=\"1.0\"?>\n"
			  "<!-- <item> in a comment -->\n"
			  "<manifest xmlns=\"urn:x\" xmlns:p=\"urn:p\">\n"
			  "  <item/><item\n"
			  "     a=\"1\"/>\n"
			  "\t<p:item/>\n"
			  "</manifest>\n";
	xmlNode *root, *a, *b, *c;
	pa_diag diag;
	xmlDoc *doc;

	(void)state;
	pa_diag_init(&diag);
	assert_int_equal(parse(&doc, xml, &diag), 0);
	assert_int_equal(diag.count, 0);
	root = xmlDocGetRootElement(doc);
	assert_int_equal(pa_xsd_node_line(root), 3);
	assert_int_equal(pa_xsd_node_col(root), 1);
	a = xmlFirstElementChild(root);
	b = xmlNextElementSibling(a);
	c = xmlNextElementSibling(b);
	assert_int_equal(pa_xsd_node_line(a), 4);
	assert_int_equal(pa_xsd_node_col(a), 3);
	/* The start of a tag spanning lines, not its end. */
	assert_int_equal(pa_xsd_node_line(b), 4);
	assert_int_equal(pa_xsd_node_col(b), 10);
	assert_int_equal(pa_xsd_node_line(c), 6);
	assert_int_equal(pa_xsd_node_col(c), 2);
	xmlFreeDoc(doc);
	pa_diag_dispose(&diag);
}

static void test_xsd__malformed_xml_has_line_and_column(void **state)
{
	const char *xml = "<manifest>\n  <item>\n  </itme>\n</manifest>\n";
	const pa_diag_entry *e;
	pa_diag diag;
	xmlDoc *doc;

	(void)state;
	pa_diag_init(&diag);
	assert_int_equal(parse(&doc, xml, &diag), PA_EPARSE);
	assert_null(doc);
	assert_true(diag.errors >= 1);
	e = &diag.items[0];
	assert_string_equal(e->file, "imsmanifest.xml");
	assert_int_equal(e->line, 3);
	assert_true(e->col > 0);
	pa_diag_dispose(&diag);

	pa_diag_init(&diag);
	assert_int_equal(parse(&doc, "", &diag), PA_EPARSE);
	assert_true(diag.errors >= 1);
	pa_diag_dispose(&diag);
}

static void test_xsd__refuses_billion_laughs_quickly(void **state)
{
	const char *xml =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE lolz [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n"
		"<manifest>&lol9;</manifest>\n";
	const pa_diag_entry *e;
	clock_t start = clock();
	pa_diag diag;
	xmlDoc *doc;

	(void)state;
	pa_diag_init(&diag);
	assert_int_equal(parse(&doc, xml, &diag), PA_EUNSAFE);
	assert_null(doc);
	e = find(&diag, "entity declarations are refused");
	assert_non_null(e);
	assert_int_equal(e->severity, PA_DIAG_ERROR);
	assert_int_equal(e->line, 3);
	assert_int_equal(diag.errors, 1);
	assert_true(clock() - start < CLOCKS_PER_SEC);
	pa_diag_dispose(&diag);
}

static void test_xsd__never_reads_external_entities(void **state)
{
	char *dir = pa_test_tmpdir("xsd-xxe");
	pa_buf secret = PA_BUF_INIT, xml = PA_BUF_INIT;
	pa_diag diag;
	xmlDoc *doc;

	(void)state;
	pa_test_write(dir, "secret.txt", "TOP-SECRET-42");
	pa_path_join(&secret, dir, "secret.txt");
	pa_buf_printf(&xml, "<!DOCTYPE manifest [ <!ENTITY xxe SYSTEM \"file://%s\"> ]>\n"
		      "<manifest>&xxe;</manifest>\n", secret.ptr);
	pa_diag_init(&diag);
	assert_int_equal(parse(&doc, xml.ptr, &diag), PA_EUNSAFE);
	assert_null(doc);
	assert_true(any_message_has(&diag, "external entity 'xxe'"));
	assert_false(any_message_has(&diag, "TOP-SECRET"));
	pa_diag_dispose(&diag);

	/* /etc/passwd, and a parameter entity: refused the same way. */
	pa_diag_init(&diag);
	assert_int_equal(parse(&doc, "<!DOCTYPE m [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><m/>",
			       &diag), PA_EUNSAFE);
	assert_false(any_message_has(&diag, "root:"));
	pa_diag_dispose(&diag);

	/* Even a parser that asks for entities, elsewhere in the process,
	 * gets nothing: the loader refuses outside a validation. */
	doc = xmlReadMemory(xml.ptr, (int)xml.len, "x.xml", NULL, XML_PARSE_NOENT | XML_PARSE_DTDLOAD);
	if (doc) {
		xmlChar *text = xmlNodeGetContent(xmlDocGetRootElement(doc));

		assert_null(strstr(text ? (const char *)text : "", "TOP-SECRET"));
		xmlFree(text);
		xmlFreeDoc(doc);
	}
	pa_buf_dispose(&secret);
	pa_buf_dispose(&xml);
	free(dir);
}

static void test_xsd__external_dtd_is_ignored_with_a_warning(void **state)
{
	char *dir = pa_test_tmpdir("xsd-dtd");
	pa_buf dtd = PA_BUF_INIT, xml = PA_BUF_INIT;
	pa_diag diag;
	xmlDoc *doc;

	(void)state;
	/* A DTD that would add a default attribute if it were read. */
	pa_test_write(dir, "m.dtd", "<!ATTLIST manifest leaked CDATA \"yes\">");
	pa_path_join(&dtd, dir, "m.dtd");
	pa_buf_printf(&xml, "<!DOCTYPE manifest SYSTEM \"file://%s\">\n<manifest/>\n", dtd.ptr);
	pa_diag_init(&diag);
	assert_int_equal(parse(&doc, xml.ptr, &diag), 0);
	assert_true(pa_diag_has(&diag, PA_DIAG_WARNING, "never loaded"));
	assert_null(xmlGetProp(xmlDocGetRootElement(doc), (const xmlChar *)"leaked"));
	xmlFreeDoc(doc);
	pa_diag_dispose(&diag);
	pa_buf_dispose(&dtd);
	pa_buf_dispose(&xml);
	free(dir);
}

static void test_xsd__refuses_invalid_utf8(void **state)
{
	const char xml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest>\n  <title>caf\xe9</title>\n</manifest>\n";
	const pa_diag_entry *e;
	pa_diag diag;
	xmlDoc *doc;

	(void)state;
	pa_diag_init(&diag);
	assert_int_equal(pa_xsd_parse_untrusted(&doc, xml, sizeof(xml) - 1, "imsmanifest.xml", &diag), PA_EPARSE);
	assert_true(diag.errors >= 1);
	e = &diag.items[0];
	assert_int_equal(e->line, 3);
	assert_non_null(strstr(e->message, "UTF-8"));
	pa_diag_dispose(&diag);
}

static void test_xsd__utf16_manifests_parse_with_lines(void **state)
{
	const char *ascii = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<manifest>\n  <item/>\n</manifest>\n";
	pa_buf utf16 = PA_BUF_INIT;
	xmlNode *item;
	pa_diag diag;
	xmlDoc *doc;

	(void)state;
	pa_buf_put(&utf16, "\xff\xfe", 2);
	for (const char *p = ascii; *p; p++) {
		pa_buf_putc(&utf16, *p);
		pa_buf_putc(&utf16, '\0');
	}
	pa_diag_init(&diag);
	assert_int_equal(pa_xsd_parse_untrusted(&doc, utf16.ptr, utf16.len, "imsmanifest.xml", &diag), 0);
	item = xmlFirstElementChild(xmlDocGetRootElement(doc));
	assert_int_equal(pa_xsd_node_line(item), 3);
	assert_int_equal(pa_xsd_node_col(item), 0);
	xmlFreeDoc(doc);
	pa_diag_dispose(&diag);
	pa_buf_dispose(&utf16);
}

static char *shared_path(const char *rel)
{
	pa_buf b = PA_BUF_INIT;

	pa_path_join(&b, pa_test_shared_dir(), rel);
	return pa_buf_detach(&b);
}

static xmlDoc *parse_file(const char *path, pa_diag *diag)
{
	pa_buf text = PA_BUF_INIT;
	xmlDoc *doc = NULL;

	assert_int_equal(pa_fs_read(&text, path, 1u << 24), 0);
	assert_int_equal(pa_xsd_parse_untrusted(&doc, text.ptr, text.len, "imsmanifest.xml", diag), 0);
	pa_buf_dispose(&text);
	return doc;
}

static void test_xsd__finds_schema_sets(void **state)
{
	char *shared = shared_path("schemas");
	pa_buf out = PA_BUF_INIT;

	(void)state;
	assert_int_equal(pa_xsd_find_set(&out, shared, PA_XSD_SCORM12), 0);
	assert_true(pa_str_endswith(out.ptr, "/scorm12"));
	pa_buf_clear(&out);
	assert_int_equal(pa_xsd_find_set(&out, shared, PA_XSD_SCORM2004), 0);
	assert_true(pa_str_endswith(out.ptr, "/scorm2004-4th"));
	pa_buf_clear(&out);
	/* A folder holding the XSDs themselves. */
	pa_buf_printf(&out, "%s/scorm12", shared);
	{
		pa_buf flat = PA_BUF_INIT;

		assert_int_equal(pa_xsd_find_set(&flat, out.ptr, PA_XSD_SCORM12), 0);
		assert_int_equal(pa_xsd_find_set(&flat, out.ptr, PA_XSD_SCORM2004), PA_ENOTFOUND);
		pa_buf_dispose(&flat);
	}
	pa_buf_clear(&out);
	/* The npm layout, when installed. */
	if (pa_fs_is_dir(PA_SCHEMA_DIR)) {
		assert_int_equal(pa_xsd_find_set(&out, PA_SCHEMA_DIR, PA_XSD_SCORM2004), 0);
		assert_true(pa_str_endswith(out.ptr, "/scorm20044thedition"));
	}
	pa_buf_clear(&out);
	assert_int_equal(pa_xsd_find_set(&out, "/nonexistent", PA_XSD_SCORM12), PA_ENOTFOUND);
	pa_buf_dispose(&out);
	free(shared);
}

static void test_xsd__golf_manifests_are_valid(void **state)
{
	static const char *const packages[][2] = {
		{ "content/golf/RuntimeBasicCalls_SCORM12/imsmanifest.xml", "12" },
		{ "content/golf/RuntimeBasicCalls_SCORM20043rdEdition/imsmanifest.xml", "2004" },
		{ "content/golf/ContentPackagingOneFilePerSCO_SCORM20043rdEdition/imsmanifest.xml", "2004" },
		{ "content/golf/SequencingSimpleRemediation_SCORM20043rdEdition/imsmanifest.xml", "2004" },
	};
	char *schemas = shared_path("schemas");

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		char *path = shared_path(packages[i][0]);
		pa_xsd_family fam = strcmp(packages[i][1], "12") == 0 ? PA_XSD_SCORM12 : PA_XSD_SCORM2004;
		pa_diag diag;
		xmlDoc *doc;

		pa_diag_init(&diag);
		doc = parse_file(path, &diag);
		assert_int_equal(pa_xsd_validate(doc, schemas, fam, "imsmanifest.xml", PA_DIAG_ERROR, &diag), 0);
		if (diag.count)
			pa_diag_print(&diag, stderr);
		assert_int_equal(diag.count, 0);
		/* The npm set validates them too. */
		if (pa_fs_is_dir(PA_SCHEMA_DIR)) {
			assert_int_equal(pa_xsd_validate(doc, PA_SCHEMA_DIR, fam, "imsmanifest.xml",
							 PA_DIAG_ERROR, &diag), 0);
			assert_int_equal(diag.errors, 0);
		}
		xmlFreeDoc(doc);
		pa_diag_dispose(&diag);
		free(path);
	}
	free(schemas);
}

static const char *manifest_2004 =
	"<?xml version=\"1.0\"?>\n"
	"<manifest identifier=\"m\" xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"\n"
	"  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_v1p3\" xmlns:lom=\"http://ltsc.ieee.org/xsd/LOM\"\n"
	"  xmlns:v=\"urn:vendor:extension\">\n"
	"  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion>\n"
	"    <lom:lom><lom:general><lom:title><lom:string language=\"en\">T</lom:string></lom:title></lom:general></lom:lom>\n"
	"    <v:settings colour=\"blue\"/>\n"
	"  </metadata>\n"
	"  <organizations default=\"o\"><organization identifier=\"o\"><title>T</title>\n"
	"    <item identifier=\"i\" identifierref=\"r\"><title>I</title>%s</item>\n"
	"  </organization></organizations>\n"
	"  <resources><resource identifier=\"r\" type=\"webcontent\" adlcp:scormType=\"sco\" href=\"a.html\">\n"
	"    <file href=\"a.html\"/></resource></resources>\n"
	"</manifest>\n";

/* tmpl with its one "%s" replaced by extra. */
static void fill(pa_buf *out, const char *tmpl, const char *extra)
{
	const char *hole = strstr(tmpl, "%s");

	pa_buf_put(out, tmpl, (size_t)(hole - tmpl));
	pa_buf_puts(out, extra);
	pa_buf_puts(out, hole + 2);
}

static void validate_2004(pa_diag *diag, const char *schemas, const char *item_extra)
{
	pa_buf xml = PA_BUF_INIT;
	xmlDoc *doc;

	fill(&xml, manifest_2004, item_extra);
	assert_int_equal(pa_xsd_parse_untrusted(&doc, xml.ptr, xml.len, "imsmanifest.xml", diag), 0);
	assert_int_equal(pa_xsd_validate(doc, schemas, PA_XSD_SCORM2004, "imsmanifest.xml",
					 PA_DIAG_WARNING, diag), 0);
	xmlFreeDoc(doc);
	pa_buf_dispose(&xml);
}

static void test_xsd__reports_violations_and_unknown_namespaces(void **state)
{
	char *schemas = shared_path("schemas");
	const pa_diag_entry *e;
	pa_diag diag;

	(void)state;
	/* Valid, with LOM checked (the ADL set has it), the vendor namespace noted. */
	pa_diag_init(&diag);
	validate_2004(&diag, schemas, "");
	e = find(&diag, "urn:vendor:extension");
	assert_non_null(e);
	assert_int_equal(e->severity, PA_DIAG_NOTE);
	assert_int_equal(e->line, 7);
	assert_int_equal(diag.errors + diag.warnings, 0);
	pa_diag_dispose(&diag);

	/* An element the schema does not allow, with its position. */
	pa_diag_init(&diag);
	validate_2004(&diag, schemas, "<bogus/>");
	assert_int_equal(diag.warnings, 1);
	e = find(&diag, "bogus");
	assert_non_null(e);
	assert_int_equal(e->line, 10);
	assert_int_equal(e->col, 60);
	assert_null(strstr(e->message, "{http"));
	pa_diag_dispose(&diag);

	/* The npm set has no LOM schema: noted once, the rest still checked. */
	if (pa_fs_is_dir(PA_SCHEMA_DIR)) {
		pa_diag_init(&diag);
		validate_2004(&diag, PA_SCHEMA_DIR, "<bogus/>");
		assert_true(pa_diag_has(&diag, PA_DIAG_NOTE, "http://ltsc.ieee.org/xsd/LOM"));
		assert_int_equal(diag.warnings, 1);
		pa_diag_dispose(&diag);
	}

	/* No schemas: a clear failure, not a silent pass. */
	pa_diag_init(&diag);
	{
		xmlDoc *doc;
		pa_buf xml = PA_BUF_INIT;

		fill(&xml, manifest_2004, "");
		assert_int_equal(pa_xsd_parse_untrusted(&doc, xml.ptr, xml.len, "imsmanifest.xml", &diag), 0);
		assert_int_equal(pa_xsd_validate(doc, "/nonexistent", PA_XSD_SCORM2004, "imsmanifest.xml",
						 PA_DIAG_WARNING, &diag), PA_ENOTFOUND);
		xmlFreeDoc(doc);
		pa_buf_dispose(&xml);
	}
	pa_diag_dispose(&diag);
	free(schemas);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xsd__records_positions),
		cmocka_unit_test(test_xsd__malformed_xml_has_line_and_column),
		cmocka_unit_test(test_xsd__refuses_billion_laughs_quickly),
		cmocka_unit_test(test_xsd__never_reads_external_entities),
		cmocka_unit_test(test_xsd__external_dtd_is_ignored_with_a_warning),
		cmocka_unit_test(test_xsd__refuses_invalid_utf8),
		cmocka_unit_test(test_xsd__utf16_manifests_parse_with_lines),
		cmocka_unit_test(test_xsd__finds_schema_sets),
		cmocka_unit_test(test_xsd__golf_manifests_are_valid),
		cmocka_unit_test(test_xsd__reports_violations_and_unknown_namespaces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
