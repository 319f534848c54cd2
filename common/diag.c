#include "common/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/util.h"

static const char *const severity_names[] = { "error", "warning", "note" };

void pa_diag_init(pa_diag *diag)
{
	memset(diag, 0, sizeof(*diag));
	diag->max = PA_DIAG_DEFAULT_MAX;
}

void pa_diag_dispose(pa_diag *diag)
{
	if (!diag)
		return;
	for (size_t i = 0; i < diag->count; i++) {
		free(diag->items[i].file);
		free(diag->items[i].message);
	}
	free(diag->items);
	pa_diag_init(diag);
}

int pa_diag_add(pa_diag *diag, pa_diag_severity severity, const char *file,
		unsigned line, unsigned col, const char *fmt, ...)
{
	pa_buf msg = PA_BUF_INIT;
	pa_diag_entry *e;
	va_list ap;
	int rc = 0;

	if (severity == PA_DIAG_ERROR)
		diag->errors++;
	else if (severity == PA_DIAG_WARNING)
		diag->warnings++;
	if (diag->count >= diag->max) {
		diag->dropped++;
		return 0;
	}
	va_start(ap, fmt);
	pa_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if ((rc = pa_buf_error(&msg)) != 0)
		goto done;
	if (!(e = pa_array_push(&diag->items, &diag->count, sizeof(*e)))) {
		rc = PA_ENOMEM;
		goto done;
	}
	e->severity = severity;
	e->line = line;
	e->col = col;
	e->file = pa_strdup(file ? file : "");
	e->message = pa_buf_detach(&msg);
	if (!e->file || !e->message)
		rc = PA_ENOMEM;
done:
	pa_buf_dispose(&msg);
	return rc;
}

void pa_diag_promote_warnings(pa_diag *diag)
{
	for (size_t i = 0; i < diag->count; i++) {
		if (diag->items[i].severity == PA_DIAG_WARNING)
			diag->items[i].severity = PA_DIAG_ERROR;
	}
	diag->errors += diag->warnings;
	diag->warnings = 0;
}

void pa_diag_print(const pa_diag *diag, FILE *out)
{
	for (size_t i = 0; i < diag->count; i++) {
		const pa_diag_entry *e = &diag->items[i];

		if (e->file[0])
			fputs(e->file, out);
		if (e->line)
			fprintf(out, ":%u", e->line);
		if (e->line && e->col)
			fprintf(out, ":%u", e->col);
		fprintf(out, "%s%s: %s\n", e->file[0] ? ": " : "",
			severity_names[e->severity], e->message);
	}
	if (diag->dropped)
		fprintf(out, "... and %zu more diagnostics not shown\n", diag->dropped);
}

int pa_diag_has(const pa_diag *diag, pa_diag_severity severity, const char *needle)
{
	for (size_t i = 0; i < diag->count; i++) {
		if (diag->items[i].severity == severity && strstr(diag->items[i].message, needle))
			return 1;
	}
	return 0;
}
