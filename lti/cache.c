/* Platforms and packages as launches read them, kept a moment (lti/cache.h). */
#include "lti/cache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/util.h"

/* Bounds: a server has a few platforms and modules; past these the cache
 * starts again empty rather than grow with what launches name. */
#define MAX_PLATFORMS 64
#define MAX_PACKAGES 256

typedef struct platform_entry {
	char *key;               /* "#<id>" for get; for find "<strlen(issuer)>:<issuer>" then "-" or "+<client_id>" */
	pa_store_platform p;
	int64_t at;              /* monotonic ms */
} platform_entry;

typedef struct package_entry {
	char *name;
	int64_t id;
	int64_t at;
} package_entry;

struct pa_lti_cache {
	pa_store *store;
	int64_t ttl_ms;
	pthread_mutex_t lock;
	platform_entry *platforms;
	size_t nplatforms;
	package_entry *packages;
	size_t npackages;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pa_lti_cache_new(pa_lti_cache **out, pa_store *store, int64_t ttl_ms)
{
	pa_lti_cache *c;

	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return pa_error_set(PA_ENOMEM, "lti: out of memory");
	c->store = store;
	c->ttl_ms = ttl_ms;
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

static void clear_platforms(pa_lti_cache *c)
{
	for (size_t i = 0; i < c->nplatforms; i++) {
		free(c->platforms[i].key);
		pa_store_platform_dispose(&c->platforms[i].p);
	}
	free(c->platforms);
	c->platforms = NULL;
	c->nplatforms = 0;
}

static void clear_packages(pa_lti_cache *c)
{
	for (size_t i = 0; i < c->npackages; i++)
		free(c->packages[i].name);
	free(c->packages);
	c->packages = NULL;
	c->npackages = 0;
}

void pa_lti_cache_free(pa_lti_cache *c)
{
	if (!c)
		return;
	clear_platforms(c);
	clear_packages(c);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* NULL stays NULL; false when out of memory. */
static bool dup_opt(char **out, const char *s)
{
	*out = s ? pa_strdup(s) : NULL;
	return !s || *out;
}

static int platform_copy(pa_store_platform *out, const pa_store_platform *in)
{
	memset(out, 0, sizeof(*out));
	out->id = in->id;
	out->created = in->created;
	if (!dup_opt(&out->issuer, in->issuer) || !dup_opt(&out->client_id, in->client_id) ||
	    !dup_opt(&out->name, in->name) || !dup_opt(&out->auth_url, in->auth_url) ||
	    !dup_opt(&out->token_url, in->token_url) || !dup_opt(&out->jwks_url, in->jwks_url) ||
	    !dup_opt(&out->token_audience, in->token_audience))
		goto nomem;
	if (in->ndeployments) {
		if (!(out->deployments = calloc(in->ndeployments, sizeof(*out->deployments))))
			goto nomem;
		for (; out->ndeployments < in->ndeployments; out->ndeployments++)
			if (!(out->deployments[out->ndeployments] = pa_strdup(in->deployments[out->ndeployments])))
				goto nomem;
	}
	return 0;
nomem:
	pa_store_platform_dispose(out);
	return pa_error_set(PA_ENOMEM, "lti: out of memory");
}

/* A fresh entry's copy in *out: 0; PA_ENOTFOUND when none is kept. */
static int platform_lookup(pa_store_platform *out, pa_lti_cache *c, const char *key)
{
	int rc = PA_ENOTFOUND;
	int64_t now = now_ms();

	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->nplatforms; i++) {
		platform_entry *e = &c->platforms[i];

		if (strcmp(e->key, key) != 0)
			continue;
		if (now - e->at < c->ttl_ms)
			rc = platform_copy(out, &e->p);
		break;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

/* Keep a copy of p under key (replacing an older one); failing to is no error. */
static void platform_keep(pa_lti_cache *c, const char *key, const pa_store_platform *p)
{
	platform_entry fresh = { 0 }, *e = NULL;

	if (!(fresh.key = pa_strdup(key)) || platform_copy(&fresh.p, p) != 0) {
		free(fresh.key);
		return;
	}
	fresh.at = now_ms();
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->nplatforms && !e; i++)
		if (!strcmp(c->platforms[i].key, key))
			e = &c->platforms[i];
	if (e) {
		free(e->key);
		pa_store_platform_dispose(&e->p);
	} else {
		if (c->nplatforms >= MAX_PLATFORMS)
			clear_platforms(c);
		e = pa_array_push(&c->platforms, &c->nplatforms, sizeof(*c->platforms));
	}
	if (e) {
		*e = fresh;
		fresh.key = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	if (fresh.key) {
		free(fresh.key);
		pa_store_platform_dispose(&fresh.p);
	}
}

int pa_lti_cache_platform_get(pa_store_platform *out, pa_lti_cache *c, int64_t id)
{
	pa_buf key = PA_BUF_INIT;
	int rc;

	pa_buf_printf(&key, "#%lld", (long long)id);
	if (pa_buf_error(&key)) {
		rc = pa_error_set(PA_ENOMEM, "lti: out of memory");
		goto done;
	}
	if ((rc = platform_lookup(out, c, key.ptr)) != PA_ENOTFOUND)
		goto done;
	if ((rc = pa_store_platform_get(out, c->store, id)) == 0)
		platform_keep(c, key.ptr, out);
done:
	pa_buf_dispose(&key);
	return rc;
}

int pa_lti_cache_platform_find(pa_store_platform *out, pa_lti_cache *c, const char *issuer, const char *client_id)
{
	pa_buf key = PA_BUF_INIT;
	int rc;

	pa_buf_printf(&key, "%zu:%s%s%s", strlen(issuer), issuer, client_id ? "+" : "-", client_id ? client_id : "");
	if (pa_buf_error(&key)) {
		rc = pa_error_set(PA_ENOMEM, "lti: out of memory");
		goto done;
	}
	if ((rc = platform_lookup(out, c, key.ptr)) != PA_ENOTFOUND)
		goto done;
	if ((rc = pa_store_platform_find(out, c->store, issuer, client_id)) == 0)
		platform_keep(c, key.ptr, out);
done:
	pa_buf_dispose(&key);
	return rc;
}

int pa_lti_cache_deployment_check(pa_lti_cache *c, const pa_store_platform *p, const char *deployment_id)
{
	for (size_t i = 0; i < p->ndeployments; i++)
		if (!strcmp(p->deployments[i], deployment_id))
			return 0;
	return pa_store_deployment_check(c->store, p->id, deployment_id);
}

int64_t pa_lti_cache_package_get(pa_lti_cache *c, const char *name)
{
	int64_t id = 0, now = now_ms();

	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->npackages; i++) {
		if (strcmp(c->packages[i].name, name) != 0)
			continue;
		if (now - c->packages[i].at < c->ttl_ms)
			id = c->packages[i].id;
		break;
	}
	pthread_mutex_unlock(&c->lock);
	return id;
}

void pa_lti_cache_package_put(pa_lti_cache *c, const char *name, int64_t package_id)
{
	package_entry *e = NULL;
	char *copy = pa_strdup(name);

	if (!copy)
		return;
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->npackages && !e; i++)
		if (!strcmp(c->packages[i].name, name))
			e = &c->packages[i];
	if (e) {
		free(e->name);
	} else {
		if (c->npackages >= MAX_PACKAGES)
			clear_packages(c);
		e = pa_array_push(&c->packages, &c->npackages, sizeof(*c->packages));
	}
	if (e) {
		e->name = copy;
		e->id = package_id;
		e->at = now_ms();
		copy = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	free(copy);
}
