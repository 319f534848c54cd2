/*
 * A deterministic zip writer on libzip: the same entries give the same
 * bytes. Entries are written sorted by name, all with one timestamp and
 * the same attributes; already-compressed media is stored, the rest
 * deflated. File entries are read only at close, one at a time, so memory
 * does not grow with their size. The archive is written beside its target
 * (FILE.tmp-XXXXXX) and renamed into place only when complete.
 */
#ifndef PA_ZIPW_H
#define PA_ZIPW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pa_zipw pa_zipw;

/* Called while writing, with bytes of entry data read so far and in all. */
typedef void (*pa_zipw_progress_fn)(uint64_t done, uint64_t total, void *ctx);

/* Start an archive that will become path at pa_zipw_close(). */
int pa_zipw_new(pa_zipw **out, const char *path);

/* Close without writing (removing the partial file) if not yet closed. */
void pa_zipw_free(pa_zipw *w);

/* Timestamp of every entry, in seconds since 1970 UTC; clamped to the
 * range zip can express (1980-2107). Default: 1980-01-01 00:00:00. */
void pa_zipw_set_mtime(pa_zipw *w, int64_t unix_time);

/* Deflate level 1-9 for compressible entries (default 6). */
void pa_zipw_set_level(pa_zipw *w, int level);

void pa_zipw_set_progress(pa_zipw *w, pa_zipw_progress_fn fn, void *ctx);

/*
 * Add an entry called name (a relative path with '/' separators). The
 * file is checked now and read at close; bytes are copied. A name given
 * twice fails with PA_EEXISTS.
 */
int pa_zipw_add_file(pa_zipw *w, const char *name, const char *path);
int pa_zipw_add_bytes(pa_zipw *w, const char *name, const void *data, size_t len);

/* Entries added so far and the sum of their sizes. */
size_t pa_zipw_count(const pa_zipw *w);
uint64_t pa_zipw_total(const pa_zipw *w);

/* Write the archive and rename it into place. On failure nothing is left
 * at path or beside it. Either way, pa_zipw_free() must follow. */
int pa_zipw_close(pa_zipw *w);

/* True when name's extension is media that deflate cannot shrink. */
bool pa_zipw_is_compressed(const char *name);

#endif
