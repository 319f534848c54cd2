/*
 * common/form: an urlencoded body from anyone on the network (LTI logins
 * and launches). Whatever happens: no crash, bounded memory, and a body
 * that parses gives fields that are UTF-8 without NUL bytes, which
 * encode and parse back to themselves.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/form.h"
#include "common/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pa_form f = PA_FORM_INIT, back = PA_FORM_INIT;
	pa_buf again = PA_BUF_INIT;

	if (pa_form_parse(&f, (const char *)data, size) != 0)
		return 0;
	for (size_t i = 0; i < f.count; i++) {
		if (!pa_utf8_valid(f.fields[i].name, strlen(f.fields[i].name), NULL) ||
		    !pa_utf8_valid(f.fields[i].value, strlen(f.fields[i].value), NULL))
			abort();
		if (i)
			pa_buf_putc(&again, '&');
		pa_form_encode(&again, f.fields[i].name);
		pa_buf_putc(&again, '=');
		pa_form_encode(&again, f.fields[i].value);
	}
	if (pa_form_parse(&back, again.ptr ? again.ptr : "", again.len) != 0)
		abort();
	/* Every field encodes to a non-empty "name=value", so all come back. */
	if (back.count != f.count)
		abort();
	for (size_t i = 0; i < f.count; i++)
		if (strcmp(f.fields[i].name, back.fields[i].name) || strcmp(f.fields[i].value, back.fields[i].value))
			abort();
	pa_buf_dispose(&again);
	pa_form_dispose(&f);
	pa_form_dispose(&back);
	return 0;
}
