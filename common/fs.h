/* File-system helpers with the project's error conventions. */
#ifndef PA_FS_H
#define PA_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* Read a whole file into out (appending), refusing files over max bytes. */
int pa_fs_read(pa_buf *out, const char *path, size_t max);

/* Write data to path atomically: a temporary file beside it, fsync, rename. */
int pa_fs_write_atomic(const char *path, const void *data, size_t len);

/* mkdir -p with mode 0755. */
int pa_fs_mkdirs(const char *path);

/* Remove a folder and everything in it (no link is followed). */
int pa_fs_remove_tree(const char *path);

bool pa_fs_is_dir(const char *path);
bool pa_fs_is_file(const char *path);
int pa_fs_size(uint64_t *out, const char *path);

/* Join two path parts with one '/'. */
int pa_path_join(pa_buf *out, const char *a, const char *b);

/*
 * Normalise a relative path inside a tree: '.' and empty parts dropped,
 * '..' resolved. Fails with PA_EUNSAFE when the path is absolute, has a
 * backslash, a NUL, a drive letter, or climbs above the root.
 */
int pa_path_normalize(pa_buf *out, const char *rel);

/* The relative path from the folder of `from` to `to` (both normalised, relative to one root). */
int pa_path_relative(pa_buf *out, const char *from, const char *to);

/* Make a fresh private temporary folder under $TMPDIR (or /tmp). */
int pa_fs_mkdtemp(pa_buf *out, const char *prefix);

#endif
