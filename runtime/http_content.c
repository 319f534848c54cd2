/*
 * Package content: /content/<package>/<version>/<path>, served from the
 * version's folder. The path MHD hands us is already percent-decoded, so
 * "%2e%2e" arrives as ".." and is refused like any climb; files are opened
 * without following a final link. Versions never change once imported, so
 * an ETag made of the version, size and modification time is strong.
 */
#include "runtime/http.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"

static const struct {
	const char *ext;
	const char *type;
} mime_types[] = {
	{ "html", "text/html" }, { "htm", "text/html" }, { "xhtml", "application/xhtml+xml" },
	{ "js", "text/javascript" }, { "mjs", "text/javascript" }, { "css", "text/css" },
	{ "json", "application/json" }, { "map", "application/json" }, { "xml", "application/xml" },
	{ "xsd", "application/xml" }, { "dtd", "application/xml-dtd" }, { "txt", "text/plain" },
	{ "csv", "text/csv" }, { "vtt", "text/vtt" }, { "srt", "text/plain" },
	{ "svg", "image/svg+xml" }, { "png", "image/png" }, { "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" }, { "gif", "image/gif" }, { "webp", "image/webp" },
	{ "avif", "image/avif" }, { "ico", "image/x-icon" }, { "bmp", "image/bmp" },
	{ "mp4", "video/mp4" }, { "m4v", "video/mp4" }, { "webm", "video/webm" }, { "ogv", "video/ogg" },
	{ "mov", "video/quicktime" }, { "mp3", "audio/mpeg" }, { "m4a", "audio/mp4" },
	{ "aac", "audio/aac" }, { "oga", "audio/ogg" }, { "ogg", "audio/ogg" }, { "wav", "audio/wav" },
	{ "flac", "audio/flac" }, { "woff", "font/woff" }, { "woff2", "font/woff2" },
	{ "ttf", "font/ttf" }, { "otf", "font/otf" }, { "eot", "application/vnd.ms-fontobject" },
	{ "pdf", "application/pdf" }, { "swf", "application/x-shockwave-flash" },
	{ "wasm", "application/wasm" }, { "zip", "application/zip" },
	{ "doc", "application/msword" },
	{ "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
	{ "ppt", "application/vnd.ms-powerpoint" },
	{ "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
	{ "xls", "application/vnd.ms-excel" },
	{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
};

const char *pa_http_mime(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *dot = strrchr(slash ? slash : name, '.');

	if (dot) {
		for (size_t i = 0; i < PA_ARRAY_SIZE(mime_types); i++) {
			if (strcasecmp(dot + 1, mime_types[i].ext) == 0)
				return mime_types[i].type;
		}
	}
	return "application/octet-stream";
}

/* Digits only, no sign, no overflow. */
static bool read_u64(uint64_t *out, const char **p)
{
	uint64_t v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	*p = s;
	return true;
}

pa_http_range_kind pa_http_range(uint64_t *start, uint64_t *len, const char *header, uint64_t size)
{
	const char *p = header;
	uint64_t first, last;

	if (!p || strncasecmp(p, "bytes=", 6) != 0)
		return PA_RANGE_NONE;
	p += 6;
	while (*p == ' ')
		p++;
	if (strchr(p, ','))
		return PA_RANGE_NONE; /* several ranges: the whole file is a valid answer */
	if (*p == '-') {
		/* The last n bytes. */
		p++;
		if (!read_u64(&last, &p) || *p)
			return PA_RANGE_NONE;
		if (last == 0 || size == 0)
			return PA_RANGE_UNSATISFIABLE;
		*len = last < size ? last : size;
		*start = size - *len;
		return PA_RANGE_PARTIAL;
	}
	if (!read_u64(&first, &p) || *p != '-')
		return PA_RANGE_NONE;
	p++;
	if (!*p) {
		last = size ? size - 1 : 0;
	} else if (!read_u64(&last, &p) || *p || last < first) {
		return PA_RANGE_NONE;
	}
	if (first >= size)
		return PA_RANGE_UNSATISFIABLE;
	if (last >= size)
		last = size - 1;
	*start = first;
	*len = last - first + 1;
	return PA_RANGE_PARTIAL;
}

bool pa_http_etag_match(const char *header, const char *etag)
{
	const char *p = header;
	const char *want = pa_str_startswith(etag, "W/") ? etag + 2 : etag;
	size_t wlen = strlen(want);

	if (!p)
		return false;
	while (*p) {
		const char *start, *end;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		start = p;
		end = p + strcspn(p, ",");
		p = end;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end - start == 1 && *start == '*')
			return true;
		if (end - start > 2 && start[0] == 'W' && start[1] == '/')
			start += 2;
		if ((size_t)(end - start) == wlen && memcmp(start, want, wlen) == 0)
			return true;
	}
	return false;
}

static const char *header(pa_http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* Headers every content answer carries, 304 included. */
static void add_cache_headers(struct MHD_Response *resp, const pa_http_content_settings *s, const char *etag)
{
	char cache[64];

	snprintf(cache, sizeof(cache), "private, max-age=%lld", (long long)s->max_age);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
}

static enum MHD_Result not_found(pa_http_request *r)
{
	return pa_http_error(r, MHD_HTTP_NOT_FOUND, "no such file");
}

enum MHD_Result pa_http_content(pa_http_request *r, const pa_http_content_settings *s, const char *rest)
{
	pa_buf rel = PA_BUF_INIT, path = PA_BUF_INIT, num = PA_BUF_INIT;
	pa_store_version v = { 0 };
	struct MHD_Response *resp = NULL;
	const char *slash, *range_header, *if_range;
	uint64_t start = 0, len;
	int64_t package_id, version;
	pa_http_range_kind kind;
	char etag[96], content_range[96];
	struct stat st;
	enum MHD_Result ret;
	int fd = -1;

	/* <package>/<version>/<path> */
	if (!(slash = strchr(rest, '/')) || pa_buf_put(&num, rest, (size_t)(slash - rest)) != 0 ||
	    pa_parse_int64(&package_id, pa_buf_cstr(&num), 1, INT64_MAX) != 0) {
		ret = not_found(r);
		goto done;
	}
	rest = slash + 1;
	pa_buf_clear(&num);
	if (!(slash = strchr(rest, '/')) || pa_buf_put(&num, rest, (size_t)(slash - rest)) != 0 ||
	    pa_parse_int64(&version, pa_buf_cstr(&num), 1, INT32_MAX) != 0) {
		ret = not_found(r);
		goto done;
	}
	rest = slash + 1;
	/* Inside the version folder, or nothing. */
	if (!*rest || pa_path_normalize(&rel, rest) != 0) {
		ret = not_found(r);
		goto done;
	}
	if (pa_store_version_find(&v, s->store, package_id, (int)version) != 0) {
		if (pa_error_last_code() != PA_ENOTFOUND)
			pa_err("content: %s", pa_error_last());
		ret = pa_error_last_code() == PA_ENOTFOUND ? not_found(r)
			: pa_http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "the store is not answering");
		goto done;
	}
	pa_path_join(&path, s->data_dir, v.folder);
	pa_buf_putc(&path, '/');
	pa_buf_puts(&path, rel.ptr);
	if (pa_buf_error(&path)) {
		ret = not_found(r);
		goto done;
	}
	fd = open(path.ptr, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		ret = not_found(r);
		goto done;
	}
	snprintf(etag, sizeof(etag), "\"%llx-%llx-%llx\"", (unsigned long long)v.id,
		 (unsigned long long)st.st_size, (unsigned long long)st.st_mtime);

	if (pa_http_etag_match(header(r, MHD_HTTP_HEADER_IF_NONE_MATCH), etag)) {
		if (!(resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT))) {
			ret = pa_http_queue(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, 0);
			goto done;
		}
		add_cache_headers(resp, s, etag);
		ret = pa_http_queue(r, MHD_HTTP_NOT_MODIFIED, resp, 0);
		goto done;
	}

	len = (uint64_t)st.st_size;
	range_header = header(r, MHD_HTTP_HEADER_RANGE);
	if_range = header(r, MHD_HTTP_HEADER_IF_RANGE);
	kind = pa_http_range(&start, &len, range_header, (uint64_t)st.st_size);
	/* If-Range: a range of the version the client has, or the whole file. */
	if (kind != PA_RANGE_NONE && if_range && !pa_http_etag_match(if_range, etag)) {
		kind = PA_RANGE_NONE;
		start = 0;
		len = (uint64_t)st.st_size;
	}
	if (kind == PA_RANGE_UNSATISFIABLE) {
		pa_buf body = PA_BUF_INIT;

		pa_buf_puts(&body, "{\"error\":\"range not satisfiable\"}");
		resp = pa_http_body("application/json", &body);
		pa_buf_dispose(&body);
		if (resp) {
			snprintf(content_range, sizeof(content_range), "bytes */%llu", (unsigned long long)st.st_size);
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, content_range);
		}
		ret = pa_http_queue(r, MHD_HTTP_RANGE_NOT_SATISFIABLE, resp, 0);
		goto done;
	}
	/* MHD owns the descriptor from here and closes it. */
	if (!(resp = MHD_create_response_from_fd_at_offset64(len, fd, start))) {
		ret = pa_http_queue(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, 0);
		goto done;
	}
	fd = -1;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, pa_http_mime(rel.ptr));
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	MHD_add_response_header(resp, "Content-Security-Policy", s->csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	add_cache_headers(resp, s, etag);
	if (kind == PA_RANGE_PARTIAL) {
		snprintf(content_range, sizeof(content_range), "bytes %llu-%llu/%llu", (unsigned long long)start,
			 (unsigned long long)(start + len - 1), (unsigned long long)st.st_size);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, content_range);
		ret = pa_http_queue(r, MHD_HTTP_PARTIAL_CONTENT, resp, len);
	} else {
		ret = pa_http_queue(r, MHD_HTTP_OK, resp, len);
	}
done:
	if (fd >= 0)
		close(fd);
	pa_store_version_dispose(&v);
	pa_buf_dispose(&rel);
	pa_buf_dispose(&path);
	pa_buf_dispose(&num);
	return ret;
}
