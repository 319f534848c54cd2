/*
 * application/x-www-form-urlencoded, both ways: the bodies LTI platforms
 * POST (OIDC login, id_token, LTI 1.1 launches) and the RFC 3986 encoding
 * OAuth 1.0a signs. Untrusted: bad escapes, NUL bytes and ill-formed UTF-8
 * are refused, and the number of fields is capped.
 */
#ifndef PA_FORM_H
#define PA_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

typedef struct pa_form_field {
	char *name;
	char *value;
} pa_form_field;

typedef struct pa_form {
	pa_form_field *fields;   /* in the order sent; names may repeat */
	size_t count;
} pa_form;

#define PA_FORM_INIT { NULL, 0 }

/* Fields after this are refused (PA_ELIMIT). */
#define PA_FORM_MAX_FIELDS 512

/*
 * Parse a body (or a query string, without its '?'): name=value pairs
 * joined by '&', '+' a space, %XX a byte. PA_EPARSE with the reason
 * (a bad escape, a NUL, bad UTF-8), PA_ELIMIT past PA_FORM_MAX_FIELDS.
 */
int pa_form_parse(pa_form *out, const char *body, size_t len);
void pa_form_dispose(pa_form *form);

/* The value of the first field called name, or NULL. Borrowed. */
const char *pa_form_get(const pa_form *form, const char *name);

/* How many fields are called name (a parameter sent twice may be an attack). */
size_t pa_form_count(const pa_form *form, const char *name);

/* Percent-decode len bytes of s into a new string (*out, free()): %XX a
 * byte, and '+' a space when plus_is_space (forms; not OAuth headers,
 * RFC 5849 3.5.1). PA_EPARSE for a bad escape, a NUL byte or bad UTF-8. */
int pa_form_decode(char **out, const char *s, size_t len, bool plus_is_space);

/* Percent-encode str as RFC 3986 (and OAuth 1.0a, RFC 5849 3.6) want it:
 * every byte but ALPHA, DIGIT, '-', '.', '_', '~' as %XX, upper-case hex. */
int pa_form_encode(pa_buf *out, const char *str);

#endif
