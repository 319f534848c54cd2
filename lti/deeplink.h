/*
 * LTI Deep Linking 2.0: an instructor choosing modules from the catalogue,
 * answered with a signed LtiDeepLinkingResponse.
 */
#ifndef PA_LTI_DEEPLINK_H
#define PA_LTI_DEEPLINK_H

#include <jansson.h>

#include "lti/internal.h"
#include "runtime/store_lti.h"

/* An LtiDeepLinkingRequest whose id_token passed every check of the launch
 * (lti/launch13.c): claims are its verified claims. */
enum MHD_Result pa_lti_deep_link_request(pa_http_request *r, pa_lti *lti, const pa_store_platform *platform,
					 const json_t *claims);

#endif
