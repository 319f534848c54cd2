/* RSA key pairs for tests (OpenSSL): the PEM, the public PEM and the public JWK. */
#ifndef PA_TEST_RSATEST_H
#define PA_TEST_RSATEST_H

#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "support.h"
#include "lti/base64url.h"

/* A key pair made with OpenSSL: its PEM and its public JWK. */
typedef struct keypair {
	EVP_PKEY *pkey;
	char *pem;          /* private, PKCS#8 */
	char *public_pem;
	json_t *jwk;
} keypair;

static inline char *bio_string(BIO *bio)
{
	char *data;
	long n = BIO_get_mem_data(bio, &data);
	char *s = malloc((size_t)n + 1);

	memcpy(s, data, (size_t)n);
	s[n] = '\0';
	return s;
}

static inline json_t *b64_param(EVP_PKEY *pkey, const char *name)
{
	BIGNUM *bn = NULL;
	unsigned char bytes[1024];
	pa_buf b = PA_BUF_INIT;
	json_t *j;
	int n;

	assert_true(EVP_PKEY_get_bn_param(pkey, name, &bn));
	n = BN_bn2bin(bn, bytes);
	BN_free(bn);
	assert_int_equal(pa_b64url_encode(&b, bytes, (size_t)n), 0);
	j = json_string(pa_buf_cstr(&b));
	pa_buf_dispose(&b);
	return j;
}

static inline void keypair_make(keypair *k, unsigned bits, const char *kid)
{
	BIO *bio;

	k->pkey = EVP_RSA_gen(bits);
	assert_non_null(k->pkey);
	bio = BIO_new(BIO_s_mem());
	assert_true(PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL, NULL));
	k->pem = bio_string(bio);
	BIO_free(bio);
	bio = BIO_new(BIO_s_mem());
	assert_true(PEM_write_bio_PUBKEY(bio, k->pkey));
	k->public_pem = bio_string(bio);
	BIO_free(bio);
	k->jwk = json_pack("{s:s, s:o, s:o, s:s, s:s, s:s}", "kty", "RSA",
			   "n", b64_param(k->pkey, OSSL_PKEY_PARAM_RSA_N),
			   "e", b64_param(k->pkey, OSSL_PKEY_PARAM_RSA_E),
			   "kid", kid, "alg", "RS256", "use", "sig");
	assert_non_null(k->jwk);
}

static inline void keypair_dispose(keypair *k)
{
	EVP_PKEY_free(k->pkey);
	free(k->pem);
	free(k->public_pem);
	json_decref(k->jwk);
}

#endif
