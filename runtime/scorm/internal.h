/* Internal to runtime/scorm: the data model tables and the value checks. */
#ifndef PA_SCORM_INTERNAL_H
#define PA_SCORM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/scorm/scorm.h"

/* Value types: the 2004 names, then the 1.2 ones (CMI...). */
enum {
	PA_T_CHILDREN = 1, PA_T_COUNT, PA_T_VERSION, /* keywords */
	PA_T_STRING,     /* characterstring, SPM */
	PA_T_LSTRING,    /* localized_string_type, SPM */
	PA_T_LANG,       /* language_type */
	PA_T_LONGID,     /* long_identifier_type */
	PA_T_REAL,       /* real(10,7) with an optional range */
	PA_T_INTERVAL,   /* timeinterval (second,10,2): ISO 8601 duration */
	PA_T_TIME,       /* time (second,10,0): ISO 8601 date and time */
	PA_T_VOCAB,      /* one word of a vocabulary */
	PA_T_RESULT,     /* interaction result: vocabulary or real */
	PA_T_PATTERN,    /* correct_responses.n.pattern of the interaction type */
	PA_T_RESPONSE,   /* learner_response of the interaction type */
	PA_T_NAVREQ,     /* adl.nav.request */
	PA_T_12IDENT,    /* CMIIdentifier */
	PA_T_12STRING,   /* CMIString255 / CMIString4096 (SPM) */
	PA_T_12DECIMAL,  /* CMIDecimal or CMIBlank, optional range */
	PA_T_12SINT,     /* CMISInteger with a range */
	PA_T_12TIMESPAN, /* CMITimespan HHHH:MM:SS.SS */
	PA_T_12TIME,     /* CMITime HH:MM:SS.SS */
	PA_T_12STATUS,   /* lesson_status: the SCO may not set "not attempted" */
	PA_T_12RESULT,   /* CMIVocabulary result or CMIDecimal */
	PA_T_12FEEDBACK  /* CMIFeedback */
};

enum { PA_A_RO = 1, PA_A_WO = 2, PA_A_RW = 3 };

/* Collections. The nested ones live inside an interaction. */
enum {
	PA_C_NONE = 0,
	PA_C_INTERACTIONS, PA_C_OBJECTIVES, PA_C_COMMENTS_LEARNER, PA_C_COMMENTS_LMS,
	PA_C_INT_OBJECTIVES, PA_C_INT_CORRECT,
	PA_C_NAV_CHOICE, PA_C_NAV_JUMP, /* request_valid.choice/jump.{target=} as the host states them */
	PA_C_N
};

/* Element flags. */
#define PA_F_CREATE    0x01u /* setting it at index == _count appends a record */
#define PA_F_NEEDS_ID  0x02u /* 2004: the record's id must be set first (408) */
#define PA_F_NEEDS_TYPE 0x04u /* 2004: the interaction's type must be set first (408) */
#define PA_F_UNIQUE    0x08u /* an identifier unique in its collection (351) */
#define PA_F_IMMUTABLE 0x10u /* once set, may not change (351) */
#define PA_F_LIM_SUSPEND 0x20u /* SPM from limits.suspend_data_max */
#define PA_F_LIM_LOCATION 0x40u /* SPM from limits.location_max */
#define PA_F_COMPUTED  0x80u /* value computed on read */
#define PA_F_LMS_KEEP  0x100u /* owned by the LMS: kept across 2004 attempts */
#define PA_F_HIDDEN    0x200u /* the engine's own record: not an element the SCO can name */

typedef struct pa_scorm_elem {
	const char *path;  /* "cmi.interactions.n.id": n stands for an index */
	uint8_t type;
	uint8_t access;
	uint8_t coll;      /* innermost collection (for _count: the one counted) */
	uint16_t flags;
	uint16_t spm;      /* characters */
	const char *words; /* vocabulary "a|b|" (last empty word allowed), _children list, _version */
	const char *def;   /* value when never set; NULL: "not initialized" (2004 403) */
	bool has_lo, has_hi;
	double lo, hi;
} pa_scorm_elem;

const pa_scorm_elem *pa_scorm_model(pa_scorm_version v, size_t *count);
/* The parent collection of a nested one, or PA_C_NONE. */
int pa_scorm_coll_parent(int coll);

/* Value checks (types.c). Lengths in bytes; SPMs in characters. */
bool pa_scorm_utf8(const char *s, size_t len, size_t *chars);
bool pa_scorm_real(const char *s, double *out);          /* 2004 real, exponent allowed */
bool pa_scorm_decimal12(const char *s, double *out);     /* CMIDecimal */
bool pa_scorm_sint12(const char *s, long *out);          /* CMISInteger */
bool pa_scorm_interval(const char *s, uint64_t *cs);     /* centiseconds */
bool pa_scorm_time(const char *s);
bool pa_scorm_timespan12(const char *s, uint64_t *cs);
bool pa_scorm_time12(const char *s);
bool pa_scorm_lang(const char *s, size_t len);
bool pa_scorm_longid(const char *s, size_t len, size_t spm);
bool pa_scorm_ident12(const char *s);
/* {lang=..} prefix then text of at most spm characters. */
bool pa_scorm_lstring(const char *s, size_t spm);
bool pa_scorm_vocab(const char *words, const char *s);
/*
 * Interaction values. Returns 0 if valid, otherwise 406 (type mismatch)
 * or 351 (more items than allowed) with a reason in why.
 */
int pa_scorm_check_pattern(const char *type, const char *s, const char **why);
int pa_scorm_check_response(const char *type, const char *s, const char **why);
/* How many correct_responses patterns an interaction type allows. */
size_t pa_scorm_patterns_max(const char *type);

/* Durations as the standards write them. */
void pa_scorm_format_interval(uint64_t cs, char *out, size_t size);
void pa_scorm_format_timespan12(uint64_t cs, char *out, size_t size);

#endif
