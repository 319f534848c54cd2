/* passerelle lti-config: every URL an LMS administrator needs. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/util.h"
#include "lti/config.h"

void pa_cmd_lti_config_usage(FILE *out)
{
	static const pa_config_key keys[] = { PA_CFG_PUBLIC_BASE_URL };

	fputs("usage: passerelle lti-config [--base-url URL] [--json] [--config FILE] [--set NAME=VALUE]...\n\n"
	      "Prints every URL an LMS administrator copies into the platform to register Passerelle:\n"
	      "dynamic registration, OIDC login, launch (redirection URI), deep linking, the public\n"
	      "keys (JWKS) and the LTI 1.1 launch, with the Moodle field each one goes in. The URLs\n"
	      "are those browsers and the LMS reach 'passerelle serve' at: https in production.\n"
	      "  passerelle lti-config --base-url https://passerelle.example.org\n"
	      "  passerelle lti-config --json | jq -r .jwks\n"
	      "A running server answers the same at GET /lti/config (JSON; a page in a browser).\n\n"
	      "options:\n"
	      "  --base-url URL       where the server is reached (default: the public_base_url setting)\n"
	      "  --json               one JSON object, for scripts\n"
	      "  --config FILE        read settings from FILE (default: $PASSERELLE_CONFIG)\n"
	      "  --set NAME=VALUE     change one setting for this run\n\n", out);
	pa_cli_settings_usage(out, keys, PA_ARRAY_SIZE(keys));
	fputs("\nexit codes: 0 printed, 2 usage error (no base URL, or not one)\n", out);
}

int pa_cmd_lti_config(int argc, char **argv)
{
	const char *base_url = NULL, *config_file = NULL, *key;
	pa_buf base = PA_BUF_INIT, out = PA_BUF_INIT;
	bool json = false;
	pa_config cfg;
	int code;

	{
		const pa_cli_opt options[] = {
			{ "--base-url", NULL, &base_url, NULL },
			{ "--json", NULL, NULL, &json },
			{ "--config", NULL, &config_file, NULL },
			{ "--set", NULL, NULL, NULL },
			{ "--data", NULL, NULL, NULL },
			{ NULL, NULL, NULL, NULL },
		};
		size_t n;

		if ((code = pa_cli_parse("lti-config", argc, argv, options, NULL, 0, &n)) != PA_EXIT_OK)
			return code;
	}
	if ((code = pa_cli_settings(&cfg, "lti-config", config_file, argc, argv)) != PA_EXIT_OK)
		return code;
	code = PA_EXIT_USAGE;
	if (!base_url || !*base_url)
		base_url = pa_config_string(&cfg, PA_CFG_PUBLIC_BASE_URL);
	if (!base_url || !*base_url) {
		pa_cli_usage_error("lti-config", "where is the server reached? give --base-url URL or set public_base_url",
				   NULL);
		goto done;
	}
	if (pa_lti_base_url_check(&base, base_url) != 0) {
		pa_cli_fail("lti-config");
		goto done;
	}
	if (!pa_str_startswith(pa_buf_cstr(&base), "https://"))
		fprintf(stderr, "passerelle lti-config: warning: LMSs require https for LTI 1.3; %s is for tests "
			"(lti_allow_http)\n", pa_buf_cstr(&base));
	key = pa_config_string(&cfg, PA_CFG_LTI_REGISTRATION_KEY);
	if ((json ? pa_lti_config_json(&out, pa_buf_cstr(&base), key)
		  : pa_lti_config_text(&out, pa_buf_cstr(&base), key)) != 0) {
		pa_cli_fail("lti-config");
		code = PA_EXIT_PROBLEMS;
		goto done;
	}
	fputs(pa_buf_cstr(&out), stdout);
	code = PA_EXIT_OK;
done:
	pa_buf_dispose(&base);
	pa_buf_dispose(&out);
	pa_config_dispose(&cfg);
	return code;
}
