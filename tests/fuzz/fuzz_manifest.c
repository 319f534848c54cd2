/*
 * Fuzz target: manifest bytes through the safe XML parser and every check
 * of packager/validate (no XSDs: loading them per input would only fuzz
 * libxml2's schema parser with the same files).
 */
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"
#include "packager/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const files[] = { "index.html", "a.html", "shared/app.js", "one/index.html" };
	pa_validate_options opts = { NULL, NULL, true };
	pa_scorm_version version;
	pa_diag diag;

	pa_diag_init(&diag);
	pa_validate_manifest(&version, (const char *)data, size, files, 4, &opts, &diag);
	pa_diag_dispose(&diag);
	return 0;
}
