/* Command-line options of the subcommands, from one table each. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"

int pa_cli_usage_error(const char *command, const char *what, const char *arg)
{
	fprintf(stderr, "passerelle %s: %s%s%s\n(see 'passerelle %s --help')\n", command, what,
		arg ? " " : "", arg ? arg : "", command);
	return PA_EXIT_USAGE;
}

int pa_cli_action(const char *command, const char *action, const char *arg, const char *const *actions,
		  const char *which)
{
	pa_buf words = PA_BUF_INIT, what = PA_BUF_INIT;
	bool known = false;
	int code = PA_EXIT_OK;
	size_t n = 0;

	while (actions[n])
		n++;
	for (size_t i = 0; i < n; i++) {
		known = known || (action && !strcmp(action, actions[i]));
		pa_buf_printf(&words, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", actions[i]);
	}
	if (!action) {
		pa_buf_printf(&what, "what? %s", pa_buf_cstr(&words));
		code = pa_cli_usage_error(command, pa_buf_cstr(&what), NULL);
	} else if (!known) {
		pa_buf_printf(&what, "unknown action (%s):", pa_buf_cstr(&words));
		code = pa_cli_usage_error(command, pa_buf_cstr(&what), action);
	} else if (strcmp(action, "list") != 0 && (!arg || !*arg)) {
		code = pa_cli_usage_error(command, which, NULL);
	} else if (!strcmp(action, "list") && arg) {
		code = pa_cli_usage_error(command, "unexpected argument:", arg);
	}
	pa_buf_dispose(&words);
	pa_buf_dispose(&what);
	return code;
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
