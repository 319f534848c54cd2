/*
 * lti/oauth1 on hostile requests: the input is an Authorization header, a
 * URL and a form body, one per line. Whatever they hold, reading them
 * must not crash, and a request we sign ourselves must verify, while the
 * same request changed by one byte of its signature must not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/form.h"
#include "lti/oauth1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next line of data as a new string (NUL bytes cut it short). */
static char *line(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t len = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	char *s = malloc(len + 1);

	if (!s)
		abort();
	memcpy(s, *p, len);
	s[len] = '\0';
	*p += nl ? len + 1 : len;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	char *header = line(&p, end), *url = line(&p, end);
	pa_form body = PA_FORM_INIT, hdr = PA_FORM_INIT, params = PA_FORM_INIT;
	pa_buf base = PA_BUF_INIT, sig = PA_BUF_INIT;

	if (pa_oauth1_header_parse(&hdr, header) == 0)
		pa_form_dispose(&hdr);
	if (pa_form_parse(&body, (const char *)p, (size_t)(end - p)) != 0)
		goto done;
	if (pa_oauth1_collect(&params, url, NULL, *header ? header : NULL, &body) != 0)
		goto done;
	(void)pa_oauth1_verify("POST", url, &params, "secret", NULL);
	/* Put our signature in place of theirs: it must verify, and a changed one must not. */
	for (size_t i = 0; i < params.count; i++)
		if (!strcmp(params.fields[i].name, "oauth_signature")) {
			free(params.fields[i].name);
			params.fields[i].name = strdup("x_was_signature");
			if (!params.fields[i].name)
				abort();
		}
	if (pa_oauth1_base_string(&base, "POST", url, &params) != 0)
		goto done;
	if (pa_oauth1_sign(&sig, base.ptr, "secret", "") != 0)
		__builtin_trap();
	{
		pa_form_field *f = realloc(params.fields, (params.count + 1) * sizeof(*f));

		if (!f)
			abort();
		params.fields = f;
		f[params.count].name = strdup("oauth_signature");
		f[params.count].value = strdup(sig.ptr);
		if (!f[params.count].name || !f[params.count].value)
			abort();
		params.count++;
	}
	if (pa_oauth1_verify("POST", url, &params, "secret", NULL) != 0)
		__builtin_trap();
	params.fields[params.count - 1].value[0] ^= 1;
	if (pa_oauth1_verify("POST", url, &params, "secret", NULL) == 0)
		__builtin_trap();
done:
	pa_form_dispose(&params);
	pa_form_dispose(&body);
	pa_buf_dispose(&base);
	pa_buf_dispose(&sig);
	free(header);
	free(url);
	return 0;
}
