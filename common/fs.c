#define _XOPEN_SOURCE 700
#include "common/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

int pa_fs_read(pa_buf *out, const char *path, size_t max)
{
	char chunk[65536];
	int fd, rc = 0;
	size_t total = 0;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pa_error_set(errno == ENOENT ? PA_ENOTFOUND : PA_EIO, "%s: %s", path, strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = pa_error_set(PA_EIO, "%s: %s", path, strerror(errno));
			goto done;
		}
		total += (size_t)n;
		if (total > max) {
			rc = pa_error_set(PA_ELIMIT, "%s: larger than the limit of %zu bytes", path, max);
			goto done;
		}
		if ((rc = pa_buf_put(out, chunk, (size_t)n)) != 0)
			goto done;
	}
done:
	close(fd);
	return rc;
}

int pa_fs_write_atomic(const char *path, const void *data, size_t len)
{
	pa_buf tmp = PA_BUF_INIT;
	const char *p = data;
	int fd = -1, rc = 0;

	if ((rc = pa_buf_printf(&tmp, "%s.tmp%ld", path, (long)getpid())) != 0)
		goto done;
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = pa_error_set(PA_EIO, "%s: %s", tmp.ptr, strerror(errno));
		goto done;
	}
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = pa_error_set(PA_EIO, "%s: %s", tmp.ptr, strerror(errno));
			goto done;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		rc = pa_error_set(PA_EIO, "%s: %s", tmp.ptr, strerror(errno));
		goto done;
	}
	fd = -1;
	if (rename(tmp.ptr, path) != 0)
		rc = pa_error_set(PA_EIO, "%s: %s", path, strerror(errno));
done:
	if (fd >= 0)
		close(fd);
	if (rc && tmp.ptr)
		unlink(tmp.ptr);
	pa_buf_dispose(&tmp);
	return rc;
}

int pa_fs_mkdirs(const char *path)
{
	pa_buf b = PA_BUF_INIT;
	int rc;

	if ((rc = pa_buf_puts(&b, path)) != 0)
		goto done;
	for (char *p = b.ptr + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;

			*p = '\0';
			if (mkdir(b.ptr, 0755) != 0 && errno != EEXIST) {
				rc = pa_error_set(PA_EIO, "cannot create folder %s: %s", b.ptr, strerror(errno));
				goto done;
			}
			*p = saved;
			if (!saved)
				break;
		}
	}
	if (!pa_fs_is_dir(path))
		rc = pa_error_set(PA_EIO, "%s exists and is not a folder", path);
done:
	pa_buf_dispose(&b);
	return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

int pa_fs_remove_tree(const char *path)
{
	if (!pa_fs_is_dir(path))
		return 0;
	if (nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS) != 0)
		return pa_error_set(PA_EIO, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}

bool pa_fs_is_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool pa_fs_is_file(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int pa_fs_size(uint64_t *out, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return pa_error_set(errno == ENOENT ? PA_ENOTFOUND : PA_EIO, "%s: %s", path, strerror(errno));
	*out = (uint64_t)st.st_size;
	return 0;
}

int pa_path_join(pa_buf *out, const char *a, const char *b)
{
	size_t alen = strlen(a);

	pa_buf_puts(out, a);
	if (alen && a[alen - 1] != '/' && *b)
		pa_buf_putc(out, '/');
	return pa_buf_puts(out, b);
}

int pa_path_normalize(pa_buf *out, const char *rel)
{
	const char *p = rel;
	size_t start = out->len;

	if (!*rel)
		return pa_error_set(PA_EUNSAFE, "empty path");
	if (rel[0] == '/' || strchr(rel, '\\') ||
	    (((rel[0] | 0x20) >= 'a' && (rel[0] | 0x20) <= 'z') && rel[1] == ':'))
		return pa_error_set(PA_EUNSAFE, "'%s' is an absolute path", rel);
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* skip */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash;

			if (out->len == start) {
				pa_buf_truncate(out, start);
				return pa_error_set(PA_EUNSAFE, "'%s' climbs out of its folder", rel);
			}
			slash = strrchr(out->ptr + start, '/');
			pa_buf_truncate(out, slash ? (size_t)(slash - out->ptr) : start);
		} else {
			if (out->len > start)
				pa_buf_putc(out, '/');
			pa_buf_put(out, p, n);
		}
		p += n;
		if (*p == '/')
			p++;
	}
	if (out->len == start)
		return pa_error_set(PA_EUNSAFE, "'%s' names no file", rel);
	return pa_buf_error(out);
}

int pa_path_relative(pa_buf *out, const char *from, const char *to)
{
	const char *f = from, *t = to, *fl = from, *tl = to;

	/* Skip the folders both share. */
	while (*f && *f == *t) {
		if (*f == '/') {
			fl = f + 1;
			tl = t + 1;
		}
		f++;
		t++;
	}
	for (const char *p = fl; *p; p++) {
		if (*p == '/')
			pa_buf_puts(out, "../");
	}
	return pa_buf_puts(out, tl);
}

int pa_fs_mkdtemp(pa_buf *out, const char *prefix)
{
	const char *tmp = getenv("TMPDIR");
	size_t start = out->len;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	pa_buf_printf(out, "%s/%s.XXXXXX", tmp, prefix);
	if (pa_buf_error(out))
		return pa_buf_error(out);
	if (!mkdtemp(out->ptr + start))
		return pa_error_set(PA_EIO, "cannot make a temporary folder in %s: %s", tmp, strerror(errno));
	return 0;
}
