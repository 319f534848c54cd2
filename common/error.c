#include "common/error.h"

#include <stdio.h>

#define PA_ERROR_DETAIL_MAX 1024

static _Thread_local char detail[PA_ERROR_DETAIL_MAX];
static _Thread_local int last_code;

const char *pa_strerror(int code)
{
	switch (code) {
	case PA_OK: return "success";
	case PA_ERROR: return "failure";
	case PA_ENOMEM: return "out of memory";
	case PA_EINVAL: return "invalid argument";
	case PA_EIO: return "input/output error";
	case PA_ENOTFOUND: return "not found";
	case PA_EPARSE: return "parse error";
	case PA_ELIMIT: return "limit exceeded";
	case PA_EUNSAFE: return "unsafe input refused";
	case PA_EINVALID: return "invalid content";
	case PA_EZIP: return "zip archive error";
	case PA_EEXISTS: return "already exists";
	default: return "unknown error";
	}
}

int pa_error_vset(int code, const char *fmt, va_list ap)
{
	last_code = code;
	if (vsnprintf(detail, sizeof(detail), fmt, ap) < 0)
		detail[0] = '\0';
	return code;
}

int pa_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pa_error_vset(code, fmt, ap);
	va_end(ap);
	return code;
}

const char *pa_error_last(void)
{
	if (detail[0])
		return detail;
	return pa_strerror(last_code);
}

int pa_error_last_code(void)
{
	return last_code;
}

void pa_error_clear(void)
{
	detail[0] = '\0';
	last_code = PA_OK;
}
