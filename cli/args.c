/* Command-line options of the subcommands, from one table each. */
#include <string.h>

#include "cli/cli.h"

int pa_cli_usage_error(const char *command, const char *what, const char *arg)
{
	fprintf(stderr, "passerelle %s: %s%s%s\n(see 'passerelle %s --help')\n", command, what,
		arg ? " " : "", arg ? arg : "", command);
	return PA_EXIT_USAGE;
}

static const pa_cli_opt *find(const pa_cli_opt *opts, const char *arg)
{
	for (; opts->name; opts++) {
		if (strcmp(arg, opts->name) == 0 || (opts->alias && strcmp(arg, opts->alias) == 0))
			return opts;
	}
	return NULL;
}

int pa_cli_parse(const char *command, int argc, char **argv, const pa_cli_opt *opts,
		 const char **operands, size_t max, size_t *count)
{
	bool options_done = false;

	*count = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const pa_cli_opt *o;

		if (!options_done && strcmp(a, "--") == 0) {
			options_done = true;
			continue;
		}
		if (!options_done && a[0] == '-' && a[1]) {
			if (!(o = find(opts, a)))
				return pa_cli_usage_error(command, "unknown option", a);
			if (o->flag) {
				*o->flag = true;
				continue;
			}
			if (i + 1 >= argc)
				return pa_cli_usage_error(command, "this option needs a value:", a);
			if (o->value)
				*o->value = argv[i + 1];
			i++;
			continue;
		}
		if (*count >= max)
			return pa_cli_usage_error(command, "unexpected argument:", a);
		operands[(*count)++] = a;
	}
	return PA_EXIT_OK;
}
