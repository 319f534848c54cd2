/* common/hmac: HMAC-SHA256 against RFC 4231's vectors, whatever key was used before. */
#include "support.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/hmac.h"

static void hex(char out[2 * PA_HMAC_SHA256_BYTES + 1], const unsigned char mac[PA_HMAC_SHA256_BYTES])
{
	for (int i = 0; i < PA_HMAC_SHA256_BYTES; i++)
		snprintf(out + 2 * i, 3, "%02x", mac[i]);
}

static void check(const void *key, size_t key_len, const char *data, const char *want)
{
	unsigned char mac[PA_HMAC_SHA256_BYTES];
	char got[2 * PA_HMAC_SHA256_BYTES + 1];

	assert_int_equal(pa_hmac_sha256(mac, key, key_len, data, strlen(data), NULL, 0), 0);
	hex(got, mac);
	assert_string_equal(got, want);
}

#define CASE1 "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
#define CASE2 "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
#define CASE6 "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"

static const unsigned char key1[20] = { 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
					0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b };

static void test_hmac__rfc4231(void **state)
{
	unsigned char key6[131];

	(void)state;
	memset(key6, 0xaa, sizeof(key6));
	check(key1, sizeof(key1), "Hi There", CASE1);
	check("Jefe", 4, "what do ya want for nothing?", CASE2);
	/* Longer than a block: hashed first, and not the kept key. */
	check(key6, sizeof(key6), "Test Using Larger Than Block-Size Key - Hash Key First", CASE6);
}

/* The kept context is the last key's: switching keys back and forth changes nothing. */
static void test_hmac__keys_alternate(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++) {
		check(key1, sizeof(key1), "Hi There", CASE1);
		check(key1, sizeof(key1), "Hi There", CASE1);
		check("Jefe", 4, "what do ya want for nothing?", CASE2);
	}
	/* A key that differs from the kept one in its last byte only. */
	{
		unsigned char near[20];

		memcpy(near, key1, sizeof(near));
		near[19] ^= 1;
		check(key1, sizeof(key1), "Hi There", CASE1);
		check(near, sizeof(near), "Hi There", "944edeba2ad096630491b7710d2697544996bc4442720577f59a1c8be13f9712");
	}
}

/* a || b is the same MAC as the two in one piece. */
static void test_hmac__two_parts(void **state)
{
	const char *msg = "what do ya want for nothing?";
	unsigned char mac[PA_HMAC_SHA256_BYTES];
	char got[2 * PA_HMAC_SHA256_BYTES + 1];

	(void)state;
	for (size_t cut = 0; cut <= strlen(msg); cut++) {
		assert_int_equal(pa_hmac_sha256(mac, "Jefe", 4, msg, cut, msg + cut, strlen(msg) - cut), 0);
		hex(got, mac);
		assert_string_equal(got, CASE2);
	}
}

static void *worker(void *arg)
{
	for (int i = 0; i < 500; i++) {
		unsigned char mac[PA_HMAC_SHA256_BYTES];
		char got[2 * PA_HMAC_SHA256_BYTES + 1];
		bool one = (i + (int)(intptr_t)arg) % 3 != 0;

		if (pa_hmac_sha256(mac, one ? (const void *)key1 : "Jefe", one ? sizeof(key1) : 4,
				   one ? "Hi There" : "what do ya want for nothing?",
				   one ? 8 : strlen("what do ya want for nothing?"), NULL, 0) != 0)
			return (void *)1;
		hex(got, mac);
		if (strcmp(got, one ? CASE1 : CASE2) != 0)
			return (void *)1;
	}
	return NULL;
}

/* Threads with two keys at once: every MAC right. */
static void test_hmac__threads(void **state)
{
	pthread_t t[4];
	void *bad;

	(void)state;
	for (intptr_t i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)i), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_null(bad);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac__rfc4231),
		cmocka_unit_test(test_hmac__keys_alternate),
		cmocka_unit_test(test_hmac__two_parts),
		cmocka_unit_test(test_hmac__threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
