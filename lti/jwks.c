/*
 * Platforms' key sets, cached per URL. A launch must not wait on the
 * platform for every token, and a platform that is slow or down must not
 * stall every thread: one thread fetches a URL at a time, and the threads
 * that waited on it take its result instead of asking again.
 */
#include "lti/jwks.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/error.h"
#include "common/log.h"
#include "common/util.h"
#include "lti/httpc.h"

#define JWKS_MAX_BYTES ((size_t)256 * 1024)
#define JWKS_MAX_URLS 4096
#define JWKS_REFETCH_MS 10000    /* an unknown kid fetches again at most this often */
#define JWKS_RETRY_MS 10000      /* after a failed fetch, stale keys serve this long */

/* A platform's keys, imported once and shared by the threads verifying
 * with them; the last reference frees them (after a refetch replaced them). */
typedef struct shared_keys {
	pa_jwt_keyset *ks;
	atomic_uint refs;
} shared_keys;

static shared_keys *keys_ref(shared_keys *k)
{
	if (k)
		atomic_fetch_add(&k->refs, 1);
	return k;
}

static void keys_release(shared_keys *k)
{
	if (k && atomic_fetch_sub(&k->refs, 1) == 1) {
		pa_jwt_keyset_free(k->ks);
		free(k);
	}
}

typedef struct jwks_entry {
	char *url;
	pthread_mutex_t fetch;   /* one fetch of this URL at a time */
	shared_keys *keys;       /* the last good key set, or NULL (cache lock) */
	int64_t fresh_until;     /* monotonic ms (cache lock) */
	int64_t last_refresh;    /* monotonic ms of the last fetch for an unknown kid, 0: never */
	uint64_t gen;            /* fetches done (cache lock) */
	char error[256];         /* why the last fetch failed, "" when it did not (cache lock) */
} jwks_entry;

struct pa_lti_jwks_cache {
	pthread_mutex_t lock;
	jwks_entry **entries;
	size_t count;
	int64_t ttl_ms;
	long timeout_s;
	bool allow_http;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pa_lti_jwks_cache_new(pa_lti_jwks_cache **out, int64_t ttl_s, long timeout_s, bool allow_http)
{
	pa_lti_jwks_cache *c;

	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return pa_error_set(PA_ENOMEM, "jwks: out of memory");
	pthread_mutex_init(&c->lock, NULL);
	c->ttl_ms = (ttl_s > 0 ? ttl_s : 0) * 1000;
	c->timeout_s = timeout_s;
	c->allow_http = allow_http;
	*out = c;
	return 0;
}

void pa_lti_jwks_cache_free(pa_lti_jwks_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->count; i++) {
		keys_release(c->entries[i]->keys);
		free(c->entries[i]->url);
		pthread_mutex_destroy(&c->entries[i]->fetch);
		free(c->entries[i]);
	}
	free(c->entries);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* The entry of url, made if new. Entries live as long as the cache: their
 * number is bounded by the platforms an admin registered. */
static int entry_get(jwks_entry **out, pa_lti_jwks_cache *c, const char *url)
{
	jwks_entry *e, **slot;
	int rc = 0;

	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->count; i++)
		if (!strcmp(c->entries[i]->url, url)) {
			*out = c->entries[i];
			goto done;
		}
	if (c->count >= JWKS_MAX_URLS) {
		rc = pa_error_set(PA_ELIMIT, "jwks: more than %d key set URLs", JWKS_MAX_URLS);
		goto done;
	}
	if (!(e = calloc(1, sizeof(*e))) || !(e->url = pa_strdup(url))) {
		free(e);
		rc = pa_error_set(PA_ENOMEM, "jwks: out of memory");
		goto done;
	}
	if (!(slot = pa_array_push(&c->entries, &c->count, sizeof(*c->entries)))) {
		free(e->url);
		free(e);
		rc = PA_ENOMEM;
		goto done;
	}
	pthread_mutex_init(&e->fetch, NULL);
	*slot = e;
	*out = e;
done:
	pthread_mutex_unlock(&c->lock);
	return rc;
}

/* GET url: a JSON object with a "keys" array, else an error; its keys imported. */
static int fetch(shared_keys **out, const pa_lti_jwks_cache *c, const char *url)
{
	pa_httpc_request req = {
		.method = "GET", .url = url, .accept = "application/jwk-set+json, application/json",
		.timeout_s = c->timeout_s, .max_response = JWKS_MAX_BYTES, .allow_http = c->allow_http,
	};
	pa_httpc_response resp;
	json_error_t jerr;
	json_t *j = NULL;
	int rc;

	*out = NULL;
	pa_httpc_response_init(&resp);
	if ((rc = pa_httpc_perform(&resp, &req)) != 0)
		goto done;
	if (resp.status != 200) {
		rc = pa_error_set(PA_EIO, "jwks: %s answered HTTP %ld", url, resp.status);
		goto done;
	}
	if (!(j = json_loadb(resp.body.ptr ? resp.body.ptr : "", resp.body.len, JSON_REJECT_DUPLICATES, &jerr))) {
		rc = pa_error_set(PA_EPARSE, "jwks: %s is not JSON: %s", url, jerr.text);
		goto done;
	}
	if (!json_is_object(j) || !json_is_array(json_object_get(j, "keys"))) {
		rc = pa_error_set(PA_EPARSE, "jwks: %s is not a key set (an object with a \"keys\" array)", url);
		goto done;
	}
	if (!(*out = calloc(1, sizeof(**out)))) {
		rc = pa_error_set(PA_ENOMEM, "jwks: out of memory");
		goto done;
	}
	atomic_init(&(*out)->refs, 1);
	if ((rc = pa_jwt_keyset_new(&(*out)->ks, j)) != 0) {
		free(*out);
		*out = NULL;
	}
done:
	json_decref(j);
	pa_httpc_response_dispose(&resp);
	return rc;
}

/* Without waiting for a fetch: the keys when they serve as they are. */
static bool keys_ready(shared_keys **out, pa_lti_jwks_cache *c, jwks_entry *e, bool refresh, uint64_t *gen)
{
	int64_t now = now_ms();
	bool ready;

	pthread_mutex_lock(&c->lock);
	*gen = e->gen;
	ready = e->keys && now < e->fresh_until &&
		(!refresh || (e->last_refresh && now - e->last_refresh < JWKS_REFETCH_MS));
	*out = ready ? keys_ref(e->keys) : NULL;
	pthread_mutex_unlock(&c->lock);
	return ready;
}

/*
 * The keys of e to verify with (a new reference in *out). refresh: a token
 * named a kid we lack. Fetches when there are no keys, when they are stale,
 * or on refresh at most once in JWKS_REFETCH_MS; a thread that waited for
 * another's fetch takes its result rather than asking again.
 */
static int keys_get(shared_keys **out, pa_lti_jwks_cache *c, jwks_entry *e, bool refresh)
{
	char why[sizeof(e->error)];
	shared_keys *keys = NULL, *fetched = NULL;
	uint64_t gen;
	int64_t now;
	bool need;
	int rc = 0;

	*out = NULL;
	if (keys_ready(out, c, e, refresh, &gen))
		return 0;
	pthread_mutex_lock(&e->fetch);
	now = now_ms();
	pthread_mutex_lock(&c->lock);
	keys = keys_ref(e->keys);
	if (e->gen != gen)
		need = false;  /* another thread fetched while we waited */
	else if (!keys || now >= e->fresh_until)
		need = true;
	else
		need = refresh && (!e->last_refresh || now - e->last_refresh >= JWKS_REFETCH_MS);
	if (need && refresh)
		e->last_refresh = now > 0 ? now : 1;
	pthread_mutex_unlock(&c->lock);

	if (need) {
		rc = fetch(&fetched, c, e->url);
		if (rc)
			snprintf(why, sizeof(why), "%s", pa_error_last());
		pthread_mutex_lock(&c->lock);
		e->gen++;
		if (rc == 0) {
			keys_release(e->keys);
			e->keys = keys_ref(fetched);
			e->fresh_until = now_ms() + c->ttl_ms;
			e->error[0] = '\0';
			keys_release(keys);
			keys = fetched;
			fetched = NULL;
		} else {
			memcpy(e->error, why, sizeof(why));
			if (keys) {
				/* Stale keys beat none while the platform is away: try again soon. */
				pa_warn("lti: %s; the keys fetched before stay in use", why);
				if (now_ms() >= e->fresh_until)
					e->fresh_until = now_ms() + JWKS_RETRY_MS;
				rc = 0;
			}
		}
		pthread_mutex_unlock(&c->lock);
	} else if (!keys) {
		pthread_mutex_lock(&c->lock);
		snprintf(why, sizeof(why), "%s", e->error[0] ? e->error : "jwks: no keys");
		pthread_mutex_unlock(&c->lock);
		rc = PA_EIO;
	}
	pthread_mutex_unlock(&e->fetch);
	if (rc) {
		keys_release(keys);
		return pa_error_set(PA_EIO, "%s", why);
	}
	*out = keys;
	return 0;
}

int pa_lti_jwks_verify(pa_jwt *out, pa_lti_jwks_cache *c, const char *jwks_url, const char *token)
{
	jwks_entry *e = NULL;
	shared_keys *keys = NULL;
	int rc;

	out->header = NULL;
	out->claims = NULL;
	if ((rc = entry_get(&e, c, jwks_url)) != 0)
		return rc;
	if ((rc = keys_get(&keys, c, e, false)) != 0)
		return rc;
	rc = pa_jwt_verify_keyset(out, token, keys->ks);
	if (rc == PA_ENOTFOUND) {
		/* The platform may have rotated its keys. */
		keys_release(keys);
		keys = NULL;
		if ((rc = keys_get(&keys, c, e, true)) != 0)
			return rc;
		rc = pa_jwt_verify_keyset(out, token, keys->ks);
	}
	keys_release(keys);
	return rc;
}
