/*
 * Every route under /lti/, one row each (lti/lti.h lists them). A path
 * ending in '/' is a prefix: the handler gets what follows it.
 */
#include "lti/internal.h"
#include "lti/admin.h"
#include "lti/deeplink.h"
#include "lti/lti13.h"
#include "lti/register.h"
#include "lti/lti11.h"
#include "lti/outbox.h"

const pa_lti_route_entry pa_lti_routes[] = {
	/* LTI 1.3: keys */
	{ "/lti/jwks", "GET", pa_lti_http_jwks },
	/* LTI 1.3: login and launch */
	{ "/lti/login", "GET, POST", pa_lti13_login },
	{ "/lti/launch", "POST", pa_lti13_launch },
	/* LTI 1.3: dynamic registration and deep linking */
	{ "/lti/register", "GET", pa_lti_register },
	{ "/lti/deep-link", "POST", pa_lti_deep_link_post },
	/* LTI 1.1 */
	{ "/lti/11/launch", "POST", pa_lti11_launch },
	/* instructors */
	{ "/lti/config", "GET", pa_lti_config_route },
	{ "/lti/links/", "GET", pa_lti_links_route },
	/* grades (admins) */
	{ "/lti/admin/grades", "GET", pa_lti_grades_admin },
	{ NULL, NULL, NULL },
};
