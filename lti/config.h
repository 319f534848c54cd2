/*
 * The URLs an LMS administrator copies into the platform, all derived
 * from the tool's public base URL: `passerelle lti-config`, GET
 * /lti/config (JSON, or a page for a browser) and docs/lti.md show the
 * same table.
 */
#ifndef PA_LTI_CONFIG_H
#define PA_LTI_CONFIG_H

#include <stddef.h>

#include "common/buf.h"

typedef struct pa_lti_config_url {
	const char *key;      /* its name in the JSON */
	const char *path;     /* after the base URL */
	const char *label;    /* for people */
	const char *moodle;   /* where it goes in Moodle 4.x's tool form */
} pa_lti_config_url;

extern const pa_lti_config_url pa_lti_config_urls[];
extern const size_t pa_lti_config_url_count;

/*
 * A base URL as an admin gives it: http or https, a host, an optional
 * port and path, no query, fragment, user or space. The normalized form
 * (scheme and host in lower case, no trailing slash) is appended to out.
 * PA_EINVALID with the reason otherwise.
 */
int pa_lti_base_url_check(pa_buf *out, const char *url);

/*
 * Every URL as JSON, for scripts:
 *   {"base_url":..., "dynamic_registration":..., "oidc_login":...,
 *    "launch":..., "redirect_uris":[...], "deep_linking":..., "jwks":...,
 *    "lti11_launch":...}
 * base without a trailing slash.
 */
int pa_lti_config_json(pa_buf *out, const char *base, const char *registration_key);

/* The same for people: one line per URL, and the Moodle field it goes in. */
int pa_lti_config_text(pa_buf *out, const char *base, const char *registration_key);

/* registration_key (lti_registration_key; NULL or "" when none): given, the
 * dynamic registration URL carries it as ?key=. Only the CLI passes it: the
 * public GET /lti/config never shows it. */

/* The same as a page (the admin's view of GET /lti/config in a browser). */
int pa_lti_config_html(pa_buf *out, const char *base);

#endif
