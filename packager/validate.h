/*
 * Checking a SCORM package, ours or another tool's: the zip (safety and
 * integrity), imsmanifest.xml at the root, well-formed and safe XML, the
 * XSDs (offline), unique identifiers, references that resolve, files that
 * exist, files nobody references, scormType values, sequencing values in
 * range, and the SCORM version.
 *
 * Tolerant by design: an error means an LMS would really fail (nothing to
 * launch, a launch file missing, a dangling reference, unsafe input);
 * everything else real LMSs accept is a warning. Schema violations are
 * warnings; the same finding from a specific check replaces them.
 */
#ifndef PA_VALIDATE_H
#define PA_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/config.h"
#include "common/diag.h"

typedef enum pa_scorm_version {
	PA_SCORM_UNKNOWN = 0,
	PA_SCORM_12,
	PA_SCORM_2004,        /* the manifest does not say which edition */
	PA_SCORM_2004_2ND,    /* schemaversion "CAM 1.3" */
	PA_SCORM_2004_3RD,
	PA_SCORM_2004_4TH
} pa_scorm_version;

/* "SCORM 1.2", "SCORM 2004 3rd Edition", ..., "unknown SCORM version". */
const char *pa_scorm_version_name(pa_scorm_version version);

typedef struct pa_validate_options {
	const pa_config *config;  /* limits and schema_dir; NULL: the defaults */
	const char *schema_dir;   /* overrides the config's schema_dir */
	bool skip_schema;         /* no XSD validation (fuzzing) */
} pa_validate_options;

/* The name of the manifest in diagnostics and in packages. */
#define PA_MANIFEST "imsmanifest.xml"

/*
 * Check the package at path: a zip file or a folder. Findings go to diag
 * (the caller may then pa_diag_promote_warnings for --strict); *out is the
 * version detected. Returns 0 once the package was checked, whatever was
 * found; an error when it could not be (path missing, schemas not found,
 * out of memory), with pa_error_last() saying why.
 */
int pa_validate_path(pa_scorm_version *out, const char *path,
		     const pa_validate_options *opts, pa_diag *diag);

int pa_validate_zip(pa_scorm_version *out, const char *zip_path,
		    const pa_validate_options *opts, pa_diag *diag);
int pa_validate_dir(pa_scorm_version *out, const char *dir,
		    const pa_validate_options *opts, pa_diag *diag);

/*
 * Check manifest bytes alone, against the package files listed in files
 * (normalised relative paths, count of them; may be empty).
 */
int pa_validate_manifest(pa_scorm_version *out, const char *data, size_t len,
			 const char *const *files, size_t count,
			 const pa_validate_options *opts, pa_diag *diag);

#endif
