/*
 * Diagnostics for users: a list of compiler-style messages
 * ("file:line:col: error: message") gathered while reading a course or
 * checking a package, so that one run reports every problem it finds.
 */
#ifndef PA_DIAG_H
#define PA_DIAG_H

#include <stdio.h>
#include <stddef.h>

#include "common/error.h"

typedef enum pa_diag_severity {
	PA_DIAG_ERROR = 0,
	PA_DIAG_WARNING = 1,
	PA_DIAG_NOTE = 2
} pa_diag_severity;

typedef struct pa_diag_entry {
	pa_diag_severity severity;
	char *file;        /* as shown to the user; may be "" */
	unsigned line;     /* 1-based; 0 when unknown */
	unsigned col;      /* 1-based; 0 when unknown */
	char *message;
} pa_diag_entry;

typedef struct pa_diag {
	pa_diag_entry *items;
	size_t count;
	size_t errors;
	size_t warnings;
	size_t dropped;    /* entries not kept because max was reached */
	size_t max;        /* most entries kept (bounded memory on hostile input) */
} pa_diag;

#define PA_DIAG_DEFAULT_MAX 1000

void pa_diag_init(pa_diag *diag);
void pa_diag_dispose(pa_diag *diag);

/* Record one diagnostic. Returns 0, or PA_ENOMEM. Counting goes on past max. */
int pa_diag_add(pa_diag *diag, pa_diag_severity severity, const char *file,
		unsigned line, unsigned col, const char *fmt, ...) PA_PRINTF(6, 7);

/* Shorthands for the common cases. */
#define pa_diag_error(d, file, line, ...) pa_diag_add((d), PA_DIAG_ERROR, (file), (line), 0, __VA_ARGS__)
#define pa_diag_warning(d, file, line, ...) pa_diag_add((d), PA_DIAG_WARNING, (file), (line), 0, __VA_ARGS__)

/* Turn every warning into an error (for --strict). */
void pa_diag_promote_warnings(pa_diag *diag);

/* Print every entry, one line each, in the order recorded. */
void pa_diag_print(const pa_diag *diag, FILE *out);

/* True if some entry's message contains needle (for tests and callers). */
int pa_diag_has(const pa_diag *diag, pa_diag_severity severity, const char *needle);

#endif
