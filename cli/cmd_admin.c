/* passerelle admin: the tokens that authorise the admin API. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/error.h"
#include "runtime/auth.h"
#include "runtime/store.h"

void pa_cmd_admin_usage(FILE *out)
{
	fputs("usage: passerelle admin create [--data DIR] [--config FILE] NAME\n"
	      "       passerelle admin list   [--data DIR] [--config FILE]\n"
	      "       passerelle admin revoke [--data DIR] [--config FILE] NAME\n\n"
	      "Admin tokens authorise the admin API of 'passerelle serve' (uploading packages):\n"
	      "  curl -H \"Authorization: Bearer $TOKEN\" -F package=@course.zip http://127.0.0.1:8080/admin/packages\n\n"
	      "create   makes a token called NAME and prints it once: the store keeps only its\n"
	      "         SHA-256, so a lost token cannot be shown again (revoke it, create another)\n"
	      "list     prints the active tokens: id, name, created, last used\n"
	      "revoke   disables the token called NAME at once\n\n"
	      "options:\n"
	      "  --data DIR           the data folder (default: the data_dir setting)\n"
	      "  --config FILE        read settings from FILE (default: $PASSERELLE_CONFIG)\n\n"
	      "exit codes: 0 done, 1 failed (name taken, no such token), 2 usage error\n", out);
}

static void put_time(pa_buf *out, int64_t ms)
{
	if (ms)
		pa_buf_put_utc(out, ms);
	else
		pa_buf_puts(out, "never");
}

static int run_create(pa_store *store, const char *name)
{
	unsigned char hash[PA_STORE_TOKEN_HASH_BYTES];
	pa_buf token = PA_BUF_INIT;
	int64_t id;
	int rc;

	if ((rc = pa_auth_token_new(&token, hash)) == 0 && (rc = pa_store_token_add(&id, store, name, hash)) == 0) {
		printf("%s\n", token.ptr);
		fprintf(stderr, "passerelle admin: token %lld '%s' created; it is shown only this once\n",
			(long long)id, name);
	}
	pa_buf_dispose(&token);
	return rc;
}

static int run_list(pa_store *store)
{
	pa_store_token *list;
	size_t n;
	int rc;

	if ((rc = pa_store_token_list(&list, &n, store)) != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		pa_buf line = PA_BUF_INIT;

		pa_buf_printf(&line, "%lld\t%s\t", (long long)list[i].id, list[i].name);
		put_time(&line, list[i].created);
		pa_buf_putc(&line, '\t');
		put_time(&line, list[i].last_used);
		printf("%s\n", pa_buf_cstr(&line));
		pa_buf_dispose(&line);
	}
	pa_store_token_list_free(list, n);
	return 0;
}

int pa_cmd_admin(int argc, char **argv)
{
	const char *action = NULL, *name = NULL, *config_file = NULL;
	pa_store *store = NULL;
	pa_config cfg;
	int rc, code;

	{
		const pa_cli_opt options[] = {
			{ "--data", NULL, NULL, NULL },
			{ "--config", NULL, &config_file, NULL },
			{ "--set", NULL, NULL, NULL },
			{ NULL, NULL, NULL, NULL },
		};
		const char *operands[2] = { NULL, NULL };
		size_t n;

		if ((code = pa_cli_parse("admin", argc, argv, options, operands, 2, &n)) != PA_EXIT_OK)
			return code;
		action = operands[0];
		name = operands[1];
	}
	{
		static const char *const actions[] = { "create", "list", "revoke", NULL };

		if ((code = pa_cli_action("admin", action, name, actions, "which token? give its NAME")) != PA_EXIT_OK)
			return code;
	}
	if ((code = pa_cli_settings(&cfg, "admin", config_file, argc, argv)) != PA_EXIT_OK)
		return code;
	code = PA_EXIT_PROBLEMS;
	if ((rc = pa_store_open(&store, pa_config_string(&cfg, PA_CFG_DATA_DIR), &cfg)) != 0) {
		pa_cli_fail("admin");
		goto done;
	}
	if (!strcmp(action, "create"))
		rc = run_create(store, name);
	else if (!strcmp(action, "list"))
		rc = run_list(store);
	else if ((rc = pa_store_token_revoke(store, name)) == 0)
		fprintf(stderr, "passerelle admin: token '%s' revoked\n", name);
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
