/* The activity tree of an untrusted manifest: no crash, and valid JSON out. */
#include <stdint.h>
#include <stdlib.h>
#include <jansson.h>

#include "common/buf.h"
#include "common/diag.h"
#include "runtime/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pa_buf tree = PA_BUF_INIT;
	pa_diag diag;

	pa_diag_init(&diag);
	if (pa_import_tree(&tree, (const char *)data, size, "2004", &diag) == 0) {
		json_t *t = json_loads(tree.ptr, 0, NULL);

		if (!t)
			abort();
		json_decref(t);
	}
	pa_diag_dispose(&diag);
	pa_buf_dispose(&tree);
	return 0;
}
