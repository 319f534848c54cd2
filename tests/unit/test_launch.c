/* lti/launch: link tokens (what lets an instructor's browser see a link's page). */
#include "support.h"

#include <string.h>

#include "common/error.h"
#include "lti/launch.h"
#include "runtime/session.h"

static const unsigned char key[PA_SESSION_KEY_BYTES] = "0123456789abcdef0123456789abcdef";

static void test_launch__link_token_round_trip(void **state)
{
	pa_buf t = PA_BUF_INIT;
	int64_t link, learner;

	(void)state;
	assert_int_equal(pa_lti_link_token_make(&t, key, 12, 34, 2000), 0);
	assert_int_equal(pa_lti_link_token_check(&link, &learner, key, t.ptr, 1999), 0);
	assert_int_equal(link, 12);
	assert_int_equal(learner, 34);
	assert_int_equal(pa_lti_link_token_check(&link, &learner, key, t.ptr, 2000), PA_ELIMIT);
	assert_int_equal(link, 0);
	pa_buf_dispose(&t);
}

static void test_launch__link_token_refuses_forgeries(void **state)
{
	static const unsigned char other[PA_SESSION_KEY_BYTES] = "fedcba9876543210fedcba9876543210";
	pa_session_claims claims = { 12, 34, 2000 };
	pa_buf t = PA_BUF_INIT, s = PA_BUF_INIT;
	int64_t link, learner;
	pa_session_claims c;

	(void)state;
	assert_int_equal(pa_lti_link_token_make(&t, key, 12, 34, 2000), 0);
	assert_int_equal(pa_lti_link_token_check(&link, &learner, other, t.ptr, 1000), PA_EINVALID);
	/* Another link, same signature. */
	t.ptr[0] = '3';
	assert_int_equal(pa_lti_link_token_check(&link, &learner, key, t.ptr, 1000), PA_EINVALID);
	/* A session token for the same numbers is not a link token, nor the reverse. */
	assert_int_equal(pa_session_token_make(&s, key, &claims), 0);
	assert_int_equal(pa_lti_link_token_check(&link, &learner, key, s.ptr, 1000), PA_EINVALID);
	t.ptr[0] = '1';
	assert_int_equal(pa_session_token_check(&c, key, t.ptr, 1000), PA_EINVALID);
	assert_int_equal(pa_lti_link_token_check(&link, &learner, key, "12.34.2000", 1000), PA_EPARSE);
	assert_int_equal(pa_lti_link_token_check(&link, &learner, key, "x.34.2000.00", 1000), PA_EPARSE);
	assert_int_equal(pa_lti_link_token_check(&link, &learner, key, NULL, 1000), PA_EPARSE);
	pa_buf_dispose(&t);
	pa_buf_dispose(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_launch__link_token_round_trip),
		cmocka_unit_test(test_launch__link_token_refuses_forgeries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
