/*
 * The LTI side of the server: LTI 1.3 (OIDC login, launch, Deep Linking,
 * Dynamic Registration, AGS) and LTI 1.1 (OAuth 1.0a launch, Basic
 * Outcomes), mounted under /lti/ by runtime/server.c.
 *
 *   GET  /.well-known/jwks.json, /lti/jwks   the tool's public keys (JWKS)
 *   GET  /lti/config                         every URL an admin needs (JSON)
 *   GET|POST /lti/login                      LTI 1.3 OIDC login initiation
 *   POST /lti/launch                         LTI 1.3 id_token (resource link, deep linking)
 *   GET  /lti/register                       LTI 1.3 Dynamic Registration
 *   POST /lti/deep-link                      the instructor's choice, signed back to the platform
 *   POST /lti/11/launch                      LTI 1.1 launch
 *   GET  /lti/links/<id>/attempts[.csv]      the attempts of a link (instructors)
 */
#ifndef PA_LTI_H
#define PA_LTI_H

#include <microhttpd.h>

#include "common/config.h"
#include "runtime/http.h"
#include "runtime/store.h"

typedef struct pa_lti pa_lti;

/* The LTI state of a server: its keys, caches and workers. Nothing runs yet. */
int pa_lti_new(pa_lti **out, const pa_config *cfg, pa_store *store, const char *data_dir);

/* Start the background work (grade delivery). */
int pa_lti_start(pa_lti *lti);

/* Stop the background work (what is being delivered finishes or stays queued), free. Accepts NULL. */
void pa_lti_free(pa_lti *lti);

/* Answer a request under /lti/ (or /.well-known/jwks.json), or get ready for its body. */
enum MHD_Result pa_lti_route(pa_http_request *r, pa_lti *lti, const char *url, const char *method);

#endif
