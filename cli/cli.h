/* The passerelle program: one entry per subcommand. */
#ifndef PA_CLI_H
#define PA_CLI_H

#include <stdio.h>

/* Exit codes, documented in `passerelle --help` and docs/cli.md. */
#define PA_EXIT_OK 0        /* done, nothing wrong */
#define PA_EXIT_PROBLEMS 1  /* the input has errors, or the work failed */
#define PA_EXIT_USAGE 2     /* the command line is wrong */

typedef struct pa_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);   /* argv[0] is the subcommand name */
	void (*usage)(FILE *out);
} pa_command;

int pa_cmd_pack(int argc, char **argv);
void pa_cmd_pack_usage(FILE *out);
int pa_cmd_validate(int argc, char **argv);
void pa_cmd_validate_usage(FILE *out);
int pa_cmd_sequence(int argc, char **argv);
void pa_cmd_sequence_usage(FILE *out);

/* Print "passerelle: <msg>" and the last error detail to stderr. */
void pa_cli_fail(const char *what);

/* True when argv asks for help (-h or --help). */
int pa_cli_wants_help(int argc, char **argv);

#endif
