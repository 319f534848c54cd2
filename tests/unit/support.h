/* Helpers shared by the unit tests. */
#ifndef PA_TEST_SUPPORT_H
#define PA_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/buf.h"

/* Paths from the environment CTest sets (tests/CMakeLists.txt). */
const char *pa_test_source_dir(void);  /* the repository */
const char *pa_test_shared_dir(void);  /* ../shared */
const char *pa_test_binary(void);      /* the passerelle program */

/* A fresh empty folder for one test, under the build's test-tmp; the
 * returned string is owned by the caller. */
char *pa_test_tmpdir(const char *name);

/* Write a file (making its folders), failing the test on error. */
void pa_test_write(const char *dir, const char *rel, const char *content);
void pa_test_write_bytes(const char *dir, const char *rel, const void *data, size_t len);

/* Write a zip at path from pairs of entry name and content, ended by NULL;
 * names are written as given (tests build hostile ones too). */
void pa_test_write_zip(const char *path, const char *const *entries);

/* Run a shell command, capture stdout+stderr into out (if not NULL); returns the exit status. */
int pa_test_run(pa_buf *out, const char *fmt, ...);

#endif
