/* HMAC-SHA256 with the MAC fetched once and the last key's context kept (common/hmac.h). */
#include "common/hmac.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/error.h"

/* Longer keys are used as given but not kept (the session key is 32 bytes). */
#define KEPT_KEY_MAX 64

static pthread_once_t once = PTHREAD_ONCE_INIT;
static EVP_MAC *mac;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static EVP_MAC_CTX *kept;            /* initialised with kept_key, never updated: copied */
static unsigned char kept_key[KEPT_KEY_MAX];
static size_t kept_len;

static void fetch(void)
{
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

/* A context ready for data under key: a copy of the kept one, or a new one (then kept). */
static EVP_MAC_CTX *context(const void *key, size_t key_len)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC_CTX *ctx = NULL, *copy;

	pthread_mutex_lock(&lock);
	if (kept && kept_len == key_len && CRYPTO_memcmp(kept_key, key, key_len) == 0)
		ctx = EVP_MAC_CTX_dup(kept);
	pthread_mutex_unlock(&lock);
	if (ctx)
		return ctx;
	if (!(ctx = EVP_MAC_CTX_new(mac)) || !EVP_MAC_init(ctx, key, key_len, params)) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	if (key_len <= KEPT_KEY_MAX && (copy = EVP_MAC_CTX_dup(ctx)) != NULL) {
		pthread_mutex_lock(&lock);
		EVP_MAC_CTX_free(kept);
		kept = copy;
		memcpy(kept_key, key, key_len);
		kept_len = key_len;
		pthread_mutex_unlock(&lock);
	}
	return ctx;
}

int pa_hmac_sha256(unsigned char out[PA_HMAC_SHA256_BYTES], const void *key, size_t key_len, const void *a,
		   size_t a_len, const void *b, size_t b_len)
{
	EVP_MAC_CTX *ctx;
	size_t len = 0;
	bool ok;

	pthread_once(&once, fetch);
	if (!mac || !(ctx = context(key, key_len)))
		return pa_error_set(PA_ERROR, "HMAC-SHA256 is not available");
	ok = EVP_MAC_update(ctx, a, a_len) && (!b_len || EVP_MAC_update(ctx, b, b_len)) &&
	     EVP_MAC_final(ctx, out, &len, PA_HMAC_SHA256_BYTES) && len == PA_HMAC_SHA256_BYTES;
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : pa_error_set(PA_ERROR, "HMAC-SHA256 failed");
}
