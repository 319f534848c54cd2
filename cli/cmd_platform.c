/* passerelle platform: LTI 1.3 platforms registered by hand. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/util.h"
#include "runtime/store.h"
#include "runtime/store_lti.h"

void pa_cmd_platform_usage(FILE *out)
{
	static const pa_config_key keys[] = { PA_CFG_DATA_DIR, PA_CFG_PUBLIC_BASE_URL, PA_CFG_LTI_ALLOW_HTTP };

	fputs("usage: passerelle platform add --issuer URL --client-id ID --auth-url URL --token-url URL\n"
	      "                               --jwks-url URL [--deployment ID]... [--name NAME]\n"
	      "                               [--token-audience AUD] [--base-url URL]\n"
	      "       passerelle platform list\n"
	      "       passerelle platform remove ID\n"
	      "       passerelle platform deployment add ID DEPLOYMENT_ID\n"
	      "  (each also takes [--data DIR] [--config FILE] [--set NAME=VALUE]...)\n\n"
	      "Registers an LTI 1.3 platform (an LMS) by hand, with the values its admin page shows for\n"
	      "a tool, and prints the values to copy back into the LMS. Moodle: Site administration >\n"
	      "Plugins > Activity modules > External tool > Manage tools > configure a tool manually,\n"
	      "then 'View configuration details' on the tool gives:\n"
	      "  passerelle platform add --name Moodle --issuer https://moodle.example.org \\\n"
	      "    --client-id Xq3kZ --deployment 1 \\\n"
	      "    --auth-url https://moodle.example.org/mod/lti/auth.php \\\n"
	      "    --token-url https://moodle.example.org/mod/lti/token.php \\\n"
	      "    --jwks-url https://moodle.example.org/mod/lti/certs.php\n\n"
	      "add        registers the platform and prints its id and the tool's URLs for the LMS:\n"
	      "           login URL, redirect (launch) URL, JWKS URL, deep linking URL\n"
	      "list       prints each platform: id, name, issuer, client id, deployments\n"
	      "remove     forgets platform ID and its deployments (its links and attempts stay)\n"
	      "deployment add   registers one more deployment id of platform ID\n\n"
	      "options of add:\n"
	      "  --issuer URL         the platform's issuer (iss of its tokens; Moodle: its address)\n"
	      "  --client-id ID       the client id the platform gave the tool\n"
	      "  --auth-url URL       its OIDC authentication request URL\n"
	      "  --token-url URL      its OAuth 2 access token URL (for grades)\n"
	      "  --jwks-url URL       its public keyset URL\n"
	      "  --deployment ID      a deployment id (give one per deployment; more later with\n"
	      "                       'platform deployment add')\n"
	      "  --name NAME          a name for admins\n"
	      "  --token-audience AUD the aud of the tool's token requests when not the token URL\n"
	      "  --base-url URL       where the LMS reaches passerelle (default: public_base_url)\n"
	      "URLs must be https (http only with lti_allow_http=true, for test platforms).\n\n", out);
	pa_cli_settings_usage(out, keys, sizeof(keys) / sizeof(keys[0]));
	fputs("\nexit codes: 0 done, 1 failed (already registered, no such platform), 2 usage error\n", out);
}

/* An absolute https URL (http when allowed) with a host: what a platform's endpoints must be. */
static bool url_ok(const char *url, bool allow_http)
{
	const char *host;

	if (pa_str_startswith(url, "https://"))
		host = url + strlen("https://");
	else if (allow_http && pa_str_startswith(url, "http://"))
		host = url + strlen("http://");
	else
		return false;
	if (!*host || *host == '/' || *host == ':')
		return false;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

/* The tool's URLs an admin copies into the LMS. */
static void print_tool_urls(const char *base)
{
	size_t len = strlen(base);
	int n = (int)(len && base[len - 1] == '/' ? len - 1 : len);

	printf("Copy into the LMS:\n"
	       "  login URL (initiate login URL)         %.*s/lti/login\n"
	       "  redirect URL (launch, redirection URI) %.*s/lti/launch\n"
	       "  JWKS URL (public keyset URL)           %.*s/lti/jwks\n"
	       "  deep linking URL                       %.*s/lti/launch\n",
	       n, base, n, base, n, base, n, base);
}

static void print_platform(const pa_store_platform *p)
{
	printf("%lld\t%s\t%s\t%s\t", (long long)p->id, p->name ? p->name : "-", p->issuer, p->client_id);
	if (!p->ndeployments)
		fputs("-", stdout);
	for (size_t i = 0; i < p->ndeployments; i++)
		printf("%s%s", i ? "," : "", p->deployments[i]);
	putchar('\n');
}

typedef struct add_opts {
	pa_store_platform in;   /* its strings point into argv */
	const char *base_url;
} add_opts;

static int run_add(pa_store *store, const pa_config *cfg, add_opts *o, int argc, char **argv)
{
	bool allow_http = pa_config_bool(cfg, PA_CFG_LTI_ALLOW_HTTP);
	const char *base = o->base_url;
	pa_store_platform p;
	size_t deployments;
	int64_t id;
	int rc;

	if (!base || !*base)
		base = pa_config_string(cfg, PA_CFG_PUBLIC_BASE_URL);
	if ((rc = pa_store_platform_add(&id, store, &o->in)) != 0)
		return rc;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--deployment") && i + 1 < argc) {
			if ((rc = pa_store_deployment_add(store, id, argv[++i])) != 0) {
				/* Half a registration would launch nobody: take it back. */
				pa_buf why = PA_BUF_INIT;

				pa_buf_puts(&why, pa_error_last());
				pa_store_platform_remove(store, id);
				pa_error_set(rc, "%s", pa_buf_cstr(&why));
				pa_buf_dispose(&why);
				return rc;
			}
		}
	}
	if ((rc = pa_store_platform_get(&p, store, id)) != 0)
		return rc;
	fprintf(stderr, "passerelle platform: platform %lld registered\n", (long long)id);
	printf("id\tname\tissuer\tclient id\tdeployments\n");
	print_platform(&p);
	deployments = p.ndeployments;
	pa_store_platform_dispose(&p);
	if (!deployments)
		fputs("passerelle platform: no deployment yet: launches are refused until one is added with\n"
		      "  passerelle platform deployment add ID DEPLOYMENT_ID\n", stderr);
	if (base && *base) {
		print_tool_urls(base);
	} else {
		print_tool_urls("https://passerelle.example.org");
		fputs("passerelle platform: the URLs above use an example address: give --base-url (or set\n"
		      "public_base_url) to print the ones the LMS must use\n", stderr);
	}
	if (!allow_http && base && *base && !pa_str_startswith(base, "https://"))
		fputs("passerelle platform: LMSs want the tool's URLs in https\n", stderr);
	return 0;
}

static int run_list(pa_store *store)
{
	pa_store_platform *list;
	size_t n;
	int rc;

	if ((rc = pa_store_platform_list(&list, &n, store)) != 0)
		return rc;
	printf("id\tname\tissuer\tclient id\tdeployments\n");
	for (size_t i = 0; i < n; i++)
		print_platform(&list[i]);
	pa_store_platform_list_free(list, n);
	return 0;
}

/* Usage problems of add's options, before anything is opened. */
static int check_add(const add_opts *o, const pa_config *cfg, int argc, char **argv)
{
	bool allow_http = pa_config_bool(cfg, PA_CFG_LTI_ALLOW_HTTP);
	const struct {
		const char *option, *value;
		bool url;
	} fields[] = {
		{ "--issuer", o->in.issuer, true },
		{ "--client-id", o->in.client_id, false },
		{ "--auth-url", o->in.auth_url, true },
		{ "--token-url", o->in.token_url, true },
		{ "--jwks-url", o->in.jwks_url, true },
	};

	for (size_t i = 0; i < PA_ARRAY_SIZE(fields); i++) {
		if (!fields[i].value || !*fields[i].value)
			return pa_cli_usage_error("platform", "add needs", fields[i].option);
		if (fields[i].url && !url_ok(fields[i].value, allow_http))
			return pa_cli_usage_error("platform",
						  allow_http ? "not an http(s) URL:" : "not an https URL "
						  "(plain http only with --set lti_allow_http=true):", fields[i].value);
	}
	if (o->base_url && *o->base_url && !url_ok(o->base_url, true))
		return pa_cli_usage_error("platform", "--base-url is not an http(s) URL:", o->base_url);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--deployment") && i + 1 < argc && !*argv[++i])
			return pa_cli_usage_error("platform", "an empty --deployment", NULL);
	}
	return PA_EXIT_OK;
}

int pa_cmd_platform(int argc, char **argv)
{
	const char *operands[4] = { NULL, NULL, NULL, NULL }, *config_file = NULL, *action;
	add_opts o;
	pa_store *store = NULL;
	pa_config cfg;
	int64_t id = 0;
	size_t n;
	int rc, code;

	memset(&o, 0, sizeof(o));
	{
		const char *issuer = NULL, *client_id = NULL, *auth_url = NULL, *token_url = NULL, *jwks_url = NULL;
		const char *name = NULL, *audience = NULL;
		const pa_cli_opt options[] = {
			{ "--data", NULL, NULL, NULL },
			{ "--config", NULL, &config_file, NULL },
			{ "--set", NULL, NULL, NULL },
			{ "--issuer", NULL, &issuer, NULL },
			{ "--client-id", NULL, &client_id, NULL },
			{ "--auth-url", NULL, &auth_url, NULL },
			{ "--token-url", NULL, &token_url, NULL },
			{ "--jwks-url", NULL, &jwks_url, NULL },
			{ "--name", NULL, &name, NULL },
			{ "--token-audience", NULL, &audience, NULL },
			{ "--deployment", NULL, NULL, NULL },
			{ "--base-url", NULL, &o.base_url, NULL },
			{ NULL, NULL, NULL, NULL },
		};

		if ((code = pa_cli_parse("platform", argc, argv, options, operands, 4, &n)) != PA_EXIT_OK)
			return code;
		/* The store copies them; argv outlives the command. */
		o.in.issuer = (char *)issuer;
		o.in.client_id = (char *)client_id;
		o.in.auth_url = (char *)auth_url;
		o.in.token_url = (char *)token_url;
		o.in.jwks_url = (char *)jwks_url;
		o.in.name = (char *)name;
		o.in.token_audience = (char *)audience;
	}
	action = operands[0];
	if (!action)
		return pa_cli_usage_error("platform", "what? add, list, remove or deployment add", NULL);
	if (!strcmp(action, "add") || !strcmp(action, "list")) {
		if (n > 1)
			return pa_cli_usage_error("platform", "unexpected argument:", operands[1]);
	} else if (!strcmp(action, "remove")) {
		if (n != 2)
			return pa_cli_usage_error("platform", n < 2 ? "which platform? give its ID" : "unexpected argument:",
						  operands[2]);
		if (pa_parse_int64(&id, operands[1], 1, INT64_MAX) != 0)
			return pa_cli_usage_error("platform", "not a platform id:", operands[1]);
	} else if (!strcmp(action, "deployment")) {
		if (n != 4 || strcmp(operands[1], "add") != 0)
			return pa_cli_usage_error("platform", "usage: platform deployment add ID DEPLOYMENT_ID", NULL);
		if (pa_parse_int64(&id, operands[2], 1, INT64_MAX) != 0)
			return pa_cli_usage_error("platform", "not a platform id:", operands[2]);
		if (!*operands[3])
			return pa_cli_usage_error("platform", "an empty deployment id", NULL);
	} else {
		return pa_cli_usage_error("platform", "not a platform action (add, list, remove, deployment add):", action);
	}
	if (strcmp(action, "add") != 0 && (o.in.issuer || o.in.client_id || o.in.auth_url || o.in.token_url ||
					   o.in.jwks_url || o.in.name || o.in.token_audience || o.base_url))
		return pa_cli_usage_error("platform", "the platform's fields go with 'add' only", NULL);
	if ((code = pa_cli_settings(&cfg, "platform", config_file, argc, argv)) != PA_EXIT_OK)
		return code;
	if (!strcmp(action, "add") && (code = check_add(&o, &cfg, argc, argv)) != PA_EXIT_OK)
		goto done;
	code = PA_EXIT_PROBLEMS;
	if ((rc = pa_store_open(&store, pa_config_string(&cfg, PA_CFG_DATA_DIR), &cfg)) != 0) {
		pa_cli_fail("platform");
		goto done;
	}
	if (!strcmp(action, "add")) {
		rc = run_add(store, &cfg, &o, argc, argv);
	} else if (!strcmp(action, "list")) {
		rc = run_list(store);
	} else if (!strcmp(action, "remove")) {
		if ((rc = pa_store_platform_remove(store, id)) == 0)
			fprintf(stderr, "passerelle platform: platform %lld removed\n", (long long)id);
	} else if ((rc = pa_store_deployment_add(store, id, operands[3])) == 0) {
		fprintf(stderr, "passerelle platform: deployment '%s' of platform %lld registered\n", operands[3],
			(long long)id);
	}
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
