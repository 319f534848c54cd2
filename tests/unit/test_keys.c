/* lti/keys and the store's lti_keys: the first key made once (even by
 * processes starting together), its JWK and RFC 7638 kid, signing that
 * the published JWKS verifies, rotation and the grace a retired key keeps. */
#include "support.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "lti/jwt.h"
#include "lti/keys.h"
#include "runtime/store.h"
#include "runtime/store_lti.h"

#define GRACE 3600

static pa_store *open_store(const char *dir)
{
	pa_store *s = NULL;

	if (pa_store_open(&s, dir, NULL) != 0)
		fail_msg("open %s: %s", dir, pa_error_last());
	return s;
}

/* A keyring whose first key (made aside on a first start) is there. */
static pa_lti_keyring *keyring(pa_store *s, int64_t grace)
{
	pa_lti_keyring *k = NULL;
	pa_buf b = PA_BUF_INIT;

	assert_int_equal(pa_lti_keyring_new(&k, s, grace), 0);
	assert_int_equal(pa_lti_keyring_jwks(&b, k), 0);
	pa_buf_dispose(&b);
	return k;
}

static json_t *jwks_of(pa_lti_keyring *k)
{
	pa_buf b = PA_BUF_INIT;
	json_t *j;

	assert_int_equal(pa_lti_keyring_jwks(&b, k), 0);
	j = json_loads(pa_buf_cstr(&b), JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	pa_buf_dispose(&b);
	return j;
}

static size_t current_keys(pa_store *s, char **kid)
{
	pa_store_lti_key *list;
	size_t count, current = 0;

	assert_int_equal(pa_store_lti_key_list(&list, &count, s), 0);
	for (size_t i = 0; i < count; i++)
		if (list[i].retired == 0) {
			current++;
			if (kid && current == 1)
				*kid = strdup(list[i].kid);
		}
	pa_store_lti_key_list_free(list, count);
	return current;
}

static char *sign(pa_lti_keyring *k, const char *sub)
{
	pa_buf b = PA_BUF_INIT;
	json_t *claims = json_pack("{s:s, s:s}", "iss", "client-1", "sub", sub);

	assert_int_equal(pa_lti_keyring_sign(&b, k, claims), 0);
	json_decref(claims);
	return pa_buf_detach(&b);
}

/* RFC 7638 §3.1: the example key and its thumbprint. */
static void test_keys__thumbprint_rfc7638(void **state)
{
	static const char n[] =
		"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP"
		"ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY"
		"368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f"
		"M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
	char *kid = NULL;

	(void)state;
	assert_int_equal(pa_lti_jwk_thumbprint(&kid, n, "AQAB"), 0);
	assert_string_equal(kid, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
	free(kid);
}

static void test_keys__first_start(void **state)
{
	char *dir = pa_test_tmpdir("keys-first");
	pa_store *s = open_store(dir);
	pa_lti_keyring *k = NULL, *again = NULL;
	json_t *jwks, *key;
	char *kid = NULL, *thumb = NULL;
	pa_buf b1 = PA_BUF_INIT, b2 = PA_BUF_INIT;

	(void)state;
	assert_int_equal(current_keys(s, NULL), 0);
	/* Made aside: the keyring is there at once, its calls wait for the key. */
	assert_int_equal(pa_lti_keyring_new(&k, s, GRACE), 0);
	jwks = jwks_of(k);
	assert_int_equal(current_keys(s, &kid), 1);
	assert_int_equal(json_array_size(json_object_get(jwks, "keys")), 1);
	key = json_array_get(json_object_get(jwks, "keys"), 0);
	assert_string_equal(json_string_value(json_object_get(key, "kty")), "RSA");
	assert_string_equal(json_string_value(json_object_get(key, "alg")), "RS256");
	assert_string_equal(json_string_value(json_object_get(key, "use")), "sig");
	assert_string_equal(json_string_value(json_object_get(key, "e")), "AQAB");
	assert_true(strlen(json_string_value(json_object_get(key, "n"))) >= 342);  /* 2048 bits */
	assert_string_equal(json_string_value(json_object_get(key, "kid")), kid);
	/* Public parts only. */
	assert_int_equal(json_object_size(key), 6);
	assert_int_equal(pa_lti_jwk_thumbprint(&thumb, json_string_value(json_object_get(key, "n")),
					       json_string_value(json_object_get(key, "e"))), 0);
	assert_string_equal(thumb, kid);
	/* A second start finds the key: none is made. */
	assert_int_equal(pa_lti_keyring_new(&again, s, GRACE), 0);
	assert_int_equal(current_keys(s, NULL), 1);
	assert_int_equal(pa_lti_keyring_jwks(&b1, k), 0);
	assert_int_equal(pa_lti_keyring_jwks(&b2, again), 0);
	assert_string_equal(pa_buf_cstr(&b1), pa_buf_cstr(&b2));
	pa_buf_dispose(&b1);
	pa_buf_dispose(&b2);
	json_decref(jwks);
	free(thumb);
	free(kid);
	pa_lti_keyring_free(again);
	pa_lti_keyring_free(k);
	pa_store_close(s);
	free(dir);
}

/* A server stopped at once after its first start: the key being made is
 * finished and kept, not torn. */
static void test_keys__freed_while_making(void **state)
{
	char *dir = pa_test_tmpdir("keys-freed");
	pa_store *s = open_store(dir);
	pa_lti_keyring *k = NULL;

	(void)state;
	assert_int_equal(pa_lti_keyring_new(&k, s, GRACE), 0);
	pa_lti_keyring_free(k);
	assert_int_equal(current_keys(s, NULL), 1);
	pa_store_close(s);
	free(dir);
}

static void test_keys__signature_verifies_with_published_keys(void **state)
{
	char *dir = pa_test_tmpdir("keys-sign");
	pa_store *s = open_store(dir);
	pa_lti_keyring *k = NULL;
	json_t *jwks;
	char *token, *kid = NULL;
	pa_jwt jwt = { 0 };

	(void)state;
	k = keyring(s, GRACE);
	current_keys(s, &kid);
	token = sign(k, "learner");
	jwks = jwks_of(k);
	assert_int_equal(pa_jwt_verify(&jwt, token, jwks), 0);
	assert_string_equal(json_string_value(json_object_get(jwt.header, "kid")), kid);
	assert_string_equal(json_string_value(json_object_get(jwt.header, "typ")), "JWT");
	assert_string_equal(json_string_value(json_object_get(jwt.claims, "sub")), "learner");
	pa_jwt_dispose(&jwt);
	json_decref(jwks);
	free(token);
	free(kid);
	pa_lti_keyring_free(k);
	pa_store_close(s);
	free(dir);
}

static void test_keys__rotate_keeps_old_key_in_grace(void **state)
{
	char *dir = pa_test_tmpdir("keys-rotate");
	pa_store *s = open_store(dir);
	pa_lti_keyring *k = NULL, *later = NULL, *strict = NULL;
	pa_store_lti_key *list;
	size_t count;
	char *old_kid = NULL, *new_kid = NULL, *old_token, *new_token;
	json_t *jwks;
	pa_jwt jwt = { 0 };

	(void)state;
	k = keyring(s, GRACE);
	current_keys(s, &old_kid);
	old_token = sign(k, "before");
	assert_int_equal(pa_lti_keys_rotate(&new_kid, s), 0);
	assert_string_not_equal(new_kid, old_kid);
	/* The store: the new key current and first, the old one retired now. */
	assert_int_equal(pa_store_lti_key_list(&list, &count, s), 0);
	assert_int_equal(count, 2);
	assert_string_equal(list[0].kid, new_kid);
	assert_int_equal(list[0].retired, 0);
	assert_string_equal(list[1].kid, old_kid);
	assert_true(list[1].retired >= list[1].created);
	assert_true(list[1].retired <= pa_store_now_ms());
	assert_true(pa_lti_key_published(&list[1], GRACE));
	/* A keyring reading the store now: signs with the new key, publishes both. */
	assert_int_equal(pa_lti_keyring_new(&later, s, GRACE), 0);
	new_token = sign(later, "after");
	jwks = jwks_of(later);
	assert_int_equal(json_array_size(json_object_get(jwks, "keys")), 2);
	assert_int_equal(pa_jwt_verify(&jwt, new_token, jwks), 0);
	assert_string_equal(json_string_value(json_object_get(jwt.header, "kid")), new_kid);
	pa_jwt_dispose(&jwt);
	/* What the old key signed still verifies while in grace. */
	assert_int_equal(pa_jwt_verify(&jwt, old_token, jwks), 0);
	pa_jwt_dispose(&jwt);
	json_decref(jwks);
	/* Past the grace (0 s here, a few ms later), the old key is gone from the JWKS. */
	usleep(5000);
	assert_false(pa_lti_key_published(&list[1], 0));
	assert_true(pa_lti_key_published(&list[0], 0));
	assert_int_equal(pa_lti_keyring_new(&strict, s, 0), 0);
	jwks = jwks_of(strict);
	assert_int_equal(json_array_size(json_object_get(jwks, "keys")), 1);
	assert_int_equal(pa_jwt_verify(&jwt, old_token, jwks), PA_ENOTFOUND);
	assert_int_equal(pa_jwt_verify(&jwt, new_token, jwks), 0);
	pa_jwt_dispose(&jwt);
	json_decref(jwks);
	/* Rotating again retires the second; one key is current. */
	free(new_kid);
	assert_int_equal(pa_lti_keys_rotate(NULL, s), 0);
	assert_int_equal(current_keys(s, NULL), 1);
	pa_store_lti_key_list_free(list, count);
	free(old_kid);
	free(old_token);
	free(new_token);
	pa_lti_keyring_free(strict);
	pa_lti_keyring_free(later);
	pa_lti_keyring_free(k);
	pa_store_close(s);
	free(dir);
}

static void test_keys__store_refuses_incomplete_and_second_first(void **state)
{
	char *dir = pa_test_tmpdir("keys-store");
	pa_store *s = open_store(dir);
	pa_store_lti_key key = { 0 }, *list;
	size_t count;

	(void)state;
	key.kid = (char *)"k1";
	key.private_pem = (char *)"-----BEGIN PRIVATE KEY-----";
	key.public_jwk = (char *)"{}";
	assert_int_equal(pa_store_lti_key_add_first(s, &key), PA_EINVAL);  /* no created */
	key.created = 1000;
	assert_int_equal(pa_store_lti_key_add_first(s, &key), 0);
	key.kid = (char *)"k2";
	assert_int_equal(pa_store_lti_key_add_first(s, &key), PA_EEXISTS);
	key.created = 2000;
	assert_int_equal(pa_store_lti_key_rotate(s, &key), 0);
	/* kid is unique. */
	assert_int_equal(pa_store_lti_key_rotate(s, &key), PA_EEXISTS);
	assert_int_equal(pa_store_lti_key_list(&list, &count, s), 0);
	assert_int_equal(count, 2);
	assert_string_equal(list[0].kid, "k2");
	assert_int_equal(list[0].retired, 0);
	assert_string_equal(list[1].kid, "k1");
	assert_int_equal(list[1].retired, 2000);
	assert_string_equal(list[1].private_pem, "-----BEGIN PRIVATE KEY-----");
	pa_store_lti_key_list_free(list, count);
	pa_store_close(s);
	free(dir);
}

/* A server's keyring sees a rotation made by the CLI (another store
 * handle) once its copy is older than the reload interval, not before. */
static void test_keys__running_keyring_sees_rotation(void **state)
{
	char *dir = pa_test_tmpdir("keys-reload");
	pa_store *server = open_store(dir), *cli;
	pa_lti_keyring *k = NULL;
	char *old_kid = NULL, *new_kid = NULL, *kid = NULL, *t;
	json_t *jwks;

	(void)state;
	k = keyring(server, GRACE);
	pa_lti_keyring_set_reload(k, 3600 * 1000);
	current_keys(server, &old_kid);
	cli = open_store(dir);
	assert_int_equal(pa_lti_keys_rotate(&new_kid, cli), 0);
	pa_store_close(cli);
	/* Within the interval: the copy read at start. */
	t = sign(k, "x");
	assert_int_equal(pa_jwt_peek_kid(&kid, t), 0);
	assert_string_equal(kid, old_kid);
	free(kid), free(t);
	jwks = jwks_of(k);
	assert_int_equal(json_array_size(json_object_get(jwks, "keys")), 1);
	json_decref(jwks);
	/* Past it (made short, so that the test does not wait a minute): the
	 * new key signs, both are published. */
	pa_lti_keyring_set_reload(k, 10);
	usleep(20 * 1000);
	t = sign(k, "x");
	assert_int_equal(pa_jwt_peek_kid(&kid, t), 0);
	assert_string_equal(kid, new_kid);
	free(kid), free(t);
	jwks = jwks_of(k);
	assert_int_equal(json_array_size(json_object_get(jwks, "keys")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(jwks, "keys"), 0), "kid")),
			    new_kid);
	json_decref(jwks);
	free(old_kid);
	free(new_kid);
	pa_lti_keyring_free(k);
	pa_store_close(server);
	free(dir);
}

/* Processes starting together: each with its own store handle (its own
 * SQLite connections), all at once. */
typedef struct racer {
	const char *dir;
	pthread_barrier_t *barrier;
	char kid[64];
	int rc;
} racer;

static void *race(void *arg)
{
	racer *r = arg;
	pa_store *s = NULL;
	pa_lti_keyring *k = NULL;
	char *token = NULL, *kid = NULL;

	if ((r->rc = pa_store_open(&s, r->dir, NULL)) != 0)
		return NULL;
	pthread_barrier_wait(r->barrier);
	if ((r->rc = pa_lti_keyring_new(&k, s, GRACE)) == 0) {
		pa_buf b = PA_BUF_INIT;
		json_t *claims = json_object();

		r->rc = pa_lti_keyring_sign(&b, k, claims);
		token = pa_buf_detach(&b);
		json_decref(claims);
		if (!r->rc && (r->rc = pa_jwt_peek_kid(&kid, token)) == 0)
			snprintf(r->kid, sizeof(r->kid), "%s", kid);
	}
	free(kid);
	free(token);
	pa_lti_keyring_free(k);
	pa_store_close(s);
	return NULL;
}

static void test_keys__first_start_race(void **state)
{
	char *dir = pa_test_tmpdir("keys-race");
	pa_store *s;
	pthread_t t[4];
	racer r[4];
	pthread_barrier_t barrier;
	char *kid = NULL;

	(void)state;
	/* The schema first, so the racers race for the key and not the migration. */
	s = open_store(dir);
	pa_store_close(s);
	pthread_barrier_init(&barrier, NULL, 4);
	for (int i = 0; i < 4; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].dir = dir;
		r[i].barrier = &barrier;
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&barrier);
	s = open_store(dir);
	assert_int_equal(current_keys(s, &kid), 1);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(r[i].rc, 0);
		assert_string_equal(r[i].kid, kid);
	}
	free(kid);
	pa_store_close(s);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys__thumbprint_rfc7638),
		cmocka_unit_test(test_keys__first_start),
		cmocka_unit_test(test_keys__freed_while_making),
		cmocka_unit_test(test_keys__signature_verifies_with_published_keys),
		cmocka_unit_test(test_keys__rotate_keeps_old_key_in_grace),
		cmocka_unit_test(test_keys__store_refuses_incomplete_and_second_first),
		cmocka_unit_test(test_keys__running_keyring_sees_rotation),
		cmocka_unit_test(test_keys__first_start_race),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
