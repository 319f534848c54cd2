/* passerelle pack: a course folder to a SCORM 1.2 or 2004 package. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/config.h"
#include "common/diag.h"
#include "common/error.h"
#include "packager/pack.h"

void pa_cmd_pack_usage(FILE *out)
{
	fputs("usage: passerelle pack COURSE_DIR --format scorm12|scorm2004 [-o FILE]\n"
	      "                       [--lang LANG] [--schemas DIR] [--quiet]\n\n"
	      "Builds a SCORM package (zip) from a course folder (docs/course-format.md).\n\n"
	      "  --format F     scorm2004 (SCORM 2004 4th Edition, with sequencing) or scorm12\n"
	      "  -o FILE        the package to write (default dist/<course-id>-<format>.zip)\n"
	      "  --lang LANG    one language only (default: every language of the course)\n"
	      "  --schemas DIR  the SCORM XSDs to put in the package (default: the schema_dir\n"
	      "                 setting, $PASSERELLE_SCHEMA_DIR, else the set `npm ci` installs)\n"
	      "  --quiet        no progress bar\n\n"
	      "The same course gives the same bytes: file times come from SOURCE_DATE_EPOCH,\n"
	      "else from the course's date. Nothing is written when the course has an error.\n\n"
	      "exit codes: 0 written, 1 the course has errors (or writing failed), 2 usage error\n", out);
}

static void print_size(FILE *out, uint64_t bytes)
{
	if (bytes >= 10u << 20)
		fprintf(out, "%llu MB", (unsigned long long)(bytes >> 20));
	else if (bytes >= 10u << 10)
		fprintf(out, "%llu kB", (unsigned long long)(bytes >> 10));
	else
		fprintf(out, "%llu bytes", (unsigned long long)bytes);
}

int pa_cmd_pack(int argc, char **argv)
{
	pa_pack_opts opts = { 0 };
	pa_pack_result result = { 0 };
	pa_config cfg;
	pa_diag diag;
	const char *format = NULL;
	int rc, status;

	{
		const pa_cli_opt options[] = {
			{ "--format", NULL, &format, NULL },
			{ "--output", "-o", &opts.output, NULL },
			{ "--lang", NULL, &opts.lang, NULL },
			{ "--schemas", NULL, &opts.schema_dir, NULL },
			{ "--quiet", "-q", NULL, &opts.quiet },
			{ NULL, NULL, NULL, NULL },
		};
		size_t n;

		if ((rc = pa_cli_parse("pack", argc, argv, options, &opts.course_dir, 1, &n)) != PA_EXIT_OK)
			return rc;
	}
	if (format && pa_format_parse(&opts.format, format) != 0)
		return pa_cli_usage_error("pack", pa_error_last(), NULL);
	if (!opts.course_dir)
		return pa_cli_usage_error("pack", "which course folder?", NULL);
	if (!format)
		return pa_cli_usage_error("pack", "--format scorm12 or --format scorm2004 is needed", NULL);

	/* The schema folder is a setting shared with validate (common/config.c). */
	if ((rc = pa_config_init(&cfg)) != 0 || (rc = pa_config_load_env(&cfg)) != 0) {
		pa_config_dispose(&cfg);
		pa_cli_fail("settings");
		return PA_EXIT_USAGE;
	}
	if (!opts.schema_dir)
		opts.schema_dir = pa_config_string(&cfg, PA_CFG_SCHEMA_DIR);
	pa_diag_init(&diag);
	rc = pa_pack(&result, &opts, &diag);
	pa_diag_print(&diag, stderr);
	if (rc == 0) {
		printf("%s\n", result.path);
		fprintf(stderr, "passerelle pack: %s, %zu SCO%s, %zu language%s, %zu files, ",
			opts.format == PA_FORMAT_SCORM2004 ? "SCORM 2004 4th Edition" : "SCORM 1.2",
			result.sco_count, result.sco_count == 1 ? "" : "s",
			result.language_count, result.language_count == 1 ? "" : "s", result.entry_count);
		print_size(stderr, result.zip_bytes);
		fputc('\n', stderr);
		status = PA_EXIT_OK;
	} else if (rc == PA_EINVALID && diag.errors > 0) {
		fprintf(stderr, "passerelle pack: %zu error%s in %s: nothing written\n", diag.errors,
			diag.errors == 1 ? "" : "s", opts.course_dir);
		status = PA_EXIT_PROBLEMS;
	} else {
		pa_cli_fail("pack");
		status = PA_EXIT_PROBLEMS;
	}
	pa_pack_result_dispose(&result);
	pa_diag_dispose(&diag);
	pa_config_dispose(&cfg);
	return status;
}
