/* runtime/session: session tokens (HMAC-SHA256) and the server's key. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fs.h"
#include "common/util.h"
#include "runtime/session.h"

static const unsigned char key_a[PA_SESSION_KEY_BYTES] = "0123456789abcdef0123456789abcdef";
static const unsigned char key_b[PA_SESSION_KEY_BYTES] = "0123456789abcdef0123456789abcdeF";

static void make(pa_buf *out, const unsigned char *key, int64_t attempt, int64_t learner, int64_t expires)
{
	pa_session_claims c = { attempt, learner, expires };

	pa_buf_init(out, 0);
	assert_int_equal(pa_session_token_make(out, key, &c), 0);
}

static void test_session__round_trip(void **state)
{
	pa_session_claims c;
	pa_buf t;

	(void)state;
	make(&t, key_a, 42, 7, 2000000000);
	assert_int_equal(pa_session_token_check(&c, key_a, t.ptr, 1900000000), 0);
	assert_int_equal(c.attempt_id, 42);
	assert_int_equal(c.learner_id, 7);
	assert_int_equal(c.expires, 2000000000);
	assert_true(pa_str_startswith(t.ptr, "42.7.2000000000."));
	assert_int_equal(strlen(t.ptr), strlen("42.7.2000000000.") + 64);
	pa_buf_dispose(&t);
}

static void test_session__tampering_is_refused(void **state)
{
	pa_session_claims c;
	pa_buf t, forged = PA_BUF_INIT;
	const char *mac;

	(void)state;
	make(&t, key_a, 42, 7, 2000000000);
	mac = strrchr(t.ptr, '.') + 1;
	/* another attempt, another learner, a later expiry: same MAC, refused */
	pa_buf_printf(&forged, "43.7.2000000000.%s", mac);
	assert_int_equal(pa_session_token_check(&c, key_a, forged.ptr, 0), PA_EINVALID);
	assert_int_equal(c.attempt_id, 0);
	pa_buf_clear(&forged);
	pa_buf_printf(&forged, "42.8.2000000000.%s", mac);
	assert_int_equal(pa_session_token_check(&c, key_a, forged.ptr, 0), PA_EINVALID);
	pa_buf_clear(&forged);
	pa_buf_printf(&forged, "42.7.2000000001.%s", mac);
	assert_int_equal(pa_session_token_check(&c, key_a, forged.ptr, 0), PA_EINVALID);
	/* one flipped digit of the MAC */
	pa_buf_clear(&forged);
	pa_buf_puts(&forged, t.ptr);
	forged.ptr[forged.len - 1] = forged.ptr[forged.len - 1] == '0' ? '1' : '0';
	assert_int_equal(pa_session_token_check(&c, key_a, forged.ptr, 0), PA_EINVALID);
	/* another server's key */
	assert_int_equal(pa_session_token_check(&c, key_b, t.ptr, 0), PA_EINVALID);
	pa_buf_dispose(&forged);
	pa_buf_dispose(&t);
}

static void test_session__expiry(void **state)
{
	pa_session_claims c;
	pa_buf t;

	(void)state;
	make(&t, key_a, 1, 1, 1000);
	assert_int_equal(pa_session_token_check(&c, key_a, t.ptr, 999), 0);
	assert_int_equal(pa_session_token_check(&c, key_a, t.ptr, 1000), PA_ELIMIT);
	assert_int_equal(pa_session_token_check(&c, key_a, t.ptr, 5000), PA_ELIMIT);
	pa_buf_dispose(&t);
}

static void test_session__malformed(void **state)
{
	static const char *const bad[] = {
		"", "1", "1.2.3", "1.2.3.", "a.2.3.0000000000000000000000000000000000000000000000000000000000000000",
		"0.2.3.0000000000000000000000000000000000000000000000000000000000000000",
		"1.-2.3.0000000000000000000000000000000000000000000000000000000000000000",
		"1.2.3.00000000000000000000000000000000000000000000000000000000000000",
		"1.2.3.000000000000000000000000000000000000000000000000000000000000000000",
		"1..3.0000000000000000000000000000000000000000000000000000000000000000",
		"99999999999999999999999.2.3.0000000000000000000000000000000000000000000000000000000000000000",
	};
	pa_session_claims c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pa_session_token_check(&c, key_a, bad[i], 0), PA_EPARSE);
	assert_int_equal(pa_session_token_check(&c, key_a, NULL, 0), PA_EPARSE);
}

static void test_session__key_file(void **state)
{
	unsigned char k1[PA_SESSION_KEY_BYTES], k2[PA_SESSION_KEY_BYTES];
	char *dir = pa_test_tmpdir("session_key");
	pa_buf data = PA_BUF_INIT, path = PA_BUF_INIT;
	struct stat st;

	(void)state;
	pa_buf_printf(&data, "%s/data", dir);
	assert_int_equal(pa_session_key_load(k1, data.ptr), 0);
	pa_buf_printf(&path, "%s/%s", data.ptr, PA_SESSION_KEY_FILE);
	assert_int_equal(stat(path.ptr, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, PA_SESSION_KEY_BYTES);
	/* the same key at every start */
	assert_int_equal(pa_session_key_load(k2, data.ptr), 0);
	assert_memory_equal(k1, k2, sizeof(k1));
	/* a damaged key is refused, not replaced */
	pa_test_write(data.ptr, PA_SESSION_KEY_FILE, "short");
	assert_int_equal(pa_session_key_load(k2, data.ptr), PA_EINVALID);
	pa_buf_dispose(&path);
	pa_buf_dispose(&data);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session__round_trip),
		cmocka_unit_test(test_session__tampering_is_refused),
		cmocka_unit_test(test_session__expiry),
		cmocka_unit_test(test_session__malformed),
		cmocka_unit_test(test_session__key_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
