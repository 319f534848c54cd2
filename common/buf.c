#include "common/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"

void pa_buf_init(pa_buf *buf, size_t max)
{
	buf->ptr = NULL;
	buf->len = 0;
	buf->cap = 0;
	buf->max = max ? max : PA_BUF_DEFAULT_MAX;
	buf->error = 0;
}

void pa_buf_dispose(pa_buf *buf)
{
	if (!buf)
		return;
	free(buf->ptr);
	pa_buf_init(buf, buf->max);
}

void pa_buf_clear(pa_buf *buf)
{
	buf->len = 0;
	buf->error = 0;
	if (buf->ptr)
		buf->ptr[0] = '\0';
}

static int grow(pa_buf *buf, size_t extra)
{
	size_t need, cap;
	char *p;

	if (buf->error)
		return buf->error;
	if (pa_add_overflow(&need, buf->len, extra) || need > buf->max) {
		buf->error = PA_ELIMIT;
		return pa_error_set(PA_ELIMIT, "text longer than the limit of %zu bytes", buf->max);
	}
	if (need + 1 <= buf->cap)
		return 0;
	cap = buf->cap ? buf->cap : 64;
	while (cap < need + 1) {
		if (cap > SIZE_MAX / 2) {
			cap = need + 1;
			break;
		}
		cap *= 2;
	}
	if (cap > buf->max + 1)
		cap = buf->max + 1;
	p = realloc(buf->ptr, cap);
	if (!p) {
		buf->error = PA_ENOMEM;
		return pa_error_set(PA_ENOMEM, "out of memory growing a buffer to %zu bytes", cap);
	}
	buf->ptr = p;
	buf->cap = cap;
	return 0;
}

int pa_buf_put(pa_buf *buf, const void *data, size_t len)
{
	int rc = grow(buf, len);

	if (rc)
		return rc;
	if (len)
		memcpy(buf->ptr + buf->len, data, len);
	buf->len += len;
	buf->ptr[buf->len] = '\0';
	return 0;
}

int pa_buf_puts(pa_buf *buf, const char *str)
{
	return pa_buf_put(buf, str, strlen(str));
}

int pa_buf_putc(pa_buf *buf, char c)
{
	return pa_buf_put(buf, &c, 1);
}

int pa_buf_vprintf(pa_buf *buf, const char *fmt, va_list ap)
{
	va_list copy;
	int n;
	int rc;

	if (buf->error)
		return buf->error;
	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return pa_error_set(PA_EINVAL, "bad format string");
	if ((rc = grow(buf, (size_t)n)) != 0)
		return rc;
	vsnprintf(buf->ptr + buf->len, (size_t)n + 1, fmt, ap);
	buf->len += (size_t)n;
	return 0;
}

int pa_buf_printf(pa_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = pa_buf_vprintf(buf, fmt, ap);
	va_end(ap);
	return rc;
}

int pa_buf_put_xml(pa_buf *buf, const char *str)
{
	const char *run = str;

	for (; *str; str++) {
		const char *rep = NULL;

		switch (*str) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		pa_buf_put(buf, run, (size_t)(str - run));
		pa_buf_puts(buf, rep);
		run = str + 1;
	}
	return pa_buf_put(buf, run, (size_t)(str - run));
}

int pa_buf_put_utc(pa_buf *buf, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	char stamp[32];
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return pa_buf_puts(buf, "?");
	return pa_buf_puts(buf, stamp);
}

int pa_buf_put_json(pa_buf *buf, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str, *run;

	pa_buf_putc(buf, '"');
	for (; *s; s++) {
		/* A run of characters that stand for themselves, in one append. */
		for (run = s; *s >= 0x20 && *s != '"' && *s != '\\' && *s != '<' && *s != '>' && *s != '&'; s++)
			;
		if (s > run)
			pa_buf_put(buf, run, (size_t)(s - run));
		if (!*s)
			break;
		switch (*s) {
		case '"': pa_buf_puts(buf, "\\\""); break;
		case '\\': pa_buf_puts(buf, "\\\\"); break;
		case '\n': pa_buf_puts(buf, "\\n"); break;
		case '\r': pa_buf_puts(buf, "\\r"); break;
		case '\t': pa_buf_puts(buf, "\\t"); break;
		/* '<' and '/' escaped so JSON can sit inside a <script> element. */
		case '<': pa_buf_puts(buf, "\\u003c"); break;
		case '>': pa_buf_puts(buf, "\\u003e"); break;
		case '&': pa_buf_puts(buf, "\\u0026"); break;
		default: {   /* the other control characters */
			char esc[6] = { '\\', 'u', '0', '0', hex[*s >> 4], hex[*s & 15] };

			pa_buf_put(buf, esc, sizeof(esc));
		}
		}
	}
	return pa_buf_putc(buf, '"');
}

void pa_buf_truncate(pa_buf *buf, size_t len)
{
	if (len < buf->len) {
		buf->len = len;
		buf->ptr[len] = '\0';
	}
}

const char *pa_buf_cstr(const pa_buf *buf)
{
	return buf->ptr ? buf->ptr : "";
}

char *pa_buf_detach(pa_buf *buf)
{
	char *p;

	if (buf->error)
		return NULL;
	if (!buf->ptr && pa_buf_put(buf, "", 0) != 0)
		return NULL;
	p = buf->ptr;
	pa_buf_init(buf, buf->max);
	return p;
}

int pa_buf_error(const pa_buf *buf)
{
	return buf->error;
}
