/* passerelle keys: the tool's LTI 1.3 signing keys (lti/keys.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/error.h"
#include "lti/keys.h"
#include "runtime/store.h"
#include "runtime/store_lti.h"

void pa_cmd_keys_usage(FILE *out)
{
	fputs("usage: passerelle keys list   [--data DIR] [--config FILE] [--set lti_key_grace=SECONDS]\n"
	      "       passerelle keys rotate [--data DIR] [--config FILE]\n\n"
	      "The tool signs LTI 1.3 messages (deep linking answers, AGS client assertions) with an\n"
	      "RS256 key; platforms read its public half at /lti/jwks (also /.well-known/jwks.json).\n"
	      "The first key is made when 'passerelle serve' first starts.\n\n"
	      "list     prints every key: kid, created, retired (- for the current key), published\n"
	      "         (yes while in the JWKS: the current key, and retired ones for lti_key_grace seconds)\n"
	      "rotate   makes a new key and signs with it from now on; the old one stays published for\n"
	      "         lti_key_grace seconds (default a day), so nothing it signed stops verifying.\n"
	      "         A running server takes the new key within a minute. Prints the new kid.\n\n"
	      "options:\n"
	      "  --data DIR           the data folder (default: the data_dir setting)\n"
	      "  --config FILE        read settings from FILE (default: $PASSERELLE_CONFIG)\n"
	      "  --set NAME=VALUE     a setting (lti_key_grace)\n\n"
	      "exit codes: 0 done, 1 failed, 2 usage error\n", out);
}

static int run_list(pa_store *store, int64_t grace)
{
	pa_store_lti_key *list;
	size_t n;
	int rc;

	if ((rc = pa_store_lti_key_list(&list, &n, store)) != 0)
		return rc;
	if (n == 0)
		fputs("passerelle keys: no key yet; 'passerelle serve' makes the first at its start "
		      "('passerelle keys rotate' makes one now)\n", stderr);
	for (size_t i = 0; i < n; i++) {
		pa_buf line = PA_BUF_INIT;

		pa_buf_printf(&line, "%s\t", list[i].kid);
		pa_buf_put_utc(&line, list[i].created);
		pa_buf_putc(&line, '\t');
		if (list[i].retired)
			pa_buf_put_utc(&line, list[i].retired);
		else
			pa_buf_putc(&line, '-');
		pa_buf_puts(&line, pa_lti_key_published(&list[i], grace) ? "\tyes" : "\tno");
		printf("%s\n", pa_buf_cstr(&line));
		pa_buf_dispose(&line);
	}
	pa_store_lti_key_list_free(list, n);
	return 0;
}

static int run_rotate(pa_store *store, int64_t grace)
{
	char *kid = NULL;
	int rc;

	if ((rc = pa_lti_keys_rotate(&kid, store)) != 0)
		return rc;
	printf("%s\n", kid);
	fprintf(stderr, "passerelle keys: new signing key %s; the previous keys stay published for "
		"%lld seconds (lti_key_grace)\n", kid, (long long)grace);
	free(kid);
	return 0;
}

int pa_cmd_keys(int argc, char **argv)
{
	const char *action = NULL, *config_file = NULL;
	pa_store *store = NULL;
	pa_config cfg;
	int64_t grace;
	int rc, code;

	{
		const pa_cli_opt options[] = {
			{ "--data", NULL, NULL, NULL },
			{ "--config", NULL, &config_file, NULL },
			{ "--set", NULL, NULL, NULL },
			{ NULL, NULL, NULL, NULL },
		};
		const char *operands[1] = { NULL };
		size_t n;

		if ((code = pa_cli_parse("keys", argc, argv, options, operands, 1, &n)) != PA_EXIT_OK)
			return code;
		action = operands[0];
	}
	if (!action)
		return pa_cli_usage_error("keys", "what? list or rotate", NULL);
	if (strcmp(action, "list") && strcmp(action, "rotate"))
		return pa_cli_usage_error("keys", "not a keys action (list, rotate):", action);
	if ((code = pa_cli_settings(&cfg, "keys", config_file, argc, argv)) != PA_EXIT_OK)
		return code;
	grace = pa_config_int(&cfg, PA_CFG_LTI_KEY_GRACE);
	code = PA_EXIT_PROBLEMS;
	if ((rc = pa_store_open(&store, pa_config_string(&cfg, PA_CFG_DATA_DIR), &cfg)) != 0) {
		pa_cli_fail("keys");
		goto done;
	}
	rc = !strcmp(action, "list") ? run_list(store, grace) : run_rotate(store, grace);
	if (rc) {
		pa_cli_fail(action);
		goto done;
	}
	code = PA_EXIT_OK;
done:
	pa_store_close(store);
	pa_config_dispose(&cfg);
	return code;
}
