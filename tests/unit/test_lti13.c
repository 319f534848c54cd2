/* lti/lti13.h: the random values of a login (state, nonce, binding). */
#include "support.h"

#include <stdlib.h>
#include <string.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lti13__random_is_43_base64url_characters),
		cmocka_unit_test(test_lti13__random_never_repeats_and_uses_every_bit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
