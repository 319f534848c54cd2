/* Internal to runtime/scorm: the engine's state, shared by scorm.c and state.c. */
#ifndef PA_SCORM_ENGINE_H
#define PA_SCORM_ENGINE_H

#include "runtime/scorm/internal.h"

#if defined(__GNUC__) || defined(__clang__)
#define PA_SCORM_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PA_SCORM_PRINTF(fmt, args)
#endif

#define PA_SCORM_DIAG_MAX 255     /* GetDiagnostic returns at most 255 characters */
#define PA_SCORM_PATH_MAX 256     /* longest element name */
#define PA_SCORM_INDEX_MAX 65535u /* indices fit 20 bits of a key */
#define PA_SCORM_LOOKUP 256       /* element name hash slots (> 2 x rows) */

/* Counters sit beside values, keyed past every table row. */
#define PA_SCORM_COUNT_KEY(coll, parent) (((uint64_t)(parent) << 40) | (0xFFF00u + (unsigned)(coll)))

typedef struct pa_scorm_entry {
	uint64_t key;  /* 0: empty slot */
	char *val;     /* NUL-terminated copy; NULL for a counter */
	uint32_t len;  /* bytes of val, or the counter */
} pa_scorm_entry;

typedef struct pa_scorm_ref {
	int row;
	int nidx;
	unsigned idx[2];
} pa_scorm_ref;

struct pa_scorm {
	pa_scorm_version version;
	pa_scorm_phase phase;
	pa_scorm_limits lim;
	const pa_scorm_elem *model;
	size_t nmodel;
	uint8_t lookup[PA_SCORM_LOOKUP]; /* row + 1 by name hash; 0 empty */
	struct {
		int int_id, int_type, obj_id, completion_threshold, progress_measure,
		    scaled_passing_score, score_scaled, exit, session_time, nav,
		    lesson_status, score_raw, mastery, credit, mode,
		    nav_choice, nav_jump; /* the target rows; each state row follows its target */
	} rows;
	pa_scorm_entry *tab;
	size_t cap, used, bytes;
	uint64_t total_cs;  /* cmi.total_time, centiseconds */
	char entry[16];     /* cmi.entry of this session */
	int last_error;
	char diag[PA_SCORM_DIAG_MAX + 1];
	char lms_diag[PA_SCORM_DIAG_MAX + 1];
	char scratch[64];   /* computed values handed out by GetValue */
};

uint64_t pa_scorm_key(int row, unsigned i1, unsigned i2);
pa_scorm_entry *pa_scorm_find(const pa_scorm *s, uint64_t key);
/* pa_scorm_lms_set for import: also gives the value's key (to check order). */
int pa_scorm_set_internal(pa_scorm *s, const char *element, const char *value, uint64_t *key);

#endif
