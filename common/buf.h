/*
 * pa_buf: the one growable string buffer (after curl's dynbuf and git's
 * strbuf). Always NUL-terminated, capped at a maximum length given at
 * init, and sticky on failure: once an append fails (out of memory or over
 * the cap) every later append fails too, so a caller may append many
 * times and check once.
 */
#ifndef PA_BUF_H
#define PA_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#include "common/error.h"

/* Default cap: generous for manifests and pages, small enough to bound memory. */
#define PA_BUF_DEFAULT_MAX ((size_t)64 * 1024 * 1024)

typedef struct pa_buf {
	char *ptr;    /* NULL until the first append */
	size_t len;   /* bytes in use, excluding the terminating NUL */
	size_t cap;   /* bytes allocated */
	size_t max;   /* largest len allowed */
	int error;    /* sticky: 0, PA_ENOMEM or PA_ELIMIT */
} pa_buf;

#define PA_BUF_INIT { NULL, 0, 0, PA_BUF_DEFAULT_MAX, 0 }

/* max == 0 selects PA_BUF_DEFAULT_MAX. */
void pa_buf_init(pa_buf *buf, size_t max);
void pa_buf_dispose(pa_buf *buf);

/* Forget the contents and the sticky error, keep the allocation. */
void pa_buf_clear(pa_buf *buf);

int pa_buf_put(pa_buf *buf, const void *data, size_t len);
int pa_buf_puts(pa_buf *buf, const char *str);
int pa_buf_putc(pa_buf *buf, char c);
int pa_buf_printf(pa_buf *buf, const char *fmt, ...) PA_PRINTF(2, 3);
int pa_buf_vprintf(pa_buf *buf, const char *fmt, va_list ap) PA_PRINTF(2, 0);

/* Escapes for the three languages we generate. */
int pa_buf_put_xml(pa_buf *buf, const char *str);   /* & < > " ' */
int pa_buf_put_json(pa_buf *buf, const char *str);  /* a quoted JSON string */

/* A Unix time in milliseconds as UTC to the second: 2026-11-26T21:44:16Z. */
int pa_buf_put_utc(pa_buf *buf, int64_t ms);

/* Shorten to len bytes (len <= buf->len). */
void pa_buf_truncate(pa_buf *buf, size_t len);

/* Contents as a C string; "" for an empty buffer, never NULL. */
const char *pa_buf_cstr(const pa_buf *buf);

/* Hand the allocation to the caller (NUL-terminated, never NULL on success)
 * and reset the buffer; NULL if the buffer is in error or allocation fails. */
char *pa_buf_detach(pa_buf *buf);

/* The sticky error: 0 if every append so far succeeded. */
int pa_buf_error(const pa_buf *buf);

#endif
