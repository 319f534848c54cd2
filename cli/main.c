#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/error.h"
#include "common/log.h"

static const pa_command commands[] = {
	{ "pack", "build SCORM 1.2 or 2004 packages from a course folder", pa_cmd_pack, pa_cmd_pack_usage },
	{ "validate", "check a SCORM package (zip or folder)", pa_cmd_validate, pa_cmd_validate_usage },
	{ "import", "add a SCORM package (or a new version of one) to the data folder", pa_cmd_import, pa_cmd_import_usage },
	{ "admin", "create, list and revoke admin tokens", pa_cmd_admin, pa_cmd_admin_usage },
	{ "preview", "print a link that plays a package without an LMS", pa_cmd_preview, pa_cmd_preview_usage },
	{ "serve", "run the HTTP server", pa_cmd_serve, pa_cmd_serve_usage },
	{ "platform", "register LTI 1.3 platforms (LMSs) by hand", pa_cmd_platform, pa_cmd_platform_usage },
	{ "sequence", "run SCORM 2004 sequencing on a package with a script", pa_cmd_sequence, pa_cmd_sequence_usage },
	{ "lti-config", "print every URL an LMS administrator needs to register Passerelle", pa_cmd_lti_config, pa_cmd_lti_config_usage },
	{ "grades", "list the scores on their way to the LMSs, retry failed ones", pa_cmd_grades, pa_cmd_grades_usage },
	{ "keys", "list and rotate the tool's LTI 1.3 signing keys", pa_cmd_keys, pa_cmd_keys_usage },
	{ "consumer", "add, list and remove LTI 1.1 consumers (key and shared secret)", pa_cmd_consumer, pa_cmd_consumer_usage },
};

static void usage(FILE *out)
{
	fputs("usage: passerelle [--version] [--log-level LEVEL] <command> [options]\n\n"
	      "Carries e-learning courses into the LMSs people already use.\n\ncommands:\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'passerelle <command> --help' tells more.\n\n"
	      "exit codes: 0 ok, 1 problems found (or the work failed), 2 usage error\n", out);
}

static int log_level_given;

int pa_cli_log_level_given(void)
{
	return log_level_given;
}

void pa_cli_fail(const char *what)
{
	fprintf(stderr, "passerelle: %s: %s\n", what, pa_error_last());
}

int pa_cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return PA_EXIT_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("passerelle %s\n", PA_VERSION);
			return PA_EXIT_OK;
		} else if (strcmp(argv[i], "--log-level") == 0 && i + 1 < argc) {
			pa_log_level level;

			if (pa_log_parse_level(&level, argv[i + 1]) != 0) {
				pa_cli_fail("--log-level");
				return PA_EXIT_USAGE;
			}
			pa_log_set_level(level);
			log_level_given = 1;
			i += 2;
		} else {
			fprintf(stderr, "passerelle: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return PA_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return PA_EXIT_USAGE;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		if (strcmp(argv[i], commands[c].name) == 0) {
			if (pa_cli_wants_help(argc - i, argv + i)) {
				commands[c].usage(stdout);
				return PA_EXIT_OK;
			}
			return commands[c].run(argc - i, argv + i);
		}
	}
	fprintf(stderr, "passerelle: '%s' is not a command\n", argv[i]);
	usage(stderr);
	return PA_EXIT_USAGE;
}
