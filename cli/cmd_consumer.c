/* passerelle consumer: the LMSs allowed to launch through LTI 1.1. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/util.h"
#include "runtime/auth.h"
#include "runtime/store.h"
#include "runtime/store_lti.h"

void pa_cmd_consumer_usage(FILE *out)
{
	fputs("usage: passerelle consumer add    [--data DIR] [--config FILE] [--name NAME] KEY\n"
	      "       passerelle consumer list   [--data DIR] [--config FILE]\n"
	      "       passerelle consumer remove [--data DIR] [--config FILE] KEY\n\n"
	      "LTI 1.1 consumers: the LMSs that may launch modules with an OAuth 1.0a\n"
	      "consumer key and shared secret.\n\n"
	      "add      registers KEY (the consumer key the LMS will send) and prints a new\n"
	      "         shared secret (32 random bytes, base64url) and the launch URL to paste\n"
	      "         into the LMS; the secret is shown only this once\n"
	      "list     prints the consumers: id, key, name, created (never their secrets)\n"
	      "remove   refuses KEY's launches at once (its links and attempts stay)\n\n"
	      "options:\n"
	      "  --name NAME          a name for admins (the institution, the LMS)\n"
	      "  --data DIR           the data folder (default: the data_dir setting)\n"
	      "  --config FILE        read settings from FILE (default: $PASSERELLE_CONFIG)\n\n"
	      "The launch URL starts with the public_base_url setting (set it when the\n"
	      "server is behind a reverse proxy): --set public_base_url=https://tool.example.org\n\n"
	      "exit codes: 0 done, 1 failed (key taken, no such consumer), 2 usage error\n", out);
}

static int run_add(pa_store *store, const pa_config *cfg, const char *key, const char *name)
{
	unsigned char hash[PA_STORE_TOKEN_HASH_BYTES];
	pa_buf secret = PA_BUF_INIT, url = PA_BUF_INIT;
	int64_t id;
	int rc;

	/* The secret is made like an admin token (32 random bytes, base64url); only the hash goes unused. */
	if ((rc = pa_auth_token_new(&secret, hash)) != 0 ||
	    (rc = pa_store_consumer_add(&id, store, key, secret.ptr, name)) != 0)
		goto done;
	pa_cli_base_url(&url, cfg);
	pa_buf_puts(&url, "/lti/11/launch");
	printf("consumer key:  %s\nshared secret: %s\nlaunch URL:    %s\n", key, secret.ptr, pa_buf_cstr(&url));
	fprintf(stderr, "passerelle consumer: consumer %lld '%s' added; its secret is shown only this once\n",
		(long long)id, key);
done:
	if (secret.ptr)
		OPENSSL_cleanse(secret.ptr, secret.len);
	pa_buf_dispose(&secret);
	pa_buf_dispose(&url);
	return rc;
}

static int run_list(pa_store *store)
{
	pa_store_consumer *list;
	size_t n;
	int rc;

	if ((rc = pa_store_consumer_list(&list, &n, store)) != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		pa_buf line = PA_BUF_INIT;

		pa_buf_printf(&line, "%lld\t%s\t%s\t", (long long)list[i].id, list[i].key, list[i].name ? list[i].name : "-");
		pa_buf_put_utc(&line, list[i].created);
		printf("%s\n", pa_buf_cstr(&line));
		pa_buf_dispose(&line);
	}
	pa_store_consumer_list_free(list, n);
	return 0;
}

/* A key the LMS can send and a person can read back: printable ASCII, no spaces. */
static bool key_ok(const char *key)
{
	size_t n = strlen(key);

	if (n == 0 || n > 255)
		return false;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return false;
	return true;
}

int pa_cmd_consumer(int argc, char **argv)
{
	const char *action = NULL, *key = NULL, *name = NULL, *config_file = NULL;
	pa_store *store = NULL;
	pa_config cfg;
	int rc, code;

	{
		const pa_cli_opt options[] = {
			{ "--name", NULL, &name, NULL },
			{ "--data", NULL, NULL, NULL },
			{ "--config", NULL, &config_file, NULL },
			{ "--set", NULL, NULL, NULL },
			{ NULL, NULL, NULL, NULL },
		};
		const char *operands[2] = { NULL, NULL };
		size_t n;

		if ((code = pa_cli_parse("consumer", argc, argv, options, operands, 2, &n)) != PA_EXIT_OK)
			return code;
		action = operands[0];
		key = operands[1];
	}
	{
		static const char *const actions[] = { "add", "list", "remove", NULL };

		if ((code = pa_cli_action("consumer", action, key, actions, "which consumer? give its KEY")) != PA_EXIT_OK)
			return code;
	}
	if (!strcmp(action, "add") && !key_ok(key))
		return pa_cli_usage_error("consumer", "a key is 1 to 255 printable ASCII characters, no spaces:", key);
	if (name && strcmp(action, "add") != 0)
		return pa_cli_usage_error("consumer", "--name goes with add", NULL);
	if (name && !pa_utf8_valid(name, strlen(name), NULL))
		return pa_cli_usage_error("consumer", "the name is not UTF-8", NULL);
	if ((code = pa_cli_settings(&cfg, "consumer", config_file, argc, argv)) != PA_EXIT_OK)
		return code;
	code = PA_EXIT_PROBLEMS;
	if ((rc = pa_store_open(&store, pa_config_string(&cfg, PA_CFG_DATA_DIR), &cfg)) != 0) {
		pa_cli_fail("consumer");
		goto done;
	}
	if (!strcmp(action, "add"))
		rc = run_add(store, &cfg, key, name);
	else if (!strcmp(action, "list"))
		rc = run_list(store);
	else if ((rc = pa_store_consumer_remove(store, key)) == 0)
		fprintf(stderr, "passerelle consumer: consumer '%s' removed\n", key);
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
