#include "lti/config.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "common/form.h"
#include "common/util.h"

const pa_lti_config_url pa_lti_config_urls[] = {
	{ "dynamic_registration", "/lti/register", "Dynamic registration",
	  "Site administration > Plugins > Activity modules > External tool > Manage tools: "
	  "Tool URL, then \"Add LTI Advantage\"" },
	{ "oidc_login", "/lti/login", "OIDC login initiation", "Initiate login URL" },
	{ "launch", "/lti/launch", "Launch (target link, redirection URI)", "Tool URL; Redirection URI(s)" },
	{ "deep_linking", "/lti/launch", "Deep linking (content selection)", "Content Selection URL" },
	{ "jwks", "/lti/jwks", "Public keys (JWKS)", "Public keyset (Public key type: Keyset URL)" },
	{ "lti11_launch", "/lti/11/launch", "LTI 1.1 launch", "Tool URL of an LTI 1.0/1.1 tool (consumer key and secret)" },
};
const size_t pa_lti_config_url_count = PA_ARRAY_SIZE(pa_lti_config_urls);

int pa_lti_base_url_check(pa_buf *out, const char *url)
{
	const char *p = url, *host, *end;
	size_t len;

	if (!url || !*url)
		return pa_error_set(PA_EINVALID, "the base URL is empty");
	for (const unsigned char *c = (const unsigned char *)url; *c; c++)
		if (*c <= ' ' || *c == 0x7f || *c == '?' || *c == '#' || *c == '\\')
			return pa_error_set(PA_EINVALID, "'%s': a base URL has no spaces, query (?) or fragment (#)", url);
	if (!strncasecmp(p, "https://", 8))
		p += 8;
	else if (!strncasecmp(p, "http://", 7))
		p += 7;
	else
		return pa_error_set(PA_EINVALID, "'%s': the base URL starts with https:// (or http://)", url);
	host = p;
	end = p + strcspn(p, "/");
	if (end == host || memchr(host, '@', (size_t)(end - host)))
		return pa_error_set(PA_EINVALID, "'%s': the base URL needs a host (and no user name)", url);
	for (const char *c = host; c < end; c++)
		if (!isalnum((unsigned char)*c) && !strchr(".-:[]_", *c))
			return pa_error_set(PA_EINVALID, "'%s': the host has a character hosts cannot have", url);
	for (const char *c = url; c < end; c++)
		pa_buf_putc(out, (char)tolower((unsigned char)*c));
	len = strlen(end);
	while (len && end[len - 1] == '/')
		len--;
	pa_buf_put(out, end, len);
	return pa_buf_error(out);
}

/* A URL of the table, with the registration key where it belongs. */
static void put_url(pa_buf *out, const char *base, const pa_lti_config_url *u, const char *registration_key)
{
	pa_buf_printf(out, "%s%s", base, u->path);
	if (registration_key && *registration_key && !strcmp(u->key, "dynamic_registration")) {
		pa_buf_puts(out, "?key=");
		pa_form_encode(out, registration_key);
	}
}

int pa_lti_config_json(pa_buf *out, const char *base, const char *registration_key)
{
	pa_buf url = PA_BUF_INIT;

	pa_buf_puts(out, "{\"base_url\":");
	pa_buf_put_json(out, base);
	for (size_t i = 0; i < pa_lti_config_url_count; i++) {
		const pa_lti_config_url *u = &pa_lti_config_urls[i];

		pa_buf_clear(&url);
		put_url(&url, base, u, registration_key);
		pa_buf_printf(out, ",\"%s\":", u->key);
		pa_buf_put_json(out, pa_buf_cstr(&url));
		if (!strcmp(u->key, "launch")) {
			pa_buf_puts(out, ",\"redirect_uris\":[");
			pa_buf_put_json(out, pa_buf_cstr(&url));
			pa_buf_putc(out, ']');
		}
	}
	pa_buf_puts(out, "}\n");
	pa_buf_dispose(&url);
	return pa_buf_error(out);
}

int pa_lti_config_text(pa_buf *out, const char *base, const char *registration_key)
{
	pa_buf_printf(out, "Passerelle's LTI URLs for %s\n", base);
	for (size_t i = 0; i < pa_lti_config_url_count; i++) {
		const pa_lti_config_url *u = &pa_lti_config_urls[i];

		pa_buf_printf(out, "\n%s\n  ", u->label);
		put_url(out, base, u, registration_key);
		pa_buf_printf(out, "\n  Moodle: %s\n", u->moodle);
	}
	return pa_buf_error(out);
}

int pa_lti_config_html(pa_buf *out, const char *base)
{
	pa_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
			 "<title>Passerelle: LTI URLs</title></head>\n<body><main>"
			 "<h1>Passerelle: LTI URLs</h1>\n<p>Copy these into the LMS when registering Passerelle as an "
			 "LTI 1.3 tool (or LTI 1.1 for older platforms). Base URL: <code>");
	pa_buf_put_xml(out, base);
	pa_buf_puts(out, "</code>. The same as JSON: <code>curl -H 'Accept: application/json' ");
	pa_buf_put_xml(out, base);
	pa_buf_puts(out, "/lti/config</code>.</p>\n<dl>\n");
	for (size_t i = 0; i < pa_lti_config_url_count; i++) {
		const pa_lti_config_url *u = &pa_lti_config_urls[i];

		pa_buf_puts(out, "<dt>");
		pa_buf_put_xml(out, u->label);
		pa_buf_puts(out, "</dt>\n<dd><code>");
		pa_buf_put_xml(out, base);
		pa_buf_put_xml(out, u->path);
		pa_buf_puts(out, "</code><br>Moodle: ");
		pa_buf_put_xml(out, u->moodle);
		pa_buf_puts(out, "</dd>\n");
	}
	pa_buf_puts(out, "</dl>\n<p>Step by step for Moodle: docs/moodle.md in Passerelle's sources.</p>"
			 "</main></body></html>\n");
	return pa_buf_error(out);
}

