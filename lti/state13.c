/* LTI 1.3 login states that need no storage (lti/lti13.h). */
#include "lti/lti13.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/error.h"
#include "common/hmac.h"
#include "common/util.h"
#include "lti/base64url.h"
#include "runtime/session.h"

#define STATE_LABEL "passerelle lti13 state\n"
#define STATE_MAX 4096

/* HMAC-SHA256 of the label and what the state says, base64url. */
static int state_mac(pa_buf *out, const unsigned char *key, const char *msg, size_t len)
{
	unsigned char mac[PA_HMAC_SHA256_BYTES];
	int rc;

	if ((rc = pa_hmac_sha256(mac, key, PA_SESSION_KEY_BYTES, STATE_LABEL, strlen(STATE_LABEL), msg, len)) != 0)
		return rc;
	return pa_b64url_encode(out, mac, sizeof(mac));
}

int pa_lti13_state_make(pa_buf *out, const unsigned char *key, const char *json, int64_t expires)
{
	size_t start = out->len;
	int rc;

	pa_buf_printf(out, "%" PRId64 ".", expires);
	if ((rc = pa_b64url_encode(out, json, strlen(json))) != 0)
		return rc;
	pa_buf_putc(out, '.');
	if ((rc = state_mac(out, key, out->ptr + start, out->len - start - 1)) != 0)
		return rc;
	return pa_buf_error(out) ? pa_error_set(PA_ENOMEM, "out of memory") : 0;
}

int pa_lti13_state_open(char **json, int64_t *expires, const unsigned char *key, const char *state, int64_t now)
{
	const char *dot1, *dot2;
	pa_buf want = PA_BUF_INIT, num = PA_BUF_INIT;
	unsigned char *text = NULL;
	size_t len = 0;
	int64_t exp;
	int rc;

	*json = NULL;
	*expires = 0;
	if (!state || strlen(state) > STATE_MAX || !(dot1 = strchr(state, '.')) || !(dot2 = strchr(dot1 + 1, '.')) ||
	    strchr(dot2 + 1, '.')) {
		rc = pa_error_set(PA_EPARSE, "not a state of ours (malformed)");
		goto done;
	}
	pa_buf_put(&num, state, (size_t)(dot1 - state));
	if (pa_parse_int64(&exp, pa_buf_cstr(&num), 0, INT64_MAX) != 0 ||
	    !pa_b64url_valid(dot1 + 1, (size_t)(dot2 - dot1 - 1))) {
		rc = pa_error_set(PA_EPARSE, "not a state of ours (malformed)");
		goto done;
	}
	if ((rc = state_mac(&want, key, state, (size_t)(dot2 - state))) != 0)
		goto done;
	if (!pa_secret_equal(want.ptr, want.len, dot2 + 1, strlen(dot2 + 1))) {
		rc = pa_error_set(PA_EINVALID, "not signed by this server");
		goto done;
	}
	if (exp <= now) {
		rc = pa_error_set(PA_ELIMIT, "expired");
		goto done;
	}
	if ((rc = pa_b64url_decode(&text, &len, dot1 + 1, (size_t)(dot2 - dot1 - 1))) != 0)
		goto done;
	if (!(*json = pa_strndup((const char *)text, len))) {
		rc = PA_ENOMEM;
		goto done;
	}
	*expires = exp;
done:
	free(text);
	pa_buf_dispose(&want);
	pa_buf_dispose(&num);
	return rc;
}
