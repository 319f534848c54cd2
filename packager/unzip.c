#define _XOPEN_SOURCE 700
#include "packager/unzip.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "common/fs.h"
#include "common/util.h"

#define CHUNK_SIZE ((size_t)64 * 1024)
#define NAME_MAX_BYTES 255

typedef struct entry {
	char *name;          /* normalised, no trailing '/' */
	zip_uint64_t index;  /* in the archive */
	uint64_t size;       /* declared */
	uint64_t comp_size;  /* declared */
	bool is_dir;
} entry;

struct pa_zip {
	zip_t *za;
	char *display;
	pa_unzip_limits limits;
	uint64_t package_bytes;
	entry *entries;
	size_t count;
	size_t *sorted;      /* entry indexes sorted by name, for lookups */
	unsigned char *chunk;
	uint64_t inflated;   /* bytes inflated by the current verify or extract */
};

void pa_unzip_limits_from_config(pa_unzip_limits *out, const pa_config *cfg)
{
	out->max_package_bytes = pa_config_size(cfg, PA_CFG_MAX_PACKAGE_BYTES);
	out->max_uncompressed_bytes = pa_config_size(cfg, PA_CFG_MAX_UNCOMPRESSED_BYTES);
	out->max_entries = (uint64_t)pa_config_int(cfg, PA_CFG_MAX_ENTRIES);
	out->max_ratio = pa_config_double(cfg, PA_CFG_MAX_RATIO);
	out->max_path_length = (size_t)pa_config_int(cfg, PA_CFG_MAX_PATH_LENGTH);
}

void pa_zip_free(pa_zip *zip)
{
	if (!zip)
		return;
	if (zip->za)
		zip_discard(zip->za);
	for (size_t i = 0; i < zip->count; i++)
		free(zip->entries[i].name);
	free(zip->entries);
	free(zip->sorted);
	free(zip->chunk);
	free(zip->display);
	free(zip);
}

/* Record a problem of the archive in diag (if any) and as the last error. */
static int PA_PRINTF(4, 5) fail(pa_zip *zip, pa_diag *diag, int code, const char *fmt, ...)
{
	pa_buf msg = PA_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pa_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (diag)
		pa_diag_add(diag, PA_DIAG_ERROR, zip->display, 0, 0, "%s", pa_buf_cstr(&msg));
	pa_error_set(code, "%s: %s", zip->display, pa_buf_cstr(&msg));
	pa_buf_dispose(&msg);
	return code;
}

/*
 * Why a raw entry name is refused, or NULL if it may be used. Checked on
 * the bytes stored in the archive, before any normalisation.
 */
static const char *name_problem(const char *raw, size_t max_len)
{
	size_t len = strlen(raw), bad;
	const char *p;

	if (len == 0)
		return "has an empty name";
	if (len > max_len)
		return "has a name longer than max_path_length";
	if (!pa_utf8_valid(raw, len, &bad))
		return "has a name that is not valid UTF-8";
	for (p = raw; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "has a control character in its name";
	}
	if (strchr(raw, '\\'))
		return "has a backslash in its name (a Windows path)";
	if (raw[0] == '/')
		return "has an absolute path";
	if (((raw[0] | 0x20) >= 'a' && (raw[0] | 0x20) <= 'z') && raw[1] == ':')
		return "has a drive letter";
	for (p = raw; *p; ) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return "climbs out of its folder with '..'";
		if (n > NAME_MAX_BYTES)
			return "has a name part longer than 255 bytes";
		p += n;
		if (*p == '/')
			p++;
	}
	return NULL;
}

/* Why the Unix type in the external attributes is refused, or NULL. */
static const char *type_problem(zip_t *za, zip_uint64_t index, bool *is_dir)
{
	zip_uint8_t opsys;
	zip_uint32_t attr;
	mode_t mode;

	if (zip_file_get_external_attributes(za, index, 0, &opsys, &attr) != 0 || opsys != ZIP_OPSYS_UNIX)
		return NULL;
	mode = (mode_t)(attr >> 16);
	switch (mode & S_IFMT) {
	case 0:
	case S_IFREG:
		return NULL;
	case S_IFDIR:
		*is_dir = true;
		return NULL;
	case S_IFLNK:
		return "is a symbolic link";
	default:
		return "is a device, pipe or socket";
	}
}

static const pa_zip *sort_zip; /* qsort has no context argument */

static int by_name(const void *a, const void *b)
{
	const entry *x = &sort_zip->entries[*(const size_t *)a];
	const entry *y = &sort_zip->entries[*(const size_t *)b];

	return strcmp(x->name, y->name);
}

static int check_entries(pa_zip *zip, pa_diag *diag)
{
	zip_int64_t n = zip_get_num_entries(zip->za, 0);
	pa_buf first = PA_BUF_INIT;
	uint64_t declared = 0;
	size_t bad = 0;
	int rc = 0;

	if (n < 0)
		return fail(zip, diag, PA_EZIP, "cannot list the entries");
	if ((uint64_t)n > zip->limits.max_entries)
		return fail(zip, diag, PA_ELIMIT, "has %lld entries, over the limit of %llu (max_entries)",
			    (long long)n, (unsigned long long)zip->limits.max_entries);
	if (n && !(zip->entries = calloc((size_t)n, sizeof(*zip->entries))))
		return pa_error_set(PA_ENOMEM, "out of memory listing %s", zip->display);
	for (zip_uint64_t i = 0; i < (zip_uint64_t)n; i++) {
		const char *raw = zip_get_name(zip->za, i, ZIP_FL_ENC_RAW);
		const char *why = NULL;
		pa_buf norm = PA_BUF_INIT;
		entry *e = &zip->entries[zip->count];
		zip_stat_t st;
		bool is_dir = false;

		if (!raw || zip_stat_index(zip->za, i, ZIP_FL_ENC_RAW, &st) != 0) {
			rc = fail(zip, diag, PA_EZIP, "entry %llu: %s", (unsigned long long)i,
				  zip_strerror(zip->za));
			goto done;
		}
		if (!(why = name_problem(raw, zip->limits.max_path_length))) {
			why = type_problem(zip->za, i, &is_dir);
			if (raw[strlen(raw) - 1] == '/')
				is_dir = true;
		}
		if (!why && (st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
			why = "is encrypted";
		if (!why && !is_dir && (st.valid & ZIP_STAT_COMP_METHOD) &&
		    !zip_compression_method_supported(st.comp_method, 0))
			why = "uses an unsupported compression method";
		if (!why && pa_path_normalize(&norm, raw) != 0)
			why = "names no file";
		if (why) {
			/* The name may be hostile: show it escaped, never raw. */
			pa_buf shown = PA_BUF_INIT;

			pa_buf_put_json(&shown, raw);
			if (!bad++)
				pa_buf_printf(&first, "entry %s %s", pa_buf_cstr(&shown), why);
			if (diag)
				pa_diag_add(diag, PA_DIAG_ERROR, zip->display, 0, 0, "entry %s %s",
					    pa_buf_cstr(&shown), why);
			pa_buf_dispose(&shown);
			pa_buf_dispose(&norm);
			continue;
		}
		e->name = pa_buf_detach(&norm);
		pa_buf_dispose(&norm);
		if (!e->name) {
			rc = PA_ENOMEM;
			goto done;
		}
		e->index = i;
		e->is_dir = is_dir;
		e->size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
		e->comp_size = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
		zip->count++;
		/* Declared sizes are checked only to fail early; inflation counts again. */
		if (__builtin_add_overflow(declared, e->size, &declared) ||
		    declared > zip->limits.max_uncompressed_bytes) {
			rc = fail(zip, diag, PA_ELIMIT, "declares more than %llu bytes of files "
				  "(max_uncompressed_bytes): a zip bomb?",
				  (unsigned long long)zip->limits.max_uncompressed_bytes);
			goto done;
		}
		if (e->size > PA_UNZIP_RATIO_FLOOR &&
		    (double)e->size > (double)(e->comp_size ? e->comp_size : 1) * zip->limits.max_ratio) {
			pa_buf shown = PA_BUF_INIT;

			pa_buf_put_json(&shown, e->name);
			rc = fail(zip, diag, PA_ELIMIT, "entry %s declares a compression ratio over %g "
				  "(max_ratio): a zip bomb?", pa_buf_cstr(&shown), zip->limits.max_ratio);
			pa_buf_dispose(&shown);
			goto done;
		}
	}
	if (bad) {
		rc = bad > 1 ? pa_error_set(PA_EUNSAFE, "%s: %zu unsafe entries, the first: %s",
					    zip->display, bad, pa_buf_cstr(&first))
			     : pa_error_set(PA_EUNSAFE, "%s: %s", zip->display, pa_buf_cstr(&first));
		goto done;
	}
	/* Sorted names find duplicates (after normalisation) and serve lookups. */
	if (zip->count && !(zip->sorted = calloc(zip->count, sizeof(*zip->sorted)))) {
		rc = pa_error_set(PA_ENOMEM, "out of memory listing %s", zip->display);
		goto done;
	}
	for (size_t i = 0; i < zip->count; i++)
		zip->sorted[i] = i;
	sort_zip = zip;
	qsort(zip->sorted, zip->count, sizeof(*zip->sorted), by_name);
	sort_zip = NULL;
	for (size_t i = 1; i < zip->count; i++) {
		const entry *a = &zip->entries[zip->sorted[i - 1]], *b = &zip->entries[zip->sorted[i]];

		if (strcmp(a->name, b->name) == 0 && !(a->is_dir && b->is_dir)) {
			pa_buf shown = PA_BUF_INIT;

			pa_buf_put_json(&shown, b->name);
			rc = fail(zip, diag, PA_EUNSAFE, "entry %s appears twice", pa_buf_cstr(&shown));
			pa_buf_dispose(&shown);
			goto done;
		}
	}
done:
	pa_buf_dispose(&first);
	return rc;
}

static int open_source(pa_zip **out, zip_source_t *src, uint64_t package_bytes, const char *display,
		       const pa_unzip_limits *limits, pa_diag *diag)
{
	pa_zip *zip = calloc(1, sizeof(*zip));
	zip_error_t err;
	int rc = 0;

	*out = NULL;
	zip_error_init(&err);
	if (!zip || !(zip->display = pa_strdup(display)) || !(zip->chunk = malloc(CHUNK_SIZE))) {
		rc = pa_error_set(PA_ENOMEM, "out of memory opening %s", display);
		zip_source_free(src);
		goto done;
	}
	zip->limits = *limits;
	zip->package_bytes = package_bytes;
	if (package_bytes > limits->max_package_bytes) {
		rc = fail(zip, diag, PA_ELIMIT, "is %llu bytes, over the limit of %llu (max_package_bytes)",
			  (unsigned long long)package_bytes, (unsigned long long)limits->max_package_bytes);
		zip_source_free(src);
		goto done;
	}
	zip->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
	if (!zip->za && zip_error_code_zip(&err) == ZIP_ER_INCONS) {
		/* Some real tools write local headers that differ from the
		 * central directory; LMSs accept them. Names come from the
		 * central directory and every byte is counted and CRC-checked. */
		zip_error_fini(&err);
		zip_error_init(&err);
		zip->za = zip_open_from_source(src, ZIP_RDONLY, &err);
		if (zip->za && diag)
			pa_diag_add(diag, PA_DIAG_WARNING, zip->display, 0, 0,
				    "the zip's local headers disagree with its central directory");
	}
	if (!zip->za)
		zip_source_free(src); /* an archive that opened owns the source */
	if (!zip->za) {
		int code = zip_error_code_zip(&err);

		rc = fail(zip, diag, PA_EZIP, "%s",
			  code == ZIP_ER_NOZIP ? "not a zip archive, or truncated (no central directory)" :
			  code == ZIP_ER_INCONS ? "the zip archive is corrupt (inconsistent headers)" :
			  zip_error_strerror(&err));
		goto done;
	}
	rc = check_entries(zip, diag);
done:
	zip_error_fini(&err);
	if (rc)
		pa_zip_free(zip);
	else
		*out = zip;
	return rc;
}

int pa_zip_open(pa_zip **out, const char *path, const char *display,
		const pa_unzip_limits *limits, pa_diag *diag)
{
	zip_source_t *src;
	zip_error_t err;
	uint64_t size;
	int rc;

	*out = NULL;
	if (!display)
		display = path;
	if (!pa_fs_is_file(path))
		return pa_error_set(PA_ENOTFOUND, "%s: no such file", path);
	if ((rc = pa_fs_size(&size, path)) != 0)
		return rc;
	zip_error_init(&err);
	src = zip_source_file_create(path, 0, -1, &err);
	if (!src) {
		rc = pa_error_set(PA_EIO, "%s: %s", display, zip_error_strerror(&err));
		zip_error_fini(&err);
		return rc;
	}
	zip_error_fini(&err);
	return open_source(out, src, size, display, limits, diag);
}

int pa_zip_open_buffer(pa_zip **out, const void *data, size_t len, const char *display,
		       const pa_unzip_limits *limits, pa_diag *diag)
{
	zip_source_t *src;
	zip_error_t err;

	*out = NULL;
	zip_error_init(&err);
	src = zip_source_buffer_create(data, len, 0, &err);
	zip_error_fini(&err);
	if (!src)
		return pa_error_set(PA_ENOMEM, "out of memory opening %s", display);
	return open_source(out, src, len, display, limits, diag);
}

size_t pa_zip_count(const pa_zip *zip)
{
	return zip->count;
}

const char *pa_zip_name(const pa_zip *zip, size_t i)
{
	return zip->entries[i].name;
}

bool pa_zip_is_dir(const pa_zip *zip, size_t i)
{
	return zip->entries[i].is_dir;
}

int pa_zip_find(size_t *out, const pa_zip *zip, const char *name)
{
	size_t lo = 0, hi = zip->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const entry *e = &zip->entries[zip->sorted[mid]];
		int c = strcmp(e->name, name);

		if (c == 0) {
			/* A file and a folder may share a name only if the archive
			 * lists the folder twice; prefer the file. */
			if (e->is_dir)
				break;
			*out = zip->sorted[mid];
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return pa_error_set(PA_ENOTFOUND, "%s: no file '%s'", zip->display, name);
}

typedef int (*sink_fn)(void *ctx, const void *data, size_t len);

/*
 * Inflate entry i through sink, chunk by chunk, counting every inflated
 * byte against the limits. zip->inflated accumulates over one operation.
 */
static int inflate_entry(pa_zip *zip, size_t i, uint64_t max, sink_fn sink, void *ctx)
{
	const entry *e = &zip->entries[i];
	const pa_unzip_limits *lim = &zip->limits;
	uint64_t got = 0;
	zip_file_t *f;
	int rc = 0;

	if (!(f = zip_fopen_index(zip->za, e->index, 0)))
		return pa_error_set(PA_EZIP, "%s: %s: %s", zip->display, e->name, zip_strerror(zip->za));
	for (;;) {
		zip_int64_t n = zip_fread(f, zip->chunk, CHUNK_SIZE);

		if (n < 0) {
			zip_error_t *err = zip_file_get_error(f);

			rc = pa_error_set(PA_EZIP, "%s: %s: %s", zip->display, e->name,
					  zip_error_code_zip(err) == ZIP_ER_CRC ? "corrupt data (CRC mismatch)" :
					  zip_error_strerror(err));
			goto done;
		}
		if (n == 0)
			break;
		got += (uint64_t)n;
		zip->inflated += (uint64_t)n;
		if (got > max) {
			rc = pa_error_set(PA_ELIMIT, "%s: %s is larger than %llu bytes", zip->display,
					  e->name, (unsigned long long)max);
			goto done;
		}
		if (zip->inflated > lim->max_uncompressed_bytes) {
			rc = pa_error_set(PA_ELIMIT, "%s: inflates to more than %llu bytes "
					  "(max_uncompressed_bytes): a zip bomb?", zip->display,
					  (unsigned long long)lim->max_uncompressed_bytes);
			goto done;
		}
		if (got > PA_UNZIP_RATIO_FLOOR &&
		    (double)got > (double)(e->comp_size ? e->comp_size : 1) * lim->max_ratio) {
			rc = pa_error_set(PA_ELIMIT, "%s: %s inflates over %g times its compressed size "
					  "(max_ratio): a zip bomb?", zip->display, e->name, lim->max_ratio);
			goto done;
		}
		if (zip->inflated > PA_UNZIP_RATIO_FLOOR &&
		    (double)zip->inflated > (double)(zip->package_bytes ? zip->package_bytes : 1) * lim->max_ratio) {
			rc = pa_error_set(PA_ELIMIT, "%s: inflates over %g times its size (max_ratio): "
					  "a zip bomb?", zip->display, lim->max_ratio);
			goto done;
		}
		if (sink && (rc = sink(ctx, zip->chunk, (size_t)n)) != 0)
			goto done;
	}
done:
	zip_fclose(f);
	return rc;
}

static int sink_buf(void *ctx, const void *data, size_t len)
{
	return pa_buf_put(ctx, data, len);
}

int pa_zip_read(pa_buf *out, pa_zip *zip, size_t i, size_t max)
{
	if (i >= zip->count || zip->entries[i].is_dir)
		return pa_error_set(PA_EINVAL, "%s: entry %zu is not a file", zip->display, i);
	zip->inflated = 0;
	return inflate_entry(zip, i, max, sink_buf, out);
}

int pa_zip_verify(pa_zip *zip)
{
	int rc = 0;

	zip->inflated = 0;
	for (size_t i = 0; i < zip->count && !rc; i++) {
		if (!zip->entries[i].is_dir)
			rc = inflate_entry(zip, i, UINT64_MAX, NULL, NULL);
	}
	return rc;
}

/* --- extraction --- */

static int write_all(void *ctx, const void *data, size_t len)
{
	int fd = *(int *)ctx;
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pa_error_set(PA_EIO, "write failed: %s", strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Open (creating if needed) the folder rel below dirfd, one component at a
 * time, never following a link. Returns a new descriptor or -1.
 */
static int open_folder(int dirfd, const char *rel, size_t len)
{
	int fd = dup(dirfd);
	const char *p = rel, *end = rel + len;

	while (fd >= 0 && p < end) {
		size_t n = strcspn(p, "/");
		char part[NAME_MAX_BYTES + 1];
		int next;

		if (n > (size_t)(end - p))
			n = (size_t)(end - p);
		memcpy(part, p, n);
		part[n] = '\0';
		if (mkdirat(fd, part, 0755) != 0 && errno != EEXIST) {
			close(fd);
			return -1;
		}
		next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
		p += n;
		if (p < end && *p == '/')
			p++;
	}
	return fd;
}

static int extract_entry(pa_zip *zip, int dirfd, size_t i)
{
	const entry *e = &zip->entries[i];
	const char *slash = strrchr(e->name, '/');
	int parent = -1, fd = -1, rc = 0;

	if (e->is_dir) {
		parent = open_folder(dirfd, e->name, strlen(e->name));
		if (parent < 0)
			rc = pa_error_set(PA_EIO, "%s: cannot create folder %s: %s", zip->display,
					  e->name, strerror(errno));
		goto done;
	}
	parent = open_folder(dirfd, e->name, slash ? (size_t)(slash - e->name) : 0);
	if (parent < 0) {
		rc = pa_error_set(PA_EIO, "%s: cannot create the folder of %s: %s", zip->display,
				  e->name, strerror(errno));
		goto done;
	}
	fd = openat(parent, slash ? slash + 1 : e->name,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = pa_error_set(errno == EEXIST ? PA_EUNSAFE : PA_EIO, "%s: cannot create %s: %s",
				  zip->display, e->name, strerror(errno));
		goto done;
	}
	if ((rc = inflate_entry(zip, i, UINT64_MAX, write_all, &fd)) != 0)
		goto done;
	if (close(fd) != 0) {
		fd = -1;
		rc = pa_error_set(PA_EIO, "%s: writing %s: %s", zip->display, e->name, strerror(errno));
		goto done;
	}
	fd = -1;
done:
	if (fd >= 0)
		close(fd);
	if (parent >= 0)
		close(parent);
	return rc;
}

static int remove_child(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag;
	return ftw->level == 0 ? 0 : remove(path);
}

static int empty_folder(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int empty = 1;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = 0;
			break;
		}
	}
	closedir(d);
	return empty;
}

int pa_zip_extract(pa_zip *zip, const char *dest)
{
	bool created = false;
	int dirfd = -1, rc = 0;

	if (mkdir(dest, 0755) == 0) {
		created = true;
	} else if (errno != EEXIST) {
		return pa_error_set(PA_EIO, "cannot create %s: %s", dest, strerror(errno));
	} else if (!pa_fs_is_dir(dest) || !empty_folder(dest)) {
		return pa_error_set(PA_EEXISTS, "%s exists and is not an empty folder", dest);
	}
	dirfd = open(dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0) {
		rc = pa_error_set(PA_EIO, "cannot open %s: %s", dest, strerror(errno));
		goto done;
	}
	zip->inflated = 0;
	for (size_t i = 0; i < zip->count && !rc; i++)
		rc = extract_entry(zip, dirfd, i);
done:
	if (dirfd >= 0)
		close(dirfd);
	if (rc) {
		int saved = pa_error_last_code();
		pa_buf msg = PA_BUF_INIT;

		/* Keep the message of the failure, not of the clean-up. */
		pa_buf_puts(&msg, pa_error_last());
		if (created)
			pa_fs_remove_tree(dest);
		else
			nftw(dest, remove_child, 32, FTW_DEPTH | FTW_PHYS);
		pa_error_set(saved, "%s", pa_buf_cstr(&msg));
		pa_buf_dispose(&msg);
	}
	return rc;
}

int pa_unzip_extract(const char *dest, const char *zip_path,
		     const pa_unzip_limits *limits, pa_diag *diag)
{
	pa_zip *zip = NULL;
	int rc;

	if ((rc = pa_zip_open(&zip, zip_path, NULL, limits, diag)) != 0)
		goto done;
	if ((rc = pa_zip_extract(zip, dest)) != 0 && diag) {
		const char *msg = pa_error_last();

		if (pa_str_startswith(msg, zip_path) && pa_str_startswith(msg + strlen(zip_path), ": "))
			msg += strlen(zip_path) + 2;
		pa_diag_add(diag, PA_DIAG_ERROR, zip_path, 0, 0, "%s", msg);
	}
done:
	pa_zip_free(zip);
	return rc;
}
