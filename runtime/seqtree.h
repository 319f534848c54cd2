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

#endif
