/*
 * The plan of a package: what `pack` puts where. Built by pack.c from the
 * course, rendered pages and their assets; read by the manifest writer.
 *
 * Package layout:
 *   imsmanifest.xml, the standard's XSDs         at the root
 *   content/<unit-id>.html                       one page (SCO) per unit
 *   content/<course-relative path>               every asset a page references
 *   content/_pa/sco.js, content/_pa/sco.css      the SCOs' shared run-time
 */
#ifndef PA_PLAN_H
#define PA_PLAN_H

#include <stddef.h>

#include "common/strset.h"
#include "packager/course.h"

typedef enum pa_format {
	PA_FORMAT_SCORM12 = 0,
	PA_FORMAT_SCORM2004
} pa_format;

/* "scorm12" / "scorm2004" */
const char *pa_format_name(pa_format format);
int pa_format_parse(pa_format *out, const char *name);

#define PA_PLAN_SHARED_DIR "content/_pa"

typedef struct pa_plan_sco {
	const pa_module *module;
	const pa_unit *unit;
	char *href;          /* "content/<unit-id>.html" */
	pa_strset files;     /* package paths of the page and of the assets it uses */
} pa_plan_sco;

typedef struct pa_plan {
	const pa_course *course;
	pa_format format;
	const char **languages;   /* the languages packaged (borrowed) */
	size_t language_count;
	pa_plan_sco *scos;        /* one per unit, in course order */
	size_t sco_count;
	pa_strset shared_files;   /* package paths every SCO depends on (content/_pa/...) */
} pa_plan;

#endif
