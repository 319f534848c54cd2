#include "packager/markdown.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "common/fs.h"
#include "common/util.h"
#include "packager/ui.h"

/* A lesson file larger than this is refused (bounded memory). */
#define MD_MAX_FILE ((size_t)16 * 1024 * 1024)
/* Generated ids stay short: they travel in cmi.location. */
#define MD_MAX_SLUG 48

/* cmark marks an image written without a description here, because its
 * HTML output cannot tell ![](x.png) from a decorative alt="". */
#define NOALT_MARK "pa:noalt:"
/* cmark gives raw HTML blocks no data-sourcepos: a comment carries the line. */
#define LINE_MARK "pa-line:"

typedef struct walk {
	const pa_md_ctx *ctx;
	xmlDocPtr doc;
	bool markdown;      /* lines come from data-sourcepos and LINE_MARK */
	bool fixed_line;    /* every diagnostic at ctx->line */
	long anchor_src;    /* a source line ... */
	long anchor_out;    /* ... and the parsed line it corresponds to */
	int error;          /* first hard error (memory) */
	unsigned errors;    /* rule violations reported */
} walk;

static unsigned base_line(const pa_md_ctx *ctx)
{
	return ctx->line ? ctx->line : 1;
}

static unsigned line_of(const walk *w, xmlNodePtr node)
{
	long l = xmlGetLineNo(node);
	long src;

	if (w->fixed_line || l <= 0)
		return base_line(w->ctx);
	src = w->anchor_src + (l - w->anchor_out);
	if (src < w->anchor_src)
		src = w->anchor_src;
	return (unsigned)src;
}

static void report(walk *w, xmlNodePtr node, const char *fmt, ...) PA_PRINTF(3, 4);

static void report(walk *w, xmlNodePtr node, const char *fmt, ...)
{
	pa_buf msg = PA_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pa_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (pa_buf_error(&msg) ||
	    pa_diag_error(w->ctx->diag, w->ctx->file, line_of(w, node), "%s", pa_buf_cstr(&msg)) < 0) {
		if (!w->error)
			w->error = PA_ENOMEM;
	}
	w->errors++;
	pa_buf_dispose(&msg);
}

static void oom(walk *w)
{
	if (!w->error)
		w->error = PA_ENOMEM;
}

/* An attribute's value as a C string we own, or NULL when absent. */
static char *get_attr(xmlNodePtr node, const char *name)
{
	xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
	char *copy;

	if (!v)
		return NULL;
	copy = pa_strdup((const char *)v);
	xmlFree(v);
	return copy;
}

static void set_attr(walk *w, xmlNodePtr node, const char *name, const char *value)
{
	if (!xmlSetProp(node, (const xmlChar *)name, (const xmlChar *)value))
		oom(w);
}

static bool is_elem(xmlNodePtr node, const char *name)
{
	return node->type == XML_ELEMENT_NODE && xmlStrcasecmp(node->name, (const xmlChar *)name) == 0;
}

/* ---- URLs ------------------------------------------------------------ */

static bool has_scheme(const char *u)
{
	if (!isalpha((unsigned char)u[0]))
		return false;
	for (const char *p = u + 1; *p; p++) {
		if (*p == ':')
			return true;
		if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-' && *p != '.')
			return false;
	}
	return false;
}

static bool is_web_url(const char *u)
{
	if (u[0] == '/' && u[1] == '/')
		return true;
	return has_scheme(u) && (strncasecmp(u, "http:", 5) == 0 || strncasecmp(u, "https:", 6) == 0);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decode n bytes of s; false when the result would hold a NUL. */
static bool url_decode(pa_buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < n &&
		    (hi = hexval(s[i + 1])) >= 0 && (lo = hexval(s[i + 2])) >= 0) {
			if (hi == 0 && lo == 0)
				return false;
			pa_buf_putc(out, (char)(hi * 16 + lo));
			i += 2;
		} else {
			pa_buf_putc(out, s[i]);
		}
	}
	return true;
}

static void url_encode_path(pa_buf *out, const char *s)
{
	static const char keep[] = "-._~/!$&'()*+,;=:@";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || (*p < 0x80 && strchr(keep, *p)))
			pa_buf_putc(out, (char)*p);
		else
			pa_buf_printf(out, "%%%02X", *p);
	}
}

/*
 * Append to dst the URL as the page must say it. A relative URL is
 * resolved against the source file's folder, checked to name a file of
 * the course, recorded as an asset and written as its course-relative
 * path; anything else is kept as it is.
 */
static void resolve_url(walk *w, xmlNodePtr node, const char *kind, const char *url, size_t n,
			pa_buf *dst)
{
	const pa_md_ctx *ctx = w->ctx;
	pa_buf decoded = PA_BUF_INIT, joined = PA_BUF_INIT, norm = PA_BUF_INIT, disk = PA_BUF_INIT;
	size_t path_len = 0;
	const char *slash;
	char *shown = pa_strndup(url, n);

	if (!shown) {
		oom(w);
		goto done;
	}
	while (path_len < n && url[path_len] != '?' && url[path_len] != '#')
		path_len++;
	if (n == 0 || path_len == 0 || has_scheme(shown) || (url[0] == '/' && n > 1 && url[1] == '/')) {
		pa_buf_put(dst, url, n);
		goto done;
	}
	if (url[0] == '/') {
		report(w, node, "%s '%s' is an absolute path: write it relative to %s", kind, shown, ctx->file);
		pa_buf_put(dst, url, n);
		goto done;
	}
	if (!url_decode(&decoded, url, path_len)) {
		report(w, node, "%s '%s' holds an encoded NUL", kind, shown);
		pa_buf_put(dst, url, n);
		goto done;
	}
	slash = strrchr(ctx->file, '/');
	if (slash)
		pa_buf_put(&joined, ctx->file, (size_t)(slash - ctx->file) + 1);
	pa_buf_puts(&joined, pa_buf_cstr(&decoded));
	if (pa_buf_error(&decoded) || pa_buf_error(&joined)) {
		oom(w);
		goto done;
	}
	if (pa_path_normalize(&norm, pa_buf_cstr(&joined)) < 0) {
		if (pa_buf_error(&norm))
			oom(w);
		else
			report(w, node, "%s '%s' leaves the course folder", kind, shown);
		pa_buf_put(dst, url, n);
		goto done;
	}
	pa_path_join(&disk, ctx->course_dir ? ctx->course_dir : ".", pa_buf_cstr(&norm));
	if (pa_buf_error(&disk)) {
		oom(w);
		goto done;
	}
	if (!pa_fs_is_file(pa_buf_cstr(&disk))) {
		report(w, node, "%s '%s' not found", kind, shown);
		pa_buf_put(dst, url, n);
		goto done;
	}
	if (ctx->assets && pa_strset_add(ctx->assets, pa_buf_cstr(&norm)) < 0)
		oom(w);
	url_encode_path(dst, pa_buf_cstr(&norm));
	pa_buf_put(dst, url + path_len, n - path_len);
done:
	free(shown);
	pa_buf_dispose(&decoded);
	pa_buf_dispose(&joined);
	pa_buf_dispose(&norm);
	pa_buf_dispose(&disk);
}

static void rewrite_attr(walk *w, xmlNodePtr node, const char *attr, const char *kind)
{
	pa_buf out = PA_BUF_INIT;
	char *value = get_attr(node, attr);
	const char *s, *e;

	if (!value)
		return;
	/* URLs in attributes may be padded with spaces, which HTML strips. */
	for (s = value; isspace((unsigned char)*s); s++)
		;
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
		;
	resolve_url(w, node, kind, s, (size_t)(e - s), &out);
	if (pa_buf_error(&out))
		oom(w);
	else
		set_attr(w, node, attr, pa_buf_cstr(&out));
	free(value);
	pa_buf_dispose(&out);
}

/* srcset: "a.png 1x, b.png 2x": each candidate's URL is rewritten. */
static void rewrite_srcset(walk *w, xmlNodePtr node, const char *kind)
{
	pa_buf out = PA_BUF_INIT;
	char *value = get_attr(node, "srcset");
	const char *p;

	if (!value)
		return;
	p = value;
	while (*p) {
		const char *u, *ue, *d;

		while (isspace((unsigned char)*p) || *p == ',')
			p++;
		if (!*p)
			break;
		u = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		ue = p;
		/* A URL may end with commas that separate it from the next candidate. */
		while (ue > u && ue[-1] == ',')
			ue--;
		d = p;
		if (ue == p) {
			while (*p && *p != ',')
				p++;
		}
		if (out.len)
			pa_buf_puts(&out, ", ");
		resolve_url(w, node, kind, u, (size_t)(ue - u), &out);
		/* The descriptor, trimmed. */
		while (isspace((unsigned char)*d))
			d++;
		if (d < p) {
			const char *de = p;

			while (de > d && (isspace((unsigned char)de[-1]) || de[-1] == ','))
				de--;
			if (de > d) {
				pa_buf_putc(&out, ' ');
				pa_buf_put(&out, d, (size_t)(de - d));
			}
		}
	}
	if (pa_buf_error(&out))
		oom(w);
	else
		set_attr(w, node, "srcset", pa_buf_cstr(&out));
	free(value);
	pa_buf_dispose(&out);
}

/* ---- Headings -------------------------------------------------------- */

/* Latin-1 letters (U+00C0..U+00FF) without their accents. */
static const char latin1_ascii[] =
	"AAAAAAACEEEEIIIIDNOOOOO-OUUUUYTsaaaaaaaceeeeiiiidnooooo-ouuuuyty";

static void slugify(pa_buf *out, const char *text)
{
	size_t start = out->len;
	bool dash = false;

	for (const unsigned char *p = (const unsigned char *)text; *p && out->len - start < MD_MAX_SLUG; p++) {
		char c = 0;

		if (isalnum(*p) && *p < 0x80) {
			c = (char)tolower(*p);
		} else if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
			c = (char)tolower((unsigned char)latin1_ascii[p[1] - 0x80]);
			p++;
			if (c == '-')
				c = 0;
		}
		if (c) {
			if (dash && out->len > start)
				pa_buf_putc(out, '-');
			pa_buf_putc(out, c);
			dash = false;
		} else {
			dash = true;
		}
	}
}

static void give_id(walk *w, xmlNodePtr h)
{
	const pa_md_ctx *ctx = w->ctx;
	pa_buf id = PA_BUF_INIT;
	xmlChar *text;
	char *given = get_attr(h, "id");
	size_t base;

	if (given) {
		if (ctx->ids && pa_strset_add(ctx->ids, given) < 0)
			oom(w);
		free(given);
		return;
	}
	pa_buf_puts(&id, ctx->id_prefix ? ctx->id_prefix : "");
	base = id.len;
	text = xmlNodeGetContent(h);
	slugify(&id, text ? (const char *)text : "");
	xmlFree(text);
	if (id.len == base)
		pa_buf_puts(&id, "section");
	base = id.len;
	for (unsigned n = 2; ctx->ids && pa_strset_has(ctx->ids, pa_buf_cstr(&id)) && n < 100000; n++) {
		pa_buf_truncate(&id, base);
		pa_buf_printf(&id, "-%u", n);
	}
	if (pa_buf_error(&id) || (ctx->ids && pa_strset_add(ctx->ids, pa_buf_cstr(&id)) < 0))
		oom(w);
	else
		set_attr(w, h, "id", pa_buf_cstr(&id));
	pa_buf_dispose(&id);
}

/* ---- The walk -------------------------------------------------------- */

static void external_link(walk *w, xmlNodePtr a)
{
	char *rel = get_attr(a, "rel");
	char *target = get_attr(a, "target");
	xmlNodePtr hint;
	pa_buf text = PA_BUF_INIT;

	if (!target) {
		set_attr(w, a, "target", "_blank");
		if (!rel || !strstr(rel, "noopener")) {
			pa_buf r = PA_BUF_INIT;

			if (rel && *rel) {
				pa_buf_puts(&r, rel);
				pa_buf_putc(&r, ' ');
			}
			pa_buf_puts(&r, "noopener");
			if (pa_buf_error(&r))
				oom(w);
			else
				set_attr(w, a, "rel", pa_buf_cstr(&r));
			pa_buf_dispose(&r);
		}
		hint = xmlNewDocNode(w->doc, NULL, (const xmlChar *)"span", NULL);
		pa_buf_putc(&text, ' ');
		pa_buf_puts(&text, pa_ui_text(w->ctx->lang, PA_UI_NEW_TAB));
		if (!hint || pa_buf_error(&text)) {
			xmlFreeNode(hint);
			oom(w);
		} else {
			set_attr(w, hint, "class", "pa-sr-only");
			xmlNodeAddContent(hint, (const xmlChar *)pa_buf_cstr(&text));
			xmlAddChild(a, hint);
		}
	}
	free(rel);
	free(target);
	pa_buf_dispose(&text);
}

static void check_img(walk *w, xmlNodePtr img)
{
	char *title = get_attr(img, "title");
	char *src = get_attr(img, "src");
	const char *shown = src ? src : "";

	if (title && pa_str_startswith(title, NOALT_MARK)) {
		report(w, img, "image '%s' has no text alternative: describe it, ![description](%s)",
		       shown, shown);
		if (title[strlen(NOALT_MARK)])
			set_attr(w, img, "title", title + strlen(NOALT_MARK));
		else
			xmlUnsetProp(img, (const xmlChar *)"title");
	} else if (!xmlHasProp(img, (const xmlChar *)"alt")) {
		report(w, img, "image '%s' has no alt attribute (alt=\"\" marks a decorative image)", shown);
	}
	free(title);
	free(src);
}

/* The line number that starts text ("12:1-12:30", "12 -->"); 0 if none. */
static long leading_line(const char *text)
{
	char digits[12];
	size_t n = 0;
	int64_t v;

	while (n < sizeof(digits) - 1 && text[n] >= '0' && text[n] <= '9') {
		digits[n] = text[n];
		n++;
	}
	digits[n] = '\0';
	return n && pa_parse_int64(&v, digits, 1, 10000000) == 0 ? (long)v : 0;
}

static void note_sourcepos(walk *w, xmlNodePtr node)
{
	char *pos = get_attr(node, "data-sourcepos");

	if (pos) {
		long l = leading_line(pos);

		if (w->markdown && l > 0) {
			w->anchor_src = (long)base_line(w->ctx) + l - 1;
			w->anchor_out = xmlGetLineNo(node);
		}
		xmlUnsetProp(node, (const xmlChar *)"data-sourcepos");
		free(pos);
	}
}

static void visit(walk *w, xmlNodePtr node, int depth)
{
	for (; node; node = node->next) {
		if (node->type == XML_COMMENT_NODE && w->markdown && node->content &&
		    pa_str_startswith((const char *)node->content, LINE_MARK)) {
			long l = leading_line((const char *)node->content + strlen(LINE_MARK));

			if (l <= 0)
				continue;
			w->anchor_src = (long)base_line(w->ctx) + l - 1;
			w->anchor_out = xmlGetLineNo(node);
			continue;
		}
		if (node->type != XML_ELEMENT_NODE)
			continue;
		note_sourcepos(w, node);
		if (is_elem(node, "img")) {
			check_img(w, node);
			rewrite_attr(w, node, "src", "image");
			rewrite_srcset(w, node, "image");
		} else if (is_elem(node, "a") || is_elem(node, "area")) {
			char *href = get_attr(node, "href");

			if (href && is_web_url(href))
				external_link(w, node);
			free(href);
			rewrite_attr(w, node, "href", "link");
		} else if (is_elem(node, "video") || is_elem(node, "audio")) {
			const char *kind = is_elem(node, "video") ? "video" : "audio";

			rewrite_attr(w, node, "src", kind);
			rewrite_attr(w, node, "poster", "poster image");
		} else if (is_elem(node, "source")) {
			rewrite_attr(w, node, "src", "media");
			rewrite_srcset(w, node, "image");
		} else if (is_elem(node, "track")) {
			rewrite_attr(w, node, "src", "text track");
		} else if (is_elem(node, "object")) {
			rewrite_attr(w, node, "data", "object");
		} else if (is_elem(node, "embed") || is_elem(node, "iframe")) {
			rewrite_attr(w, node, "src", "embedded file");
		} else if (is_elem(node, "h2")) {
			give_id(w, node);
		}
		if (depth < 512)
			visit(w, node->children, depth + 1);
	}
}

/* ---- Serialising ----------------------------------------------------- */

static bool is_void(const xmlChar *name)
{
	static const char *const v[] = { "area", "base", "br", "col", "embed", "hr", "img", "input",
					 "link", "meta", "param", "source", "track", "wbr" };

	for (size_t i = 0; i < PA_ARRAY_SIZE(v); i++) {
		if (xmlStrcasecmp(name, (const xmlChar *)v[i]) == 0)
			return true;
	}
	return false;
}

static void serialize(pa_buf *out, xmlNodePtr node, bool raw, int depth);

static void serialize_one(pa_buf *out, xmlNodePtr n, bool raw, int depth)
{
	switch (n->type) {
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		if (raw)
			pa_buf_puts(out, n->content ? (const char *)n->content : "");
		else
			pa_buf_put_xml(out, n->content ? (const char *)n->content : "");
		break;
	case XML_ENTITY_REF_NODE:
		pa_buf_printf(out, "&%s;", (const char *)n->name);
		break;
	case XML_ELEMENT_NODE: {
		bool kids_raw = is_elem(n, "script") || is_elem(n, "style");

		pa_buf_putc(out, '<');
		pa_buf_puts(out, (const char *)n->name);
		for (xmlAttrPtr a = n->properties; a; a = a->next) {
			xmlChar *v;

			pa_buf_putc(out, ' ');
			pa_buf_puts(out, (const char *)a->name);
			if (!a->children)
				continue;
			v = xmlNodeGetContent((xmlNodePtr)a);
			pa_buf_puts(out, "=\"");
			pa_buf_put_xml(out, v ? (const char *)v : "");
			pa_buf_putc(out, '"');
			xmlFree(v);
		}
		pa_buf_putc(out, '>');
		if (depth < 512)
			serialize(out, n->children, kids_raw, depth + 1);
		/* libxml2 does not know HTML5's void elements (source, track):
		 * what it nested in them follows them instead. */
		if (!is_void(n->name)) {
			pa_buf_puts(out, "</");
			pa_buf_puts(out, (const char *)n->name);
			pa_buf_putc(out, '>');
		}
		break;
	}
	default:
		break; /* comments, processing instructions, doctypes */
	}
}

static void serialize(pa_buf *out, xmlNodePtr node, bool raw, int depth)
{
	for (; node; node = node->next)
		serialize_one(out, node, raw, depth);
}

static bool is_blank_text(xmlNodePtr n)
{
	if (n->type != XML_TEXT_NODE)
		return n->type == XML_COMMENT_NODE;
	for (const xmlChar *p = n->content; p && *p; p++) {
		if (!isspace(*p))
			return false;
	}
	return true;
}

/* Top-level content in <section>s, a new one at each h2: the learner's
 * place is bookmarked by section. */
static void serialize_sections(pa_buf *out, xmlNodePtr node)
{
	int n = -1;

	for (; node; node = node->next) {
		if (is_elem(node, "h2") || (n < 0 && !is_blank_text(node))) {
			if (n >= 0)
				pa_buf_puts(out, "</section>\n");
			n++;
			pa_buf_printf(out, "<section class=\"pa-section\" data-pa-section=\"%d\">", n);
		}
		serialize_one(out, node, false, 0);
	}
	if (n >= 0)
		pa_buf_puts(out, "</section>\n");
}

static xmlNodePtr child_named(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next) {
		if (is_elem(c, name))
			return c;
	}
	return NULL;
}

/* The only element of body, if it is a <p> with nothing else beside it. */
static xmlNodePtr single_paragraph(xmlNodePtr body)
{
	xmlNodePtr p = NULL;

	for (xmlNodePtr c = body->children; c; c = c->next) {
		if (is_blank_text(c))
			continue;
		if (p || !is_elem(c, "p"))
			return NULL;
		p = c;
	}
	return p;
}

typedef enum mode { MODE_HTML, MODE_MARKDOWN, MODE_INLINE } mode;

static int process(pa_buf *out, const char *html, size_t len, const pa_md_ctx *ctx, mode m)
{
	static const char prefix[] = "<html><body>";
	pa_buf doc_text = PA_BUF_INIT;
	walk w = { 0 };
	xmlDocPtr doc = NULL;
	xmlNodePtr root, head, body;
	size_t bad;
	int err = 0;

	if (!pa_utf8_valid(html, len, &bad)) {
		unsigned line = base_line(ctx);

		for (size_t i = 0; m == MODE_HTML && i < bad; i++)
			line += html[i] == '\n';
		pa_diag_error(ctx->diag, ctx->file, line, "not valid UTF-8");
		return PA_EINVALID;
	}
	/* The prefix adds no line, so parsed lines are the fragment's lines. */
	pa_buf_puts(&doc_text, prefix);
	pa_buf_put(&doc_text, html, len);
	pa_buf_puts(&doc_text, "</body></html>");
	if (pa_buf_error(&doc_text) || doc_text.len > INT32_MAX) {
		err = pa_buf_error(&doc_text) ? pa_buf_error(&doc_text) : PA_ELIMIT;
		goto done;
	}
	xmlInitParser();
	doc = htmlReadMemory(doc_text.ptr, (int)doc_text.len, NULL, "UTF-8",
			     HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
			     HTML_PARSE_NODEFDTD);
	if (!doc) {
		err = pa_error_set(PA_EPARSE, "%s: the HTML cannot be parsed", ctx->file);
		goto done;
	}
	w.ctx = ctx;
	w.doc = doc;
	w.markdown = m == MODE_MARKDOWN;
	w.fixed_line = m == MODE_INLINE;
	w.anchor_src = base_line(ctx);
	w.anchor_out = 1;
	root = xmlDocGetRootElement(doc);
	head = child_named(root, "head");
	body = child_named(root, "body");
	visit(&w, root, 0);
	if (w.error) {
		err = w.error;
		goto done;
	}
	if (head)
		serialize(out, head->children, false, 0);
	if (body) {
		xmlNodePtr p = m == MODE_INLINE ? single_paragraph(body) : NULL;

		if (p)
			serialize(out, p->children, false, 0);
		else if (ctx->sections)
			serialize_sections(out, body->children);
		else
			serialize(out, body->children, false, 0);
	}
	err = pa_buf_error(out);
	if (!err && w.errors)
		err = PA_EINVALID;
done:
	if (doc)
		xmlFreeDoc(doc);
	pa_buf_dispose(&doc_text);
	return err;
}

int pa_markdown_process_html(pa_buf *out, const char *html, size_t len, const pa_md_ctx *ctx)
{
	return process(out, html, len, ctx, MODE_HTML);
}

/* True when an image node has no description (no text inside). */
static bool image_without_text(cmark_node *img)
{
	cmark_iter *it = cmark_iter_new(img);
	cmark_event_type ev;
	bool empty = true;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		const char *lit;

		if (ev != CMARK_EVENT_ENTER || n == img)
			continue;
		lit = cmark_node_get_literal(n);
		for (; lit && *lit; lit++) {
			if (!isspace((unsigned char)*lit)) {
				empty = false;
				break;
			}
		}
		if (!empty)
			break;
	}
	cmark_iter_free(it);
	return empty;
}

/* Mark what cmark's HTML would lose: lines of raw HTML blocks, images
 * without a description. */
static int annotate(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	pa_buf tmp = PA_BUF_INIT;
	int err = 0;

	while (!err && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);

		if (ev != CMARK_EVENT_ENTER)
			continue;
		pa_buf_clear(&tmp);
		if (cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK) {
			const char *lit = cmark_node_get_literal(n);

			pa_buf_printf(&tmp, "<!--" LINE_MARK "%d-->%s", cmark_node_get_start_line(n),
				      lit ? lit : "");
			if (pa_buf_error(&tmp) || !cmark_node_set_literal(n, pa_buf_cstr(&tmp)))
				err = PA_ENOMEM;
		} else if (cmark_node_get_type(n) == CMARK_NODE_IMAGE && image_without_text(n)) {
			const char *title = cmark_node_get_title(n);

			pa_buf_printf(&tmp, NOALT_MARK "%s", title ? title : "");
			if (pa_buf_error(&tmp) || !cmark_node_set_title(n, pa_buf_cstr(&tmp)))
				err = PA_ENOMEM;
		}
	}
	cmark_iter_free(it);
	pa_buf_dispose(&tmp);
	return err;
}

static int render_md(pa_buf *out, const char *text, size_t len, const pa_md_ctx *ctx, mode m)
{
	int opts = CMARK_OPT_UNSAFE | CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8;
	cmark_node *doc;
	char *html = NULL;
	int err;

	if (m == MODE_MARKDOWN)
		opts |= CMARK_OPT_SOURCEPOS;
	doc = cmark_parse_document(text, len, opts);
	if (!doc)
		return pa_error_set(PA_ENOMEM, "out of memory rendering %s", ctx->file);
	err = annotate(doc);
	if (!err) {
		html = cmark_render_html(doc, opts);
		if (!html)
			err = pa_error_set(PA_ENOMEM, "out of memory rendering %s", ctx->file);
	}
	if (!err)
		err = process(out, html, strlen(html), ctx, m);
	if (html)
		cmark_get_default_mem_allocator()->free(html);
	cmark_node_free(doc);
	return err;
}

int pa_markdown_render(pa_buf *out, const char *text, size_t len, const pa_md_ctx *ctx)
{
	size_t bad;

	if (!pa_utf8_valid(text, len, &bad)) {
		unsigned line = base_line(ctx);

		for (size_t i = 0; i < bad; i++)
			line += text[i] == '\n';
		pa_diag_error(ctx->diag, ctx->file, line, "not valid UTF-8");
		return PA_EINVALID;
	}
	return render_md(out, text, len, ctx, MODE_MARKDOWN);
}

int pa_markdown_render_file(pa_buf *out, const pa_md_ctx *ctx)
{
	pa_buf path = PA_BUF_INIT, text = PA_BUF_INIT;
	int err;

	pa_path_join(&path, ctx->course_dir ? ctx->course_dir : ".", ctx->file);
	if ((err = pa_buf_error(&path)) < 0)
		goto done;
	err = pa_fs_read(&text, pa_buf_cstr(&path), MD_MAX_FILE);
	if (err < 0) {
		pa_diag_error(ctx->diag, ctx->file, 0, "cannot read the lesson: %s", pa_error_last());
		err = PA_EINVALID;
		goto done;
	}
	if (pa_str_endswith_nocase(ctx->file, ".md") || pa_str_endswith_nocase(ctx->file, ".markdown"))
		err = pa_markdown_render(out, pa_buf_cstr(&text), text.len, ctx);
	else
		err = pa_markdown_process_html(out, pa_buf_cstr(&text), text.len, ctx);
done:
	pa_buf_dispose(&path);
	pa_buf_dispose(&text);
	return err;
}

int pa_markdown_render_inline(pa_buf *out, const char *text, pa_text_format format,
			      const pa_md_ctx *ctx)
{
	size_t len = text ? strlen(text) : 0;

	if (!text)
		return 0;
	switch (format) {
	case PA_TEXT_PLAIN:
		for (const char *p = text; *p; p++) {
			const char *nl = strchr(p, '\n');
			pa_buf piece = PA_BUF_INIT;

			pa_buf_put(&piece, p, nl ? (size_t)(nl - p) : strlen(p));
			pa_buf_put_xml(out, pa_buf_cstr(&piece));
			pa_buf_dispose(&piece);
			if (!nl)
				break;
			pa_buf_puts(out, "<br>");
			p = nl;
		}
		return pa_buf_error(out);
	case PA_TEXT_HTML:
		return process(out, text, len, ctx, MODE_INLINE);
	case PA_TEXT_MARKDOWN:
	default:
		if (!pa_utf8_valid(text, len, NULL)) {
			pa_diag_error(ctx->diag, ctx->file, base_line(ctx), "not valid UTF-8");
			return PA_EINVALID;
		}
		return render_md(out, text, len, ctx, MODE_INLINE);
	}
}
