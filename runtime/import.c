#include "runtime/import.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <libxml/tree.h>
#include <openssl/evp.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "packager/unzip.h"
#include "packager/validate.h"
#include "packager/xsd.h"
#include "runtime/seqtree.h"

#define NS_CP12 "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
#define NS_CP "http://www.imsglobal.org/xsd/imscp_v1p1"
#define NS_ADLCP12 "http://www.adlnet.org/xsd/adlcp_rootv1p2"
#define NS_ADLCP "http://www.adlnet.org/xsd/adlcp_v1p3"
#define NS_ADLNAV "http://www.adlnet.org/xsd/adlnav_v1p3"
#define NS_IMSSS "http://www.imsglobal.org/xsd/imsss"

/* Deepest folder nesting copied from a folder package. */
#define MAX_DIR_DEPTH 64

/* --- the activity tree --- */

static bool in_ns(const xmlNode *n, const char *ns)
{
	return n->ns && n->ns->href && strcmp((const char *)n->ns->href, ns) == 0;
}

static bool is_el(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* An element of content packaging (either namespace, or none: real
 * manifests from old tools forget it). */
static bool is_cp(const xmlNode *n, const char *name)
{
	return is_el(n, name) && (!n->ns || in_ns(n, NS_CP) || in_ns(n, NS_CP12));
}

static bool is_adlcp(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, name) == 0 &&
	       (in_ns(n, NS_ADLCP) || in_ns(n, NS_ADLCP12));
}

static const xmlNode *cp_child(const xmlNode *parent, const char *name)
{
	for (const xmlNode *c = parent->children; c; c = c->next) {
		if (is_cp(c, name))
			return c;
	}
	return NULL;
}

/* An attribute in no namespace, or NULL. */
static const char *attr(const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (!a->ns && strcmp((const char *)a->name, name) == 0)
			return a->children && a->children->content ? (const char *)a->children->content : "";
	}
	return NULL;
}

/* An attribute of the ADL namespaces, matched without case (scormtype, scormType). */
static const char *adl_attr(const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (a->ns && a->ns->href && strcasecmp((const char *)a->name, name) == 0 &&
		    (!strcmp((const char *)a->ns->href, NS_ADLCP) || !strcmp((const char *)a->ns->href, NS_ADLCP12)))
			return a->children && a->children->content ? (const char *)a->children->content : "";
	}
	return NULL;
}

static const char *xml_base(const xmlNode *n)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (a->ns && a->ns->href && !strcmp((const char *)a->ns->href, (const char *)XML_XML_NAMESPACE) &&
		    !strcmp((const char *)a->name, "base"))
			return a->children && a->children->content ? (const char *)a->children->content : "";
	}
	return NULL;
}

/* The text of an element, trimmed; NULL when it has none. */
static char *text_of(const xmlNode *n)
{
	xmlChar *raw = xmlNodeGetContent(n);
	const char *s, *e;
	char *out = NULL;

	if (!raw)
		return NULL;
	s = (const char *)raw;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		e--;
	if (e > s)
		out = pa_strndup(s, (size_t)(e - s));
	xmlFree(raw);
	return out;
}

static int set_str(json_t *obj, const char *key, const char *value)
{
	if (!value)
		return 0;
	return json_object_set_new(obj, key, json_string(value)) == 0 ? 0
		: pa_error_set(PA_ENOMEM, "out of memory building the activity tree");
}

static int set_text(json_t *obj, const char *key, const xmlNode *el)
{
	char *t = el ? text_of(el) : NULL;
	int rc = set_str(obj, key, t);

	free(t);
	return rc;
}

/* The raw XML of an element, namespaces declared, so it parses on its own. */
static int set_raw(json_t *obj, const char *key, const xmlNode *el)
{
	xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlBuffer *buf = xmlBufferCreate();
	xmlNode *copy;
	int rc = 0;

	if (!doc || !buf || !(copy = xmlDocCopyNode((xmlNode *)el, doc, 1))) {
		rc = pa_error_set(PA_ENOMEM, "out of memory copying <%s>", (const char *)el->name);
		goto done;
	}
	xmlDocSetRootElement(doc, copy);
	xmlReconciliateNs(doc, copy);
	if (xmlNodeDump(buf, doc, copy, 0, 0) < 0) {
		rc = pa_error_set(PA_ENOMEM, "cannot write <%s>", (const char *)el->name);
		goto done;
	}
	rc = set_str(obj, key, (const char *)xmlBufferContent(buf));
done:
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
	return rc;
}

static bool is_url(const char *s)
{
	const char *p = s;

	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	       (p > s && ((*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')))
		p++;
	return *p == ':' && p - s > 1;
}

/*
 * The launch location of an item: the resource's href under the xml:base of
 * <resources> and <resource>, then the item's parameters applied as the
 * Content Packaging rules say (leading '?' and '&' dropped; a fragment added
 * unless there is one; otherwise joined with '&' or '?').
 */
static int launch_of(pa_buf *out, const xmlNode *res, const char *href, const char *params)
{
	pa_buf joined = PA_BUF_INIT;
	const char *outer = res->parent && res->parent->type == XML_ELEMENT_NODE ? xml_base(res->parent) : NULL;
	const char *inner = xml_base(res);
	size_t path_len;
	int rc = 0;

	if (is_url(href)) {
		pa_buf_puts(&joined, href);
	} else {
		if (outer && *outer && !is_url(outer))
			pa_buf_puts(&joined, outer);
		if (inner && *inner && !is_url(inner)) {
			if (joined.len && joined.ptr[joined.len - 1] != '/')
				pa_buf_putc(&joined, '/');
			pa_buf_puts(&joined, inner);
		}
		if (joined.len && joined.ptr[joined.len - 1] != '/')
			pa_buf_putc(&joined, '/');
		pa_buf_puts(&joined, href);
	}
	if ((rc = pa_buf_error(&joined)) != 0)
		goto done;
	if (is_url(joined.ptr)) {
		pa_buf_puts(out, joined.ptr);
	} else {
		char saved;

		/* Normalise the path; keep the query and fragment as written. */
		path_len = strcspn(joined.ptr, "?#");
		saved = joined.ptr[path_len];
		joined.ptr[path_len] = '\0';
		rc = pa_path_normalize(out, joined.ptr);
		joined.ptr[path_len] = saved;
		if (rc)
			goto done;
		pa_buf_puts(out, joined.ptr + path_len);
	}
	if (params) {
		while (*params == '?' || *params == '&')
			params++;
		if (*params == '#') {
			if (!strchr(out->ptr ? out->ptr : "", '#'))
				pa_buf_puts(out, params);
		} else if (*params) {
			pa_buf_putc(out, strchr(pa_buf_cstr(out), '?') ? '&' : '?');
			pa_buf_puts(out, params);
		}
	}
	rc = pa_buf_error(out);
done:
	pa_buf_dispose(&joined);
	return rc;
}

static const xmlNode *find_resource(const xmlNode *root, const char *id)
{
	const xmlNode *resources = cp_child(root, "resources");

	for (const xmlNode *r = resources ? resources->children : NULL; r; r = r->next) {
		const char *rid;

		if (is_cp(r, "resource") && (rid = attr(r, "identifier")) && strcmp(rid, id) == 0)
			return r;
	}
	return NULL;
}

static int item_json(json_t **out, const xmlNode *root, const xmlNode *item, pa_diag *diag);

static int items_json(json_t *parent, const xmlNode *root, const xmlNode *el, pa_diag *diag)
{
	json_t *items = json_array();
	int rc = 0;

	if (!items)
		return pa_error_set(PA_ENOMEM, "out of memory building the activity tree");
	for (const xmlNode *c = el->children; c && !rc; c = c->next) {
		json_t *child = NULL;

		if (!is_cp(c, "item"))
			continue;
		if ((rc = item_json(&child, root, c, diag)) == 0 && json_array_append_new(items, child) != 0)
			rc = pa_error_set(PA_ENOMEM, "out of memory building the activity tree");
	}
	if (!rc && json_object_set_new(parent, "items", items) != 0)
		return pa_error_set(PA_ENOMEM, "out of memory building the activity tree");
	if (rc)
		json_decref(items);
	return rc;
}

static int item_json(json_t **out, const xmlNode *root, const xmlNode *item, pa_diag *diag)
{
	json_t *o = json_object();
	const char *ref = attr(item, "identifierref"), *params = attr(item, "parameters");
	const char *visible = attr(item, "isvisible");
	int rc;

	*out = NULL;
	if (!o)
		return pa_error_set(PA_ENOMEM, "out of memory building the activity tree");
	if ((rc = set_str(o, "identifier", attr(item, "identifier") ? attr(item, "identifier") : "")) ||
	    (rc = set_text(o, "title", cp_child(item, "title"))))
		goto done;
	if (json_object_set_new(o, "visible", json_boolean(!visible || strcmp(visible, "false") != 0)) != 0) {
		rc = pa_error_set(PA_ENOMEM, "out of memory building the activity tree");
		goto done;
	}
	if (ref && *ref) {
		const xmlNode *res = find_resource(root, ref);
		const char *href = res ? attr(res, "href") : NULL;

		if ((rc = set_str(o, "identifierref", ref)) || (rc = set_str(o, "parameters", params)))
			goto done;
		if (res) {
			const char *type = adl_attr(res, "scormType");

			if ((rc = set_str(o, "scorm_type", type ? type : "asset")) || (rc = set_str(o, "href", href)))
				goto done;
		}
		if (href && *href) {
			pa_buf launch = PA_BUF_INIT;

			if (launch_of(&launch, res, href, params) == 0)
				rc = set_str(o, "launch", pa_buf_cstr(&launch));
			else
				pa_diag_add(diag, PA_DIAG_WARNING, PA_MANIFEST, pa_xsd_node_line(res), 0,
					    "resource '%s': href '%s' does not name a file of the package; "
					    "item '%s' cannot be launched", ref, href, attr(item, "identifier"));
			pa_buf_dispose(&launch);
			if (rc)
				goto done;
		}
	}
	for (const xmlNode *c = item->children; c && !rc; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_adlcp(c, "dataFromLMS"))
			rc = set_text(o, "data_from_lms", c);
		else if (is_adlcp(c, "masteryscore"))
			rc = set_text(o, "mastery_score", c);
		else if (is_adlcp(c, "maxtimeallowed"))
			rc = set_text(o, "max_time_allowed", c);
		else if (is_adlcp(c, "timeLimitAction"))
			rc = set_text(o, "time_limit_action", c);
		else if (is_adlcp(c, "prerequisites"))
			rc = set_text(o, "prerequisites", c);
		else if (is_adlcp(c, "completionThreshold"))
			rc = set_raw(o, "completion_threshold", c);
		else if (is_el(c, "sequencing") && in_ns(c, NS_IMSSS))
			rc = set_raw(o, "sequencing", c);
		else if (is_el(c, "presentation") && in_ns(c, NS_ADLNAV))
			rc = set_raw(o, "presentation", c);
	}
	if (!rc)
		rc = items_json(o, root, item, diag);
done:
	if (rc)
		json_decref(o);
	else
		*out = o;
	return rc;
}

static bool has_sequencing(const json_t *items)
{
	const json_t *item;
	size_t i;

	json_array_foreach(items, i, item) {
		if (json_object_get(item, "sequencing") || has_sequencing(json_object_get(item, "items")))
			return true;
	}
	return false;
}

/* A 2004 package's sequencing tree description (runtime/seqtree.h), kept
 * with its version as "seqtree" for the player. A package that says
 * nothing of sequencing keeps the flow order player (the book's defaults,
 * flow off and choice on, would leave it without a first activity and
 * without Next), and so does a manifest the sequencing reader refuses. */
static int add_seqtree(json_t *tree, const json_t *orgs, const char *manifest, size_t len,
		       const char *scorm_version)
{
	pa_buf text = PA_BUF_INIT;
	const json_t *org;
	pa_diag diag;
	bool any = json_object_get(tree, "sequencing_collection") != NULL;
	size_t i;
	int rc = 0;

	if (scorm_version && !strcmp(scorm_version, "1.2"))
		return 0;
	json_array_foreach(orgs, i, org)
		any = any || json_object_get(org, "sequencing") || has_sequencing(json_object_get(org, "items"));
	if (!any)
		return 0;
	pa_diag_init(&diag);
	if (pa_seqtree_from_manifest(&text, manifest, len, PA_MANIFEST, &diag) == 0 && !diag.errors)
		rc = set_str(tree, "seqtree", text.ptr);
	else
		pa_warn("import: the sequencing of the manifest is not readable; the package plays in flow order");
	pa_diag_dispose(&diag);
	pa_buf_dispose(&text);
	return rc;
}

int pa_import_tree(pa_buf *out, const char *manifest, size_t len, const char *scorm_version,
		   pa_diag *diag)
{
	xmlDoc *doc = NULL;
	const xmlNode *root, *orgs;
	json_t *tree = NULL, *list = NULL;
	char *text = NULL;
	const char *def;
	int rc;

	if ((rc = pa_xsd_parse_untrusted(&doc, manifest, len, PA_MANIFEST, diag)) != 0)
		goto done;
	root = xmlDocGetRootElement(doc);
	if (!root || !is_cp(root, "manifest")) {
		rc = pa_error_set(PA_EINVALID, PA_MANIFEST ": the root element is not <manifest>");
		goto done;
	}
	if (!(tree = json_object()) || !(list = json_array())) {
		rc = pa_error_set(PA_ENOMEM, "out of memory building the activity tree");
		goto done;
	}
	orgs = cp_child(root, "organizations");
	def = orgs ? attr(orgs, "default") : NULL;
	if ((rc = set_str(tree, "identifier", attr(root, "identifier") ? attr(root, "identifier") : "")) ||
	    (rc = set_str(tree, "scorm_version", scorm_version)))
		goto done;
	for (const xmlNode *o = orgs ? orgs->children : NULL; o && !rc; o = o->next) {
		json_t *org;

		if (!is_cp(o, "organization"))
			continue;
		if (!(org = json_object()) || json_array_append_new(list, org) != 0) {
			rc = pa_error_set(PA_ENOMEM, "out of memory building the activity tree");
			break;
		}
		if (!def || !*def)
			def = attr(o, "identifier");
		if ((rc = set_str(org, "identifier", attr(o, "identifier") ? attr(o, "identifier") : "")) ||
		    (rc = set_text(org, "title", cp_child(o, "title"))))
			break;
		for (const xmlNode *c = o->children; c && !rc; c = c->next) {
			if (is_el(c, "sequencing") && in_ns(c, NS_IMSSS))
				rc = set_raw(org, "sequencing", c);
		}
		if (!rc)
			rc = items_json(org, root, o, diag);
	}
	if (rc)
		goto done;
	for (const xmlNode *c = root->children; c && !rc; c = c->next) {
		if (is_el(c, "sequencingCollection") && in_ns(c, NS_IMSSS))
			rc = set_raw(tree, "sequencing_collection", c);
	}
	if (rc || (rc = set_str(tree, "default_organization", def ? def : "")) != 0)
		goto done;
	/* The package's title: its default organization's. */
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *org = json_array_get(list, i);
		json_t *title = json_object_get(org, "title");

		if (title && json_string_value(title) &&
		    strcmp(json_string_value(json_object_get(org, "identifier")), def ? def : "") == 0) {
			rc = set_str(tree, "title", json_string_value(title));
			break;
		}
	}
	if (rc || (rc = add_seqtree(tree, list, manifest, len, scorm_version)) != 0)
		goto done;
	if (json_object_set(tree, "organizations", list) != 0 ||
	    !(text = json_dumps(tree, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
		rc = pa_error_set(PA_ENOMEM, "out of memory writing the activity tree");
		goto done;
	}
	rc = pa_buf_puts(out, text);
done:
	free(text);
	json_decref(list);
	json_decref(tree);
	xmlFreeDoc(doc);
	return rc;
}

/* --- files --- */

int pa_import_tmpdir(pa_buf *out, const char *data_dir, const char *prefix)
{
	size_t start = out->len;
	int rc;

	pa_path_join(out, data_dir, "tmp");
	if ((rc = pa_buf_error(out)) != 0 || (rc = pa_fs_mkdirs(out->ptr + start)) != 0)
		return rc;
	if ((rc = pa_buf_printf(out, "/%s.XXXXXX", prefix)) != 0)
		return rc;
	if (!mkdtemp(out->ptr + start))
		return pa_error_set(PA_EIO, "cannot make a folder in %s/tmp: %s", data_dir, strerror(errno));
	return 0;
}

static int copy_file(int src_dir, int dst_dir, const char *name, const char *rel)
{
	char chunk[65536];
	int in, outfd, rc = 0;
	ssize_t n;

	in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return pa_error_set(PA_EIO, "%s: %s", rel, strerror(errno));
	outfd = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (outfd < 0) {
		rc = pa_error_set(PA_EIO, "%s: %s", rel, strerror(errno));
		goto done;
	}
	while ((n = read(in, chunk, sizeof(chunk))) != 0) {
		const char *p = chunk;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = pa_error_set(PA_EIO, "%s: %s", rel, strerror(errno));
			goto done;
		}
		while (n > 0) {
			ssize_t w = write(outfd, p, (size_t)n);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				rc = pa_error_set(PA_EIO, "%s: %s", rel, strerror(errno));
				goto done;
			}
			p += w;
			n -= w;
		}
	}
	if (fsync(outfd) != 0)
		rc = pa_error_set(PA_EIO, "%s: %s", rel, strerror(errno));
done:
	close(in);
	if (outfd >= 0 && close(outfd) != 0 && !rc)
		rc = pa_error_set(PA_EIO, "%s: %s", rel, strerror(errno));
	return rc;
}

/*
 * Copy the folders and regular files below src into dst (copy) or only
 * fsync every file and folder below src (!copy), so that a version the
 * store acknowledges has its files on disk. Links and special files are
 * never followed nor copied (the validator warned about them).
 */
static int walk_tree(int src, int dst, bool copy, pa_buf *rel, unsigned depth)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (depth > MAX_DIR_DEPTH) {
		close(src);
		return pa_error_set(PA_ELIMIT, "folders nested deeper than %d", MAX_DIR_DEPTH);
	}
	if (!(d = fdopendir(src))) {
		close(src);
		return pa_error_set(PA_EIO, "cannot read %s: %s", pa_buf_cstr(rel), strerror(errno));
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
			int sub_dst = -1;

			if (sub < 0) {
				rc = pa_error_set(PA_EIO, "%s: %s", rel->ptr, strerror(errno));
			} else if (copy && (mkdirat(dst, de->d_name, 0755) != 0 ||
					    (sub_dst = openat(dst, de->d_name, O_RDONLY | O_DIRECTORY |
							      O_NOFOLLOW | O_CLOEXEC)) < 0)) {
				rc = pa_error_set(PA_EIO, "%s: %s", rel->ptr, strerror(errno));
				close(sub);
			} else {
				rc = walk_tree(sub, sub_dst, copy, rel, depth + 1);
			}
			if (sub_dst >= 0) {
				if (!rc && fsync(sub_dst) != 0)
					rc = pa_error_set(PA_EIO, "%s: %s", rel->ptr, strerror(errno));
				close(sub_dst);
			}
		} else if (S_ISREG(st.st_mode)) {
			if (copy) {
				rc = copy_file(dirfd(d), dst, de->d_name, rel->ptr);
			} else {
				int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

				if (fd < 0 || fsync(fd) != 0)
					rc = pa_error_set(PA_EIO, "%s: %s", rel->ptr, strerror(errno));
				if (fd >= 0)
					close(fd);
			}
		}
		pa_buf_truncate(rel, keep);
	}
	if (!rc && !copy && fsync(dirfd(d)) != 0)
		rc = pa_error_set(PA_EIO, "%s: %s", rel->len ? rel->ptr : ".", strerror(errno));
	closedir(d);
	return rc;
}

static int open_dir(int *out, const char *path)
{
	*out = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return *out < 0 ? pa_error_set(PA_EIO, "%s: %s", path, strerror(errno)) : 0;
}

/* Put the package's files in staged (which must not exist) and flush them. */
static int stage(const char *staged, const char *path, const pa_config *cfg, pa_diag *diag)
{
	pa_buf rel = PA_BUF_INIT;
	int src = -1, dst = -1, rc;

	if (pa_fs_is_dir(path)) {
		if (mkdir(staged, 0755) != 0)
			return pa_error_set(PA_EIO, "cannot create %s: %s", staged, strerror(errno));
		if ((rc = open_dir(&src, path)) != 0 || (rc = open_dir(&dst, staged)) != 0)
			goto done;
		rc = walk_tree(src, dst, true, &rel, 0);
		src = -1; /* walk_tree closed it */
		if (!rc && fsync(dst) != 0)
			rc = pa_error_set(PA_EIO, "%s: %s", staged, strerror(errno));
	} else {
		pa_unzip_limits limits;

		pa_unzip_limits_from_config(&limits, cfg);
		if ((rc = pa_unzip_extract(staged, path, &limits, diag)) != 0)
			goto done;
		if ((rc = open_dir(&src, staged)) != 0)
			goto done;
		rc = walk_tree(src, -1, false, &rel, 0);
		src = -1;
	}
done:
	if (src >= 0)
		close(src);
	if (dst >= 0)
		close(dst);
	pa_buf_dispose(&rel);
	return rc;
}

static int sha256_hex(pa_buf *out, const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1)
		return pa_error_set(PA_ERROR, "SHA-256 failed");
	for (unsigned i = 0; i < n; i++)
		pa_buf_printf(out, "%02x", md[i]);
	return pa_buf_error(out);
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0 || fsync(fd) != 0)
		rc = pa_error_set(PA_EIO, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

typedef struct placing {
	const char *data_dir;
	const char *staged;
	pa_buf final;
} placing;

static int final_path(placing *p, int64_t package_id, int version)
{
	pa_buf rel = PA_BUF_INIT;
	int rc;

	pa_buf_clear(&p->final);
	if ((rc = pa_store_version_folder(&rel, package_id, version)) == 0)
		rc = pa_path_join(&p->final, p->data_dir, rel.ptr);
	pa_buf_dispose(&rel);
	return rc;
}

/* Inside the store's transaction: rename the staged folder into place. */
static int place(void *arg, int64_t package_id, int version)
{
	placing *p = arg;
	char *slash;
	int rc;

	if ((rc = final_path(p, package_id, version)) != 0)
		return rc;
	slash = strrchr(p->final.ptr, '/');
	*slash = '\0';
	rc = pa_fs_mkdirs(p->final.ptr);
	*slash = '/';
	if (rc)
		return rc;
	/* The store is the truth: a folder it does not know is a leftover of
	 * an import that crashed between its rename and its commit. */
	if (pa_fs_is_dir(p->final.ptr)) {
		pa_warn("import: removing %s, left by an interrupted import", p->final.ptr);
		if ((rc = pa_fs_remove_tree(p->final.ptr)) != 0)
			return rc;
	}
	if (rename(p->staged, p->final.ptr) != 0)
		return pa_error_set(PA_EIO, "cannot move the package to %s: %s", p->final.ptr, strerror(errno));
	*slash = '\0';
	rc = fsync_path(p->final.ptr);
	*slash = '/';
	return rc;
}

static void unplace(void *arg, int64_t package_id, int version)
{
	placing *p = arg;

	if (final_path(p, package_id, version) == 0 && rename(p->final.ptr, p->staged) != 0)
		pa_fs_remove_tree(p->final.ptr);
}

int pa_import_path(pa_store_version *out, pa_store *store, const char *data_dir,
		   const char *path, const pa_import_options *opts, pa_diag *diag)
{
	pa_validate_options vopts = { 0 };
	pa_buf tmp = PA_BUF_INIT, staged = PA_BUF_INIT, manifest = PA_BUF_INIT, mpath = PA_BUF_INIT;
	pa_buf tree = PA_BUF_INIT, hash = PA_BUF_INIT, ident = PA_BUF_INIT;
	pa_store_new_version in = { 0 };
	pa_store_placer placer = { place, unplace, NULL };
	placing p = { data_dir, NULL, PA_BUF_INIT };
	pa_scorm_version scorm = PA_SCORM_UNKNOWN;
	pa_config own;
	const pa_config *cfg = opts ? opts->config : NULL;
	json_t *parsed = NULL;
	const char *v;
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!cfg) {
		if ((rc = pa_config_init(&own)) != 0)
			return rc;
		cfg = &own;
	}
	vopts.config = cfg;
	vopts.schema_dir = opts ? opts->schema_dir : NULL;
	if ((rc = pa_validate_path(&scorm, path, &vopts, diag)) != 0)
		goto done;
	if (diag->errors) {
		rc = pa_error_set(PA_EINVALID, "%s: the package has %zu error%s; nothing imported",
				  opts && opts->display ? opts->display : path, diag->errors,
				  diag->errors == 1 ? "" : "s");
		goto done;
	}
	if ((rc = pa_import_tmpdir(&tmp, data_dir, "import")) != 0)
		goto done;
	if ((rc = pa_path_join(&staged, tmp.ptr, "package")) != 0 ||
	    (rc = stage(staged.ptr, path, cfg, diag)) != 0)
		goto done;
	if ((rc = pa_path_join(&mpath, staged.ptr, PA_MANIFEST)) != 0 ||
	    (rc = pa_fs_read(&manifest, mpath.ptr, (size_t)pa_config_size(cfg, PA_CFG_MAX_MANIFEST_BYTES))) != 0 ||
	    (rc = sha256_hex(&hash, pa_buf_cstr(&manifest), manifest.len)) != 0)
		goto done;
	if (scorm == PA_SCORM_12)
		v = "1.2";
	else if (scorm == PA_SCORM_2004_2ND)
		v = "2004 2nd Edition";
	else if (scorm == PA_SCORM_2004_3RD)
		v = "2004 3rd Edition";
	else if (scorm == PA_SCORM_2004_4TH)
		v = "2004 4th Edition";
	else
		v = "2004";
	if ((rc = pa_import_tree(&tree, pa_buf_cstr(&manifest), manifest.len, v, diag)) != 0)
		goto done;
	if (!(parsed = json_loads(tree.ptr, 0, NULL))) {
		rc = pa_error_set(PA_ERROR, "the activity tree does not read back");
		goto done;
	}
	/* A manifest without an identifier is still one package: name it by its hash. */
	if (json_string_value(json_object_get(parsed, "identifier")) &&
	    *json_string_value(json_object_get(parsed, "identifier")))
		pa_buf_puts(&ident, json_string_value(json_object_get(parsed, "identifier")));
	else
		pa_buf_printf(&ident, "sha256:%s", hash.ptr);
	if ((rc = pa_buf_error(&ident)) != 0)
		goto done;
	in.identifier = ident.ptr;
	in.title = json_string_value(json_object_get(parsed, "title"));
	in.scorm_version = v;
	in.manifest_sha256 = hash.ptr;
	in.tree_json = tree.ptr;
	p.staged = staged.ptr;
	placer.arg = &p;
	rc = pa_store_version_create(out, store, &in, &placer);
done:
	if (tmp.ptr)
		pa_fs_remove_tree(tmp.ptr);
	if (cfg == &own)
		pa_config_dispose(&own);
	json_decref(parsed);
	pa_buf_dispose(&p.final);
	pa_buf_dispose(&tmp);
	pa_buf_dispose(&staged);
	pa_buf_dispose(&manifest);
	pa_buf_dispose(&mpath);
	pa_buf_dispose(&tree);
	pa_buf_dispose(&hash);
	pa_buf_dispose(&ident);
	return rc;
}
