/*
 * Fuzz target: zip bytes through listing, verification and extraction
 * into a private temporary folder, with small limits so bombs stay cheap.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/buf.h"
#include "common/config.h"
#include "common/diag.h"
#include "common/fs.h"
#include "packager/unzip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pa_buf root = PA_BUF_INIT;

static void remove_root(void)
{
	pa_fs_remove_tree(root.ptr);
	pa_buf_dispose(&root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pa_unzip_limits limits = { 1u << 20, 8u << 20, 256, 200, 256 };
	pa_buf dest = PA_BUF_INIT, content = PA_BUF_INIT;
	pa_zip *zip = NULL;
	pa_diag diag;
	size_t idx;

	if (!root.len) {
		if (pa_fs_mkdtemp(&root, "pa-fuzz-unzip") != 0)
			abort();
		atexit(remove_root);
	}
	pa_diag_init(&diag);
	if (pa_zip_open_buffer(&zip, data, size, "fuzz.zip", &limits, &diag) == 0) {
		for (size_t i = 0; i < pa_zip_count(zip); i++) {
			if (!pa_zip_is_dir(zip, i) && pa_zip_find(&idx, zip, pa_zip_name(zip, i)) == 0) {
				pa_buf_clear(&content);
				pa_zip_read(&content, zip, idx, 4096);
			}
		}
		pa_zip_verify(zip);
		pa_path_join(&dest, root.ptr, "out");
		/* Whatever happens, nothing may exist outside dest afterwards. */
		pa_zip_extract(zip, dest.ptr);
		pa_fs_remove_tree(dest.ptr);
		pa_zip_free(zip);
	}
	pa_diag_dispose(&diag);
	pa_buf_dispose(&dest);
	pa_buf_dispose(&content);
	return 0;
}
