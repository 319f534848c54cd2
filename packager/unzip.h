/*
 * Reading untrusted zip packages safely: every entry name is checked before
 * anything is inflated (no '..', absolute paths, backslashes, drive letters,
 * invalid UTF-8, control characters, duplicates, links or special files),
 * sizes and compression ratios are counted on the bytes actually inflated
 * (never trusting the declared sizes), data streams through one fixed
 * chunk, and extraction creates files only below a new or empty folder,
 * which is emptied again if anything fails.
 */
#ifndef PA_UNZIP_H
#define PA_UNZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/config.h"
#include "common/diag.h"

typedef struct pa_unzip_limits {
	uint64_t max_package_bytes;       /* size of the zip itself */
	uint64_t max_uncompressed_bytes;  /* all entries, as inflated */
	uint64_t max_entries;
	double max_ratio;                 /* inflated / compressed, per entry and overall */
	size_t max_path_length;           /* bytes of one entry name */
} pa_unzip_limits;

/* The ratio is checked only past this many inflated bytes: small, very
 * compressible files (a blank SVG, a page of spaces) are harmless. */
#define PA_UNZIP_RATIO_FLOOR ((uint64_t)1 << 20)

/* Limits from the configuration (the max_* settings). */
void pa_unzip_limits_from_config(pa_unzip_limits *out, const pa_config *cfg);

/* An open, checked archive. */
typedef struct pa_zip pa_zip;

/*
 * Open the zip at path and check it: size, entry count, every entry's name,
 * type, encryption, compression method and declared sizes. Each problem
 * found is added to diag (when not NULL) under the name display (the path
 * when NULL); the call then fails with PA_EUNSAFE, PA_ELIMIT or PA_EZIP and
 * pa_error_last() sums it up.
 */
int pa_zip_open(pa_zip **out, const char *path, const char *display,
		const pa_unzip_limits *limits, pa_diag *diag);

/* The same for a zip held in memory (data must outlive the pa_zip). */
int pa_zip_open_buffer(pa_zip **out, const void *data, size_t len, const char *display,
		       const pa_unzip_limits *limits, pa_diag *diag);

void pa_zip_free(pa_zip *zip);

/* Entries, in archive order. Names are normalised ("a/b.html"); folder
 * entries are reported by pa_zip_is_dir and named without the final '/'. */
size_t pa_zip_count(const pa_zip *zip);
const char *pa_zip_name(const pa_zip *zip, size_t i);
bool pa_zip_is_dir(const pa_zip *zip, size_t i);

/* The file entry called name (normalised form): 0 and *out, or PA_ENOTFOUND. */
int pa_zip_find(size_t *out, const pa_zip *zip, const char *name);

/* Inflate file entry i and append it to out; PA_ELIMIT past max bytes. */
int pa_zip_read(pa_buf *out, pa_zip *zip, size_t i, size_t max);

/* Inflate every entry without writing anything: checks the CRCs, the
 * compressed data and the size and ratio limits. */
int pa_zip_verify(pa_zip *zip);

/*
 * Extract every entry below dest, which must not exist (its parent must) or
 * be an empty folder. Files are created 0644 and folders 0755, never
 * following a link. On failure dest is left empty (or removed if this call
 * created it).
 */
int pa_zip_extract(pa_zip *zip, const char *dest);

/* Open, check and extract in one call; problems go to diag too. */
int pa_unzip_extract(const char *dest, const char *zip_path,
		     const pa_unzip_limits *limits, pa_diag *diag);

#endif
