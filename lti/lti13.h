/*
 * LTI 1.3 launches (1EdTech Security Framework 1.0, LTI Core 1.3): the
 * third-party initiated OIDC login (lti/oidc.c) and the id_token POSTed
 * back to the launch URL (lti/launch13.c).
 *
 * The state of a login is a single-use value of the store (scope "state",
 * lti_state_ttl): it is what authenticates the launch, so a launch needs
 * no cookie. When the browser keeps cookies in the LMS's iframe, a cookie
 * named after the state (SameSite=None; Secure; Partitioned) binds it to
 * the browser that logged in, and is checked at launch when it comes back;
 * when the platform offers its storage (lti_storage_target), the same
 * binding is written there at login (LTI Client Side postMessages,
 * lti.put_data) and, when no cookie came back, read again (lti.get_data)
 * by a page the launch answers with before it goes on.
 */
#ifndef PA_LTI_LTI13_H
#define PA_LTI_LTI13_H

#include "common/form.h"
#include "lti/internal.h"

/* GET|POST /lti/login */
enum MHD_Result pa_lti13_login(pa_http_request *r, pa_lti *lti, const char *rest);

/* POST /lti/launch */
enum MHD_Result pa_lti13_launch(pa_http_request *r, pa_lti *lti, const char *rest);

/* The cookie of a login: PA_LTI13_COOKIE_PREFIX followed by its nonce. */
#define PA_LTI13_COOKIE_PREFIX "pa_lti_"

/* The key of a login's binding in platform storage: this prefix, then its nonce. */
#define PA_LTI13_STORAGE_PREFIX "pa_lti_state_"

/* The single-use scope of the nonces of a platform's logins: this prefix, then its id. */
#define PA_LTI13_NONCE_SCOPE "oidc "

/*
 * A login's state: what the launch needs back (json), and its expiry
 * (Unix ms), signed with the session key under a label of its own:
 *   "<expires>.<base64url(json)>.<base64url(HMAC-SHA256)>"
 * Nothing is stored at login; the launch spends the nonce the state names,
 * once, in the transaction that records it.
 */
int pa_lti13_state_make(pa_buf *out, const unsigned char *key, const char *json, int64_t expires);

/* 0 and *json (free()) when state is ours, unaltered and not expired at now
 * (ms), *expires its expiry; PA_EPARSE malformed, PA_EINVALID not signed by
 * us, PA_ELIMIT expired. */
int pa_lti13_state_open(char **json, int64_t *expires, const unsigned char *key, const char *state, int64_t now);

/* Largest login or launch form we read (id_tokens are at most 16 KiB). */
#define PA_LTI13_FORM_MAX ((size_t)64 * 1024)

/* 32 random bytes in base64url (43 characters) appended to out. */
int pa_lti13_random(pa_buf *out);

/* Read a request's form: the query of a GET, the buffered body of a POST.
 * PA_EPARSE (unreadable), PA_ELIMIT (too big or too many fields). */
int pa_lti13_form(pa_form *out, pa_http_request *r);

/* Start reading a POST's form: finish runs once it has come whole (at once
 * when there is no body). */
enum MHD_Result pa_lti13_post(pa_http_request *r, pa_http_body_fn finish);

#endif
