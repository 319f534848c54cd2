/*
 * Every route under /lti/, one row each (lti/lti.h lists them). A path
 * ending in '/' is a prefix: the handler gets what follows it.
 */
#include "lti/internal.h"
#include "lti/admin.h"

const pa_lti_route_entry pa_lti_routes[] = {
	/* LTI 1.3: keys */
	/* LTI 1.3: login and launch */
	/* LTI 1.3: dynamic registration and deep linking */
	/* LTI 1.1 */
	/* instructors */
	{ "/lti/config", "GET", pa_lti_config_route },
	{ "/lti/links/", "GET", pa_lti_links_route },
	{ NULL, NULL, NULL },
};
