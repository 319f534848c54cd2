/* Settings of a command: defaults, a file, the environment, the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/error.h"
#include "common/util.h"

int pa_cli_settings(pa_config *out, const char *command, const char *config_file, int argc, char **argv)
{
	if (pa_config_init(out) != 0) {
		fprintf(stderr, "passerelle %s: %s\n", command, pa_error_last());
		return PA_EXIT_PROBLEMS;
	}
	if (!config_file)
		config_file = getenv("PASSERELLE_CONFIG");
	if (config_file && *config_file && pa_config_load_file(out, config_file) != 0)
		goto done;
	if (pa_config_load_env(out) != 0)
		goto done;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if ((strcmp(argv[i], "--limit") == 0 || strcmp(argv[i], "--set") == 0) && i + 1 < argc) {
			if (pa_config_set_pair(out, argv[i + 1]) != 0)
				goto done;
			i++;
		} else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
			if (pa_config_set(out, "data_dir", argv[i + 1]) != 0)
				goto done;
			i++;
		}
	}
	return PA_EXIT_OK;
done:
	/* Only failures come here. */
	fprintf(stderr, "passerelle %s: %s\n", command, pa_error_last());
	pa_config_dispose(out);
	return PA_EXIT_USAGE;
}

void pa_cli_settings_usage(FILE *out, const pa_config_key *keys, size_t count)
{
	const pa_config_entry *e = pa_config_entries();

	fputs("settings (in a --config file as 'name = value', or from the environment variables named):\n", out);
	for (size_t i = 0; i < count; i++) {
		const pa_config_entry *row = &e[keys[i]];

		fprintf(out, "  %-20s %s (default '%s'; %s)\n", row->name, row->help, row->def, row->env);
	}
}

void pa_cli_base_url(pa_buf *out, const pa_config *cfg)
{
	const char *base = pa_config_string(cfg, PA_CFG_PUBLIC_BASE_URL);
	const char *listen = pa_config_string(cfg, PA_CFG_LISTEN);
	const char *colon = strrchr(listen, ':');

	if (base && *base) {
		size_t len = strlen(base);

		pa_buf_put(out, base, base[len - 1] == '/' ? len - 1 : len);
		return;
	}
	pa_buf_puts(out, "http://");
	if (!colon || colon == listen || pa_str_startswith(listen, "0.0.0.0:"))
		pa_buf_puts(out, "127.0.0.1");
	else if (pa_str_startswith(listen, "[::]:"))
		pa_buf_puts(out, "[::1]");
	else
		pa_buf_put(out, listen, (size_t)(colon - listen));
	pa_buf_puts(out, colon ? colon : ":8080");
}
