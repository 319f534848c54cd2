/*
 * Fuzz course.json checking. Files are looked up in a folder made once that
 * holds only a.md, q.gift and s.json, so a course naming them can load and
 * any other path is missing: the target exercises the JSON rules and the
 * diagnostics' positions, not the file system.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/fs.h"
#include "packager/course.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pa_buf dir = PA_BUF_INIT;

static void remove_dir(void)
{
	pa_fs_remove_tree(pa_buf_cstr(&dir));
	pa_buf_dispose(&dir);
}

static void put(const char *name, const char *text)
{
	pa_buf path = PA_BUF_INIT;

	if (pa_path_join(&path, pa_buf_cstr(&dir), name) != 0 ||
	    pa_fs_write_atomic(pa_buf_cstr(&path), text, strlen(text)) != 0)
		abort();
	pa_buf_dispose(&path);
}

static const char *course_dir(void)
{
	if (!dir.len) {
		if (pa_fs_mkdtemp(&dir, "pa-fuzz-course") != 0)
			abort();
		atexit(remove_dir);
		put("a.md", "# A lesson\n");
		put("q.gift", "::q1:: Yes? {T}\n\n::q2:: Pick {=a ~b}\n");
		put("s.json", "{\"questions\": [{\"type\": \"text\", \"text\": \"Why?\"}]}");
	}
	return pa_buf_cstr(&dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pa_course *course = (pa_course *)1;
	pa_diag diag;
	int rc;

	pa_diag_init(&diag);
	rc = pa_course_parse(&course, (const char *)data, size, course_dir(), &diag);
	if ((rc == 0) != (course != NULL) || (rc == 0 && diag.errors))
		__builtin_trap();
	pa_course_free(course);
	pa_diag_dispose(&diag);
	return 0;
}
