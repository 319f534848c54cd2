/*
 * JWT (RFC 7519) in compact JWS form, RS256 only. We read the header
 * ourselves before cjose sees the token: the algorithm is decided here,
 * never by the token, so "none" and HS256 (with our RSA public key as the
 * HMAC secret: the classic confusion) are refused before any key is used.
 */
#include "lti/jwt.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <cjose/cjose.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "common/error.h"
#include "common/util.h"
#include "lti/base64url.h"

#define JWT_MAX_LEN ((size_t)16 * 1024)
#define JWT_MIN_RSA_BITS 2048
#define JWT_MAX_RSA_BITS 16384

void pa_jwt_dispose(pa_jwt *jwt)
{
	if (!jwt)
		return;
	json_decref(jwt->header);
	json_decref(jwt->claims);
	jwt->header = NULL;
	jwt->claims = NULL;
}

/* The token's three parts: where the dots are. */
typedef struct compact {
	size_t len;
	size_t dot1, dot2;
} compact;

static int split(compact *c, const char *token)
{
	const char *d1, *d2;

	if (!token)
		return pa_error_set(PA_EPARSE, "jwt: no token");
	c->len = strnlen(token, JWT_MAX_LEN + 1);
	if (c->len > JWT_MAX_LEN)
		return pa_error_set(PA_ELIMIT, "jwt: the token is larger than %zu bytes", JWT_MAX_LEN);
	if (!(d1 = memchr(token, '.', c->len)) ||
	    !(d2 = memchr(d1 + 1, '.', c->len - (size_t)(d1 + 1 - token))) ||
	    memchr(d2 + 1, '.', c->len - (size_t)(d2 + 1 - token)))
		return pa_error_set(PA_EPARSE, "jwt: not a compact JWS (three parts separated by dots)");
	c->dot1 = (size_t)(d1 - token);
	c->dot2 = (size_t)(d2 - token);
	/* An empty signature is left for the header check to refuse (alg none). */
	if (c->dot1 == 0 || c->dot2 == c->dot1 + 1)
		return pa_error_set(PA_EPARSE, "jwt: an empty part");
	return 0;
}

/* A base64url-encoded JSON object, duplicate members refused. */
static int decode_object(json_t **out, const char *b64, size_t len, const char *what)
{
	unsigned char *raw = NULL;
	size_t raw_len;
	json_error_t jerr;
	json_t *j;
	int rc;

	*out = NULL;
	if ((rc = pa_b64url_decode(&raw, &raw_len, b64, len)) != 0)
		return pa_error_set(PA_EPARSE, "jwt: the %s is not base64url", what);
	j = json_loadb((const char *)raw, raw_len, JSON_REJECT_DUPLICATES, &jerr);
	free(raw);
	if (!j)
		return pa_error_set(PA_EPARSE, "jwt: the %s is not JSON: %s", what, jerr.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return pa_error_set(PA_EPARSE, "jwt: the %s is not a JSON object", what);
	}
	*out = j;
	return 0;
}

static int parse_header(json_t **out, compact *c, const char *token)
{
	int rc;

	if ((rc = split(c, token)) != 0)
		return rc;
	return decode_object(out, token, c->dot1, "header");
}

int pa_jwt_peek_kid(char **out, const char *token)
{
	compact c;
	json_t *header = NULL, *kid;
	int rc;

	*out = NULL;
	if ((rc = parse_header(&header, &c, token)) != 0)
		return rc;
	kid = json_object_get(header, "kid");
	if (kid && !json_is_string(kid)) {
		rc = pa_error_set(PA_EPARSE, "jwt: kid is not a string");
		goto done;
	}
	if (kid && !(*out = pa_strdup(json_string_value(kid))))
		rc = PA_ENOMEM;
done:
	json_decref(header);
	return rc;
}

/* Header rules, all before any key is touched. */
static int check_header(const json_t *header)
{
	const json_t *alg = json_object_get(header, "alg");
	const json_t *typ = json_object_get(header, "typ");
	const json_t *kid = json_object_get(header, "kid");

	if (!json_is_string(alg))
		return pa_error_set(PA_EINVALID, "jwt: the header has no alg");
	if (strcmp(json_string_value(alg), "RS256") != 0)
		return pa_error_set(PA_EINVALID, "jwt: alg %.32s refused (only RS256 is accepted)",
				    json_string_value(alg));
	if (typ && !json_is_string(typ))
		return pa_error_set(PA_EINVALID, "jwt: typ is not a string");
	if (kid && !json_is_string(kid))
		return pa_error_set(PA_EINVALID, "jwt: kid is not a string");
	/* RFC 7515 §4.1.11: extensions we do not understand must be refused. */
	if (json_object_get(header, "crit"))
		return pa_error_set(PA_EINVALID, "jwt: crit header parameters are not supported");
	/* Keys carried in the token choose themselves: never trust them. */
	if (json_object_get(header, "jwk") || json_object_get(header, "jku") ||
	    json_object_get(header, "x5u") || json_object_get(header, "x5c"))
		return pa_error_set(PA_EINVALID, "jwt: keys embedded or referenced in the header are refused");
	return 0;
}

/* May this JWK verify RS256 signatures? */
static bool key_usable(const json_t *k)
{
	const json_t *use = json_object_get(k, "use");
	const json_t *alg = json_object_get(k, "alg");
	const json_t *kty = json_object_get(k, "kty");

	if (!json_is_object(k) || !json_is_string(kty) || strcmp(json_string_value(kty), "RSA") != 0)
		return false;
	if (use && (!json_is_string(use) || strcmp(json_string_value(use), "sig") != 0))
		return false;
	if (alg && (!json_is_string(alg) || strcmp(json_string_value(alg), "RS256") != 0))
		return false;
	return json_is_string(json_object_get(k, "n")) && json_is_string(json_object_get(k, "e"));
}

static int find_key(const json_t **out, const json_t *jwks, const char *kid)
{
	const json_t *keys = json_is_object(jwks) ? json_object_get(jwks, "keys") : NULL;
	const json_t *k, *found = NULL;
	size_t i, usable = 0;

	*out = NULL;
	if (!json_is_array(keys))
		return pa_error_set(PA_EINVALID, "jwt: the key set has no keys array");
	json_array_foreach(keys, i, k) {
		const json_t *kkid;

		if (!key_usable(k))
			continue;
		usable++;
		kkid = json_object_get(k, "kid");
		if (kid && json_is_string(kkid) && !strcmp(json_string_value(kkid), kid)) {
			*out = k;
			return 0;
		}
		if (!kid)
			found = k;
	}
	if (kid)
		return pa_error_set(PA_ENOTFOUND, "jwt: no RS256 key with kid %.64s in the key set", kid);
	if (usable != 1)
		return pa_error_set(PA_ENOTFOUND, "jwt: the token has no kid and the key set has %zu RS256 keys", usable);
	*out = found;
	return 0;
}

/* An RSA public JWK as cjose wants it, its modulus at least 2048 bits. */
static int import_key(cjose_jwk_t **out, const json_t *k)
{
	const char *n = json_string_value(json_object_get(k, "n"));
	const char *e = json_string_value(json_object_get(k, "e"));
	unsigned char *nb = NULL, *eb = NULL;
	size_t nlen, elen, bits;
	cjose_jwk_rsa_keyspec spec;
	cjose_err err;
	int rc = 0;

	*out = NULL;
	if (pa_b64url_decode(&nb, &nlen, n, strlen(n)) != 0 ||
	    pa_b64url_decode(&eb, &elen, e, strlen(e)) != 0) {
		rc = pa_error_set(PA_EINVALID, "jwt: the key's n or e is not base64url");
		goto done;
	}
	{
		size_t skip = 0;

		while (skip < nlen && nb[skip] == 0)
			skip++;
		bits = (nlen - skip) * 8;
		if (skip < nlen)
			for (unsigned char top = nb[skip]; !(top & 0x80); top <<= 1)
				bits--;
	}
	if (bits < JWT_MIN_RSA_BITS || bits > JWT_MAX_RSA_BITS) {
		rc = pa_error_set(PA_EINVALID, "jwt: the key is RSA %zu bits (at least %d are required)",
				  bits, JWT_MIN_RSA_BITS);
		goto done;
	}
	if (elen == 0 || elen > 8 || !(eb[elen - 1] & 1)) {
		rc = pa_error_set(PA_EINVALID, "jwt: the key's exponent is not valid");
		goto done;
	}
	memset(&spec, 0, sizeof(spec));
	spec.n = nb;
	spec.nlen = nlen;
	spec.e = eb;
	spec.elen = elen;
	if (!(*out = cjose_jwk_create_RSA_spec(&spec, &err)))
		rc = pa_error_set(PA_EINVALID, "jwt: the key cannot be used: %s", err.message);
done:
	free(nb);
	free(eb);
	return rc;
}

/* Everything about a token that needs no key: its parts, its header (the
 * alg RS256), a signature there, strict base64url. Only a well-formed token
 * may look for its key: a malformed one must not make the caller fetch the
 * platform's keys again. *kid (borrowed from *header) may be NULL. */
static int prepare(json_t **header, compact *c, const char **kid, const char *token)
{
	const json_t *k;
	int rc;

	*kid = NULL;
	if ((rc = parse_header(header, c, token)) != 0)
		return rc;
	if ((rc = check_header(*header)) != 0)
		return rc;
	if (c->dot2 + 1 == c->len)
		return pa_error_set(PA_EINVALID, "jwt: no signature");
	/* cjose 0.6.2 aborts on some malformed base64 ('=' inside a part):
	 * it gets only parts that our strict decoder takes. */
	if (!pa_b64url_valid(token + c->dot1 + 1, c->dot2 - c->dot1 - 1) ||
	    !pa_b64url_valid(token + c->dot2 + 1, c->len - c->dot2 - 1))
		return pa_error_set(PA_EPARSE, "jwt: the payload or the signature is not base64url");
	k = json_object_get(*header, "kid");
	*kid = k ? json_string_value(k) : NULL;
	return 0;
}

/* The signature by cjose, then the claims. */
static int verify_with(pa_jwt *out, json_t *header, const compact *c, const char *token, const cjose_jwk_t *jwk)
{
	cjose_jws_t *jws = NULL;
	cjose_err err;
	uint8_t *plain = NULL;
	size_t plain_len = 0;
	json_error_t jerr;
	json_t *claims = NULL;
	int rc = 0;

	if (!(jws = cjose_jws_import(token, c->len, &err))) {
		rc = pa_error_set(PA_EPARSE, "jwt: malformed token: %s", err.message);
		goto done;
	}
	if (!cjose_jws_verify(jws, jwk, &err)) {
		rc = pa_error_set(PA_EINVALID, "jwt: bad signature");
		goto done;
	}
	if (!cjose_jws_get_plaintext(jws, &plain, &plain_len, &err)) {
		rc = pa_error_set(PA_EPARSE, "jwt: no payload: %s", err.message);
		goto done;
	}
	if (!(claims = json_loadb((const char *)plain, plain_len, JSON_REJECT_DUPLICATES, &jerr))) {
		rc = pa_error_set(PA_EPARSE, "jwt: the claims are not JSON: %s", jerr.text);
		goto done;
	}
	if (!json_is_object(claims)) {
		rc = pa_error_set(PA_EPARSE, "jwt: the claims are not a JSON object");
		goto done;
	}
	out->header = json_incref(header);
	out->claims = claims;
	claims = NULL;
done:
	json_decref(claims);
	cjose_jws_release(jws);  /* owns plain */
	return rc;
}

int pa_jwt_verify(pa_jwt *out, const char *token, const json_t *jwks)
{
	compact c;
	json_t *header = NULL;
	const json_t *key;
	const char *kid;
	cjose_jwk_t *jwk = NULL;
	int rc;

	out->header = NULL;
	out->claims = NULL;
	if ((rc = prepare(&header, &c, &kid, token)) != 0 ||
	    (rc = find_key(&key, jwks, kid)) != 0 ||
	    (rc = import_key(&jwk, key)) != 0)
		goto done;
	rc = verify_with(out, header, &c, token, jwk);
done:
	json_decref(header);
	cjose_jwk_release(jwk);
	return rc;
}

/* --- key sets imported once --- */

typedef struct keyset_key {
	char *kid;            /* NULL when the key has none */
	cjose_jwk_t *jwk;     /* NULL when it cannot be used: then rc and why */
	int rc;
	char *why;
} keyset_key;

struct pa_jwt_keyset {
	keyset_key *keys;
	size_t count;
};

void pa_jwt_keyset_free(pa_jwt_keyset *ks)
{
	if (!ks)
		return;
	for (size_t i = 0; i < ks->count; i++) {
		free(ks->keys[i].kid);
		cjose_jwk_release(ks->keys[i].jwk);
		free(ks->keys[i].why);
	}
	free(ks->keys);
	free(ks);
}

int pa_jwt_keyset_new(pa_jwt_keyset **out, const json_t *jwks)
{
	const json_t *keys = json_is_object(jwks) ? json_object_get(jwks, "keys") : NULL;
	const json_t *k;
	pa_jwt_keyset *ks;
	keyset_key *e;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (!json_is_array(keys))
		return pa_error_set(PA_EINVALID, "jwt: the key set has no keys array");
	if (!(ks = calloc(1, sizeof(*ks))))
		return pa_error_set(PA_ENOMEM, "jwt: out of memory");
	json_array_foreach(keys, i, k) {
		const json_t *kid;

		if (!key_usable(k))
			continue;
		if (!(e = pa_array_push(&ks->keys, &ks->count, sizeof(*ks->keys)))) {
			rc = PA_ENOMEM;
			goto done;
		}
		kid = json_object_get(k, "kid");
		if (json_is_string(kid) && !(e->kid = pa_strdup(json_string_value(kid)))) {
			rc = PA_ENOMEM;
			goto done;
		}
		/* A key we cannot use is kept, to refuse its tokens as pa_jwt_verify would. */
		if ((e->rc = import_key(&e->jwk, k)) != 0 && !(e->why = pa_strdup(pa_error_last()))) {
			rc = PA_ENOMEM;
			goto done;
		}
	}
done:
	if (rc)
		pa_jwt_keyset_free(ks);
	else
		*out = ks;
	return rc;
}

int pa_jwt_verify_keyset(pa_jwt *out, const char *token, const pa_jwt_keyset *ks)
{
	compact c;
	json_t *header = NULL;
	const char *kid;
	const keyset_key *key = NULL;
	int rc;

	out->header = NULL;
	out->claims = NULL;
	if ((rc = prepare(&header, &c, &kid, token)) != 0)
		goto done;
	for (size_t i = 0; i < ks->count && !key; i++)
		if (kid ? ks->keys[i].kid && !strcmp(ks->keys[i].kid, kid) : ks->count == 1)
			key = &ks->keys[i];
	if (!key) {
		rc = kid ? pa_error_set(PA_ENOTFOUND, "jwt: no RS256 key with kid %.64s in the key set", kid)
			 : pa_error_set(PA_ENOTFOUND, "jwt: the token has no kid and the key set has %zu RS256 keys",
					ks->count);
		goto done;
	}
	if (!key->jwk) {
		rc = pa_error_set(key->rc, "%s", key->why);
		goto done;
	}
	rc = verify_with(out, header, &c, token, key->jwk);
done:
	json_decref(header);
	return rc;
}

/* One big number of an RSA key, in bytes. */
static int rsa_param(uint8_t **out, size_t *out_len, const EVP_PKEY *pkey, const char *name)
{
	BIGNUM *bn = NULL;
	int n;

	*out = NULL;
	*out_len = 0;
	if (!EVP_PKEY_get_bn_param(pkey, name, &bn))
		return pa_error_set(PA_EINVALID, "jwt: the private key has no %s", name);
	n = BN_num_bytes(bn);
	if (!(*out = malloc(n > 0 ? (size_t)n : 1))) {
		BN_clear_free(bn);
		return pa_error_set(PA_ENOMEM, "jwt: out of memory");
	}
	*out_len = (size_t)BN_bn2bin(bn, *out);
	BN_clear_free(bn);
	return 0;
}

/* cjose 0.6 reads no PEM: OpenSSL does, and cjose gets the numbers. */
static int private_jwk(cjose_jwk_t **out, const char *pem)
{
	static const char *const names[] = {
		OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
		OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
		OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
		OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
	};
	uint8_t *v[8] = { 0 };
	size_t len[8] = { 0 };
	BIO *bio = NULL;
	EVP_PKEY *pkey = NULL;
	cjose_jwk_rsa_keyspec spec;
	cjose_err err;
	int rc = 0;

	*out = NULL;
	if (!pem || !(bio = BIO_new_mem_buf(pem, -1))) {
		rc = pa_error_set(PA_EINVAL, "jwt: no private key");
		goto done;
	}
	if (!(pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
		rc = pa_error_set(PA_EINVALID, "jwt: the private key is not an RSA key in PEM");
		goto done;
	}
	if (EVP_PKEY_get_bits(pkey) < JWT_MIN_RSA_BITS) {
		rc = pa_error_set(PA_EINVALID, "jwt: the private key has fewer than %d bits", JWT_MIN_RSA_BITS);
		goto done;
	}
	for (size_t i = 0; i < PA_ARRAY_SIZE(names); i++)
		if ((rc = rsa_param(&v[i], &len[i], pkey, names[i])) != 0)
			goto done;
	spec.n = v[0], spec.nlen = len[0];
	spec.e = v[1], spec.elen = len[1];
	spec.d = v[2], spec.dlen = len[2];
	spec.p = v[3], spec.plen = len[3];
	spec.q = v[4], spec.qlen = len[4];
	spec.dp = v[5], spec.dplen = len[5];
	spec.dq = v[6], spec.dqlen = len[6];
	spec.qi = v[7], spec.qilen = len[7];
	if (!(*out = cjose_jwk_create_RSA_spec(&spec, &err)))
		rc = pa_error_set(PA_EINVALID, "jwt: the private key cannot be used: %s", err.message);
done:
	for (size_t i = 0; i < PA_ARRAY_SIZE(v); i++) {
		if (v[i])
			OPENSSL_cleanse(v[i], len[i]);
		free(v[i]);
	}
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	return rc;
}

int pa_jwt_sign(pa_buf *out, const char *private_pem, const char *kid, const json_t *claims)
{
	cjose_jwk_t *jwk = NULL;
	cjose_header_t *hdr = NULL;
	cjose_jws_t *jws = NULL;
	cjose_err err;
	const char *ser = NULL;
	char *payload = NULL;
	int rc;

	if (!json_is_object(claims))
		return pa_error_set(PA_EINVAL, "jwt: the claims are not an object");
	if ((rc = private_jwk(&jwk, private_pem)) != 0)
		goto done;
	if (!(payload = json_dumps(claims, JSON_COMPACT))) {
		rc = pa_error_set(PA_ENOMEM, "jwt: out of memory");
		goto done;
	}
	if (!(hdr = cjose_header_new(&err)) ||
	    !cjose_header_set(hdr, CJOSE_HDR_ALG, CJOSE_HDR_ALG_RS256, &err) ||
	    !cjose_header_set(hdr, "typ", "JWT", &err) ||
	    (kid && !cjose_header_set(hdr, CJOSE_HDR_KID, kid, &err))) {
		rc = pa_error_set(PA_ENOMEM, "jwt: header: %s", err.message);
		goto done;
	}
	if (!(jws = cjose_jws_sign(jwk, hdr, (const uint8_t *)payload, strlen(payload), &err)) ||
	    !cjose_jws_export(jws, &ser, &err)) {
		rc = pa_error_set(PA_ERROR, "jwt: signing failed: %s", err.message);
		goto done;
	}
	pa_buf_puts(out, ser);
	rc = pa_buf_error(out);
done:
	cjose_jws_release(jws);
	cjose_header_release(hdr);
	cjose_jwk_release(jwk);
	free(payload);
	return rc;
}
