/*
 * Replay driver for fuzz targets built without libFuzzer: feeds every file
 * of the folders or files given on the command line to
 * LLVMFuzzerTestOneInput, so CTest re-runs the corpus (and every crash
 * once found) in the dev and asan builds.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	pa_buf b = PA_BUF_INIT;

	if (pa_fs_read(&b, path, 64u << 20) != 0) {
		fprintf(stderr, "cannot read %s\n", path);
		pa_buf_dispose(&b);
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)pa_buf_cstr(&b), b.len);
	pa_buf_dispose(&b);
	return 0;
}

int main(int argc, char **argv)
{
	int failures = 0, count = 0;

	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		struct dirent *e;

		if (!d) {
			failures += run_file(argv[i]);
			count++;
			continue;
		}
		while ((e = readdir(d)) != NULL) {
			pa_buf path = PA_BUF_INIT;

			if (e->d_name[0] == '.')
				continue;
			pa_path_join(&path, argv[i], e->d_name);
			if (pa_fs_is_file(pa_buf_cstr(&path))) {
				failures += run_file(pa_buf_cstr(&path));
				count++;
			}
			pa_buf_dispose(&path);
		}
		closedir(d);
	}
	printf("%d passed, %d failed\n", count - failures, failures);
	return failures ? 1 : (count ? 0 : 1);
}
