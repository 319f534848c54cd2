/* LTI 1.3 Dynamic Registration (lti/register.h). */
#include "lti/register.h"

#include <inttypes.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"
#include "common/util.h"
#include "lti/dl_page.h"
#include "lti/httpc.h"
#include "runtime/store_lti.h"

/* What we ask for: line items, results and scores (AGS), the roster (NRPS). */
#define SCOPES "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem " \
	"https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly " \
	"https://purl.imsglobal.org/spec/lti-ags/scope/score " \
	"https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

/* A configuration or a registration answer is a few KiB; 256 KiB is plenty. */
#define MAX_ANSWER (256u * 1024)

static const char *member_string(const json_t *obj, const char *name)
{
	const char *s = json_string_value(json_object_get(obj, name));

	return s && *s ? s : NULL;
}

int pa_lti_registration_check(const json_t *config, const char *config_url)
{
	static const char *const required[] = {
		"authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint",
	};
	const char *issuer;
	size_t n;

	if (!json_is_object(config))
		return pa_error_set(PA_EINVALID, "the OpenID configuration is not a JSON object");
	if (!(issuer = member_string(config, "issuer")))
		return pa_error_set(PA_EINVALID, "the OpenID configuration has no issuer");
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!member_string(config, required[i]))
			return pa_error_set(PA_EINVALID, "the OpenID configuration has no %s", required[i]);
	if (!json_is_object(json_object_get(config, PA_LTI_PLATFORM_CONFIGURATION)))
		return pa_error_set(PA_EINVALID, "the OpenID configuration has no LTI platform configuration (%s)",
				    PA_LTI_PLATFORM_CONFIGURATION);
	/* The spec: the issuer must be a prefix of the configuration's URL.
	 * Cut at a path boundary, so https://lms.example cannot vouch for
	 * https://lms.example.evil/... */
	n = strlen(issuer);
	while (n > 0 && issuer[n - 1] == '/')
		n--;
	if (n == 0 || strncmp(config_url, issuer, n) != 0 ||
	    (config_url[n] != '\0' && config_url[n] != '/' && config_url[n] != '?'))
		return pa_error_set(PA_EINVALID, "the issuer '%s' does not match the configuration URL '%s'", issuer,
				    config_url);
	return 0;
}

/* The authority of a URL (host[:port]): what the tool configuration calls its domain. */
static void put_domain(pa_buf *out, const char *url)
{
	const char *p = strstr(url, "://");
	size_t n;

	p = p ? p + 3 : url;
	n = strcspn(p, "/?#");
	pa_buf_put(out, p, n);
}

int pa_lti_registration_request(pa_buf *out, const char *base_url)
{
	json_t *req = NULL, *tool, *message;
	pa_buf url = PA_BUF_INIT;
	char *text = NULL;
	int rc = 0;

	req = json_object();
	tool = json_object();
	message = json_object();
	if (!req || !tool || !message) {
		json_decref(tool);
		json_decref(message);
		rc = pa_error_set(PA_ENOMEM, "out of memory");
		goto done;
	}
	json_object_set_new(req, "application_type", json_string("web"));
	json_object_set_new(req, "response_types", json_pack("[s]", "id_token"));
	json_object_set_new(req, "grant_types", json_pack("[ss]", "implicit", "client_credentials"));
	pa_buf_printf(&url, "%s/lti/login", base_url);
	json_object_set_new(req, "initiate_login_uri", json_string(pa_buf_cstr(&url)));
	pa_buf_clear(&url);
	pa_buf_printf(&url, "%s/lti/launch", base_url);
	json_object_set_new(req, "redirect_uris", json_pack("[s]", pa_buf_cstr(&url)));
	json_object_set_new(req, "client_name", json_string("Passerelle"));
	pa_buf_clear(&url);
	pa_buf_printf(&url, "%s/lti/jwks", base_url);
	json_object_set_new(req, "jwks_uri", json_string(pa_buf_cstr(&url)));
	json_object_set_new(req, "token_endpoint_auth_method", json_string("private_key_jwt"));
	json_object_set_new(req, "scope", json_string(SCOPES));

	pa_buf_clear(&url);
	put_domain(&url, base_url);
	json_object_set_new(tool, "domain", json_string(pa_buf_cstr(&url)));
	pa_buf_clear(&url);
	pa_buf_printf(&url, "%s/lti/launch", base_url);
	json_object_set_new(tool, "target_link_uri", json_string(pa_buf_cstr(&url)));
	json_object_set_new(tool, "description",
			    json_string("E-learning modules (SCORM 1.2 and 2004) played in the course, "
					"with completion and scores sent to the gradebook."));
	json_object_set_new(tool, "claims", json_pack("[ssssss]", "iss", "sub", "name", "given_name", "family_name",
						       "email"));
	json_object_set_new(message, "type", json_string("LtiDeepLinkingRequest"));
	json_object_set_new(message, "target_link_uri", json_string(pa_buf_cstr(&url)));
	json_object_set_new(message, "label", json_string("Passerelle"));
	json_object_set_new(tool, "messages", json_pack("[o]", message));
	json_object_set_new(req, PA_LTI_TOOL_CONFIGURATION, tool);
	if (pa_buf_error(&url)) {
		rc = pa_error_set(PA_ENOMEM, "out of memory");
		goto done;
	}
	if (!(text = json_dumps(req, JSON_COMPACT)) || pa_buf_puts(out, text) != 0)
		rc = pa_error_set(PA_ENOMEM, "out of memory");
done:
	free(text);
	json_decref(req);
	pa_buf_dispose(&url);
	return rc;
}

/* --- the page --- */

/* "Registration failed" for the admin, and the log line that goes with it. */
static enum MHD_Result fail(pa_http_request *r, unsigned status, const char *what, const char *detail)
{
	pa_lti_dl_page page;

	pa_warn("lti register: %s: %s", what, detail);
	pa_lti_dl_page_begin(&page, "en", "Passerelle: registration failed");
	pa_buf_puts(&page.body, "<h1>Passerelle could not be registered</h1>\n<p class=\"note bad\">");
	pa_buf_put_xml(&page.body, what);
	pa_buf_puts(&page.body, ": ");
	pa_buf_put_xml(&page.body, detail);
	pa_buf_puts(&page.body, "</p>\n<p>Nothing was saved. Check the address of this server and that it can reach "
		    "the platform, then start the registration again from the platform. To register by hand, run "
		    "<code>passerelle platform add</code> (see docs/moodle.md).</p>\n");
	return pa_lti_dl_page_send(r, &page, status);
}

/* GET url (the platform's OpenID configuration) as a JSON object. */
static int fetch_config(json_t **out, pa_buf *why, const pa_lti *lti, const char *url)
{
	pa_httpc_request req = { 0 };
	pa_httpc_response resp;
	json_error_t jerr;
	int rc;

	*out = NULL;
	req.method = "GET";
	req.url = url;
	req.accept = "application/json";
	req.timeout_s = (long)pa_config_int(lti->cfg, PA_CFG_LTI_HTTP_TIMEOUT);
	req.max_response = MAX_ANSWER;
	req.allow_http = pa_config_bool(lti->cfg, PA_CFG_LTI_ALLOW_HTTP);
	pa_httpc_response_init(&resp);
	if ((rc = pa_httpc_perform(&resp, &req)) != 0) {
		pa_buf_printf(why, "cannot read %s: %s", url, pa_error_last());
		goto done;
	}
	if (resp.status != 200) {
		pa_buf_printf(why, "%s answered HTTP %ld", url, resp.status);
		rc = PA_EINVALID;
		goto done;
	}
	if (!(*out = json_loadb(pa_buf_cstr(&resp.body), resp.body.len, JSON_REJECT_DUPLICATES, &jerr))) {
		pa_buf_printf(why, "%s is not JSON (line %d: %s)", url, jerr.line, jerr.text);
		rc = PA_EPARSE;
	}
done:
	pa_httpc_response_dispose(&resp);
	return rc;
}

/* POST our registration to the platform; *out its answer (a JSON object with a client_id). */
static int post_registration(json_t **out, pa_buf *why, const pa_lti *lti, const char *endpoint, const char *token,
			     const char *base)
{
	pa_httpc_request req = { 0 };
	pa_httpc_response resp;
	pa_buf body = PA_BUF_INIT, auth = PA_BUF_INIT;
	json_error_t jerr;
	int rc;

	*out = NULL;
	pa_httpc_response_init(&resp);
	if ((rc = pa_lti_registration_request(&body, base)) != 0) {
		pa_buf_puts(why, pa_error_last());
		goto done;
	}
	if (token)
		pa_buf_printf(&auth, "Bearer %s", token);
	if (pa_buf_error(&auth)) {
		rc = pa_error_set(PA_ENOMEM, "out of memory");
		pa_buf_puts(why, "out of memory");
		goto done;
	}
	req.method = "POST";
	req.url = endpoint;
	req.content_type = "application/json";
	req.accept = "application/json";
	req.authorization = token ? auth.ptr : NULL;
	req.body = body.ptr;
	req.body_len = body.len;
	req.timeout_s = (long)pa_config_int(lti->cfg, PA_CFG_LTI_HTTP_TIMEOUT);
	req.max_response = MAX_ANSWER;
	req.allow_http = pa_config_bool(lti->cfg, PA_CFG_LTI_ALLOW_HTTP);
	if ((rc = pa_httpc_perform(&resp, &req)) != 0) {
		pa_buf_printf(why, "cannot reach %s: %s", endpoint, pa_error_last());
		goto done;
	}
	if (resp.status != 200 && resp.status != 201) {
		/* Say what the platform said (RFC 7591 error, error_description), shortly. */
		json_t *err = json_loadb(pa_buf_cstr(&resp.body), resp.body.len, 0, &jerr);
		const char *e = member_string(err, "error"), *d = member_string(err, "error_description");

		pa_buf_printf(why, "the platform refused the registration (HTTP %ld", resp.status);
		if (e)
			pa_buf_printf(why, ", %.200s", e);
		if (d)
			pa_buf_printf(why, ": %.300s", d);
		pa_buf_putc(why, ')');
		json_decref(err);
		rc = PA_EINVALID;
		goto done;
	}
	if (!(*out = json_loadb(pa_buf_cstr(&resp.body), resp.body.len, JSON_REJECT_DUPLICATES, &jerr)) ||
	    !json_is_object(*out)) {
		pa_buf_printf(why, "the platform's answer is not a JSON object");
		rc = PA_EPARSE;
		goto done;
	}
	if (!member_string(*out, "client_id")) {
		pa_buf_printf(why, "the platform's answer has no client_id");
		rc = PA_EINVALID;
	}
done:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	pa_httpc_response_dispose(&resp);
	pa_buf_dispose(&body);
	pa_buf_dispose(&auth);
	return rc;
}

/* A name for admins: the platform's product (and version) and its issuer. */
static void put_platform_name(pa_buf *out, const json_t *config)
{
	const json_t *lti = json_object_get(config, PA_LTI_PLATFORM_CONFIGURATION);
	const char *family = member_string(lti, "product_family_code"), *version = member_string(lti, "version");

	if (family)
		pa_buf_printf(out, "%.60s%s%.40s ", family, version ? " " : "", version ? version : "");
	pa_buf_printf(out, "%s%.200s%s", family ? "(" : "", member_string(config, "issuer"), family ? ")" : "");
}

/* Keep the platform (or find it, registered before with the same client id) and its deployment. */
static int store_platform(int64_t *out, bool *existed, pa_buf *why, pa_lti *lti, const json_t *config,
			  const json_t *answer)
{
	const json_t *toolconf = json_object_get(answer, PA_LTI_TOOL_CONFIGURATION);
	const char *deployment = member_string(toolconf, "deployment_id");
	pa_store_platform p = { 0 };
	pa_buf name = PA_BUF_INIT;
	int rc;

	*existed = false;
	put_platform_name(&name, config);
	p.issuer = (char *)member_string(config, "issuer");
	p.client_id = (char *)member_string(answer, "client_id");
	p.name = name.ptr;
	p.auth_url = (char *)member_string(config, "authorization_endpoint");
	p.token_url = (char *)member_string(config, "token_endpoint");
	p.jwks_url = (char *)member_string(config, "jwks_uri");
	/* The aud of our client assertions when it is not the token endpoint (RFC 8414). */
	p.token_audience = (char *)member_string(config, "authorization_server");
	rc = pa_store_platform_add(out, lti->store, &p);
	if (rc == PA_EEXISTS) {
		pa_store_platform found;

		if ((rc = pa_store_platform_find(&found, lti->store, p.issuer, p.client_id)) == 0) {
			*out = found.id;
			*existed = true;
			pa_store_platform_dispose(&found);
		}
	}
	if (rc) {
		pa_buf_printf(why, "the platform could not be saved: %s", pa_error_last());
		goto done;
	}
	if (deployment && (rc = pa_store_deployment_add(lti->store, *out, deployment)) != 0)
		pa_buf_printf(why, "the deployment could not be saved: %s", pa_error_last());
done:
	pa_buf_dispose(&name);
	return rc;
}

/* With lti_registration_key set, only who has the key may register a platform. */
static bool registration_allowed(const pa_lti *lti, const char *key)
{
	const char *want = pa_config_string(lti->cfg, PA_CFG_LTI_REGISTRATION_KEY);

	if (!*want)
		return true;
	return key && pa_secret_equal(key, strlen(key), want, strlen(want));
}

enum MHD_Result pa_lti_register(pa_http_request *r, pa_lti *lti, const char *rest)
{
	const char *config_url = pa_http_arg(r, "openid_configuration");
	const char *token = pa_http_arg(r, "registration_token");
	json_t *config = NULL, *answer = NULL;
	pa_buf why = PA_BUF_INIT, base = PA_BUF_INIT;
	pa_lti_dl_page page;
	enum MHD_Result ret;
	const char *deployment;
	int64_t id = 0;
	bool existed = false;

	(void)rest;
	if (!registration_allowed(lti, pa_http_arg(r, "key"))) {
		ret = fail(r, MHD_HTTP_FORBIDDEN, "Registration key needed",
			   "this server registers platforms only through its registration URL with its key: "
			   "ask its administrator for the URL `passerelle lti-config` prints");
		goto done;
	}
	if (!config_url || !*config_url) {
		ret = fail(r, MHD_HTTP_BAD_REQUEST, "No platform configuration",
			   "this address is opened by the platform with an openid_configuration parameter; "
			   "in Moodle, paste it as the \"Tool URL\" of Manage tools and press \"Add LTI Advantage\"");
		goto done;
	}
	if (token && !*token)
		token = NULL;
	pa_http_base_url(&base, r);
	if (fetch_config(&config, &why, lti, config_url) != 0) {
		ret = fail(r, MHD_HTTP_BAD_GATEWAY, "The platform's configuration could not be read", pa_buf_cstr(&why));
		goto done;
	}
	if (pa_lti_registration_check(config, config_url) != 0) {
		ret = fail(r, MHD_HTTP_BAD_REQUEST, "The platform's configuration is not usable", pa_error_last());
		goto done;
	}
	if (post_registration(&answer, &why, lti, member_string(config, "registration_endpoint"), token,
			      pa_buf_cstr(&base)) != 0) {
		ret = fail(r, MHD_HTTP_BAD_GATEWAY, "The platform did not accept the registration", pa_buf_cstr(&why));
		goto done;
	}
	if (store_platform(&id, &existed, &why, lti, config, answer) != 0) {
		ret = fail(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "Registration incomplete", pa_buf_cstr(&why));
		goto done;
	}
	deployment = member_string(json_object_get(answer, PA_LTI_TOOL_CONFIGURATION), "deployment_id");
	pa_info("lti register: platform %lld %s: issuer %s, client_id %s, deployment %s", (long long)id,
		existed ? "registered again" : "registered", member_string(config, "issuer"),
		member_string(answer, "client_id"), deployment ? deployment : "(none given)");

	pa_lti_dl_page_begin(&page, "en", "Passerelle: registered");
	pa_buf_puts(&page.body, "<h1>Passerelle is registered</h1>\n<p class=\"note\">");
	pa_buf_puts(&page.body, existed ? "This platform was already registered; its deployment is up to date."
					 : "The platform accepted the registration and Passerelle saved it.");
	pa_buf_puts(&page.body, "</p>\n<dl><dt>Issuer</dt><dd>");
	pa_buf_put_xml(&page.body, member_string(config, "issuer"));
	pa_buf_puts(&page.body, "</dd><dt>Client ID</dt><dd>");
	pa_buf_put_xml(&page.body, member_string(answer, "client_id"));
	if (deployment) {
		pa_buf_puts(&page.body, "</dd><dt>Deployment ID</dt><dd>");
		pa_buf_put_xml(&page.body, deployment);
	}
	pa_buf_puts(&page.body, "</dd></dl>\n");
	if (!deployment) {
		/* Without one, every launch would be refused as from an unknown deployment. */
		pa_buf_printf(&page.body, "<p class=\"note bad\">The platform gave no deployment ID. Once its admin page "
			      "shows it, run <code>passerelle platform deployment add %" PRId64 " DEPLOYMENT_ID</code> "
			      "on the Passerelle server.</p>\n", id);
	}
	pa_buf_puts(&page.body, "<h2>Next</h2>\n<ol><li>Close this window.</li>"
		    "<li>In Moodle, Site administration &gt; Plugins &gt; Activity modules &gt; External tool &gt; "
		    "Manage tools: the Passerelle card is pending; press <strong>Activate</strong>.</li>"
		    "<li>In a course: Add an activity or resource &gt; External tool, choose Passerelle and press "
		    "<strong>Select content</strong> to pick modules.</li></ol>\n");
	pa_buf_printf(&page.body, "<p><button type=\"button\" id=\"close\">Close</button></p>\n"
		      "<script nonce=\"%s\">(function(){function close(){"
		      "(window.opener||window.parent).postMessage({subject:'org.imsglobal.lti.close'},'*');}"
		      "document.getElementById('close').addEventListener('click',close);"
		      "if(window.parent!==window||window.opener)setTimeout(close,4000);})();</script>\n",
		      page.nonce);
	ret = pa_lti_dl_page_send(r, &page, MHD_HTTP_OK);
done:
	json_decref(config);
	json_decref(answer);
	pa_buf_dispose(&why);
	pa_buf_dispose(&base);
	return ret;
}
