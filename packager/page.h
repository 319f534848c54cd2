/* One unit of a course rendered as a standalone SCO page (HTML). */
#ifndef PA_PAGE_H
#define PA_PAGE_H

#include "common/buf.h"
#include "common/diag.h"
#include "common/strset.h"
#include "packager/plan.h"

typedef struct pa_page_ctx {
	const pa_course *course;
	const char **languages;   /* languages to include; the first is the page's default */
	size_t language_count;
	pa_format format;
} pa_page_ctx;

/*
 * Render the page of unit (of module) into out: an HTML5 document that
 * loads _pa/sco.css and _pa/sco.js, holds the unit's content in each
 * language and, for assessments, the questions as JSON. Every local file
 * the content references is checked to exist and added to assets as a
 * normalised course-relative path; its URL in the page is that path
 * (the page lives at content/<unit-id>.html, the asset at content/<path>).
 * Problems go to diag with file and line; returns PA_EINVALID if any.
 */
int pa_page_render(pa_buf *out, pa_strset *assets, const pa_page_ctx *ctx,
		   const pa_module *module, const pa_unit *unit, pa_diag *diag);

#endif
