/* passerelle validate: check a SCORM package, print diagnostics and a summary. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/config.h"
#include "common/diag.h"
#include "common/error.h"
#include "packager/validate.h"

/* The settings validate uses (the table holds others, for other commands). */
static const pa_config_key used_settings[] = {
	PA_CFG_MAX_PACKAGE_BYTES, PA_CFG_MAX_UNCOMPRESSED_BYTES, PA_CFG_MAX_ENTRIES, PA_CFG_MAX_RATIO,
	PA_CFG_MAX_MANIFEST_BYTES, PA_CFG_MAX_PATH_LENGTH, PA_CFG_SCHEMA_DIR,
};

void pa_cmd_validate_usage(FILE *out)
{
	const pa_config_entry *e = pa_config_entries();

	fputs("usage: passerelle validate PACKAGE.zip|DIR [--strict] [--schemas DIR] [--quiet]\n"
	      "                           [--config FILE] [--limit NAME=VALUE]...\n\n"
	      "Checks a SCORM 1.2 or 2004 package (a zip or a folder), made by passerelle or any\n"
	      "other tool: the zip's safety and integrity, imsmanifest.xml at the root, well-formed\n"
	      "XML, the official XSDs (offline), identifiers, references, files, scormType values,\n"
	      "sequencing values, and the SCORM version. Prints one line per finding,\n"
	      "  imsmanifest.xml:LINE:COL: error|warning|note: message\n"
	      "then a summary line.\n\n"
	      "Errors are faults an LMS would fail on; warnings are faults LMSs accept.\n\n"
	      "options:\n"
	      "  --strict             warnings count as errors (for your own packages)\n"
	      "  --schemas DIR        folder of the XSD sets (default: the schema_dir setting)\n"
	      "  --quiet              print errors and the summary only\n"
	      "  --config FILE        read settings from FILE (lines of 'name = value')\n"
	      "  --limit NAME=VALUE   change one setting for this run\n\n"
	      "settings (NAME, default, environment variable):\n", out);
	for (size_t i = 0; i < sizeof(used_settings) / sizeof(used_settings[0]); i++) {
		const pa_config_entry *s = &e[used_settings[i]];

		if (s->type == PA_CONFIG_PATH)
			fprintf(out, "  %-24s %s\n      %s\n      default: %s\n", s->name, s->env, s->help, s->def);
		else
			fprintf(out, "  %-24s %-6s %s\n      %s\n", s->name, s->def, s->env, s->help);
	}
	fputs("\nexit codes: 0 no errors, 1 errors found (or the check could not run), 2 usage error\n", out);
}

static void print_diag(const pa_diag *diag, bool quiet)
{
	pa_diag errors;

	if (!quiet) {
		pa_diag_print(diag, stdout);
		return;
	}
	pa_diag_init(&errors);
	for (size_t i = 0; i < diag->count; i++) {
		const pa_diag_entry *e = &diag->items[i];

		if (e->severity == PA_DIAG_ERROR)
			pa_diag_add(&errors, e->severity, e->file, e->line, e->col, "%s", e->message);
	}
	pa_diag_print(&errors, stdout);
	pa_diag_dispose(&errors);
}

int pa_cmd_validate(int argc, char **argv)
{
	const char *path = NULL, *config_file = NULL, *schemas = NULL;
	bool strict = false, quiet = false;
	pa_validate_options opts = { 0 };
	pa_scorm_version version;
	pa_config cfg;
	pa_diag diag;
	int rc, exit_code = PA_EXIT_OK;

	/* First pass: everything but the settings, which need the config file first. */
	{
		const pa_cli_opt options[] = {
			{ "--strict", NULL, NULL, &strict },
			{ "--quiet", "-q", NULL, &quiet },
			{ "--schemas", NULL, &schemas, NULL },
			{ "--config", NULL, &config_file, NULL },
			{ "--limit", NULL, NULL, NULL },
			{ NULL, NULL, NULL, NULL },
		};
		size_t n;
		int code;

		if ((code = pa_cli_parse("validate", argc, argv, options, &path, 1, &n)) != PA_EXIT_OK)
			return code;
	}
	if (!path)
		return pa_cli_usage_error("validate", "which package? give a zip file or a folder", NULL);

	if ((rc = pa_cli_settings(&cfg, "validate", config_file, argc, argv)) != PA_EXIT_OK)
		return rc;

	opts.config = &cfg;
	opts.schema_dir = schemas;
	pa_diag_init(&diag);
	rc = pa_validate_path(&version, path, &opts, &diag);
	if (rc) {
		print_diag(&diag, quiet);
		fprintf(stderr, "passerelle validate: %s\n", pa_error_last());
		exit_code = PA_EXIT_PROBLEMS;
		goto done;
	}
	if (strict)
		pa_diag_promote_warnings(&diag);
	print_diag(&diag, quiet);
	printf("%s: %s: %zu error%s, %zu warning%s\n", path, pa_scorm_version_name(version),
	       diag.errors, diag.errors == 1 ? "" : "s", diag.warnings, diag.warnings == 1 ? "" : "s");
	if (diag.errors)
		exit_code = PA_EXIT_PROBLEMS;
done:
	pa_diag_dispose(&diag);
	pa_config_dispose(&cfg);
	return exit_code;
}
