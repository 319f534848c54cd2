/*
 * The tool's key pairs. The store is the truth (the CLI rotates while a
 * server runs): the keyring keeps what it read, the current key and the
 * published JWKS text, and reads again when that is a minute old.
 */
#include "lti/keys.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "common/error.h"
#include "common/log.h"
#include "common/util.h"
#include "lti/base64url.h"
#include "lti/jwt.h"
#include "runtime/store_lti.h"

#define KEYS_BITS 2048
#define KEYS_RELOAD_MS 60000

struct pa_lti_keyring {
	pa_store *store;
	int64_t grace_ms;
	pthread_mutex_t lock;      /* what follows */
	pthread_mutex_t making;    /* one first key made at a time */
	pthread_t maker;           /* makes the first key off the start path */
	bool maker_started;
	int64_t loaded;        /* when the store was last read (ms), 0: never */
	int64_t reload_ms;     /* how often the store is read again */
	char *kid;             /* the current key */
	char *pem;
	pa_buf jwks;           /* what /lti/jwks serves */
};

int pa_lti_jwk_thumbprint(char **out, const char *n, const char *e)
{
	pa_buf canon = PA_BUF_INIT, b = PA_BUF_INIT;
	unsigned char digest[SHA256_DIGEST_LENGTH];
	int rc;

	*out = NULL;
	/* RFC 7638 §3: the required members only, sorted, no white space.
	 * n and e are base64url: nothing in them needs escaping. */
	pa_buf_puts(&canon, "{\"e\":");
	pa_buf_put_json(&canon, e);
	pa_buf_puts(&canon, ",\"kty\":\"RSA\",\"n\":");
	pa_buf_put_json(&canon, n);
	pa_buf_putc(&canon, '}');
	if ((rc = pa_buf_error(&canon)) != 0)
		goto done;
	SHA256((const unsigned char *)canon.ptr, canon.len, digest);
	if ((rc = pa_b64url_encode(&b, digest, sizeof(digest))) != 0)
		goto done;
	if (!(*out = pa_buf_detach(&b)))
		rc = PA_ENOMEM;
done:
	pa_buf_dispose(&canon);
	pa_buf_dispose(&b);
	return rc;
}

static int bn_b64(pa_buf *out, const EVP_PKEY *pkey, const char *name)
{
	BIGNUM *bn = NULL;
	unsigned char *bytes = NULL;
	int n, rc;

	if (!EVP_PKEY_get_bn_param(pkey, name, &bn))
		return pa_error_set(PA_ERROR, "keys: the new key has no %s", name);
	n = BN_num_bytes(bn);
	if (!(bytes = malloc(n > 0 ? (size_t)n : 1))) {
		BN_free(bn);
		return pa_error_set(PA_ENOMEM, "keys: out of memory");
	}
	n = BN_bn2bin(bn, bytes);
	rc = pa_b64url_encode(out, bytes, (size_t)n);
	free(bytes);
	BN_free(bn);
	return rc;
}

/* A new RSA pair, as the store keeps it. */
static int key_make(pa_store_lti_key *out)
{
	EVP_PKEY *pkey = NULL;
	BIO *bio = NULL;
	pa_buf n = PA_BUF_INIT, e = PA_BUF_INIT, jwk = PA_BUF_INIT;
	char *data;
	long len;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!(pkey = EVP_RSA_gen(KEYS_BITS))) {
		rc = pa_error_set(PA_ERROR, "keys: RSA key generation failed");
		goto done;
	}
	if (!(bio = BIO_new(BIO_s_mem())) || !PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL)) {
		rc = pa_error_set(PA_ERROR, "keys: the private key cannot be written");
		goto done;
	}
	len = BIO_get_mem_data(bio, &data);
	if (len <= 0 || !(out->private_pem = pa_strndup(data, (size_t)len))) {
		rc = PA_ENOMEM;
		goto done;
	}
	if ((rc = bn_b64(&n, pkey, OSSL_PKEY_PARAM_RSA_N)) != 0 ||
	    (rc = bn_b64(&e, pkey, OSSL_PKEY_PARAM_RSA_E)) != 0 ||
	    (rc = pa_lti_jwk_thumbprint(&out->kid, pa_buf_cstr(&n), pa_buf_cstr(&e))) != 0)
		goto done;
	pa_buf_puts(&jwk, "{\"kty\":\"RSA\",\"n\":");
	pa_buf_put_json(&jwk, pa_buf_cstr(&n));
	pa_buf_puts(&jwk, ",\"e\":");
	pa_buf_put_json(&jwk, pa_buf_cstr(&e));
	pa_buf_puts(&jwk, ",\"kid\":");
	pa_buf_put_json(&jwk, out->kid);
	pa_buf_puts(&jwk, ",\"alg\":\"RS256\",\"use\":\"sig\"}");
	if ((rc = pa_buf_error(&jwk)) != 0 || !(out->public_jwk = pa_buf_detach(&jwk))) {
		rc = rc ? rc : PA_ENOMEM;
		goto done;
	}
	out->created = pa_store_now_ms();
done:
	if (rc)
		pa_store_lti_key_dispose(out);
	if (bio)
		BIO_free(bio);  /* the PEM in it was copied out */
	EVP_PKEY_free(pkey);
	pa_buf_dispose(&n);
	pa_buf_dispose(&e);
	pa_buf_dispose(&jwk);
	return rc;
}

static bool published(const pa_store_lti_key *k, int64_t now, int64_t grace_ms)
{
	return k->retired == 0 || now - k->retired <= grace_ms;
}

/* Read the store again (the lock held). */
static int reload(pa_lti_keyring *k, int64_t now)
{
	pa_store_lti_key *list = NULL;
	size_t count = 0;
	pa_buf jwks = PA_BUF_INIT;
	const pa_store_lti_key *cur = NULL;
	bool first = true;
	char *kid = NULL, *pem = NULL;
	int rc;

	if ((rc = pa_store_lti_key_list(&list, &count, k->store)) != 0)
		return rc;
	pa_buf_puts(&jwks, "{\"keys\":[");
	for (size_t i = 0; i < count; i++) {
		if (!cur && list[i].retired == 0)
			cur = &list[i];
		if (!published(&list[i], now, k->grace_ms))
			continue;
		if (!first)
			pa_buf_putc(&jwks, ',');
		pa_buf_puts(&jwks, list[i].public_jwk);
		first = false;
	}
	pa_buf_puts(&jwks, "]}\n");
	if (!cur) {
		rc = pa_error_set(PA_ENOTFOUND, "keys: the tool has no current key");
		goto done;
	}
	if ((rc = pa_buf_error(&jwks)) != 0)
		goto done;
	if (!(kid = pa_strdup(cur->kid)) || !(pem = pa_strdup(cur->private_pem))) {
		rc = PA_ENOMEM;
		goto done;
	}
	free(k->kid);
	if (k->pem)
		OPENSSL_cleanse(k->pem, strlen(k->pem));
	free(k->pem);
	k->kid = kid;
	k->pem = pem;
	kid = pem = NULL;
	pa_buf_dispose(&k->jwks);
	k->jwks = jwks;
	pa_buf_init(&jwks, 0);
	k->loaded = now;
done:
	free(kid);
	free(pem);
	pa_buf_dispose(&jwks);
	pa_store_lti_key_list_free(list, count);
	return rc;
}

/* The lock held: reload when the copy is a minute old. A store that does
 * not answer leaves the keys we have in use, and is tried again in a minute. */
static int refresh(pa_lti_keyring *k)
{
	int64_t now = pa_store_now_ms();
	int rc;

	if (k->loaded && now - k->loaded < k->reload_ms)
		return 0;
	if ((rc = reload(k, now)) != 0) {
		if (!k->kid)
			return rc;
		pa_warn("lti keys: reading the keys again failed (%s); the ones read before stay in use",
			pa_error_last());
		k->loaded = now;
	}
	return 0;
}

static bool has_key(pa_lti_keyring *k)
{
	bool has;

	pthread_mutex_lock(&k->lock);
	has = k->kid != NULL;
	pthread_mutex_unlock(&k->lock);
	return has;
}

/* The first key, made if the store has none. Another process may be making
 * one at the same time: the store takes only the first, and we read that. */
static int ensure_key(pa_lti_keyring *k)
{
	pa_store_lti_key key;
	int rc = 0;

	if (has_key(k))
		return 0;
	pthread_mutex_lock(&k->making);
	if (has_key(k))
		goto done;
	if ((rc = key_make(&key)) != 0)
		goto done;
	rc = pa_store_lti_key_add_first(k->store, &key);
	if (rc == 0)
		pa_info("lti keys: made the tool's first key pair, kid %s", key.kid);
	pa_store_lti_key_dispose(&key);
	if (rc != 0 && rc != PA_EEXISTS)
		goto done;
	pthread_mutex_lock(&k->lock);
	rc = reload(k, pa_store_now_ms());
	pthread_mutex_unlock(&k->lock);
done:
	pthread_mutex_unlock(&k->making);
	return rc;
}

static void *maker_main(void *arg)
{
	if (ensure_key(arg) != 0)
		pa_err("lti keys: making the tool's first key pair failed: %s (tried again when needed)",
		       pa_error_last());
	return NULL;
}

int pa_lti_keyring_new(pa_lti_keyring **out, pa_store *store, int64_t grace)
{
	pa_lti_keyring *k;
	int rc;

	*out = NULL;
	if (!(k = calloc(1, sizeof(*k))))
		return pa_error_set(PA_ENOMEM, "keys: out of memory");
	k->store = store;
	k->grace_ms = grace * 1000;
	k->reload_ms = KEYS_RELOAD_MS;
	pa_buf_init(&k->jwks, 0);
	pthread_mutex_init(&k->lock, NULL);
	pthread_mutex_init(&k->making, NULL);
	rc = reload(k, pa_store_now_ms());
	if (rc == PA_ENOTFOUND) {
		/* First start. Generating RSA takes from a tenth of a second to
		 * seconds: a server starting must not wait for it to listen, so it
		 * is made aside, and a request that needs it waits for it. */
		if (pthread_create(&k->maker, NULL, maker_main, k) == 0)
			k->maker_started = true;
		else
			maker_main(k);
		rc = 0;
	}
	if (rc)
		pa_lti_keyring_free(k);
	else
		*out = k;
	return rc;
}

void pa_lti_keyring_free(pa_lti_keyring *k)
{
	if (!k)
		return;
	if (k->maker_started)
		pthread_join(k->maker, NULL);
	free(k->kid);
	if (k->pem)
		OPENSSL_cleanse(k->pem, strlen(k->pem));
	free(k->pem);
	pa_buf_dispose(&k->jwks);
	pthread_mutex_destroy(&k->lock);
	pthread_mutex_destroy(&k->making);
	free(k);
}

void pa_lti_keyring_set_reload(pa_lti_keyring *k, int64_t ms)
{
	pthread_mutex_lock(&k->lock);
	k->reload_ms = ms;
	pthread_mutex_unlock(&k->lock);
}

int pa_lti_keyring_jwks(pa_buf *out, pa_lti_keyring *k)
{
	int rc;

	if ((rc = ensure_key(k)) != 0)
		return rc;
	pthread_mutex_lock(&k->lock);
	if ((rc = refresh(k)) == 0) {
		pa_buf_put(out, k->jwks.ptr, k->jwks.len);
		rc = pa_buf_error(out);
	}
	pthread_mutex_unlock(&k->lock);
	return rc;
}

int pa_lti_keyring_sign(pa_buf *out, pa_lti_keyring *k, const json_t *claims)
{
	char *kid = NULL, *pem = NULL;
	int rc;

	if ((rc = ensure_key(k)) != 0)
		return rc;
	pthread_mutex_lock(&k->lock);
	if ((rc = refresh(k)) == 0 && (!(kid = pa_strdup(k->kid)) || !(pem = pa_strdup(k->pem))))
		rc = PA_ENOMEM;
	pthread_mutex_unlock(&k->lock);
	if (rc == 0)
		rc = pa_jwt_sign(out, pem, kid, claims);
	free(kid);
	if (pem)
		OPENSSL_cleanse(pem, strlen(pem));
	free(pem);
	return rc;
}

int pa_lti_keys_rotate(char **out, pa_store *store)
{
	pa_store_lti_key key;
	int rc;

	if (out)
		*out = NULL;
	if ((rc = key_make(&key)) != 0)
		return rc;
	if ((rc = pa_store_lti_key_rotate(store, &key)) == 0 && out) {
		*out = key.kid;
		key.kid = NULL;
	}
	pa_store_lti_key_dispose(&key);
	return rc;
}

bool pa_lti_key_published(const pa_store_lti_key *key, int64_t grace)
{
	return published(key, pa_store_now_ms(), grace * 1000);
}
