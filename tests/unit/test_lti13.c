/* lti/lti13.h: the random values of a login (state, nonce, binding). */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "lti/lti13.h"

static void test_lti13__random_is_43_base64url_characters(void **state)
{
	(void)state;
	for (int i = 0; i < 200; i++) {
		pa_buf b = PA_BUF_INIT;

		assert_int_equal(pa_lti13_random(&b), 0);
		assert_int_equal(b.len, 43);   /* 256 bits, no padding */
		assert_int_equal(strspn(b.ptr, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
		pa_buf_dispose(&b);
	}
}

static void test_lti13__random_never_repeats_and_uses_every_bit(void **state)
{
	char seen[2000][44];
	int counts[64];
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	(void)state;
	memset(counts, 0, sizeof(counts));
	for (int i = 0; i < 2000; i++) {
		pa_buf b = PA_BUF_INIT;

		assert_int_equal(pa_lti13_random(&b), 0);
		memcpy(seen[i], b.ptr, 44);
		for (int k = 0; k < 43; k++)
			counts[strchr(alphabet, b.ptr[k]) - alphabet]++;
		pa_buf_dispose(&b);
	}
	for (int i = 0; i < 2000; i++)
		for (int j = i + 1; j < 2000; j++)
			assert_string_not_equal(seen[i], seen[j]);
	/* 86,000 characters over 64 symbols: each near 1,344; a stuck bit would empty half of them. */
	for (int k = 0; k < 64; k++)
		assert_true(counts[k] > 900);
}

static void test_lti13__state_is_signed_and_expires(void **state)
{
	static const unsigned char key[32] = "0123456789abcdef0123456789abcdef";
	static const unsigned char other[32] = "fedcba9876543210fedcba9876543210";
	pa_buf st = PA_BUF_INIT, forged = PA_BUF_INIT;
	char *json = NULL;
	int64_t exp = 0;

	(void)state;
	assert_int_equal(pa_lti13_state_make(&st, key, "{\"platform\":1,\"nonce\":\"n\"}", 5000), 0);
	assert_int_equal(pa_lti13_state_open(&json, &exp, key, st.ptr, 4999), 0);
	assert_string_equal(json, "{\"platform\":1,\"nonce\":\"n\"}");
	assert_int_equal(exp, 5000);
	free(json);
	assert_int_equal(pa_lti13_state_open(&json, &exp, key, st.ptr, 5000), PA_ELIMIT);
	assert_null(json);
	assert_int_equal(pa_lti13_state_open(&json, &exp, other, st.ptr, 1), PA_EINVALID);
	/* A later expiry with the same payload and signature. */
	pa_buf_printf(&forged, "9%s", st.ptr);
	assert_int_equal(pa_lti13_state_open(&json, &exp, key, forged.ptr, 1), PA_EINVALID);
	/* Another payload under the same signature. */
	pa_buf_clear(&forged);
	pa_buf_printf(&forged, "5000.e30.%s", strrchr(st.ptr, '.') + 1);
	assert_int_equal(pa_lti13_state_open(&json, &exp, key, forged.ptr, 1), PA_EINVALID);
	assert_int_equal(pa_lti13_state_open(&json, &exp, key, "", 1), PA_EPARSE);
	assert_int_equal(pa_lti13_state_open(&json, &exp, key, "1.2", 1), PA_EPARSE);
	assert_int_equal(pa_lti13_state_open(&json, &exp, key, "1.a.b.c", 1), PA_EPARSE);
	assert_int_equal(pa_lti13_state_open(&json, &exp, key, "x.e30.AAAA", 1), PA_EPARSE);
	assert_int_equal(pa_lti13_state_open(&json, &exp, key, "1.e3=0.AAAA", 1), PA_EPARSE);
	assert_int_equal(pa_lti13_state_open(&json, &exp, key, NULL, 1), PA_EPARSE);
	pa_buf_dispose(&st);
	pa_buf_dispose(&forged);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lti13__random_is_43_base64url_characters),
		cmocka_unit_test(test_lti13__random_never_repeats_and_uses_every_bit),
		cmocka_unit_test(test_lti13__state_is_signed_and_expires),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
