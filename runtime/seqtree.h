/*
 * imsmanifest.xml (SCORM 2004) to the sequencing engine's tree description
 * (runtime/scorm/seq.h, docs/sequencing.md): the default organization, its
 * items and their sequencing, with sequencingCollection IDRefs resolved.
 * Malformed sequencing (unknown IDRef, out-of-range values, unknown
 * vocabulary) becomes file:line diagnostics, never a crash.
 */
#ifndef PA_SEQTREE_H
#define PA_SEQTREE_H

#include <stddef.h>

#include "common/buf.h"
#include "common/diag.h"

/* Manifest text (len bytes) to a tree description appended to out. file
 * is the name shown in diagnostics. Returns 0, PA_EINVALID when the
 * manifest has errors (each in diag), or another pa_error. */
int pa_seqtree_from_manifest(pa_buf *out, const char *data, size_t len,
			     const char *file, pa_diag *diag);

/* The same from PACKAGE_DIR/imsmanifest.xml. */
int pa_seqtree_from_dir(pa_buf *out, const char *package_dir, pa_diag *diag);

/* xs:dateTime (YYYY-MM-DDThh:mm:ss[.s][Z|+hh:mm|-hh:mm]; without a zone,
 * UTC) to Unix seconds, as the time limits of limitConditions hold it.
 * Years 0001 to 9999. Returns 0, or -1 when malformed. */
int pa_seqtree_parse_datetime(double *out, const char *s);

#endif
