/* Levelled logging, one line per event: "2026-11-26T16:40:00Z warn message". */
#ifndef PA_LOG_H
#define PA_LOG_H

#include "common/error.h"

typedef enum pa_log_level {
	PA_LOG_DEBUG = 0,
	PA_LOG_INFO = 1,
	PA_LOG_WARN = 2,
	PA_LOG_ERROR = 3,
	PA_LOG_OFF = 4
} pa_log_level;

void pa_log_set_level(pa_log_level level);
pa_log_level pa_log_get_level(void);
/* "debug", "info", "warn", "error", "off" -> level; PA_EINVAL otherwise. */
int pa_log_parse_level(pa_log_level *out, const char *name);

void pa_log(pa_log_level level, const char *fmt, ...) PA_PRINTF(2, 3);

#define pa_debug(...) pa_log(PA_LOG_DEBUG, __VA_ARGS__)
#define pa_info(...) pa_log(PA_LOG_INFO, __VA_ARGS__)
#define pa_warn(...) pa_log(PA_LOG_WARN, __VA_ARGS__)
#define pa_err(...) pa_log(PA_LOG_ERROR, __VA_ARGS__)

#endif
