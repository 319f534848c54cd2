#include "runtime/session.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/fs.h"
#include "common/hmac.h"
#include "common/util.h"

#define MAC_HEX (2 * 32)

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * The key is written to a private temporary file, then linked into place:
 * link() fails when the name exists, so two processes starting together
 * (serve and preview) agree on one key, and no reader sees half of one.
 */
static int key_create(const char *path, const char *data_dir)
{
	unsigned char key[PA_SESSION_KEY_BYTES];
	pa_buf tmp = PA_BUF_INIT;
	int fd = -1, rc = 0;

	if (RAND_bytes(key, sizeof(key)) != 1)
		return pa_error_set(PA_ERROR, "session key: no randomness from OpenSSL");
	if ((rc = pa_fs_mkdirs(data_dir)) != 0)
		goto done;
	pa_buf_printf(&tmp, "%s.%ld.tmp", path, (long)getpid());
	if (pa_buf_error(&tmp)) {
		rc = pa_error_set(PA_ENOMEM, "out of memory");
		goto done;
	}
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, key, sizeof(key)) != 0 || fsync(fd) != 0) {
		rc = pa_error_set(PA_EIO, "session key: %s: %s", tmp.ptr, strerror(errno));
		goto done;
	}
	if (link(tmp.ptr, path) != 0 && errno != EEXIST)
		rc = pa_error_set(PA_EIO, "session key: %s: %s", path, strerror(errno));
done:
	if (fd >= 0) {
		close(fd);
		unlink(tmp.ptr);
	}
	OPENSSL_cleanse(key, sizeof(key));
	pa_buf_dispose(&tmp);
	return rc;
}

int pa_session_key_load(unsigned char out[PA_SESSION_KEY_BYTES], const char *data_dir)
{
	pa_buf path = PA_BUF_INIT, data = PA_BUF_INIT;
	int rc;

	if ((rc = pa_path_join(&path, data_dir, PA_SESSION_KEY_FILE)) != 0)
		goto done;
	if (!pa_fs_is_file(path.ptr) && (rc = key_create(path.ptr, data_dir)) != 0)
		goto done;
	if ((rc = pa_fs_read(&data, path.ptr, 1024)) != 0)
		goto done;
	if (data.len != PA_SESSION_KEY_BYTES) {
		rc = pa_error_set(PA_EINVALID, "session key: %s holds %zu bytes, not %d (delete it to make a new one)",
				  path.ptr, data.len, PA_SESSION_KEY_BYTES);
		goto done;
	}
	memcpy(out, data.ptr, PA_SESSION_KEY_BYTES);
done:
	if (data.ptr)
		OPENSSL_cleanse(data.ptr, data.len);
	pa_buf_dispose(&data);
	pa_buf_dispose(&path);
	return rc;
}

/* The hex HMAC of the claims' text (what precedes the last dot). */
static int mac_hex(char out[MAC_HEX + 1], const unsigned char key[PA_SESSION_KEY_BYTES], const char *msg, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[PA_HMAC_SHA256_BYTES];
	int rc;

	if ((rc = pa_hmac_sha256(mac, key, PA_SESSION_KEY_BYTES, msg, len, NULL, 0)) != 0)
		return rc;
	for (unsigned i = 0; i < sizeof(mac); i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[MAC_HEX] = '\0';
	return 0;
}

int pa_session_token_make(pa_buf *out, const unsigned char key[PA_SESSION_KEY_BYTES], const pa_session_claims *claims)
{
	char msg[80], mac[MAC_HEX + 1];
	int n, rc;

	n = snprintf(msg, sizeof(msg), "%" PRId64 ".%" PRId64 ".%" PRId64, claims->attempt_id, claims->learner_id,
		     claims->expires);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return pa_error_set(PA_EINVAL, "session token: claims out of range");
	if ((rc = mac_hex(mac, key, msg, (size_t)n)) != 0)
		return rc;
	pa_buf_printf(out, "%s.%s", msg, mac);
	return pa_buf_error(out) ? pa_error_set(PA_ENOMEM, "out of memory") : 0;
}

/* One decimal field of a token, up to the next dot. */
static int field(int64_t *out, const char **p, int64_t min)
{
	char num[24];
	const char *dot = strchr(*p, '.');
	size_t len = dot ? (size_t)(dot - *p) : 0;

	if (!dot || len == 0 || len >= sizeof(num))
		return PA_EPARSE;
	memcpy(num, *p, len);
	num[len] = '\0';
	if (pa_parse_int64(out, num, min, INT64_MAX) != 0)
		return PA_EPARSE;
	*p = dot + 1;
	return 0;
}

int pa_session_token_check(pa_session_claims *out, const unsigned char key[PA_SESSION_KEY_BYTES], const char *token,
			   int64_t now)
{
	pa_session_claims c;
	char mac[MAC_HEX + 1];
	const char *p = token;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!token || strlen(token) > 200 || field(&c.attempt_id, &p, 1) || field(&c.learner_id, &p, 1) ||
	    field(&c.expires, &p, 0) || strlen(p) != MAC_HEX)
		return pa_error_set(PA_EPARSE, "session token: malformed");
	if ((rc = mac_hex(mac, key, token, (size_t)(p - 1 - token))) != 0)
		return rc;
	if (!pa_secret_equal(mac, MAC_HEX, p, MAC_HEX))
		return pa_error_set(PA_EINVALID, "session token: wrong signature");
	if (c.expires <= now)
		return pa_error_set(PA_ELIMIT, "session token: expired");
	*out = c;
	return 0;
}
