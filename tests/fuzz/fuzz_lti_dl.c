/*
 * lti/deeplink and lti/register on hostile input. The first byte chooses:
 *   0  a context token as the browser could send it (pa_lti_dl_token_check)
 *   1  a context (JSON) signed as ours, so that what is parsed after the
 *      signature is reached too: a token that checks must give a whole context
 *   2  claims of a deep linking request (pa_lti_dl_context_from_claims)
 *   3  a platform's OpenID configuration (pa_lti_registration_check)
 * Refuse or accept, never crash, leak or read out of bounds.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "lti/base64url.h"
#include "lti/deeplink.h"
#include "lti/register.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[PA_SESSION_KEY_BYTES] = "0123456789abcdef0123456789abcdef";

/* As lti/deeplink.c signs: HMAC-SHA256 of its label and the payload. */
static void sign_as_ours(pa_buf *token, const uint8_t *json, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[32];
	unsigned int n = 0;
	pa_buf msg = PA_BUF_INIT;
	size_t start;

	pa_buf_puts(token, "dl1.");
	start = token->len;
	pa_b64url_encode(token, json, len);
	pa_buf_puts(&msg, "passerelle deep-link v1\n");
	pa_buf_put(&msg, token->ptr + start, token->len - start);
	if (!pa_buf_error(&msg) && HMAC(EVP_sha256(), key, sizeof(key), (const unsigned char *)msg.ptr, msg.len, mac, &n)) {
		pa_buf_putc(token, '.');
		for (unsigned i = 0; i < n; i++) {
			pa_buf_putc(token, hex[mac[i] >> 4]);
			pa_buf_putc(token, hex[mac[i] & 15]);
		}
	}
	pa_buf_dispose(&msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const pa_store_platform platform = { .id = 1, .issuer = "https://lms.example", .client_id = "c" };
	pa_lti_dl_context c;
	pa_buf token = PA_BUF_INIT;
	json_t *json;

	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
	case 1:
		if (data[0] & 1)
			sign_as_ours(&token, data + 1, size - 1);
		else
			pa_buf_put(&token, data + 1, size - 1);
		if (!pa_buf_error(&token) && pa_lti_dl_token_check(&c, key, pa_buf_cstr(&token), 0) == 0) {
			if (!c.issuer || !c.client_id || !c.deployment_id || !c.return_url || strlen(c.lang) != 2)
				abort();
			pa_lti_dl_context_dispose(&c);
		}
		pa_buf_dispose(&token);
		break;
	case 2:
		if ((json = json_loadb((const char *)data + 1, size - 1, 0, NULL)) != NULL) {
			if (pa_lti_dl_context_from_claims(&c, &platform, json) == 0) {
				if (!c.return_url || !c.deployment_id)
					abort();
				pa_lti_dl_context_dispose(&c);
			}
			json_decref(json);
		}
		break;
	default:
		if ((json = json_loadb((const char *)data + 1, size - 1, 0, NULL)) != NULL) {
			pa_lti_registration_check(json, "https://lms.example/mod/lti/openid-configuration.php");
			json_decref(json);
		}
		break;
	}
	return 0;
}
