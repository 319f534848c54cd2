/* The passerelle program: one entry per subcommand. */
#ifndef PA_CLI_H
#define PA_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/config.h"

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

int pa_cmd_import(int argc, char **argv);
void pa_cmd_import_usage(FILE *out);
int pa_cmd_admin(int argc, char **argv);
void pa_cmd_admin_usage(FILE *out);
int pa_cmd_preview(int argc, char **argv);
void pa_cmd_preview_usage(FILE *out);
int pa_cmd_serve(int argc, char **argv);
void pa_cmd_serve_usage(FILE *out);
int pa_cmd_grades(int argc, char **argv);
void pa_cmd_grades_usage(FILE *out);
int pa_cmd_platform(int argc, char **argv);
void pa_cmd_platform_usage(FILE *out);
int pa_cmd_keys(int argc, char **argv);
void pa_cmd_keys_usage(FILE *out);
int pa_cmd_consumer(int argc, char **argv);
void pa_cmd_consumer_usage(FILE *out);

/* --- lti-admin --- */
int pa_cmd_lti_config(int argc, char **argv);
void pa_cmd_lti_config_usage(FILE *out);

/* One option of a subcommand. */
typedef struct pa_cli_opt {
	const char *name;     /* "--data" */
	const char *alias;    /* "-o", or NULL */
	const char **value;   /* an option with a value: where it goes (the last one wins) */
	bool *flag;           /* a flag: set to true */
	/* Neither value nor flag: an option with a value read elsewhere
	 * (--set/--limit NAME=VALUE, read by pa_cli_settings). */
} pa_cli_opt;

/*
 * Parse argv[1..] of a subcommand against opts (ending in a zeroed entry):
 * options anywhere, up to max operands into operands (after "--" every
 * argument is an operand). On a mistake it says what is wrong and returns
 * PA_EXIT_USAGE; otherwise PA_EXIT_OK.
 */
int pa_cli_parse(const char *command, int argc, char **argv, const pa_cli_opt *opts,
		 const char **operands, size_t max, size_t *count);

/* Print "passerelle COMMAND: what arg" and where help is; returns PA_EXIT_USAGE. */
int pa_cli_usage_error(const char *command, const char *what, const char *arg);

/*
 * The ACTION ARG of a command whose actions (a NULL-terminated list) all
 * name what they act on, but "list", which takes nothing: PA_EXIT_OK, or
 * the usage error's code once said. which: the question when ARG is
 * missing ("which token? give its NAME").
 */
int pa_cli_action(const char *command, const char *action, const char *arg, const char *const *actions,
		  const char *which);

/*
 * The settings of a command: defaults, then config_file (or the file named
 * by PASSERELLE_CONFIG), then PASSERELLE_* variables, then every
 * --set/--limit NAME=VALUE and --data DIR (the data_dir setting) of argv. Returns an exit code (0: go on); on
 * failure the message is printed and out needs no dispose.
 */
int pa_cli_settings(pa_config *out, const char *command, const char *config_file, int argc, char **argv);

/* The help lines of some settings. */
void pa_cli_settings_usage(FILE *out, const pa_config_key *keys, size_t count);

/* Where browsers and LMSs reach serve: public_base_url, else the listen
 * address (a wildcard host read as this machine); no trailing slash. */
void pa_cli_base_url(pa_buf *out, const pa_config *cfg);

/* Print "passerelle: <msg>" and the last error detail to stderr. */
void pa_cli_fail(const char *what);

/* True when --log-level came before the command (it then wins over log_level). */
int pa_cli_log_level_given(void);

/* True when argv asks for help (-h or --help). */
int pa_cli_wants_help(int argc, char **argv);

#endif
