#include "common/csv.h"

#include <stdbool.h>
#include <string.h>

/* What a spreadsheet would read as the start of a formula. */
static bool formula_like(const char *v)
{
	return *v && strchr("=+-@\t\r", *v) != NULL;
}

int pa_csv_text(pa_buf *out, const char *value)
{
	const char *v = value ? value : "";
	size_t len = strlen(v);
	bool quote = strpbrk(v, ",\"\r\n") != NULL || (len && (v[0] == ' ' || v[len - 1] == ' '));

	if (quote)
		pa_buf_putc(out, '"');
	if (formula_like(v))
		pa_buf_putc(out, '\'');
	for (const char *q; (q = strchr(v, '"')) != NULL; v = q + 1) {
		pa_buf_put(out, v, (size_t)(q - v) + 1);
		pa_buf_putc(out, '"');
	}
	pa_buf_puts(out, v);
	if (quote)
		pa_buf_putc(out, '"');
	return pa_buf_error(out);
}

int pa_csv_row(pa_buf *out, const char *const *fields, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (i)
			pa_buf_putc(out, ',');
		pa_csv_text(out, fields[i]);
	}
	pa_buf_puts(out, "\r\n");
	return pa_buf_error(out);
}
