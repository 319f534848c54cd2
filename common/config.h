/*
 * The configuration of passerelle: one declarative table of settings
 * (common/config.c), each with a type, bounds, a default, an environment
 * variable PASSERELLE_<NAME> and a line of help. Values come, in order of
 * precedence, from the defaults, a file of `name = value` lines, the
 * environment, and the command line (pa_config_set), each checked strictly.
 */
#ifndef PA_CONFIG_H
#define PA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* One key per row of the table; add a row to config.c when adding a key. */
typedef enum pa_config_key {
	PA_CFG_MAX_PACKAGE_BYTES,
	PA_CFG_MAX_UNCOMPRESSED_BYTES,
	PA_CFG_MAX_ENTRIES,
	PA_CFG_MAX_RATIO,
	PA_CFG_MAX_MANIFEST_BYTES,
	PA_CFG_MAX_PATH_LENGTH,
	PA_CFG_SCHEMA_DIR,
	PA_CFG_DATA_DIR,
	PA_CFG_STORE,
	PA_CFG_LISTEN,
	PA_CFG_THREADS,
	PA_CFG_MAX_CONNECTIONS,
	PA_CFG_CONNECTION_TIMEOUT,
	PA_CFG_SHUTDOWN_TIMEOUT,
	PA_CFG_TRUSTED_PROXIES,
	PA_CFG_PUBLIC_BASE_URL,
	PA_CFG_MAX_UPLOAD_BYTES,
	PA_CFG_CONTENT_MAX_AGE,
	PA_CFG_CONTENT_SECURITY_POLICY,
	PA_CFG_LOG_LEVEL,
	PA_CFG_BUSY_TIMEOUT,
	PA_CFG_COMMIT_BATCH,
	PA_CFG_ATTEMPT_CACHE,
	PA_CFG_WAL_MAX,
	PA_CFG_SESSION_TTL,
	PA_CFG_SUSPEND_DATA_MAX,
	PA_CFG_MAX_COMMIT_BYTES,
	PA_CFG_COMMIT_INTERVAL,
	PA_CFG_NEW_ATTEMPT_AFTER_COMPLETION,
	PA_CFG_FRAME_ANCESTORS,
	PA_CFG_LTI_REGISTRATION_KEY,
	PA_CFG_LTI_STATE_TTL,
	PA_CFG_LTI_CLOCK_LEEWAY,
	PA_CFG_LTI_JWKS_CACHE_TTL,
	PA_CFG_LTI_OAUTH_WINDOW,
	PA_CFG_LTI_KEY_GRACE,
	PA_CFG_LTI_HTTP_TIMEOUT,
	PA_CFG_LTI_ALLOW_HTTP,
	PA_CFG_LTI_GRADE_BACKOFF_MAX,
	PA_CFG_LTI_GRADE_GIVE_UP,
	PA_CFG_LTI_OUTBOX_KEEP,
	PA_CFG_LTI_OUTBOX_KEEP_FAILED,
	PA_CFG_COUNT
} pa_config_key;

typedef enum pa_config_type {
	PA_CONFIG_INT,     /* a whole number */
	PA_CONFIG_SIZE,    /* bytes: a whole number with an optional K, M, G or T suffix (powers of 1024) */
	PA_CONFIG_DOUBLE,  /* a decimal number */
	PA_CONFIG_BOOL,    /* true/false, yes/no, on/off, 1/0 */
	PA_CONFIG_STRING,  /* any text */
	PA_CONFIG_PATH     /* a non-empty file or folder path */
} pa_config_type;

typedef struct pa_config_entry {
	const char *name;     /* lower_snake_case, as in files and --limit NAME=VALUE */
	pa_config_type type;
	double min, max;      /* bounds of the numeric types, inclusive */
	const char *def;      /* the default, as text (parsed like any value) */
	const char *env;      /* PASSERELLE_<NAME> */
	const char *help;
} pa_config_entry;

typedef union pa_config_value {
	int64_t i;    /* INT, SIZE, BOOL */
	double d;     /* DOUBLE */
	char *s;      /* STRING, PATH (owned) */
} pa_config_value;

typedef struct pa_config {
	pa_config_value values[PA_CFG_COUNT];
} pa_config;

/* The table, in key order; PA_CFG_COUNT rows. */
const pa_config_entry *pa_config_entries(void);

/* The row called name, or NULL. */
const pa_config_entry *pa_config_find(const char *name, pa_config_key *key_out);

/* Every value at its default. Free with pa_config_dispose. */
int pa_config_init(pa_config *out);
void pa_config_dispose(pa_config *cfg);

/* Set one value from text; PA_ENOTFOUND for an unknown name, PA_EPARSE or
 * PA_ELIMIT for a bad value, with a message naming the setting. */
int pa_config_set(pa_config *cfg, const char *name, const char *value);

/* "name=value" (as given to --limit or --set). */
int pa_config_set_pair(pa_config *cfg, const char *pair);

/* Apply every PASSERELLE_<NAME> variable set in the environment. */
int pa_config_load_env(pa_config *cfg);

/* Apply a file of `name = value` lines (# starts a comment); errors are
 * reported as "path:line: message". */
int pa_config_load_file(pa_config *cfg, const char *path);

/* Typed getters; the key must be of the matching type. */
int64_t pa_config_int(const pa_config *cfg, pa_config_key key);
uint64_t pa_config_size(const pa_config *cfg, pa_config_key key);
double pa_config_double(const pa_config *cfg, pa_config_key key);
bool pa_config_bool(const pa_config *cfg, pa_config_key key);
const char *pa_config_string(const pa_config *cfg, pa_config_key key);

#endif
