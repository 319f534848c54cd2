/*
 * Importing a SCORM package into the data folder: validate it (tolerant),
 * extract it safely into DATA/tmp, read its manifest into the activity
 * tree, then in one store transaction create the next version and rename
 * the files to DATA/packages/<id>/<version>. Either the version exists with
 * all its files, or nothing was stored.
 *
 * The activity tree (JSON, kept with the version) is what the player needs:
 *   { "identifier", "title", "scorm_version", "default_organization",
 *     "organizations": [ { "identifier", "title", "sequencing"?, "items": [ITEM] } ],
 *     "sequencing_collection"? }
 *   ITEM = { "identifier", "title", "visible", "identifierref"?, "scorm_type"?,
 *            "href"?, "parameters"?, "launch"?, "data_from_lms"?, "mastery_score"?,
 *            "max_time_allowed"?, "time_limit_action"?, "prerequisites"?,
 *            "completion_threshold"?, "sequencing"?, "presentation"?, "items": [ITEM] }
 * "launch" is the file to open, relative to the version folder, with the
 * item's parameters applied (or an absolute URL); "sequencing",
 * "presentation" and "sequencing_collection" keep the raw XML of the
 * manifest (imsss, adlnav) for the sequencing engine.
 */
#ifndef PA_IMPORT_H
#define PA_IMPORT_H

#include "common/buf.h"
#include "common/config.h"
#include "common/diag.h"
#include "runtime/store.h"

typedef struct pa_import_options {
	const pa_config *config;   /* limits and schema_dir; NULL: the defaults */
	const char *schema_dir;    /* overrides the config's */
	const char *display;       /* the package's name in diagnostics (uploads); NULL: path */
} pa_import_options;

/*
 * Import the package at path (a zip or a folder) into data_dir and store.
 * Findings go to diag. Returns 0 and *out (may be NULL) the new version;
 * PA_EINVALID when the package has errors (diag says which; nothing
 * stored); another error when the import could not run.
 */
int pa_import_path(pa_store_version *out, pa_store *store, const char *data_dir,
		   const char *path, const pa_import_options *opts, pa_diag *diag);

/*
 * The activity tree of a manifest (JSON appended to out), with its
 * identifier and the title of its default organization. Fails with
 * PA_EPARSE or PA_EUNSAFE on XML that cannot be read (details in diag).
 */
int pa_import_tree(pa_buf *out, const char *manifest, size_t len, const char *scorm_version,
		   pa_diag *diag);

/* A fresh private folder under DATA/tmp (created if missing), for staging. */
int pa_import_tmpdir(pa_buf *out, const char *data_dir, const char *prefix);

#endif
