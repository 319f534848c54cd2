/*
 * The administrators' and instructors' routes (private to lti/):
 *   GET /lti/config                      every URL an admin needs (lti/config.h):
 *                                        JSON, or a page when Accept names text/html
 *   GET /lti/links/<id>?token=T          a link's attempts (lti/instructor.c)
 *   GET /lti/links/<id>/attempts.csv     one row per attempt
 *   GET /lti/links/<id>/interactions.csv one row per interaction
 *   GET /lti/links/<id>/play?token=T     the instructor plays the module as themself
 */
#ifndef PA_LTI_ADMIN_H
#define PA_LTI_ADMIN_H

#include "lti/internal.h"

enum MHD_Result pa_lti_config_route(pa_http_request *r, pa_lti *lti, const char *rest);

/* rest: what follows "/lti/links/". */
enum MHD_Result pa_lti_links_route(pa_http_request *r, pa_lti *lti, const char *rest);

#endif
