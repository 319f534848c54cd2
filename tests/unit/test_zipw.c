/* packager/zipw: deterministic, streaming, all-or-nothing zip writing. */
#include "support.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "common/buf.h"
#include "common/fs.h"
#include "packager/zipw.h"

/* 2026-11-01T00:00:00Z */
#define MTIME 1793491200

static void write_sample(const char *dir, const char *zip_path, int64_t mtime)
{
	pa_buf path = PA_BUF_INIT;
	pa_zipw *w;
	unsigned char noise[20000];
	char text[20000];
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(noise); i++) {
		x = x * 1103515245u + 12345u;
		noise[i] = (unsigned char)(x >> 16);
	}
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = "passerelle "[i % 11];
	pa_test_write_bytes(dir, "src/photo.JPG", noise, sizeof(noise));
	pa_test_write_bytes(dir, "src/page.html", text, sizeof(text));

	assert_int_equal(pa_zipw_new(&w, zip_path), 0);
	pa_zipw_set_mtime(w, mtime);
	/* Added out of order on purpose. */
	pa_path_join(&path, dir, "src/photo.JPG");
	assert_int_equal(pa_zipw_add_file(w, "content/photo.JPG", path.ptr), 0);
	pa_buf_clear(&path);
	pa_path_join(&path, dir, "src/page.html");
	assert_int_equal(pa_zipw_add_file(w, "content/page.html", path.ptr), 0);
	assert_int_equal(pa_zipw_add_bytes(w, "imsmanifest.xml", "<manifest/>", 11), 0);
	assert_int_equal(pa_zipw_add_bytes(w, "a.xsd", "<schema/>", 9), 0);
	assert_int_equal(pa_zipw_count(w), 4);
	assert_int_equal(pa_zipw_total(w), sizeof(noise) + sizeof(text) + 20);
	assert_int_equal(pa_zipw_close(w), 0);
	pa_zipw_free(w);
	pa_buf_dispose(&path);
}

static void read_all(pa_buf *out, const char *path)
{
	pa_buf_clear(out);
	assert_int_equal(pa_fs_read(out, path, 1 << 20), 0);
}

/* Only the archive itself: no temporary file left beside it. */
static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.' && strcmp(de->d_name, "src") != 0)
			n++;
	}
	closedir(d);
	return n;
}

static void test_zipw__same_input_same_bytes(void **state)
{
	char *dir = pa_test_tmpdir("zipw-same");
	pa_buf a = PA_BUF_INIT, b = PA_BUF_INIT, p1 = PA_BUF_INIT, p2 = PA_BUF_INIT;

	(void)state;
	pa_path_join(&p1, dir, "one.zip");
	pa_path_join(&p2, dir, "two.zip");
	write_sample(dir, p1.ptr, MTIME);
	/* Another zone must not change the bytes (zip times are local in libzip). */
	setenv("TZ", "Pacific/Auckland", 1);
	tzset();
	write_sample(dir, p2.ptr, MTIME);
	unsetenv("TZ");
	tzset();
	read_all(&a, p1.ptr);
	read_all(&b, p2.ptr);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.ptr, b.ptr, a.len);
	assert_int_equal(count_files(dir), 2);
	pa_buf_dispose(&a);
	pa_buf_dispose(&b);
	pa_buf_dispose(&p1);
	pa_buf_dispose(&p2);
	free(dir);
}

static void test_zipw__sorted_stored_or_deflated_fixed_time(void **state)
{
	char *dir = pa_test_tmpdir("zipw-entries");
	pa_buf p = PA_BUF_INIT, out = PA_BUF_INIT;
	const char *names[] = { "a.xsd", "content/page.html", "content/photo.JPG", "imsmanifest.xml" };
	zip_t *za;
	zip_stat_t st;

	(void)state;
	pa_path_join(&p, dir, "t.zip");
	write_sample(dir, p.ptr, MTIME);
	za = zip_open(p.ptr, ZIP_RDONLY | ZIP_CHECKCONS, NULL);
	assert_non_null(za);
	assert_int_equal(zip_get_num_entries(za, 0), 4);
	for (zip_int64_t i = 0; i < 4; i++) {
		zip_uint8_t opsys;
		zip_uint32_t attr;

		assert_int_equal(zip_stat_index(za, (zip_uint64_t)i, 0, &st), 0);
		assert_string_equal(st.name, names[i]);
		assert_int_equal(st.mtime == (time_t)-1, 0);
		assert_int_equal(zip_file_get_external_attributes(za, (zip_uint64_t)i, 0, &opsys, &attr), 0);
		assert_int_equal(attr >> 16, 0100644);
		/* No extra field at all: nothing that varies between runs. */
		assert_int_equal(zip_file_extra_fields_count(za, (zip_uint64_t)i, ZIP_FL_CENTRAL | ZIP_FL_LOCAL), 0);
		if (strcmp(names[i], "content/photo.JPG") == 0)
			assert_int_equal(st.comp_method, ZIP_CM_STORE);
		else if (strcmp(names[i], "content/page.html") == 0) {
			assert_int_equal(st.comp_method, ZIP_CM_DEFLATE);
			assert_true(st.comp_size < st.size / 10);
		}
	}
	zip_close(za);
	/* The DOS time in the headers, read by Info-ZIP in UTC. */
	assert_int_equal(pa_test_run(&out, "TZ=UTC zipinfo -T -l '%s'", p.ptr), 0);
	assert_non_null(strstr(out.ptr, "20261101.000000"));
	assert_null(strstr(out.ptr, "19800101"));
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "zipinfo -v '%s'", p.ptr), 0);
	assert_null(strstr(out.ptr, "extended local header: yes"));
	assert_non_null(strstr(out.ptr, "There is no file comment."));
	for (const char *l = strstr(out.ptr, "length of extra field:"); l;
	     l = strstr(l + 1, "length of extra field:"))
		assert_true(strncmp(l + strcspn(l, "0123456789"), "0 bytes", 7) == 0);
	assert_non_null(strstr(out.ptr, "length of extra field:"));
	pa_buf_dispose(&p);
	pa_buf_dispose(&out);
	free(dir);
}

static void test_zipw__missing_source_leaves_nothing(void **state)
{
	char *dir = pa_test_tmpdir("zipw-fail");
	pa_buf p = PA_BUF_INIT, src = PA_BUF_INIT;
	pa_zipw *w;

	(void)state;
	pa_path_join(&p, dir, "out.zip");
	pa_test_write(dir, "src/gone.txt", "here for now");
	pa_path_join(&src, dir, "src/gone.txt");
	assert_int_equal(pa_zipw_new(&w, p.ptr), 0);
	assert_int_equal(pa_zipw_add_bytes(w, "a.txt", "a", 1), 0);
	assert_int_equal(pa_zipw_add_file(w, "gone.txt", src.ptr), 0);
	assert_int_equal(pa_zipw_add_file(w, "x.txt", "/nonexistent/file"), PA_ENOTFOUND);
	/* Removed between add and close: the close fails, nothing stays. */
	assert_int_equal(unlink(src.ptr), 0);
	assert_true(pa_zipw_close(w) < 0);
	assert_non_null(strstr(pa_error_last(), "gone.txt"));
	pa_zipw_free(w);
	assert_false(pa_fs_is_file(p.ptr));
	assert_int_equal(count_files(dir), 0);
	pa_buf_dispose(&p);
	pa_buf_dispose(&src);
	free(dir);
}

static void test_zipw__free_without_close_and_bad_names(void **state)
{
	char *dir = pa_test_tmpdir("zipw-abandon");
	pa_buf p = PA_BUF_INIT;
	pa_zipw *w;

	(void)state;
	pa_path_join(&p, dir, "out.zip");
	assert_int_equal(pa_zipw_new(&w, p.ptr), 0);
	assert_int_equal(count_files(dir), 1); /* the partial file */
	assert_int_equal(pa_zipw_add_bytes(w, "../evil", "x", 1), PA_EUNSAFE);
	assert_int_equal(pa_zipw_add_bytes(w, "/abs", "x", 1), PA_EUNSAFE);
	assert_int_equal(pa_zipw_add_bytes(w, "a//b", "x", 1), PA_EUNSAFE);
	assert_int_equal(pa_zipw_add_bytes(w, "dir/", "x", 1), PA_EUNSAFE);
	assert_int_equal(pa_zipw_add_bytes(w, "ok/b.txt", "x", 1), 0);
	pa_zipw_free(w);
	assert_int_equal(count_files(dir), 0);

	/* Twice the same name: refused at close, nothing written. */
	assert_int_equal(pa_zipw_new(&w, p.ptr), 0);
	assert_int_equal(pa_zipw_add_bytes(w, "a.txt", "x", 1), 0);
	assert_int_equal(pa_zipw_add_bytes(w, "a.txt", "y", 1), 0);
	assert_int_equal(pa_zipw_close(w), PA_EEXISTS);
	pa_zipw_free(w);
	assert_int_equal(count_files(dir), 0);

	/* No folder to write in. */
	pa_buf_clear(&p);
	pa_path_join(&p, dir, "missing/out.zip");
	assert_int_equal(pa_zipw_new(&w, p.ptr), PA_EIO);
	assert_null(w);
	pa_buf_dispose(&p);
	free(dir);
}

typedef struct progress_seen {
	uint64_t last, total;
	int calls;
} progress_seen;

static void on_progress(uint64_t done, uint64_t total, void *ctx)
{
	progress_seen *s = ctx;

	assert_true(done >= s->last);
	assert_true(done <= total);
	s->last = done;
	s->total = total;
	s->calls++;
}

static void test_zipw__progress_counts_bytes(void **state)
{
	char *dir = pa_test_tmpdir("zipw-progress");
	pa_buf p = PA_BUF_INIT;
	progress_seen seen = { 0, 0, 0 };
	char big[100000];
	pa_zipw *w;

	(void)state;
	memset(big, 'x', sizeof(big));
	pa_path_join(&p, dir, "out.zip");
	assert_int_equal(pa_zipw_new(&w, p.ptr), 0);
	pa_zipw_set_progress(w, on_progress, &seen);
	pa_zipw_set_level(w, 1);
	assert_int_equal(pa_zipw_add_bytes(w, "big.txt", big, sizeof(big)), 0);
	assert_int_equal(pa_zipw_add_bytes(w, "empty.txt", "", 0), 0);
	assert_int_equal(pa_zipw_close(w), 0);
	pa_zipw_free(w);
	assert_true(seen.calls > 1);
	assert_int_equal(seen.last, sizeof(big));
	assert_int_equal(seen.total, sizeof(big));
	assert_true(pa_zipw_is_compressed("a/B.WOFF2"));
	assert_true(pa_zipw_is_compressed("x.mp4"));
	assert_false(pa_zipw_is_compressed("x.html"));
	assert_false(pa_zipw_is_compressed("jpg"));
	pa_buf_dispose(&p);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zipw__same_input_same_bytes),
		cmocka_unit_test(test_zipw__sorted_stored_or_deflated_fixed_time),
		cmocka_unit_test(test_zipw__missing_source_leaves_nothing),
		cmocka_unit_test(test_zipw__free_without_close_and_bad_names),
		cmocka_unit_test(test_zipw__progress_counts_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
