/* passerelle validate: check a SCORM package, print diagnostics and a summary. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/config.h"
#include "common/diag.h"
#include "common/error.h"
#include "packager/validate.h"

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
	      "settings (also from the environment variables named):\n", out);
	for (size_t k = 0; k <= PA_CFG_SCHEMA_DIR; k++) /* the settings of packages */
		fprintf(out, "  %-24s %s (default %s; %s)\n", e[k].name, e[k].help, e[k].def, e[k].env);
	fputs("\nexit codes: 0 no errors, 1 errors found (or the check could not run), 2 usage error\n", out);
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "passerelle validate: %s%s%s\n(see 'passerelle validate --help')\n",
		what, arg ? " " : "", arg ? arg : "");
	return PA_EXIT_USAGE;
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
	int i, rc, exit_code = PA_EXIT_OK;

	/* First pass: everything but the settings, which need the config file first. */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--strict") == 0) {
			strict = true;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			quiet = true;
		} else if (strcmp(a, "--schemas") == 0 || strcmp(a, "--config") == 0 ||
			   strcmp(a, "--limit") == 0) {
			if (i + 1 >= argc)
				return usage_error("this option needs a value:", a);
			if (strcmp(a, "--schemas") == 0)
				schemas = argv[i + 1];
			else if (strcmp(a, "--config") == 0)
				config_file = argv[i + 1];
			i++;
		} else if (strcmp(a, "--") == 0) {
			if (i + 1 < argc && !path)
				path = argv[++i];
			if (i + 1 < argc)
				return usage_error("unexpected argument:", argv[i + 1]);
			break;
		} else if (a[0] == '-' && a[1]) {
			return usage_error("unknown option", a);
		} else if (path) {
			return usage_error("one package at a time; one too many:", a);
		} else {
			path = a;
		}
	}
	if (!path)
		return usage_error("which package? give a zip file or a folder", NULL);

	if (pa_config_init(&cfg) != 0) {
		pa_cli_fail("validate");
		return PA_EXIT_PROBLEMS;
	}
	if (config_file && pa_config_load_file(&cfg, config_file) != 0) {
		fprintf(stderr, "passerelle validate: %s\n", pa_error_last());
		pa_config_dispose(&cfg);
		return PA_EXIT_USAGE;
	}
	if (pa_config_load_env(&cfg) != 0) {
		fprintf(stderr, "passerelle validate: %s\n", pa_error_last());
		pa_config_dispose(&cfg);
		return PA_EXIT_USAGE;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			if (pa_config_set_pair(&cfg, argv[i + 1]) != 0) {
				fprintf(stderr, "passerelle validate: --limit %s: %s\n", argv[i + 1], pa_error_last());
				pa_config_dispose(&cfg);
				return PA_EXIT_USAGE;
			}
			i++;
		} else if (strcmp(argv[i], "--schemas") == 0 || strcmp(argv[i], "--config") == 0) {
			i++;
		}
	}

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
