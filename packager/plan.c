#include "packager/plan.h"

#include <string.h>

#include "common/error.h"

const char *pa_format_name(pa_format format)
{
	return format == PA_FORMAT_SCORM2004 ? "scorm2004" : "scorm12";
}

int pa_format_parse(pa_format *out, const char *name)
{
	if (strcmp(name, "scorm12") == 0 || strcmp(name, "scorm1.2") == 0)
		*out = PA_FORMAT_SCORM12;
	else if (strcmp(name, "scorm2004") == 0)
		*out = PA_FORMAT_SCORM2004;
	else
		return pa_error_set(PA_EINVAL, "'%s' is not a package format (scorm12 or scorm2004)", name);
	return 0;
}
