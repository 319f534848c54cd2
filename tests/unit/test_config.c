/* common/config: the settings table, strict parsing, environment, files. */
#include "support.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/fs.h"

static void test_config__table_is_complete_and_named_by_convention(void **state)
{
	const pa_config_entry *e = pa_config_entries();

	(void)state;
	for (size_t k = 0; k < PA_CFG_COUNT; k++) {
		pa_buf env = PA_BUF_INIT;
		pa_config_key key;

		assert_non_null(e[k].name);
		assert_non_null(e[k].help);
		assert_non_null(e[k].def);
		pa_buf_puts(&env, "PASSERELLE_");
		for (const char *p = e[k].name; *p; p++)
			pa_buf_putc(&env, (char)toupper((unsigned char)*p));
		assert_string_equal(e[k].env, env.ptr);
		assert_ptr_equal(pa_config_find(e[k].name, &key), &e[k]);
		assert_int_equal(key, k);
		pa_buf_dispose(&env);
	}
	assert_null(pa_config_find("no_such_setting", NULL));
}

static void test_config__defaults(void **state)
{
	pa_config cfg;

	(void)state;
	assert_int_equal(pa_config_init(&cfg), 0);
	assert_int_equal(pa_config_size(&cfg, PA_CFG_MAX_PACKAGE_BYTES), 2ull << 30);
	assert_int_equal(pa_config_size(&cfg, PA_CFG_MAX_MANIFEST_BYTES), 8ull << 20);
	assert_int_equal(pa_config_int(&cfg, PA_CFG_MAX_ENTRIES), 65536);
	assert_true(pa_config_double(&cfg, PA_CFG_MAX_RATIO) == 200.0);
	assert_string_equal(pa_config_string(&cfg, PA_CFG_SCHEMA_DIR), PA_SCHEMA_DIR);
	pa_config_dispose(&cfg);
	pa_config_dispose(NULL);
}

static void test_config__set_parses_strictly(void **state)
{
	pa_config cfg;

	(void)state;
	assert_int_equal(pa_config_init(&cfg), 0);
	assert_int_equal(pa_config_set(&cfg, "max_package_bytes", "512K"), 0);
	assert_int_equal(pa_config_size(&cfg, PA_CFG_MAX_PACKAGE_BYTES), 512 * 1024);
	assert_int_equal(pa_config_set(&cfg, "max_uncompressed_bytes", "3G"), 0);
	assert_int_equal(pa_config_size(&cfg, PA_CFG_MAX_UNCOMPRESSED_BYTES), 3ull << 30);
	assert_int_equal(pa_config_set(&cfg, "max_manifest_bytes", "1000"), 0);
	assert_int_equal(pa_config_size(&cfg, PA_CFG_MAX_MANIFEST_BYTES), 1000);
	assert_int_equal(pa_config_set(&cfg, "max_ratio", "12.5"), 0);
	assert_true(pa_config_double(&cfg, PA_CFG_MAX_RATIO) == 12.5);
	assert_int_equal(pa_config_set(&cfg, "schema_dir", "/opt/schemas"), 0);
	assert_string_equal(pa_config_string(&cfg, PA_CFG_SCHEMA_DIR), "/opt/schemas");

	/* Garbage, trailing junk, bad suffixes, out of range: refused, value kept. */
	assert_int_equal(pa_config_set(&cfg, "max_entries", "12abc"), PA_EPARSE);
	assert_non_null(strstr(pa_error_last(), "max_entries"));
	assert_int_equal(pa_config_set(&cfg, "max_entries", " 12"), PA_EPARSE);
	assert_int_equal(pa_config_set(&cfg, "max_entries", "0"), PA_ELIMIT);
	assert_int_equal(pa_config_set(&cfg, "max_package_bytes", "5X"), PA_EPARSE);
	assert_int_equal(pa_config_set(&cfg, "max_package_bytes", "-5"), PA_EPARSE);
	assert_int_equal(pa_config_set(&cfg, "max_package_bytes", "2048T"), PA_ELIMIT);
	assert_int_equal(pa_config_set(&cfg, "max_package_bytes", "99999999999999999999999"), PA_ELIMIT);
	assert_int_equal(pa_config_set(&cfg, "max_ratio", "nan"), PA_EPARSE);
	assert_int_equal(pa_config_set(&cfg, "max_ratio", "0.5"), PA_ELIMIT);
	assert_int_equal(pa_config_set(&cfg, "max_path_length", "8"), PA_ELIMIT);
	assert_int_equal(pa_config_set(&cfg, "schema_dir", ""), PA_EPARSE);
	assert_int_equal(pa_config_set(&cfg, "nope", "1"), PA_ENOTFOUND);
	assert_int_equal(pa_config_int(&cfg, PA_CFG_MAX_ENTRIES), 65536);
	assert_int_equal(pa_config_size(&cfg, PA_CFG_MAX_PACKAGE_BYTES), 512 * 1024);

	assert_int_equal(pa_config_set_pair(&cfg, "max_entries = 10"), 0);
	assert_int_equal(pa_config_int(&cfg, PA_CFG_MAX_ENTRIES), 10);
	assert_int_equal(pa_config_set_pair(&cfg, "max_entries"), PA_EPARSE);
	pa_config_dispose(&cfg);
}

static void test_config__environment(void **state)
{
	pa_config cfg;

	(void)state;
	assert_int_equal(pa_config_init(&cfg), 0);
	setenv("PASSERELLE_MAX_ENTRIES", "77", 1);
	setenv("PASSERELLE_SCHEMA_DIR", "/srv/xsd", 1);
	assert_int_equal(pa_config_load_env(&cfg), 0);
	assert_int_equal(pa_config_int(&cfg, PA_CFG_MAX_ENTRIES), 77);
	assert_string_equal(pa_config_string(&cfg, PA_CFG_SCHEMA_DIR), "/srv/xsd");
	setenv("PASSERELLE_MAX_RATIO", "lots", 1);
	assert_int_equal(pa_config_load_env(&cfg), PA_EPARSE);
	assert_non_null(strstr(pa_error_last(), "PASSERELLE_MAX_RATIO"));
	unsetenv("PASSERELLE_MAX_ENTRIES");
	unsetenv("PASSERELLE_SCHEMA_DIR");
	unsetenv("PASSERELLE_MAX_RATIO");
	pa_config_dispose(&cfg);
}

static void test_config__file(void **state)
{
	char *dir = pa_test_tmpdir("config");
	pa_buf path = PA_BUF_INIT;
	pa_config cfg;

	(void)state;
	pa_test_write(dir, "good.conf",
		      "# package limits\n"
		      "max_entries = 500   # fewer files\n"
		      "\n"
		      "  max_ratio=50\r\n"
		      "schema_dir = /data/schemas\n");
	pa_test_write(dir, "bad.conf", "max_entries = 5\nmax_ratio = many\n");
	pa_test_write(dir, "junk.conf", "max_entries 5\n");
	assert_int_equal(pa_config_init(&cfg), 0);
	pa_path_join(&path, dir, "good.conf");
	assert_int_equal(pa_config_load_file(&cfg, path.ptr), 0);
	assert_int_equal(pa_config_int(&cfg, PA_CFG_MAX_ENTRIES), 500);
	assert_true(pa_config_double(&cfg, PA_CFG_MAX_RATIO) == 50.0);
	assert_string_equal(pa_config_string(&cfg, PA_CFG_SCHEMA_DIR), "/data/schemas");

	pa_buf_clear(&path);
	pa_path_join(&path, dir, "bad.conf");
	assert_int_equal(pa_config_load_file(&cfg, path.ptr), PA_EPARSE);
	assert_non_null(strstr(pa_error_last(), "bad.conf:2: max_ratio"));

	pa_buf_clear(&path);
	pa_path_join(&path, dir, "junk.conf");
	assert_int_equal(pa_config_load_file(&cfg, path.ptr), PA_EPARSE);
	assert_non_null(strstr(pa_error_last(), "junk.conf:1: expected 'name = value'"));

	pa_buf_clear(&path);
	pa_path_join(&path, dir, "missing.conf");
	assert_int_equal(pa_config_load_file(&cfg, path.ptr), PA_ENOTFOUND);
	pa_config_dispose(&cfg);
	pa_buf_dispose(&path);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config__table_is_complete_and_named_by_convention),
		cmocka_unit_test(test_config__defaults),
		cmocka_unit_test(test_config__set_parses_strictly),
		cmocka_unit_test(test_config__environment),
		cmocka_unit_test(test_config__file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
