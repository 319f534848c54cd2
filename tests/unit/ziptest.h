/* Building zip files in tests, hostile ones included, with libzip. */
#ifndef PA_TEST_ZIPTEST_H
#define PA_TEST_ZIPTEST_H

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "support.h"
#include "common/buf.h"
#include "common/fs.h"

typedef struct zt_entry {
	const char *name;     /* stored as given (raw bytes) */
	const void *data;     /* NULL: a folder entry */
	size_t len;
	unsigned mode;        /* Unix mode with type bits, 0: none recorded */
} zt_entry;

/* Write a zip of entries at path. Data is copied, so it may be freed after. */
static inline void zt_write(const char *path, const zt_entry *entries, size_t count)
{
	int err = 0;
	zip_t *za;

	remove(path);
	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(za);
	for (size_t i = 0; i < count; i++) {
		const zt_entry *e = &entries[i];
		zip_int64_t idx;

		if (!e->data) {
			idx = zip_dir_add(za, e->name, ZIP_FL_ENC_RAW);
		} else {
			void *copy = malloc(e->len ? e->len : 1);
			zip_source_t *src;

			memcpy(copy, e->data, e->len);
			src = zip_source_buffer(za, copy, e->len, 1);
			assert_non_null(src);
			idx = zip_file_add(za, e->name, src, ZIP_FL_ENC_RAW);
		}
		assert_true(idx >= 0);
		if (e->mode)
			assert_int_equal(zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0,
									  ZIP_OPSYS_UNIX, (zip_uint32_t)e->mode << 16), 0);
	}
	assert_int_equal(zip_close(za), 0);
}

static inline void zt_add_tree(zip_t *za, const char *root, const char *rel)
{
	pa_buf dir = PA_BUF_INIT;
	struct dirent *de;
	DIR *d;

	pa_path_join(&dir, root, rel);
	d = opendir(dir.ptr);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		pa_buf name = PA_BUF_INIT, full = PA_BUF_INIT;

		if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (*rel)
			pa_buf_printf(&name, "%s/", rel);
		pa_buf_puts(&name, de->d_name);
		pa_path_join(&full, root, name.ptr);
		if (pa_fs_is_dir(full.ptr)) {
			zt_add_tree(za, root, name.ptr);
		} else {
			zip_source_t *src = zip_source_file(za, full.ptr, 0, -1);

			assert_non_null(src);
			assert_true(zip_file_add(za, name.ptr, src, 0) >= 0);
		}
		pa_buf_dispose(&name);
		pa_buf_dispose(&full);
	}
	closedir(d);
	pa_buf_dispose(&dir);
}

/* Zip the contents of folder dir (not the folder itself) into path. */
static inline void zt_zip_dir(const char *path, const char *dir)
{
	int err = 0;
	zip_t *za;

	remove(path);
	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(za);
	zt_add_tree(za, dir, "");
	assert_int_equal(zip_close(za), 0);
}

#endif
