#include "common/log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"

static pa_log_level current = PA_LOG_WARN;
static const char *const names[] = { "debug", "info", "warn", "error", "off" };

void pa_log_set_level(pa_log_level level)
{
	current = level;
}

pa_log_level pa_log_get_level(void)
{
	return current;
}

int pa_log_parse_level(pa_log_level *out, const char *name)
{
	for (int i = 0; i <= PA_LOG_OFF; i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (pa_log_level)i;
			return 0;
		}
	}
	return pa_error_set(PA_EINVAL, "unknown log level '%s' (debug, info, warn, error, off)", name);
}

void pa_log(pa_log_level level, const char *fmt, ...)
{
	pa_buf line = PA_BUF_INIT;
	char stamp[32];
	struct tm tm;
	time_t now;
	va_list ap;

	if (level < current || level >= PA_LOG_OFF)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	pa_buf_printf(&line, "%s %s ", stamp, names[level]);
	va_start(ap, fmt);
	pa_buf_vprintf(&line, fmt, ap);
	va_end(ap);
	/* One event, one line: fold any newline the message carries. */
	for (size_t i = 0; i < line.len; i++) {
		if (line.ptr[i] == '\n' || line.ptr[i] == '\r')
			line.ptr[i] = ' ';
	}
	pa_buf_putc(&line, '\n');
	fputs(pa_buf_cstr(&line), stderr);
	pa_buf_dispose(&line);
}
