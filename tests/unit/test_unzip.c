/* packager/unzip: hostile archives are refused, good ones extract below their folder only. */
#include "support.h"
#include "ziptest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/config.h"
#include "common/diag.h"
#include "common/fs.h"
#include "common/util.h"
#include "packager/unzip.h"

static void default_limits(pa_unzip_limits *lim)
{
	pa_config cfg;

	assert_int_equal(pa_config_init(&cfg), 0);
	pa_unzip_limits_from_config(lim, &cfg);
	pa_config_dispose(&cfg);
}

static char *path_in(const char *dir, const char *name)
{
	pa_buf b = PA_BUF_INIT;

	pa_path_join(&b, dir, name);
	return pa_buf_detach(&b);
}

/* Open a zip made of one hostile entry (plus a harmless one) and expect a refusal. */
static void expect_refused(const char *test, const zt_entry *bad, const char *why)
{
	char *dir = pa_test_tmpdir(test), *zip = path_in(dir, "bad.zip"), *out = path_in(dir, "out");
	zt_entry entries[2] = { { "ok.txt", "fine", 4, 0 }, *bad };
	pa_unzip_limits lim;
	pa_zip *z = (pa_zip *)1;
	pa_diag diag;

	default_limits(&lim);
	pa_diag_init(&diag);
	zt_write(zip, entries, 2);
	assert_int_equal(pa_zip_open(&z, zip, "bad.zip", &lim, &diag), PA_EUNSAFE);
	assert_null(z);
	assert_true(pa_diag_has(&diag, PA_DIAG_ERROR, why));
	assert_non_null(strstr(pa_error_last(), why));
	/* Extraction refuses too, and writes nothing at all. */
	assert_int_equal(pa_unzip_extract(out, zip, &lim, NULL), PA_EUNSAFE);
	assert_false(pa_fs_is_dir(out));
	pa_diag_dispose(&diag);
	free(out);
	free(zip);
	free(dir);
}

static void test_unzip__refuses_parent_path(void **state)
{
	zt_entry e = { "../evil.txt", "x", 1, 0 };

	(void)state;
	expect_refused("unzip-parent", &e, "climbs out of its folder");
	e.name = "a/../../evil.txt";
	expect_refused("unzip-parent2", &e, "climbs out of its folder");
}

static void test_unzip__refuses_absolute_and_windows_paths(void **state)
{
	zt_entry e = { "/tmp/evil.txt", "x", 1, 0 };

	(void)state;
	expect_refused("unzip-abs", &e, "absolute path");
	e.name = "C:/evil.txt";
	expect_refused("unzip-drive", &e, "drive letter");
	e.name = "..\\evil.txt";
	expect_refused("unzip-backslash", &e, "backslash");
}

static void test_unzip__refuses_symlinks_and_devices(void **state)
{
	zt_entry e = { "link", "/etc/passwd", 11, S_IFLNK | 0777 };

	(void)state;
	expect_refused("unzip-symlink", &e, "symbolic link");
	e.mode = S_IFCHR | 0644;
	e.name = "dev";
	expect_refused("unzip-device", &e, "device");
}

static void test_unzip__refuses_bad_names(void **state)
{
	zt_entry e = { "caf\xe9.txt", "x", 1, 0 };   /* Latin-1, not UTF-8 */

	(void)state;
	expect_refused("unzip-utf8", &e, "not valid UTF-8");
	e.name = "\xc0\xae\xc0\xae/evil.txt";          /* overlong '..' */
	expect_refused("unzip-overlong", &e, "not valid UTF-8");
	e.name = "bell\x07.txt";
	expect_refused("unzip-control", &e, "control character");
	e.name = "./ok.txt";                            /* ok.txt once normalised */
	expect_refused("unzip-duplicate", &e, "appears twice");
}

static void test_unzip__refuses_long_names(void **state)
{
	char name[300];
	zt_entry e = { name, "x", 1, 0 };

	(void)state;
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	expect_refused("unzip-longpart", &e, "longer than 255 bytes");
}

static void test_unzip__extracts_safely(void **state)
{
	char *dir = pa_test_tmpdir("unzip-good"), *zip = path_in(dir, "good.zip"), *out = path_in(dir, "out");
	zt_entry entries[] = {
		{ "imsmanifest.xml", "<manifest/>", 11, 0 },
		{ "shared/", NULL, 0, 0 },
		{ "shared/deep/page.html", "<p>hi</p>", 9, S_IFREG | 0755 },
		{ "./dot/./x.js", "1;", 2, 0 },
	};
	pa_buf content = PA_BUF_INIT;
	pa_unzip_limits lim;
	pa_diag diag;
	pa_zip *z;
	size_t idx;
	struct stat st;

	(void)state;
	default_limits(&lim);
	pa_diag_init(&diag);
	zt_write(zip, entries, PA_ARRAY_SIZE(entries));

	assert_int_equal(pa_zip_open(&z, zip, NULL, &lim, &diag), 0);
	assert_int_equal(diag.count, 0);
	assert_int_equal(pa_zip_count(z), 4);
	assert_string_equal(pa_zip_name(z, 1), "shared");
	assert_true(pa_zip_is_dir(z, 1));
	assert_string_equal(pa_zip_name(z, 3), "dot/x.js");
	assert_int_equal(pa_zip_find(&idx, z, "shared/deep/page.html"), 0);
	assert_int_equal(idx, 2);
	assert_int_equal(pa_zip_find(&idx, z, "nope"), PA_ENOTFOUND);
	assert_int_equal(pa_zip_read(&content, z, idx, 100), 0);
	assert_string_equal(content.ptr, "<p>hi</p>");
	pa_buf_clear(&content);
	assert_int_equal(pa_zip_read(&content, z, idx, 4), PA_ELIMIT);
	assert_int_equal(pa_zip_verify(z), 0);
	assert_int_equal(pa_zip_extract(z, out), 0);
	pa_zip_free(z);

	pa_buf_clear(&content);
	pa_buf b = PA_BUF_INIT;
	pa_path_join(&b, out, "shared/deep/page.html");
	assert_int_equal(pa_fs_read(&content, b.ptr, 100), 0);
	assert_string_equal(content.ptr, "<p>hi</p>");
	/* Modes from the archive are not kept: nothing executable. */
	assert_int_equal(stat(b.ptr, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	pa_buf_clear(&b);
	pa_path_join(&b, out, "dot/x.js");
	assert_true(pa_fs_is_file(b.ptr));

	/* The folder must be new or empty. */
	assert_int_equal(pa_unzip_extract(out, zip, &lim, NULL), PA_EEXISTS);
	assert_true(pa_fs_is_file(b.ptr));

	pa_buf_dispose(&b);
	pa_buf_dispose(&content);
	pa_diag_dispose(&diag);
	free(out);
	free(zip);
	free(dir);
}

static void test_unzip__refuses_a_symlinked_destination(void **state)
{
	char *dir = pa_test_tmpdir("unzip-destlink"), *zip = path_in(dir, "good.zip");
	char *target = path_in(dir, "elsewhere"), *link = path_in(dir, "out");
	zt_entry e = { "a.txt", "a", 1, 0 };
	pa_unzip_limits lim;

	(void)state;
	default_limits(&lim);
	zt_write(zip, &e, 1);
	assert_int_equal(mkdir(target, 0755), 0);
	assert_int_equal(symlink(target, link), 0);
	assert_int_not_equal(pa_unzip_extract(link, zip, &lim, NULL), 0);
	{
		char *inside = path_in(target, "a.txt");

		assert_false(pa_fs_is_file(inside));
		free(inside);
	}
	free(target);
	free(link);
	free(zip);
	free(dir);
}

static void *zeros(size_t n)
{
	void *p = calloc(1, n);

	assert_non_null(p);
	return p;
}

/* Text that deflates, but not to nothing. */
static char *some_text(size_t n)
{
	char *p = malloc(n);
	unsigned x = 12345;

	assert_non_null(p);
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = "abcdefghij <>/\n"[(x >> 16) % 15];
	}
	return p;
}

static pa_buf read_all(const char *path)
{
	pa_buf b = PA_BUF_INIT;

	assert_int_equal(pa_fs_read(&b, path, 64u << 20), 0);
	return b;
}

static void write_all(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_unzip__stops_a_ratio_bomb(void **state)
{
	char *dir = pa_test_tmpdir("unzip-bomb"), *zip = path_in(dir, "bomb.zip");
	size_t big = (size_t)16 << 20;
	void *data = zeros(big);
	zt_entry e = { "zeros.bin", data, big, 0 };
	pa_unzip_limits lim;
	pa_diag diag;
	pa_zip *z;

	(void)state;
	default_limits(&lim);
	zt_write(zip, &e, 1);
	free(data);
	pa_diag_init(&diag);
	/* 16 MiB of zeros deflate about 1000:1, over the default 200. */
	assert_int_equal(pa_zip_open(&z, zip, NULL, &lim, &diag), PA_ELIMIT);
	assert_true(pa_diag_has(&diag, PA_DIAG_ERROR, "max_ratio"));
	pa_diag_dispose(&diag);
	/* A higher limit lets it through. */
	lim.max_ratio = 1e5;
	assert_int_equal(pa_zip_open(&z, zip, NULL, &lim, NULL), 0);
	assert_int_equal(pa_zip_verify(z), 0);
	pa_zip_free(z);
	free(zip);
	free(dir);
}

static void test_unzip__stops_a_total_size_bomb(void **state)
{
	char *dir = pa_test_tmpdir("unzip-total"), *zip = path_in(dir, "total.zip"), *out = path_in(dir, "out");
	size_t part = (size_t)768 << 10;
	char *data = some_text(part);
	zt_entry e[] = { { "a.txt", data, part, 0 }, { "b.txt", data, part, 0 } };
	pa_unzip_limits lim;
	pa_diag diag;
	pa_zip *z;

	(void)state;
	default_limits(&lim);
	zt_write(zip, e, 2);
	free(data);
	lim.max_uncompressed_bytes = (uint64_t)1 << 20;
	pa_diag_init(&diag);
	assert_int_equal(pa_zip_open(&z, zip, NULL, &lim, &diag), PA_ELIMIT);
	assert_true(pa_diag_has(&diag, PA_DIAG_ERROR, "max_uncompressed_bytes"));
	assert_int_equal(pa_unzip_extract(out, zip, &lim, NULL), PA_ELIMIT);
	assert_false(pa_fs_is_dir(out));
	pa_diag_dispose(&diag);
	free(out);
	free(zip);
	free(dir);
}

/* Patch the sizes a zip declares for its first entry, in both headers. */
static void lie_about_size(const char *path, uint32_t size)
{
	pa_buf b = read_all(path);
	unsigned char *p = (unsigned char *)b.ptr;
	int patched = 0;

	for (size_t i = 0; i + 46 <= b.len; i++) {
		if (memcmp(p + i, "PK\3\4", 4) == 0 && patched == 0) {
			memcpy(p + i + 22, &size, 4);
			patched++;
		} else if (memcmp(p + i, "PK\1\2", 4) == 0) {
			memcpy(p + i + 24, &size, 4);
			patched++;
			break;
		}
	}
	assert_int_equal(patched, 2);
	write_all(path, b.ptr, b.len);
	pa_buf_dispose(&b);
}

static void test_unzip__counts_inflated_bytes_not_declared_ones(void **state)
{
	char *dir = pa_test_tmpdir("unzip-liar"), *zip = path_in(dir, "liar.zip"), *out = path_in(dir, "out");
	size_t big = (size_t)16 << 20;
	void *data = zeros(big);
	zt_entry e = { "zeros.bin", data, big, 0 };
	pa_unzip_limits lim;
	pa_zip *z;
	int rc;

	(void)state;
	default_limits(&lim);
	zt_write(zip, &e, 1);
	free(data);
	lie_about_size(zip, 1000);
	/* The declared sizes look harmless (and libzip believes them)... */
	assert_int_equal(pa_zip_open(&z, zip, NULL, &lim, NULL), 0);
	/* ...but inflated bytes are counted, and stop at the declared size. */
	rc = pa_zip_verify(z);
	assert_int_equal(rc, PA_EZIP);
	assert_non_null(strstr(pa_error_last(), "more bytes than the zip declares"));
	rc = pa_zip_extract(z, out);
	assert_int_equal(rc, PA_EZIP);
	assert_false(pa_fs_is_dir(out));
	pa_zip_free(z);
	free(out);
	free(zip);
	free(dir);
}

static void test_unzip__refuses_truncated_and_corrupt_zips(void **state)
{
	char *dir = pa_test_tmpdir("unzip-corrupt"), *zip = path_in(dir, "c.zip"), *out = path_in(dir, "out");
	size_t len = 200000;
	char *data = some_text(len);
	zt_entry e[] = { { "first.txt", "first", 5, 0 }, { "second.txt", data, len, 0 } };
	pa_unzip_limits lim;
	pa_diag diag;
	pa_buf b;
	pa_zip *z;

	(void)state;
	default_limits(&lim);
	zt_write(zip, e, 2);
	free(data);
	b = read_all(zip);

	/* Truncated: no central directory. */
	write_all(zip, b.ptr, b.len / 2);
	pa_diag_init(&diag);
	assert_int_equal(pa_zip_open(&z, zip, "c.zip", &lim, &diag), PA_EZIP);
	assert_true(pa_diag_has(&diag, PA_DIAG_ERROR, "truncated"));
	pa_diag_dispose(&diag);

	/* Not a zip at all. */
	write_all(zip, "hello, world", 12);
	assert_int_equal(pa_zip_open(&z, zip, NULL, &lim, NULL), PA_EZIP);
	write_all(zip, "", 0);
	assert_int_equal(pa_zip_open(&z, zip, NULL, &lim, NULL), PA_EZIP);

	/* Corrupt data in the middle of the second entry. */
	for (size_t i = b.len / 3; i < b.len / 3 + 64; i++)
		b.ptr[i] ^= 0x5a;
	write_all(zip, b.ptr, b.len);
	assert_int_equal(pa_zip_open(&z, zip, NULL, &lim, NULL), 0);
	assert_int_equal(pa_zip_verify(z), PA_EZIP);
	assert_non_null(strstr(pa_error_last(), "second.txt"));
	/* Extraction fails and takes back what it wrote (first.txt). */
	assert_int_equal(pa_zip_extract(z, out), PA_EZIP);
	assert_false(pa_fs_is_dir(out));
	/* Into an existing empty folder: the folder stays, empty. */
	assert_int_equal(mkdir(out, 0755), 0);
	assert_int_equal(pa_zip_extract(z, out), PA_EZIP);
	assert_true(pa_fs_is_dir(out));
	pa_buf p = PA_BUF_INIT;
	pa_path_join(&p, out, "first.txt");
	assert_false(pa_fs_is_file(p.ptr));
	pa_buf_dispose(&p);
	pa_zip_free(z);

	pa_buf_dispose(&b);
	free(out);
	free(zip);
	free(dir);
}

static void test_unzip__enforces_entry_and_package_limits(void **state)
{
	char *dir = pa_test_tmpdir("unzip-limits"), *zip = path_in(dir, "l.zip");
	zt_entry e[] = { { "a", "a", 1, 0 }, { "b", "b", 1, 0 }, { "c/d", "d", 1, 0 } };
	pa_unzip_limits lim;
	pa_zip *z;

	(void)state;
	default_limits(&lim);
	zt_write(zip, e, 3);
	lim.max_entries = 2;
	assert_int_equal(pa_zip_open(&z, zip, NULL, &lim, NULL), PA_ELIMIT);
	assert_non_null(strstr(pa_error_last(), "max_entries"));
	default_limits(&lim);
	lim.max_package_bytes = 10;
	assert_int_equal(pa_zip_open(&z, zip, NULL, &lim, NULL), PA_ELIMIT);
	assert_non_null(strstr(pa_error_last(), "max_package_bytes"));
	default_limits(&lim);
	lim.max_path_length = 2;
	assert_int_equal(pa_zip_open(&z, zip, NULL, &lim, NULL), PA_EUNSAFE);
	assert_non_null(strstr(pa_error_last(), "max_path_length"));
	assert_int_equal(pa_zip_open(&z, "/nonexistent.zip", NULL, &lim, NULL), PA_ENOTFOUND);
	free(zip);
	free(dir);
}

static void test_unzip__file_and_folder_clash_is_cleaned_up(void **state)
{
	char *dir = pa_test_tmpdir("unzip-clash"), *zip = path_in(dir, "x.zip"), *out = path_in(dir, "out");
	zt_entry e[] = { { "a", "file", 4, 0 }, { "a/b.txt", "b", 1, 0 } };
	pa_unzip_limits lim;

	(void)state;
	default_limits(&lim);
	zt_write(zip, e, 2);
	assert_int_equal(pa_unzip_extract(out, zip, &lim, NULL), PA_EIO);
	assert_false(pa_fs_is_dir(out));
	free(out);
	free(zip);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unzip__refuses_parent_path),
		cmocka_unit_test(test_unzip__refuses_absolute_and_windows_paths),
		cmocka_unit_test(test_unzip__refuses_symlinks_and_devices),
		cmocka_unit_test(test_unzip__refuses_bad_names),
		cmocka_unit_test(test_unzip__refuses_long_names),
		cmocka_unit_test(test_unzip__extracts_safely),
		cmocka_unit_test(test_unzip__refuses_a_symlinked_destination),
		cmocka_unit_test(test_unzip__stops_a_ratio_bomb),
		cmocka_unit_test(test_unzip__stops_a_total_size_bomb),
		cmocka_unit_test(test_unzip__counts_inflated_bytes_not_declared_ones),
		cmocka_unit_test(test_unzip__refuses_truncated_and_corrupt_zips),
		cmocka_unit_test(test_unzip__enforces_entry_and_package_limits),
		cmocka_unit_test(test_unzip__file_and_folder_clash_is_cleaned_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
