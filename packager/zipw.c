#include "packager/zipw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/util.h"

#define DEFAULT_LEVEL 6
#define DOS_EPOCH 315532800        /* 1980-01-01T00:00:00Z */
#define DOS_LAST 4354819198LL      /* 2107-12-31T23:59:58Z */

typedef struct entry {
	char *name;
	char *path;          /* file entries: read at close */
	unsigned char *data; /* byte entries: our copy */
	uint64_t size;
	/* reading state, used by the libzip source callback */
	struct pa_zipw *w;
	int fd;
	uint64_t pos;
	zip_error_t error;
} entry;

struct pa_zipw {
	char *path;
	char *tmp;           /* FILE.tmp-XXXXXX while not closed */
	zip_t *za;
	entry *entries;
	size_t count;
	uint64_t total, done;
	uint16_t dos_time, dos_date;
	int level;
	pa_zipw_progress_fn progress;
	void *progress_ctx;
	const char *failed;  /* entry whose source failed, for the message */
};

/* What deflate cannot shrink: stored as is, which is also much faster. */
static const char *const compressed_ext[] = {
	".jpg", ".jpeg", ".png", ".gif", ".webp", ".mp4", ".m4v", ".m4a", ".webm",
	".mp3", ".ogg", ".oga", ".ogv", ".opus", ".woff", ".woff2", ".zip", ".pdf",
	".gz", ".bz2", ".xz", ".7z", ".docx", ".xlsx", ".pptx", ".odt", ".epub",
};

bool pa_zipw_is_compressed(const char *name)
{
	for (size_t i = 0; i < PA_ARRAY_SIZE(compressed_ext); i++) {
		if (pa_str_endswith_nocase(name, compressed_ext[i]))
			return true;
	}
	return false;
}

void pa_zipw_set_mtime(pa_zipw *w, int64_t t)
{
	struct tm tm;
	time_t tt;

	if (t < DOS_EPOCH)
		t = DOS_EPOCH;
	if (t > DOS_LAST)
		t = DOS_LAST;
	tt = (time_t)t;
	/* UTC, so that the bytes do not depend on the packer's time zone. */
	gmtime_r(&tt, &tm);
	w->dos_time = (uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
	w->dos_date = (uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
}

void pa_zipw_set_level(pa_zipw *w, int level)
{
	w->level = level < 1 ? 1 : level > 9 ? 9 : level;
}

void pa_zipw_set_progress(pa_zipw *w, pa_zipw_progress_fn fn, void *ctx)
{
	w->progress = fn;
	w->progress_ctx = ctx;
}

size_t pa_zipw_count(const pa_zipw *w)
{
	return w->count;
}

uint64_t pa_zipw_total(const pa_zipw *w)
{
	return w->total;
}

int pa_zipw_new(pa_zipw **out, const char *path)
{
	pa_zipw *w = NULL;
	pa_buf tmp = PA_BUF_INIT;
	int fd, error = 0;

	*out = NULL;
	if (!(w = calloc(1, sizeof(*w)))) {
		error = pa_error_set(PA_ENOMEM, "out of memory");
		goto done;
	}
	w->level = DEFAULT_LEVEL;
	pa_zipw_set_mtime(w, DOS_EPOCH);
	if (!(w->path = pa_strdup(path))) {
		error = PA_ENOMEM;
		goto done;
	}
	if (pa_buf_printf(&tmp, "%s.tmp-XXXXXX", path) != 0) {
		error = pa_buf_error(&tmp);
		goto done;
	}
	if ((fd = mkstemp(tmp.ptr)) < 0) {
		error = pa_error_set(PA_EIO, "cannot create %s: %s", tmp.ptr, strerror(errno));
		goto done;
	}
	close(fd);
	w->tmp = pa_buf_detach(&tmp);
	if (!w->tmp) {
		error = pa_error_set(PA_ENOMEM, "out of memory");
		goto done;
	}
	/* Truncate: libzip never reads the empty file mkstemp made. */
	if (!(w->za = zip_open(w->tmp, ZIP_CREATE | ZIP_TRUNCATE, &(int){ 0 }))) {
		error = pa_error_set(PA_EZIP, "cannot start the archive %s", w->tmp);
		goto done;
	}
	*out = w;
	w = NULL;
done:
	if (w && w->tmp && !w->za)
		unlink(w->tmp);
	pa_zipw_free(w);
	pa_buf_dispose(&tmp);
	return error;
}

static int check_name(const char *name)
{
	pa_buf norm = PA_BUF_INIT;
	int error = 0;

	if (!*name || pa_str_endswith(name, "/") ||
	    pa_path_normalize(&norm, name) != 0 || strcmp(norm.ptr, name) != 0)
		error = pa_error_set(PA_EUNSAFE, "'%s' is not a valid name in a zip archive", name);
	pa_buf_dispose(&norm);
	return error;
}

static entry *push_entry(pa_zipw *w, const char *name, uint64_t size)
{
	entry *e;
	char *copy;

	if (!(copy = pa_strdup(name)))
		return NULL;
	if (!(e = pa_array_push(&w->entries, &w->count, sizeof(entry)))) {
		free(copy);
		return NULL;
	}
	e->name = copy;
	e->size = size;
	e->fd = -1;
	e->w = w;
	w->total += size;
	return e;
}

int pa_zipw_add_file(pa_zipw *w, const char *name, const char *path)
{
	struct stat st;
	entry *e;
	char *copy;
	int error;

	if (!w->za)
		return pa_error_set(PA_EINVAL, "the archive is closed");
	if ((error = check_name(name)) != 0)
		return error;
	if (stat(path, &st) != 0)
		return pa_error_set(errno == ENOENT ? PA_ENOTFOUND : PA_EIO, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return pa_error_set(PA_EINVAL, "%s: not a regular file", path);
	if (!(copy = pa_strdup(path)))
		return PA_ENOMEM;
	if (!(e = push_entry(w, name, (uint64_t)st.st_size))) {
		free(copy);
		return PA_ENOMEM;
	}
	e->path = copy;
	return 0;
}

int pa_zipw_add_bytes(pa_zipw *w, const char *name, const void *data, size_t len)
{
	unsigned char *copy;
	entry *e;
	int error;

	if (!w->za)
		return pa_error_set(PA_EINVAL, "the archive is closed");
	if ((error = check_name(name)) != 0)
		return error;
	if (!(copy = malloc(len ? len : 1)))
		return pa_error_set(PA_ENOMEM, "out of memory");
	if (len)
		memcpy(copy, data, len);
	if (!(e = push_entry(w, name, len))) {
		free(copy);
		return PA_ENOMEM;
	}
	e->data = copy;
	return 0;
}

static zip_int64_t read_source(entry *e, void *buf, zip_uint64_t len)
{
	uint64_t left = e->size - e->pos;
	size_t want = (size_t)(len < left ? len : left);
	size_t got = 0;

	if (e->data) {
		memcpy(buf, e->data + e->pos, want);
		got = want;
	} else {
		while (got < want) {
			ssize_t n = read(e->fd, (char *)buf + got, want - got);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				zip_error_set(&e->error, ZIP_ER_READ, errno);
				return -1;
			}
			if (n == 0) {
				/* Shrank since it was added: a partial entry would be a lie. */
				zip_error_set(&e->error, ZIP_ER_INCONS, 0);
				return -1;
			}
			got += (size_t)n;
		}
	}
	e->pos += got;
	e->w->done += got;
	if (e->w->progress && got)
		e->w->progress(e->w->done, e->w->total, e->w->progress_ctx);
	return (zip_int64_t)got;
}

/* A libzip source that reads a file only when libzip writes its entry. */
static zip_int64_t source_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	entry *e = ud;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		e->pos = 0;
		if (e->path) {
			struct stat st;

			e->fd = open(e->path, O_RDONLY | O_CLOEXEC);
			if (e->fd < 0) {
				zip_error_set(&e->error, ZIP_ER_OPEN, errno);
				e->w->failed = e->name;
				return -1;
			}
			if (fstat(e->fd, &st) != 0 || (uint64_t)st.st_size != e->size) {
				zip_error_set(&e->error, ZIP_ER_INCONS, 0);
				e->w->failed = e->name;
				return -1;
			}
		}
		return 0;
	case ZIP_SOURCE_READ: {
		zip_int64_t n = read_source(e, data, len);

		if (n < 0)
			e->w->failed = e->name;
		return n;
	}
	case ZIP_SOURCE_CLOSE:
		if (e->fd >= 0) {
			close(e->fd);
			e->fd = -1;
		}
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;

		if (len < sizeof(*st)) {
			zip_error_set(&e->error, ZIP_ER_INVAL, 0);
			return -1;
		}
		zip_stat_init(st);
		st->size = e->size;
		st->valid |= ZIP_STAT_SIZE;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&e->error, data, len);
	case ZIP_SOURCE_FREE:
		return 0;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
			ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		zip_error_set(&e->error, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static int add_entries(pa_zipw *w)
{
	qsort(w->entries, w->count, sizeof(entry), by_name);
	for (size_t i = 0; i < w->count; i++) {
		entry *e = &w->entries[i];
		zip_source_t *src;
		zip_int64_t idx;
		bool store = pa_zipw_is_compressed(e->name);

		if (i > 0 && strcmp(w->entries[i - 1].name, e->name) == 0)
			return pa_error_set(PA_EEXISTS, "'%s' is added to the archive twice", e->name);
		zip_error_init(&e->error);
		if (!(src = zip_source_function(w->za, source_cb, e)))
			return pa_error_set(PA_EZIP, "%s: %s", e->name, zip_strerror(w->za));
		if ((idx = zip_file_add(w->za, e->name, src, ZIP_FL_ENC_UTF_8)) < 0) {
			zip_source_free(src);
			return pa_error_set(PA_EZIP, "%s: %s", e->name, zip_strerror(w->za));
		}
		/* Same time and attributes for all: nothing of the packer's
		 * machine (clock, zone, umask) reaches the bytes. */
		if (zip_set_file_compression(w->za, (zip_uint64_t)idx,
					     store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
					     store ? 0 : (zip_uint32_t)w->level) != 0 ||
		    zip_file_set_dostime(w->za, (zip_uint64_t)idx, w->dos_time, w->dos_date, 0) != 0 ||
		    zip_file_set_external_attributes(w->za, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
						     (zip_uint32_t)0100644 << 16) != 0)
			return pa_error_set(PA_EZIP, "%s: %s", e->name, zip_strerror(w->za));
	}
	return 0;
}

static void discard(pa_zipw *w)
{
	if (w->za) {
		zip_discard(w->za);
		w->za = NULL;
	}
	if (w->tmp) {
		unlink(w->tmp);
		free(w->tmp);
		w->tmp = NULL;
	}
}

int pa_zipw_close(pa_zipw *w)
{
	mode_t mask;
	int error;

	if (!w->za)
		return pa_error_set(PA_EINVAL, "the archive is closed");
	/* libzip deletes an archive left empty; say so instead. */
	if (w->count == 0) {
		error = pa_error_set(PA_EINVAL, "%s: an archive needs at least one entry", w->path);
		goto done;
	}
	if ((error = add_entries(w)) != 0)
		goto done;
	if (zip_close(w->za) != 0) {
		if (w->failed)
			error = pa_error_set(PA_EIO, "cannot add %s to %s: %s", w->failed, w->path,
					     zip_strerror(w->za));
		else
			error = pa_error_set(PA_EZIP, "cannot write %s: %s", w->path, zip_strerror(w->za));
		goto done;
	}
	w->za = NULL;
	/* mkstemp made it private; give it the mode any new file gets. */
	mask = umask(0);
	umask(mask);
	if (chmod(w->tmp, 0666 & ~mask) != 0 || rename(w->tmp, w->path) != 0) {
		error = pa_error_set(PA_EIO, "cannot write %s: %s", w->path, strerror(errno));
		goto done;
	}
	free(w->tmp);
	w->tmp = NULL;
done:
	if (error)
		discard(w);
	return error;
}

void pa_zipw_free(pa_zipw *w)
{
	if (!w)
		return;
	discard(w);
	for (size_t i = 0; i < w->count; i++) {
		entry *e = &w->entries[i];

		if (e->fd >= 0)
			close(e->fd);
		free(e->name);
		free(e->path);
		free(e->data);
		zip_error_fini(&e->error);
	}
	free(w->entries);
	free(w->path);
	free(w);
}
