/* passerelle preview: a link to play a package without an LMS. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/diag.h"
#include "common/error.h"
#include "common/util.h"
#include "runtime/import.h"
#include "runtime/player.h"
#include "runtime/session.h"
#include "runtime/store.h"

void pa_cmd_preview_usage(FILE *out)
{
	static const pa_config_key keys[] = {
		PA_CFG_DATA_DIR, PA_CFG_PUBLIC_BASE_URL, PA_CFG_LISTEN, PA_CFG_SESSION_TTL,
		PA_CFG_NEW_ATTEMPT_AFTER_COMPLETION,
	};

	fputs("usage: passerelle preview [--data DIR] [--config FILE] [--schemas DIR] [--set NAME=VALUE]...\n"
	      "                          PACKAGE_ID|PACKAGE.zip|DIR\n\n"
	      "Prints a link that plays a package in 'passerelle serve' without an LMS, as the\n"
	      "preview learner: its attempts are marked as previews. Given a zip or a folder, imports\n"
	      "it first (as 'passerelle import' does). Opening the link again resumes the attempt;\n"
	      "once it is completed, the next link starts a new one (new_attempt_after_completion).\n"
	      "The URL is alone on the last line of the output:\n"
	      "  passerelle serve &   # in another terminal\n"
	      "  xdg-open \"$(passerelle preview 1 | tail -n 1)\"\n\n"
	      "options:\n"
	      "  --data DIR           the data folder (default: the data_dir setting)\n"
	      "  --config FILE        read settings from FILE (default: $PASSERELLE_CONFIG)\n"
	      "  --schemas DIR        folder of the XSD sets, for an import\n"
	      "  --set NAME=VALUE     change one setting for this run\n\n", out);
	pa_cli_settings_usage(out, keys, sizeof(keys) / sizeof(keys[0]));
	fputs("\nexit codes: 0 printed, 1 no such package (or the import failed), 2 usage error\n", out);
}

int pa_cmd_preview(int argc, char **argv)
{
	const char *what = NULL, *config_file = NULL, *schemas = NULL;
	unsigned char key[PA_SESSION_KEY_BYTES];
	pa_buf url = PA_BUF_INIT, path = PA_BUF_INIT;
	pa_store *store = NULL;
	int64_t package_id = 0;
	pa_config cfg;
	int rc, code;

	{
		const pa_cli_opt options[] = {
			{ "--data", NULL, NULL, NULL },
			{ "--config", NULL, &config_file, NULL },
			{ "--schemas", NULL, &schemas, NULL },
			{ "--set", NULL, NULL, NULL },
			{ "--limit", NULL, NULL, NULL },
			{ NULL, NULL, NULL, NULL },
		};
		size_t n;

		if ((code = pa_cli_parse("preview", argc, argv, options, &what, 1, &n)) != PA_EXIT_OK)
			return code;
	}
	if (!what)
		return pa_cli_usage_error("preview", "which package? give its id, or a zip file or folder to import", NULL);
	if ((code = pa_cli_settings(&cfg, "preview", config_file, argc, argv)) != PA_EXIT_OK)
		return code;
	code = PA_EXIT_PROBLEMS;
	if (pa_store_open(&store, pa_config_string(&cfg, PA_CFG_DATA_DIR), &cfg) != 0 ||
	    pa_session_key_load(key, pa_config_string(&cfg, PA_CFG_DATA_DIR)) != 0) {
		pa_cli_fail("preview");
		goto done;
	}
	if (pa_parse_int64(&package_id, what, 1, INT64_MAX) != 0) {
		pa_import_options opts = { &cfg, schemas, NULL };
		pa_store_version v = { 0 };
		pa_diag diag;

		pa_diag_init(&diag);
		rc = pa_import_path(&v, store, pa_config_string(&cfg, PA_CFG_DATA_DIR), what, &opts, &diag);
		for (size_t k = 0; k < diag.count; k++) {
			pa_diag one = { &diag.items[k], 1, 0, 0, 0, 1 };

			if (diag.items[k].severity == PA_DIAG_ERROR)
				pa_diag_print(&one, stderr);
		}
		pa_diag_dispose(&diag);
		if (rc) {
			pa_cli_fail("preview: import");
			goto done;
		}
		printf("imported package %lld version %d: %s\n", (long long)v.package_id, v.version, v.title);
		package_id = v.package_id;
		pa_store_version_dispose(&v);
	}
	rc = pa_player_preview_path(&path, store, key, package_id, pa_config_int(&cfg, PA_CFG_SESSION_TTL),
				    pa_config_bool(&cfg, PA_CFG_NEW_ATTEMPT_AFTER_COMPLETION));
	if (rc == PA_ENOTFOUND) {
		fprintf(stderr, "passerelle preview: no package %lld (see GET /admin/packages)\n", (long long)package_id);
		goto done;
	}
	if (rc) {
		pa_cli_fail("preview");
		goto done;
	}
	pa_cli_base_url(&url, &cfg);
	pa_buf_puts(&url, pa_buf_cstr(&path));
	printf("preview of package %lld (start 'passerelle serve' to play it):\n%s\n", (long long)package_id,
	       pa_buf_cstr(&url));
	code = PA_EXIT_OK;
done:
	pa_buf_dispose(&url);
	pa_buf_dispose(&path);
	pa_store_close(store);
	pa_config_dispose(&cfg);
	return code;
}
