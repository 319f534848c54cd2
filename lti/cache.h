/*
 * What every launch reads and an admin rarely changes, kept in memory a
 * short while (PA_LTI_CACHE_TTL_MS): the platform a login or a launch
 * names (its deployments with it), and the package a launch's custom
 * parameter names. At thousands of launches a second these reads were a
 * store transaction each, for answers that change a few times a year.
 *
 * Only what was found is kept: a platform, deployment or package added (by
 * `passerelle platform` in another process, or dynamic registration) is seen
 * by the next launch. One removed or changed is seen within the TTL: until
 * then a launch may still pass with its registration of a moment ago. Every
 * check of the id_token itself is made at every launch, as before.
 * Thread-safe.
 */
#ifndef PA_LTI_CACHE_H
#define PA_LTI_CACHE_H

#include <stdint.h>

#include "runtime/store_lti.h"

#define PA_LTI_CACHE_TTL_MS 1000

typedef struct pa_lti_cache pa_lti_cache;

int pa_lti_cache_new(pa_lti_cache **out, pa_store *store, int64_t ttl_ms);
void pa_lti_cache_free(pa_lti_cache *c);

/* As pa_store_platform_get and pa_store_platform_find (*out a copy of its own). */
int pa_lti_cache_platform_get(pa_store_platform *out, pa_lti_cache *c, int64_t id);
int pa_lti_cache_platform_find(pa_store_platform *out, pa_lti_cache *c, const char *issuer, const char *client_id);

/* As pa_store_deployment_check, for p as the cache gave it: its deployments
 * first, the store when p does not list deployment_id (one added since). */
int pa_lti_cache_deployment_check(pa_lti_cache *c, const pa_store_platform *p, const char *deployment_id);

/* The package id a launch's name resolved to lately: 0 when none is kept
 * (then the caller resolves it and gives it with pa_lti_cache_package_put). */
int64_t pa_lti_cache_package_get(pa_lti_cache *c, const char *name);
void pa_lti_cache_package_put(pa_lti_cache *c, const char *name, int64_t package_id);

#endif
