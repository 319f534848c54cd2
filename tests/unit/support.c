#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <zip.h>

#include "common/fs.h"

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

const char *pa_test_source_dir(void) { return env_or("PA_SOURCE_DIR", "."); }
const char *pa_test_shared_dir(void) { return env_or("PA_SHARED_DIR", "../shared"); }
const char *pa_test_binary(void) { return env_or("PA_BINARY", "passerelle"); }

char *pa_test_tmpdir(const char *name)
{
	pa_buf path = PA_BUF_INIT;

	pa_buf_printf(&path, "%s/%s", env_or("PA_TEST_TMP", "/tmp/passerelle-test"), name);
	assert_int_equal(pa_fs_remove_tree(path.ptr), 0);
	assert_int_equal(pa_fs_mkdirs(path.ptr), 0);
	return pa_buf_detach(&path);
}

void pa_test_write_bytes(const char *dir, const char *rel, const void *data, size_t len)
{
	pa_buf path = PA_BUF_INIT;
	char *slash;
	FILE *f;

	pa_path_join(&path, dir, rel);
	slash = strrchr(path.ptr, '/');
	if (slash) {
		*slash = '\0';
		assert_int_equal(pa_fs_mkdirs(path.ptr), 0);
		*slash = '/';
	}
	f = fopen(path.ptr, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	pa_buf_dispose(&path);
}

void pa_test_write(const char *dir, const char *rel, const char *content)
{
	pa_test_write_bytes(dir, rel, content, strlen(content));
}

int pa_test_run(pa_buf *out, const char *fmt, ...)
{
	pa_buf cmd = PA_BUF_INIT;
	char chunk[4096];
	va_list ap;
	FILE *p;
	size_t n;
	int status;

	va_start(ap, fmt);
	pa_buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	pa_buf_puts(&cmd, " 2>&1");
	p = popen(cmd.ptr, "r");
	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		if (out)
			pa_buf_put(out, chunk, n);
	}
	status = pclose(p);
	pa_buf_dispose(&cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void pa_test_write_zip(const char *path, const char *const *entries)
{
	zip_t *za;
	int err = 0;

	remove(path);
	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(za);
	for (size_t i = 0; entries[i]; i += 2) {
		zip_source_t *src = zip_source_buffer(za, entries[i + 1], strlen(entries[i + 1]), 0);

		assert_non_null(src);
		assert_true(zip_file_add(za, entries[i], src, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(za), 0);
}
