/* lti/jwt: RS256 both ways; a token signed by jose (npm) verifies, and
 * every attack we know is refused before or at the signature: alg none,
 * HS256 keyed with our public key, a wrong key, an unknown kid, a changed
 * payload, bad base64, an oversized token, duplicate members, weak keys. */
#include "support.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "common/error.h"
#include "common/fs.h"
#include "lti/base64url.h"
#include "lti/jwt.h"
#include "rsatest.h"

static json_t *jwks_of(const json_t *jwk1, const json_t *jwk2)
{
	json_t *keys = json_array();

	if (jwk1)
		json_array_append_new(keys, json_deep_copy(jwk1));
	if (jwk2)
		json_array_append_new(keys, json_deep_copy(jwk2));
	return json_pack("{s:o}", "keys", keys);
}

typedef struct fixture {
	keypair a, b;
	json_t *jwks;       /* a's public key (kid "a") */
	pa_jwt jwt;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	keypair_make(&f->a, 2048, "a");
	keypair_make(&f->b, 2048, "b");
	f->jwks = jwks_of(f->a.jwk, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	keypair_dispose(&f->a);
	keypair_dispose(&f->b);
	json_decref(f->jwks);
	pa_jwt_dispose(&f->jwt);
	free(f);
	return 0;
}

/* Key generation is slow: the pairs are made once for the group. */
static int forget_token(void **state)
{
	fixture *f = *state;

	pa_jwt_dispose(&f->jwt);
	return 0;
}

static void b64(pa_buf *out, const char *s)
{
	assert_int_equal(pa_b64url_encode(out, s, strlen(s)), 0);
}

/* header.payload from raw JSON text (duplicates and all), signed as alg says:
 * "RS256" with pkey, "HS256" with secret, anything else left unsigned. */
static char *forge(const char *header, const char *payload, const char *alg, EVP_PKEY *pkey, const char *secret)
{
	pa_buf t = PA_BUF_INIT;
	unsigned char sig[1024];
	size_t sig_len = 0;

	b64(&t, header);
	pa_buf_putc(&t, '.');
	b64(&t, payload);
	if (!strcmp(alg, "RS256")) {
		EVP_MD_CTX *md = EVP_MD_CTX_new();

		sig_len = sizeof(sig);
		assert_true(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pkey) == 1);
		assert_true(EVP_DigestSign(md, sig, &sig_len, (const unsigned char *)t.ptr, t.len) == 1);
		EVP_MD_CTX_free(md);
	} else if (!strcmp(alg, "HS256")) {
		unsigned len = 0;

		assert_non_null(HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)t.ptr, t.len, sig, &len));
		sig_len = len;
	}
	pa_buf_putc(&t, '.');
	assert_int_equal(pa_b64url_encode(&t, sig, sig_len), 0);
	return pa_buf_detach(&t);
}

static char *sign(const keypair *k, const char *kid, const char *claims_text)
{
	pa_buf t = PA_BUF_INIT;
	json_t *claims = json_loads(claims_text, 0, NULL);

	assert_non_null(claims);
	assert_int_equal(pa_jwt_sign(&t, k->pem, kid, claims), 0);
	json_decref(claims);
	return pa_buf_detach(&t);
}

static void test_jwt__round_trip(void **state)
{
	fixture *f = *state;
	char *token = sign(&f->a, "a", "{\"iss\":\"https://tool\",\"n\":42,\"name\":\"Zoë\"}");
	char *kid = NULL;

	assert_int_equal(pa_jwt_verify(&f->jwt, token, f->jwks), 0);
	assert_string_equal(json_string_value(json_object_get(f->jwt.header, "alg")), "RS256");
	assert_string_equal(json_string_value(json_object_get(f->jwt.header, "typ")), "JWT");
	assert_string_equal(json_string_value(json_object_get(f->jwt.header, "kid")), "a");
	assert_string_equal(json_string_value(json_object_get(f->jwt.claims, "iss")), "https://tool");
	assert_int_equal(json_integer_value(json_object_get(f->jwt.claims, "n")), 42);
	assert_string_equal(json_string_value(json_object_get(f->jwt.claims, "name")), "Zoë");
	assert_int_equal(pa_jwt_peek_kid(&kid, token), 0);
	assert_string_equal(kid, "a");
	free(kid);
	free(token);
}

static char *read_fixture(const char *name)
{
	pa_buf path = PA_BUF_INIT, data = PA_BUF_INIT;

	pa_buf_printf(&path, "%s/tests/fixtures/jwt/%s", pa_test_source_dir(), name);
	assert_int_equal(pa_fs_read(&data, pa_buf_cstr(&path), 65536), 0);
	pa_buf_dispose(&path);
	while (data.len && data.ptr[data.len - 1] == '\n')
		pa_buf_truncate(&data, data.len - 1);
	return pa_buf_detach(&data);
}

static json_t *read_json_fixture(const char *name)
{
	char *text = read_fixture(name);
	json_t *j = json_loads(text, 0, NULL);

	assert_non_null(j);
	free(text);
	return j;
}

/* Signed by jose (tests/fixtures/jwt/gen.mjs); its key set also holds an
 * "enc" key with the same kid, which must be passed over. */
static void test_jwt__jose_token_verifies(void **state)
{
	fixture *f = *state;
	char *token = read_fixture("jose.jwt");
	json_t *jwks = read_json_fixture("jwks.json"), *claims = read_json_fixture("claims.json");

	assert_int_equal(pa_jwt_verify(&f->jwt, token, jwks), 0);
	assert_true(json_equal(f->jwt.claims, claims));
	json_decref(jwks);
	json_decref(claims);
	free(token);
}

static void test_jwt__jose_verifies_ours(void **state)
{
	fixture *f = *state;
	char *token = sign(&f->a, "a", "{\"iss\":\"https://tool\",\"aud\":\"platform\"}");
	char *dir = pa_test_tmpdir("jwt_jose");
	char *jwks = json_dumps(f->jwks, 0);
	pa_buf out = PA_BUF_INIT;
	int status;

	pa_test_write(dir, "token", token);
	pa_test_write(dir, "jwks.json", jwks);
	pa_test_write(dir, "check.mjs",
		      "import * as jose from 'jose';\n"
		      "import { readFileSync } from 'node:fs';\n"
		      "const dir = process.argv[2];\n"
		      "const set = jose.createLocalJWKSet(JSON.parse(readFileSync(dir + '/jwks.json', 'utf8')));\n"
		      "const { payload, protectedHeader } = await jose.jwtVerify(readFileSync(dir + '/token', 'utf8'), set,"
		      " { algorithms: ['RS256'] });\n"
		      "console.log(protectedHeader.kid, payload.iss, payload.aud);\n");
	/* Node resolves 'jose' from the script's folder upwards: run a copy next to node_modules. */
	status = pa_test_run(&out, "cd '%s' && cp '%s/check.mjs' ./.jwt-check-%d.mjs && node ./.jwt-check-%d.mjs '%s'; "
			     "s=$?; rm -f ./.jwt-check-%d.mjs; exit $s",
			     pa_test_source_dir(), dir, (int)getpid(), (int)getpid(), dir, (int)getpid());
	if (status == 127 || strstr(pa_buf_cstr(&out), "Cannot find package")) {
		pa_buf_dispose(&out);
		free(jwks), free(dir), free(token);
		skip();
	}
	assert_int_equal(status, 0);
	assert_string_equal(pa_buf_cstr(&out), "a https://tool platform\n");
	pa_buf_dispose(&out);
	free(jwks);
	free(dir);
	free(token);
}

static void test_jwt__alg_none_refused(void **state)
{
	fixture *f = *state;
	char *t1 = forge("{\"alg\":\"none\",\"kid\":\"a\"}", "{\"sub\":\"x\"}", "none", NULL, NULL);
	char *t2 = forge("{\"alg\":\"None\",\"kid\":\"a\"}", "{\"sub\":\"x\"}", "RS256", f->a.pkey, NULL);
	char *t3 = forge("{\"kid\":\"a\"}", "{\"sub\":\"x\"}", "RS256", f->a.pkey, NULL);

	assert_int_equal(pa_jwt_verify(&f->jwt, t1, f->jwks), PA_EINVALID);
	assert_non_null(strstr(pa_error_last(), "alg none refused"));
	assert_null(f->jwt.claims);
	/* "None" with a valid signature is still not RS256. */
	assert_int_equal(pa_jwt_verify(&f->jwt, t2, f->jwks), PA_EINVALID);
	assert_int_equal(pa_jwt_verify(&f->jwt, t3, f->jwks), PA_EINVALID);
	free(t1), free(t2), free(t3);
}

static void test_jwt__hs256_key_confusion_refused(void **state)
{
	fixture *f = *state;
	char *n = json_dumps(f->a.jwk, JSON_COMPACT);
	/* The classic: HMAC keyed with the verifier's public key, as PEM and as the JWK. */
	char *t1 = forge("{\"alg\":\"HS256\",\"kid\":\"a\"}", "{\"sub\":\"admin\"}", "HS256", NULL, f->a.public_pem);
	char *t2 = forge("{\"alg\":\"HS256\",\"kid\":\"a\"}", "{\"sub\":\"admin\"}", "HS256", NULL, n);
	char *t3 = forge("{\"alg\":\"RS512\",\"kid\":\"a\"}", "{\"sub\":\"admin\"}", "RS256", f->a.pkey, NULL);
	char *t4 = forge("{\"alg\":\"PS256\",\"kid\":\"a\"}", "{\"sub\":\"admin\"}", "RS256", f->a.pkey, NULL);

	assert_int_equal(pa_jwt_verify(&f->jwt, t1, f->jwks), PA_EINVALID);
	assert_non_null(strstr(pa_error_last(), "alg HS256 refused"));
	assert_int_equal(pa_jwt_verify(&f->jwt, t2, f->jwks), PA_EINVALID);
	assert_int_equal(pa_jwt_verify(&f->jwt, t3, f->jwks), PA_EINVALID);
	assert_int_equal(pa_jwt_verify(&f->jwt, t4, f->jwks), PA_EINVALID);
	assert_null(f->jwt.claims);
	free(n), free(t1), free(t2), free(t3), free(t4);
}

static void test_jwt__wrong_key(void **state)
{
	fixture *f = *state;
	char *token = sign(&f->b, "a", "{\"sub\":\"x\"}");  /* b's signature, a's kid */

	assert_int_equal(pa_jwt_verify(&f->jwt, token, f->jwks), PA_EINVALID);
	assert_non_null(strstr(pa_error_last(), "bad signature"));
	assert_null(f->jwt.header);
	free(token);
}

static void test_jwt__unknown_kid(void **state)
{
	fixture *f = *state;
	char *token = sign(&f->b, "b", "{\"sub\":\"x\"}");
	json_t *both = jwks_of(f->a.jwk, f->b.jwk);

	assert_int_equal(pa_jwt_verify(&f->jwt, token, f->jwks), PA_ENOTFOUND);
	/* After the platform's keys are fetched again. */
	assert_int_equal(pa_jwt_verify(&f->jwt, token, both), 0);
	json_decref(both);
	free(token);
}

static void test_jwt__no_kid(void **state)
{
	fixture *f = *state;
	char *token = forge("{\"alg\":\"RS256\"}", "{\"sub\":\"x\"}", "RS256", f->a.pkey, NULL);
	json_t *both = jwks_of(f->a.jwk, f->b.jwk);

	/* One key: it is the one. */
	assert_int_equal(pa_jwt_verify(&f->jwt, token, f->jwks), 0);
	pa_jwt_dispose(&f->jwt);
	/* Two: we do not try each. */
	assert_int_equal(pa_jwt_verify(&f->jwt, token, both), PA_ENOTFOUND);
	json_decref(both);
	free(token);
}

static void test_jwt__keys_not_for_rs256_skipped(void **state)
{
	fixture *f = *state;
	char *token = sign(&f->a, "a", "{\"sub\":\"x\"}");
	json_t *jwks = jwks_of(f->a.jwk, NULL);
	json_t *k = json_array_get(json_object_get(jwks, "keys"), 0);

	json_object_set_new(k, "use", json_string("enc"));
	assert_int_equal(pa_jwt_verify(&f->jwt, token, jwks), PA_ENOTFOUND);
	json_object_set_new(k, "use", json_string("sig"));
	json_object_set_new(k, "alg", json_string("RS512"));
	assert_int_equal(pa_jwt_verify(&f->jwt, token, jwks), PA_ENOTFOUND);
	json_object_del(k, "alg");
	json_object_del(k, "use");
	assert_int_equal(pa_jwt_verify(&f->jwt, token, jwks), 0);
	pa_jwt_dispose(&f->jwt);
	json_object_set_new(k, "kty", json_string("EC"));
	assert_int_equal(pa_jwt_verify(&f->jwt, token, jwks), PA_ENOTFOUND);
	/* Not a key set at all. */
	assert_int_equal(pa_jwt_verify(&f->jwt, token, k), PA_EINVALID);
	json_decref(jwks);
	free(token);
}

static void test_jwt__tampered_payload(void **state)
{
	fixture *f = *state;
	char *token = read_fixture("jose.jwt");
	json_t *jwks = read_json_fixture("jwks.json");
	pa_buf forged = PA_BUF_INIT;
	char *dot1 = strchr(token, '.'), *dot2 = strchr(dot1 + 1, '.');
	unsigned char *payload;
	size_t len;
	char *p;

	/* Same header and signature, the learner changed. */
	assert_int_equal(pa_b64url_decode(&payload, &len, dot1 + 1, (size_t)(dot2 - dot1 - 1)), 0);
	p = strstr((char *)payload, "learner-7");
	assert_non_null(p);
	p[8] = '8';
	pa_buf_put(&forged, token, (size_t)(dot1 - token) + 1);
	pa_b64url_encode(&forged, payload, len);
	pa_buf_puts(&forged, dot2);
	assert_int_equal(pa_jwt_verify(&f->jwt, pa_buf_cstr(&forged), jwks), PA_EINVALID);
	/* One bit of the signature. */
	pa_buf_clear(&forged);
	pa_buf_puts(&forged, token);
	forged.ptr[forged.len - 5] = forged.ptr[forged.len - 5] == 'A' ? 'B' : 'A';
	assert_int_equal(pa_jwt_verify(&f->jwt, pa_buf_cstr(&forged), jwks), PA_EINVALID);
	/* The untouched token still verifies. */
	assert_int_equal(pa_jwt_verify(&f->jwt, token, jwks), 0);
	pa_buf_dispose(&forged);
	free(payload);
	json_decref(jwks);
	free(token);
}

static void test_jwt__malformed(void **state)
{
	fixture *f = *state;
	char *good = sign(&f->a, "a", "{\"sub\":\"x\"}");
	pa_buf t = PA_BUF_INIT;
	char *kid = (char *)"unset";
	static const char *const bad[] = {
		"", "abc", "a.b", "a.b.c.d", ".b.c", "a..c",
		"eyJhbGciOiJSUzI1NiJ9=.e30.AAAA",         /* padding */
		"eyJhbGciOiJSUzI1NiJ9+.e30.AAAA",         /* standard alphabet */
		"eyJhbGci OiJSUzI1NiJ9.e30.AAAA",         /* space */
		"bm90IGpzb24.e30.AAAA",                   /* header "not json" */
		"WzFd.e30.AAAA",                          /* header [1] */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pa_jwt_verify(&f->jwt, bad[i], f->jwks), PA_EPARSE);
		assert_int_equal(pa_jwt_peek_kid(&kid, bad[i]), PA_EPARSE);
		assert_null(kid);
		kid = (char *)"unset";
	}
	/* A good header and signature around a payload that is not base64url. */
	pa_buf_put(&t, good, (size_t)(strchr(good, '.') - good));
	pa_buf_puts(&t, ".e30*.");
	pa_buf_puts(&t, strrchr(good, '.') + 1);
	assert_int_not_equal(pa_jwt_verify(&f->jwt, pa_buf_cstr(&t), f->jwks), 0);
	assert_null(f->jwt.claims);
	/* '=' inside a part made cjose 0.6.2 abort the process: refused before it. */
	pa_buf_clear(&t);
	pa_buf_put(&t, good, (size_t)(strchr(good, '.') - good));
	pa_buf_puts(&t, ".eyJzdWIiOiAiYWRta=W4ifQ.");
	pa_buf_puts(&t, strrchr(good, '.') + 1);
	assert_int_equal(pa_jwt_verify(&f->jwt, pa_buf_cstr(&t), f->jwks), PA_EPARSE);
	pa_buf_clear(&t);
	pa_buf_put(&t, good, (size_t)(strrchr(good, '.') - good));
	pa_buf_puts(&t, ".AAA=AAA");
	assert_int_equal(pa_jwt_verify(&f->jwt, pa_buf_cstr(&t), f->jwks), PA_EPARSE);
	pa_buf_clear(&t);
	pa_buf_put(&t, good, (size_t)(strrchr(good, '.') - good));
	pa_buf_puts(&t, ".AAAAA");  /* a length base64 never has */
	assert_int_equal(pa_jwt_verify(&f->jwt, pa_buf_cstr(&t), f->jwks), PA_EPARSE);
	/* Malformed with a kid we lack: PA_EPARSE, not PA_ENOTFOUND (which
	 * would have the caller fetch the platform's keys again). */
	{
		char *other = forge("{\"alg\":\"RS256\",\"kid\":\"unknown\"}", "{}", "RS256", f->a.pkey, NULL);

		assert_int_equal(pa_jwt_verify(&f->jwt, other, f->jwks), PA_ENOTFOUND);
		other[strlen(other) - 1] = '=';
		assert_int_equal(pa_jwt_verify(&f->jwt, other, f->jwks), PA_EPARSE);
		free(other);
	}
	assert_int_not_equal(pa_jwt_verify(&f->jwt, NULL, f->jwks), 0);
	pa_buf_dispose(&t);
	free(good);
}

static void test_jwt__oversized(void **state)
{
	fixture *f = *state;
	pa_buf claims = PA_BUF_INIT;
	char *token;

	pa_buf_puts(&claims, "{\"pad\":\"");
	for (int i = 0; i < 13000; i++)
		pa_buf_putc(&claims, 'x');
	pa_buf_puts(&claims, "\"}");
	token = sign(&f->a, "a", pa_buf_cstr(&claims));
	assert_true(strlen(token) > 16 * 1024);
	assert_int_equal(pa_jwt_verify(&f->jwt, token, f->jwks), PA_ELIMIT);
	free(token);
	/* Just under the cap is fine. */
	pa_buf_truncate(&claims, 8 + 11000);
	pa_buf_puts(&claims, "\"}");
	token = sign(&f->a, "a", pa_buf_cstr(&claims));
	assert_true(strlen(token) <= 16 * 1024);
	assert_int_equal(pa_jwt_verify(&f->jwt, token, f->jwks), 0);
	free(token);
	pa_buf_dispose(&claims);
}

static void test_jwt__duplicate_members(void **state)
{
	fixture *f = *state;
	char *t1 = forge("{\"alg\":\"RS256\",\"kid\":\"a\"}", "{\"sub\":\"learner\",\"sub\":\"admin\"}",
			 "RS256", f->a.pkey, NULL);
	char *t2 = forge("{\"alg\":\"HS256\",\"alg\":\"RS256\",\"kid\":\"a\"}", "{\"sub\":\"x\"}",
			 "RS256", f->a.pkey, NULL);
	char *t3 = forge("{\"alg\":\"RS256\",\"kid\":\"a\"}", "{\"sub\":\"x\"}", "RS256", f->a.pkey, NULL);

	assert_int_equal(pa_jwt_verify(&f->jwt, t1, f->jwks), PA_EPARSE);
	assert_int_equal(pa_jwt_verify(&f->jwt, t2, f->jwks), PA_EPARSE);
	assert_int_equal(pa_jwt_verify(&f->jwt, t3, f->jwks), 0);
	free(t1), free(t2), free(t3);
}

static void test_jwt__header_rules(void **state)
{
	fixture *f = *state;
	char *t1 = forge("{\"alg\":\"RS256\",\"kid\":\"a\",\"crit\":[\"exp\"],\"exp\":1}", "{}", "RS256", f->a.pkey, NULL);
	char *t2 = forge("{\"alg\":\"RS256\",\"kid\":\"a\",\"jku\":\"https://evil/keys\"}", "{}", "RS256", f->a.pkey, NULL);
	char *t3 = forge("{\"alg\":\"RS256\",\"kid\":7}", "{}", "RS256", f->a.pkey, NULL);
	char *t4 = forge("{\"alg\":\"RS256\",\"kid\":\"a\"}", "[1,2]", "RS256", f->a.pkey, NULL);
	char *kid = NULL;

	assert_int_equal(pa_jwt_verify(&f->jwt, t1, f->jwks), PA_EINVALID);
	assert_int_equal(pa_jwt_verify(&f->jwt, t2, f->jwks), PA_EINVALID);
	assert_int_equal(pa_jwt_verify(&f->jwt, t3, f->jwks), PA_EINVALID);
	assert_int_equal(pa_jwt_peek_kid(&kid, t3), PA_EPARSE);
	assert_int_equal(pa_jwt_verify(&f->jwt, t4, f->jwks), PA_EPARSE);
	free(t1), free(t2), free(t3), free(t4);
}

static void test_jwt__weak_key_refused(void **state)
{
	fixture *f = *state;
	char *token = read_fixture("small.jwt");
	json_t *jwks = read_json_fixture("jwks-small.json");
	keypair small;
	pa_buf out = PA_BUF_INIT;
	json_t *claims = json_object();

	assert_int_equal(pa_jwt_verify(&f->jwt, token, jwks), PA_EINVALID);
	assert_non_null(strstr(pa_error_last(), "1024 bits"));
	keypair_make(&small, 1024, "s");
	assert_int_equal(pa_jwt_sign(&out, small.pem, "s", claims), PA_EINVALID);
	keypair_dispose(&small);
	assert_int_equal(pa_jwt_sign(&out, "not a key", "s", claims), PA_EINVALID);
	pa_buf_dispose(&out);
	json_decref(claims);
	json_decref(jwks);
	free(token);
}

static void test_jwt__peek_kid(void **state)
{
	fixture *f = *state;
	char *t1 = sign(&f->a, "kid-with-ü", "{}");
	char *t2 = forge("{\"alg\":\"RS256\"}", "{}", "RS256", f->a.pkey, NULL);
	char *kid = NULL;

	assert_int_equal(pa_jwt_peek_kid(&kid, t1), 0);
	assert_string_equal(kid, "kid-with-ü");
	free(kid);
	assert_int_equal(pa_jwt_peek_kid(&kid, t2), 0);
	assert_null(kid);
	free(t1), free(t2);
}

/* A key set imported once answers every token as the JWKS it came from. */
static void test_jwt__keyset_answers_as_jwks(void **state)
{
	fixture *f = *state;
	json_t *jose_jwks = read_json_fixture("jwks.json"), *small = read_json_fixture("jwks-small.json");
	json_t *both = jwks_of(f->a.jwk, f->b.jwk), *not_a_set = json_object();
	const json_t *sets[] = { f->jwks, jose_jwks, small, both };
	char *tokens[] = {
		sign(&f->a, "a", "{\"sub\":\"x\"}"),
		sign(&f->b, "b", "{\"sub\":\"x\"}"),
		sign(&f->b, "a", "{\"sub\":\"x\"}"),
		forge("{\"alg\":\"RS256\"}", "{\"sub\":\"x\"}", "RS256", f->a.pkey, NULL),
		forge("{\"alg\":\"HS256\",\"kid\":\"a\"}", "{}", "HS256", NULL, f->a.public_pem),
		forge("{\"alg\":\"none\",\"kid\":\"a\"}", "{}", "none", NULL, NULL),
		forge("{\"alg\":\"RS256\",\"kid\":\"a\"}", "{\"a\":1,\"a\":2}", "RS256", f->a.pkey, NULL),
		read_fixture("jose.jwt"),
		read_fixture("small.jwt"),
		strdup("a.b"),
	};
	pa_jwt_keyset *ks;
	pa_jwt other;

	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		assert_int_equal(pa_jwt_keyset_new(&ks, sets[s]), 0);
		for (size_t t = 0; t < sizeof(tokens) / sizeof(tokens[0]); t++) {
			int expected = pa_jwt_verify(&f->jwt, tokens[t], sets[s]);
			int got = pa_jwt_verify_keyset(&other, tokens[t], ks);

			if (got != expected)
				fail_msg("set %zu token %zu: %d, pa_jwt_verify says %d", s, t, got, expected);
			if (got == 0)
				assert_true(json_equal(f->jwt.claims, other.claims));
			pa_jwt_dispose(&f->jwt);
			pa_jwt_dispose(&other);
		}
		pa_jwt_keyset_free(ks);
	}
	assert_int_equal(pa_jwt_keyset_new(&ks, not_a_set), PA_EINVALID);
	for (size_t t = 0; t < sizeof(tokens) / sizeof(tokens[0]); t++)
		free(tokens[t]);
	json_decref(jose_jwks);
	json_decref(small);
	json_decref(both);
	json_decref(not_a_set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_jwt__round_trip, forget_token),
		cmocka_unit_test_teardown(test_jwt__jose_token_verifies, forget_token),
		cmocka_unit_test_teardown(test_jwt__jose_verifies_ours, forget_token),
		cmocka_unit_test_teardown(test_jwt__alg_none_refused, forget_token),
		cmocka_unit_test_teardown(test_jwt__hs256_key_confusion_refused, forget_token),
		cmocka_unit_test_teardown(test_jwt__wrong_key, forget_token),
		cmocka_unit_test_teardown(test_jwt__unknown_kid, forget_token),
		cmocka_unit_test_teardown(test_jwt__no_kid, forget_token),
		cmocka_unit_test_teardown(test_jwt__keys_not_for_rs256_skipped, forget_token),
		cmocka_unit_test_teardown(test_jwt__tampered_payload, forget_token),
		cmocka_unit_test_teardown(test_jwt__malformed, forget_token),
		cmocka_unit_test_teardown(test_jwt__oversized, forget_token),
		cmocka_unit_test_teardown(test_jwt__duplicate_members, forget_token),
		cmocka_unit_test_teardown(test_jwt__header_rules, forget_token),
		cmocka_unit_test_teardown(test_jwt__weak_key_refused, forget_token),
		cmocka_unit_test_teardown(test_jwt__peek_kid, forget_token),
		cmocka_unit_test_teardown(test_jwt__keyset_answers_as_jwks, forget_token),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
