/* passerelle import: add a package, or a new version of one, to the data folder. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/diag.h"
#include "common/error.h"
#include "runtime/import.h"
#include "runtime/store.h"

void pa_cmd_import_usage(FILE *out)
{
	static const pa_config_key keys[] = {
		PA_CFG_DATA_DIR, PA_CFG_SCHEMA_DIR, PA_CFG_MAX_PACKAGE_BYTES, PA_CFG_MAX_UNCOMPRESSED_BYTES,
		PA_CFG_MAX_ENTRIES, PA_CFG_MAX_RATIO, PA_CFG_MAX_MANIFEST_BYTES, PA_CFG_MAX_PATH_LENGTH,
	};

	fputs("usage: passerelle import [--data DIR] [--config FILE] [--schemas DIR] [--json] [--quiet]\n"
	      "                         [--set NAME=VALUE]... PACKAGE.zip|DIR\n\n"
	      "Checks a SCORM 1.2 or 2004 package as 'passerelle validate' does (tolerant: warnings\n"
	      "are printed, errors refuse it), then stores it in the data folder. A package whose\n"
	      "manifest identifier is already there gets a new version; attempts in progress stay on\n"
	      "the version they started. Prints the package id and the version number:\n"
	      "  imported package 3 version 2: TITLE (IDENTIFIER, SCORM 2004 3rd Edition)\n\n"
	      "options:\n"
	      "  --data DIR           the data folder (default: the data_dir setting)\n"
	      "  --config FILE        read settings from FILE (default: $PASSERELLE_CONFIG)\n"
	      "  --schemas DIR        folder of the XSD sets (default: the schema_dir setting)\n"
	      "  --json               print the result as one JSON object\n"
	      "  --quiet              print errors only\n"
	      "  --set NAME=VALUE     change one setting for this run (also --limit)\n\n", out);
	pa_cli_settings_usage(out, keys, sizeof(keys) / sizeof(keys[0]));
	fputs("\nexit codes: 0 imported, 1 the package has errors (nothing stored) or the import\n"
	      "failed, 2 usage error\n", out);
}

static void print_diag(const pa_diag *diag, bool quiet)
{
	for (size_t i = 0; i < diag->count; i++) {
		const pa_diag_entry *e = &diag->items[i];
		pa_diag one = { (pa_diag_entry *)e, 1, 0, 0, 0, 1 };

		if (!quiet || e->severity == PA_DIAG_ERROR)
			pa_diag_print(&one, stderr);
	}
}

int pa_cmd_import(int argc, char **argv)
{
	const char *path = NULL, *config_file = NULL, *schemas = NULL;
	bool json = false, quiet = false;
	pa_import_options opts = { 0 };
	pa_store_version v = { 0 };
	pa_store *store = NULL;
	pa_config cfg;
	pa_diag diag;
	int rc, code;

	{
		const pa_cli_opt options[] = {
			{ "--data", NULL, NULL, NULL },
			{ "--config", NULL, &config_file, NULL },
			{ "--schemas", NULL, &schemas, NULL },
			{ "--json", NULL, NULL, &json },
			{ "--quiet", "-q", NULL, &quiet },
			{ "--set", NULL, NULL, NULL },
			{ "--limit", NULL, NULL, NULL },
			{ NULL, NULL, NULL, NULL },
		};
		size_t n;

		if ((code = pa_cli_parse("import", argc, argv, options, &path, 1, &n)) != PA_EXIT_OK)
			return code;
	}
	if (!path)
		return pa_cli_usage_error("import", "which package? give a zip file or a folder", NULL);
	if ((code = pa_cli_settings(&cfg, "import", config_file, argc, argv)) != PA_EXIT_OK)
		return code;
	pa_diag_init(&diag);
	code = PA_EXIT_PROBLEMS;
	if (pa_store_open(&store, pa_config_string(&cfg, PA_CFG_DATA_DIR), &cfg) != 0) {
		pa_cli_fail("import");
		goto done;
	}
	opts.config = &cfg;
	opts.schema_dir = schemas;
	rc = pa_import_path(&v, store, pa_config_string(&cfg, PA_CFG_DATA_DIR), path, &opts, &diag);
	print_diag(&diag, quiet);
	if (rc) {
		pa_cli_fail("import");
		goto done;
	}
	if (json) {
		pa_buf line = PA_BUF_INIT;

		pa_buf_printf(&line, "{\"package\":%lld,\"version\":%d,\"identifier\":", (long long)v.package_id, v.version);
		pa_buf_put_json(&line, v.identifier);
		pa_buf_puts(&line, ",\"title\":");
		pa_buf_put_json(&line, v.title);
		pa_buf_puts(&line, ",\"scorm_version\":");
		pa_buf_put_json(&line, v.scorm_version);
		pa_buf_puts(&line, ",\"folder\":");
		pa_buf_put_json(&line, v.folder);
		pa_buf_puts(&line, "}\n");
		fputs(pa_buf_cstr(&line), stdout);
		pa_buf_dispose(&line);
	} else {
		printf("imported package %lld version %d: %s (%s, SCORM %s)\n", (long long)v.package_id,
		       v.version, v.title, v.identifier, v.scorm_version);
	}
	code = PA_EXIT_OK;
done:
	pa_store_version_dispose(&v);
	pa_store_close(store);
	pa_diag_dispose(&diag);
	pa_config_dispose(&cfg);
	return code;
}
