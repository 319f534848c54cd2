/*
 * OAuth 1.0a HMAC-SHA1 (RFC 5849), as LTI 1.1 uses it: launches are form
 * posts signed by the consumer with a shared secret, and Basic Outcomes
 * requests are XML bodies signed through oauth_body_hash.
 *
 * Verifying a request: gather its parameters (pa_oauth1_collect), read the
 * protocol ones from that list (pa_form_get), check the signature against
 * the URL the client signed (pa_oauth1_verify).
 */
#ifndef PA_LTI_OAUTH1_H
#define PA_LTI_OAUTH1_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/form.h"

/* Longest header, URL or parameter list we read: beyond is refused (PA_ELIMIT). */
#define PA_OAUTH1_MAX_INPUT ((size_t)64 * 1024)

/*
 * The fields of an "Authorization: OAuth ..." header value (RFC 5849
 * 3.5.1): the scheme case-insensitive, name="value" pairs separated by
 * commas, values percent-decoded; realm is dropped. PA_ENOTFOUND when the
 * header is not an OAuth one, PA_EPARSE when it cannot be read.
 */
int pa_oauth1_header_parse(pa_form *out, const char *header);

/*
 * Every parameter of a request (RFC 5849 3.4.1.3.1): those of the query
 * of url, then of query (the server's decoded arguments, when url carries
 * none; may be NULL), of the Authorization header (may be NULL), of body
 * (a form body; may be NULL). A protocol parameter (oauth_*) given twice,
 * in one place or two, is refused: PA_EINVALID naming it.
 */
int pa_oauth1_collect(pa_form *out, const char *url, const pa_form *query, const char *authorization,
		      const pa_form *body);

/*
 * The base string URI of url (RFC 5849 3.4.1.2): scheme and host in lower
 * case, the default port dropped, the path as sent ("/" when empty), no
 * query or fragment. PA_EPARSE for anything but an absolute http(s) URL.
 */
int pa_oauth1_base_uri(pa_buf *out, const char *url);

/*
 * The signature base string (RFC 5849 3.4.1): METHOD&encode(base URI)&
 * encode(normalized parameters), the parameters being params without
 * oauth_signature, each name and value encoded, sorted by name then value.
 */
int pa_oauth1_base_string(pa_buf *out, const char *method, const char *url, const pa_form *params);

/* HMAC-SHA1 of base under encode(consumer_secret)&encode(token_secret), in base64. */
int pa_oauth1_sign(pa_buf *out, const char *base, const char *consumer_secret, const char *token_secret);

/*
 * Check params' oauth_signature (HMAC-SHA1; the caller checked
 * oauth_signature_method) against method and url, in constant time.
 * 0 when it matches; PA_EINVALID when it does not or is missing;
 * PA_EPARSE when url cannot be read.
 */
int pa_oauth1_verify(const char *method, const char *url, const pa_form *params, const char *consumer_secret,
		     const char *token_secret);

/* oauth_body_hash of a body: its SHA-1 in base64. */
int pa_oauth1_body_hash(pa_buf *out, const void *body, size_t len);

/* What an outgoing request is signed with. */
typedef struct pa_oauth1_client {
	const char *key, *secret;  /* the consumer's */
	const char *body_hash;     /* oauth_body_hash, or NULL */
	const char *nonce;         /* NULL: 16 random bytes in hex */
	int64_t timestamp;         /* seconds; 0: now */
} pa_oauth1_client;

/*
 * An Authorization header value ("OAuth realm=\"\", oauth_...") for a
 * request of method to url (its query parameters signed too), without
 * form body parameters: what Basic Outcomes sends.
 */
int pa_oauth1_authorization(pa_buf *out, const char *method, const char *url, const pa_oauth1_client *c);

#endif
