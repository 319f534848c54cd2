/* runtime/import: packages into the data folder, versions, the activity
 * tree, and refusals that leave nothing behind. */
#include "support.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "common/fs.h"
#include "runtime/import.h"
#include "runtime/store.h"

#define MANIFEST_12_HEAD \
	"<?xml version=\"1.0\"?>\n" \
	"<manifest identifier=\"%s\" version=\"1\" xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\"" \
	" xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\">\n" \
	"<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>\n"

static const char manifest_12[] = MANIFEST_12_HEAD
	"<organizations default=\"org\"><organization identifier=\"org\"><title>Test course</title>\n"
	"<item identifier=\"i1\" identifierref=\"r1\" parameters=\"?b=2\"><title>One</title>"
	"<adlcp:masteryscore>80</adlcp:masteryscore></item>\n"
	"<item identifier=\"i2\" identifierref=\"r2\" parameters=\"#p3\"><title>Two</title></item>\n"
	"</organization></organizations>\n"
	"<resources xml:base=\"content/\">"
	"<resource identifier=\"r1\" type=\"webcontent\" adlcp:scormtype=\"sco\" xml:base=\"sco1/\" href=\"index.html?a=1\">"
	"<file href=\"index.html\"/></resource>"
	"<resource identifier=\"r2\" type=\"webcontent\" adlcp:scormtype=\"asset\" href=\"page.html\">"
	"<file href=\"page.html\"/></resource>"
	"</resources></manifest>\n";

typedef struct fixture {
	char *dir;
	char *data;
	pa_store *store;
	pa_import_options opts;
	pa_buf schemas;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	f->dir = pa_test_tmpdir("import");
	pa_buf_init(&f->schemas, 0);
	pa_buf_printf(&f->schemas, "%s/schemas", pa_test_shared_dir());
	f->opts.schema_dir = f->schemas.ptr;
	f->data = malloc(strlen(f->dir) + 8);
	memcpy(f->data, f->dir, strlen(f->dir));
	memcpy(f->data + strlen(f->dir), "/data", 6);
	assert_int_equal(pa_store_open(&f->store, f->data, NULL), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	pa_store_close(f->store);
	pa_buf_dispose(&f->schemas);
	free(f->dir);
	free(f->data);
	free(f);
	return 0;
}

static char *make_package(fixture *f, const char *name, const char *identifier)
{
	pa_buf path = PA_BUF_INIT, manifest = PA_BUF_INIT;
	const char *entries[] = {
		"imsmanifest.xml", NULL,
		"content/sco1/index.html", "<!doctype html><title>SCO</title>",
		"content/page.html", "<!doctype html><title>Page</title>",
		NULL
	};

	pa_buf_printf(&manifest, manifest_12, identifier);
	entries[1] = manifest.ptr;
	pa_buf_printf(&path, "%s/%s", f->dir, name);
	pa_test_write_zip(path.ptr, entries);
	pa_buf_dispose(&manifest);
	return pa_buf_detach(&path);
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static void test_import__zip_then_new_versions(void **state)
{
	fixture *f = *state;
	char *zip = make_package(f, "course.zip", "test.course");
	char *other = make_package(f, "other.zip", "test.other");
	pa_store_version v;
	pa_buf path = PA_BUF_INIT;
	pa_diag diag;

	pa_diag_init(&diag);
	if (pa_import_path(&v, f->store, f->data, zip, &f->opts, &diag) != 0) {
		pa_diag_print(&diag, stderr);
		fail_msg("import: %s", pa_error_last());
	}
	assert_int_equal(v.package_id, 1);
	assert_int_equal(v.version, 1);
	assert_string_equal(v.identifier, "test.course");
	assert_string_equal(v.title, "Test course");
	assert_string_equal(v.scorm_version, "1.2");
	assert_int_equal(strlen(v.manifest_sha256), 64);
	pa_buf_printf(&path, "%s/%s/content/sco1/index.html", f->data, v.folder);
	assert_true(pa_fs_is_file(path.ptr));
	pa_store_version_dispose(&v);

	assert_int_equal(pa_import_path(&v, f->store, f->data, zip, &f->opts, &diag), 0);
	assert_int_equal(v.package_id, 1);
	assert_int_equal(v.version, 2);
	pa_store_version_dispose(&v);
	assert_int_equal(pa_import_path(&v, f->store, f->data, other, &f->opts, &diag), 0);
	assert_int_equal(v.package_id, 2);
	assert_int_equal(v.version, 1);
	pa_store_version_dispose(&v);

	/* Staging folders are gone. */
	pa_buf_clear(&path);
	pa_buf_printf(&path, "%s/tmp", f->data);
	assert_int_equal(count_entries(path.ptr), 0);
	pa_diag_dispose(&diag);
	pa_buf_dispose(&path);
	free(zip);
	free(other);
}

static void test_import__folder_package(void **state)
{
	fixture *f = *state;
	pa_buf golf = PA_BUF_INIT, path = PA_BUF_INIT;
	pa_store_version v;
	pa_diag diag;

	pa_diag_init(&diag);
	pa_buf_printf(&golf, "%s/content/golf/RuntimeBasicCalls_SCORM20043rdEdition", pa_test_shared_dir());
	if (pa_import_path(&v, f->store, f->data, golf.ptr, &f->opts, &diag) != 0) {
		pa_diag_print(&diag, stderr);
		fail_msg("import: %s", pa_error_last());
	}
	assert_string_equal(v.scorm_version, "2004 3rd Edition");
	pa_buf_printf(&path, "%s/%s/shared/launchpage.html", f->data, v.folder);
	assert_true(pa_fs_is_file(path.ptr));
	pa_store_version_dispose(&v);
	assert_int_equal(pa_store_version_get(&v, f->store, 1, 1), 0);
	assert_non_null(strstr(v.tree_json, "\"launch\":\"shared/launchpage.html\""));
	pa_store_version_dispose(&v);
	pa_diag_dispose(&diag);
	pa_buf_dispose(&golf);
	pa_buf_dispose(&path);
}

static void test_import__tree_applies_bases_and_parameters(void **state)
{
	pa_buf manifest = PA_BUF_INIT, tree = PA_BUF_INIT;
	json_t *t, *items;
	pa_diag diag;

	(void)state;
	pa_diag_init(&diag);
	pa_buf_printf(&manifest, manifest_12, "tree");
	assert_int_equal(pa_import_tree(&tree, manifest.ptr, manifest.len, "1.2", &diag), 0);
	t = json_loads(tree.ptr, 0, NULL);
	assert_non_null(t);
	assert_string_equal(json_string_value(json_object_get(t, "default_organization")), "org");
	items = json_object_get(json_array_get(json_object_get(t, "organizations"), 0), "items");
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "launch")),
			    "content/sco1/index.html?a=1&b=2");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "scorm_type")), "sco");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "mastery_score")), "80");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "launch")),
			    "content/page.html#p3");
	json_decref(t);
	pa_buf_dispose(&manifest);
	pa_buf_dispose(&tree);
	pa_diag_dispose(&diag);
}

static void test_import__errors_store_nothing(void **state)
{
	fixture *f = *state;
	pa_buf path = PA_BUF_INIT, manifest = PA_BUF_INIT, packages = PA_BUF_INIT;
	pa_store_version *list;
	size_t n;
	pa_diag diag;
	const char *missing_launch[] = { "imsmanifest.xml", NULL, NULL };
	const char *escape[] = { "imsmanifest.xml", NULL, "../../evil.html", "x", NULL };

	/* The launch files are missing: an LMS could not play it. */
	pa_buf_printf(&manifest, manifest_12, "broken");
	missing_launch[1] = manifest.ptr;
	pa_buf_printf(&path, "%s/broken.zip", f->dir);
	pa_test_write_zip(path.ptr, missing_launch);
	pa_diag_init(&diag);
	assert_int_equal(pa_import_path(NULL, f->store, f->data, path.ptr, &f->opts, &diag), PA_EINVALID);
	assert_true(diag.errors > 0);
	assert_true(pa_diag_has(&diag, PA_DIAG_ERROR, "index.html"));
	pa_diag_dispose(&diag);

	/* A zip entry climbing out of the package. */
	escape[1] = manifest.ptr;
	pa_buf_clear(&path);
	pa_buf_printf(&path, "%s/escape.zip", f->dir);
	pa_test_write_zip(path.ptr, escape);
	pa_diag_init(&diag);
	assert_int_equal(pa_import_path(NULL, f->store, f->data, path.ptr, &f->opts, &diag), PA_EINVALID);
	pa_diag_dispose(&diag);

	/* Not a package at all. */
	pa_diag_init(&diag);
	assert_int_equal(pa_import_path(NULL, f->store, f->data, "/nonexistent.zip", &f->opts, &diag), PA_ENOTFOUND);
	pa_diag_dispose(&diag);

	assert_int_equal(pa_store_package_list(&list, &n, f->store), 0);
	assert_int_equal(n, 0);
	pa_store_version_list_free(list, n);
	pa_buf_printf(&packages, "%s/packages", f->data);
	assert_int_equal(count_entries(packages.ptr), 0);
	pa_buf_dispose(&path);
	pa_buf_dispose(&manifest);
	pa_buf_dispose(&packages);
}

static void test_import__leftover_folder_is_replaced(void **state)
{
	fixture *f = *state;
	char *zip = make_package(f, "course.zip", "test.leftover");
	pa_buf stale = PA_BUF_INIT, path = PA_BUF_INIT;
	pa_store_version v;
	pa_diag diag;

	/* A crash between rename and commit leaves packages/1/1 unknown to the store. */
	pa_buf_printf(&stale, "%s/packages/1/1", f->data);
	pa_test_write(stale.ptr, "stale.html", "old");
	pa_diag_init(&diag);
	assert_int_equal(pa_import_path(&v, f->store, f->data, zip, &f->opts, &diag), 0);
	assert_int_equal(v.version, 1);
	pa_buf_printf(&path, "%s/stale.html", stale.ptr);
	assert_false(pa_fs_is_file(path.ptr));
	pa_store_version_dispose(&v);
	pa_diag_dispose(&diag);
	pa_buf_dispose(&stale);
	pa_buf_dispose(&path);
	free(zip);
}

static void test_import__command_line(void **state)
{
	fixture *f = *state;
	char *zip = make_package(f, "cli.zip", "test.cli");
	pa_buf out = PA_BUF_INIT, bad = PA_BUF_INIT, token = PA_BUF_INIT;
	const char *bin = pa_test_binary();
	const char *bad_entries[] = { "imsmanifest.xml", "<manifest", NULL };

	if (pa_test_run(&out, "%s import --data %s --schemas %s %s", bin, f->data, f->schemas.ptr, zip) != 0)
		fail_msg("%s", pa_buf_cstr(&out));
	assert_non_null(strstr(out.ptr, "imported package 1 version 1: Test course (test.cli, SCORM 1.2)"));
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "PASSERELLE_DATA_DIR=%s PASSERELLE_SCHEMA_DIR=%s %s import --json %s",
				     f->data, f->schemas.ptr, bin, zip), 0);
	assert_non_null(strstr(out.ptr, "{\"package\":1,\"version\":2,\"identifier\":\"test.cli\""));

	pa_buf_printf(&bad, "%s/bad.zip", f->dir);
	pa_test_write_zip(bad.ptr, bad_entries);
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "%s import --data %s --schemas %s %s", bin, f->data,
				     f->schemas.ptr, bad.ptr), 1);
	assert_non_null(strstr(out.ptr, "imsmanifest.xml:"));
	assert_non_null(strstr(out.ptr, "nothing imported"));
	assert_int_equal(pa_test_run(NULL, "%s import --data %s", bin, f->data), 2);
	assert_int_equal(pa_test_run(NULL, "%s import --bogus %s", bin, zip), 2);
	assert_int_equal(pa_test_run(NULL, "%s import --data %s --set nonsense=1 %s", bin, f->data, zip), 2);

	/* admin: the token is printed once, on standard output alone. */
	assert_int_equal(pa_test_run(&token, "%s admin create --data %s ops | wc -c", bin, f->data), 0);
	assert_string_equal(token.ptr, "44\n"); /* 43 characters and a newline */
	pa_buf_clear(&out);
	assert_int_equal(pa_test_run(&out, "%s admin list --data %s", bin, f->data), 0);
	assert_non_null(strstr(out.ptr, "\tops\t"));
	assert_non_null(strstr(out.ptr, "\tnever"));
	assert_int_equal(pa_test_run(NULL, "%s admin create --data %s ops", bin, f->data), 1);
	assert_int_equal(pa_test_run(NULL, "%s admin revoke --data %s ops", bin, f->data), 0);
	assert_int_equal(pa_test_run(NULL, "%s admin revoke --data %s ops", bin, f->data), 1);
	assert_int_equal(pa_test_run(NULL, "%s admin frobnicate --data %s", bin, f->data), 2);
	pa_buf_dispose(&out);
	pa_buf_dispose(&bad);
	pa_buf_dispose(&token);
	free(zip);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import__zip_then_new_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import__folder_package, setup, teardown),
		cmocka_unit_test(test_import__tree_applies_bases_and_parameters),
		cmocka_unit_test_setup_teardown(test_import__errors_store_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import__leftover_folder_is_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import__command_line, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
