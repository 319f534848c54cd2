#include "common/form.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/util.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

int pa_form_decode(char **out, const char *s, size_t len, bool plus_is_space)
{
	char *d = malloc(len + 1);
	size_t n = 0;

	*out = NULL;
	if (!d)
		return pa_error_set(PA_ENOMEM, "form: out of memory");
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+' && plus_is_space) {
			d[n++] = ' ';
		} else if (s[i] == '%') {
			int hi = i + 2 < len ? hexval(s[i + 1]) : -1;
			int lo = hi >= 0 ? hexval(s[i + 2]) : -1;

			if (hi < 0 || lo < 0) {
				free(d);
				return pa_error_set(PA_EPARSE, "form: a '%%' not followed by two hex digits");
			}
			if (hi == 0 && lo == 0) {
				free(d);
				return pa_error_set(PA_EPARSE, "form: a NUL byte (%%00)");
			}
			d[n++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '\0') {
			free(d);
			return pa_error_set(PA_EPARSE, "form: a NUL byte");
		} else {
			d[n++] = s[i];
		}
	}
	d[n] = '\0';
	if (!pa_utf8_valid(d, n, NULL)) {
		free(d);
		return pa_error_set(PA_EPARSE, "form: a value is not UTF-8");
	}
	*out = d;
	return 0;
}

int pa_form_parse(pa_form *out, const char *body, size_t len)
{
	pa_form form = PA_FORM_INIT;
	size_t at = 0;
	int rc = 0;

	*out = form;
	while (at < len) {
		const char *pair = body + at, *amp = memchr(pair, '&', len - at), *eq;
		size_t plen = amp ? (size_t)(amp - pair) : len - at;
		pa_form_field *f;

		at += plen + 1;
		if (plen == 0)
			continue;
		if (form.count >= PA_FORM_MAX_FIELDS) {
			rc = pa_error_set(PA_ELIMIT, "form: more than %d fields", PA_FORM_MAX_FIELDS);
			goto done;
		}
		if (!(f = pa_array_push(&form.fields, &form.count, sizeof(*f)))) {
			rc = PA_ENOMEM;
			goto done;
		}
		eq = memchr(pair, '=', plen);
		if ((rc = pa_form_decode(&f->name, pair, eq ? (size_t)(eq - pair) : plen, true)) != 0 ||
		    (rc = pa_form_decode(&f->value, eq ? eq + 1 : pair + plen, eq ? plen - (size_t)(eq - pair) - 1 : 0,
					 true)) != 0)
			goto done;
	}
done:
	if (rc)
		pa_form_dispose(&form);
	else
		*out = form;
	return rc;
}

void pa_form_dispose(pa_form *form)
{
	if (!form)
		return;
	for (size_t i = 0; i < form->count; i++) {
		free(form->fields[i].name);
		free(form->fields[i].value);
	}
	free(form->fields);
	form->fields = NULL;
	form->count = 0;
}

const char *pa_form_get(const pa_form *form, const char *name)
{
	for (size_t i = 0; i < form->count; i++)
		if (form->fields[i].name && !strcmp(form->fields[i].name, name))
			return form->fields[i].value;
	return NULL;
}

size_t pa_form_count(const pa_form *form, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < form->count; i++)
		if (form->fields[i].name && !strcmp(form->fields[i].name, name))
			n++;
	return n;
}

int pa_form_encode(pa_buf *out, const char *str)
{
	static const char hex[] = "0123456789ABCDEF";

	const unsigned char *p = (const unsigned char *)str, *run;

	while (*p) {
		/* A run of unreserved characters, in one append. */
		for (run = p; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			      *p == '-' || *p == '.' || *p == '_' || *p == '~'; p++)
			;
		if (p > run)
			pa_buf_put(out, run, (size_t)(p - run));
		if (*p) {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };

			pa_buf_put(out, esc, sizeof(esc));
			p++;
		}
	}
	return pa_buf_error(out);
}
