/*
 * imsmanifest.xml of a package plan: SCORM 2004 4th Edition (content
 * packaging, LOM metadata and IMS Simple Sequencing expressing the
 * course's navigation) or SCORM 1.2 (content packaging, IMS MD metadata,
 * ADL mastery scores, prerequisites and time limits).
 */
#ifndef PA_MANIFEST_H
#define PA_MANIFEST_H

#include "common/buf.h"
#include "packager/plan.h"

/* The target of a graded module's global objective (SCORM 2004):
 * "urn:passerelle:<course-id>:<module-id>". */
int pa_manifest_objective_urn(pa_buf *out, const char *course_id, const char *module_id);

/*
 * Append the manifest of plan to out: UTF-8, indented, the same bytes for
 * the same plan. Fails with PA_EINVALID when a text is not valid UTF-8,
 * or with the buffer's error.
 */
int pa_manifest_write(pa_buf *out, const pa_plan *plan);

#endif
