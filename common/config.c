#include "common/config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/fs.h"
#include "common/util.h"

#ifndef PA_SCHEMA_DIR
#define PA_SCHEMA_DIR "schemas"
#endif

#define KIB 1024.0
#define MIB (1024.0 * 1024.0)
#define GIB (1024.0 * 1024.0 * 1024.0)
#define TIB (1024.0 * 1024.0 * 1024.0 * 1024.0)

/* The table. Sizes in powers of 1024; bounds inclusive. */
static const pa_config_entry entries[PA_CFG_COUNT] = {
	[PA_CFG_MAX_PACKAGE_BYTES] = {
		"max_package_bytes", PA_CONFIG_SIZE, 1, TIB, "2G",
		"PASSERELLE_MAX_PACKAGE_BYTES",
		"largest package (zip file) accepted" },
	[PA_CFG_MAX_UNCOMPRESSED_BYTES] = {
		"max_uncompressed_bytes", PA_CONFIG_SIZE, 1, TIB, "4G",
		"PASSERELLE_MAX_UNCOMPRESSED_BYTES",
		"largest total size of the files of a package, counted as they are inflated" },
	[PA_CFG_MAX_ENTRIES] = {
		"max_entries", PA_CONFIG_INT, 1, 10000000, "65536",
		"PASSERELLE_MAX_ENTRIES",
		"most files and folders in a package" },
	[PA_CFG_MAX_RATIO] = {
		"max_ratio", PA_CONFIG_DOUBLE, 1, 1e6, "200",
		"PASSERELLE_MAX_RATIO",
		"highest inflated/compressed ratio, per entry and overall (checked past 1 MiB)" },
	[PA_CFG_MAX_MANIFEST_BYTES] = {
		"max_manifest_bytes", PA_CONFIG_SIZE, 1, 1 * GIB, "8M",
		"PASSERELLE_MAX_MANIFEST_BYTES",
		"largest imsmanifest.xml read (parsed, it takes about 10 times as much memory)" },
	[PA_CFG_MAX_PATH_LENGTH] = {
		"max_path_length", PA_CONFIG_INT, 16, 4096, "1024",
		"PASSERELLE_MAX_PATH_LENGTH",
		"longest file name (with its folders) inside a package, in bytes" },
	[PA_CFG_SCHEMA_DIR] = {
		"schema_dir", PA_CONFIG_PATH, 0, 0, PA_SCHEMA_DIR,
		"PASSERELLE_SCHEMA_DIR",
		"folder of the SCORM XSD sets (scorm12/ and scorm2004-4th/, or "
		"scorm12edition/ and scorm20044thedition/)" },
	[PA_CFG_DATA_DIR] = {
		"data_dir", PA_CONFIG_PATH, 0, 0, "passerelle-data",
		"PASSERELLE_DATA_DIR",
		"folder of the store (passerelle.db) and the imported packages; --data overrides it" },
	[PA_CFG_STORE] = {
		"store", PA_CONFIG_STRING, 0, 0, "sqlite",
		"PASSERELLE_STORE",
		"storage backend: sqlite (one file in data_dir)" },
	[PA_CFG_LISTEN] = {
		"listen", PA_CONFIG_STRING, 0, 0, "127.0.0.1:8080",
		"PASSERELLE_LISTEN",
		"address and port serve listens on: HOST:PORT, [IPv6]:PORT; port 0 picks a free one" },
	[PA_CFG_THREADS] = {
		"threads", PA_CONFIG_INT, 1, 1024, "4",
		"PASSERELLE_THREADS",
		"worker threads of the HTTP server" },
	[PA_CFG_MAX_CONNECTIONS] = {
		"max_connections", PA_CONFIG_INT, 1, 1000000, "1024",
		"PASSERELLE_MAX_CONNECTIONS",
		"most open HTTP connections; more are refused" },
	[PA_CFG_CONNECTION_TIMEOUT] = {
		"connection_timeout", PA_CONFIG_INT, 1, 86400, "60",
		"PASSERELLE_CONNECTION_TIMEOUT",
		"seconds an idle HTTP connection stays open" },
	[PA_CFG_SHUTDOWN_TIMEOUT] = {
		"shutdown_timeout", PA_CONFIG_INT, 0, 3600, "30",
		"PASSERELLE_SHUTDOWN_TIMEOUT",
		"seconds serve waits for requests in progress after SIGTERM" },
	[PA_CFG_TRUSTED_PROXIES] = {
		"trusted_proxies", PA_CONFIG_STRING, 0, 0, "",
		"PASSERELLE_TRUSTED_PROXIES",
		"addresses or CIDR ranges (comma-separated) whose X-Forwarded-For/-Proto/-Host "
		"headers are believed; empty: none" },
	[PA_CFG_PUBLIC_BASE_URL] = {
		"public_base_url", PA_CONFIG_STRING, 0, 0, "",
		"PASSERELLE_PUBLIC_BASE_URL",
		"the URL learners reach passerelle at (https://lms.example.org/passerelle); "
		"empty: from the request and trusted X-Forwarded headers" },
	[PA_CFG_MAX_UPLOAD_BYTES] = {
		"max_upload_bytes", PA_CONFIG_SIZE, 1, TIB, "1G",
		"PASSERELLE_MAX_UPLOAD_BYTES",
		"largest package uploaded over HTTP (POST /admin/packages)" },
	[PA_CFG_CONTENT_MAX_AGE] = {
		"content_max_age", PA_CONFIG_INT, 0, 31536000, "3600",
		"PASSERELLE_CONTENT_MAX_AGE",
		"seconds browsers may cache package content without asking again" },
	[PA_CFG_CONTENT_SECURITY_POLICY] = {
		"content_security_policy", PA_CONFIG_STRING, 0, 0,
		"default-src 'self'; "
		"script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; "
		"style-src 'self' 'unsafe-inline' https:; "
		"img-src 'self' data: blob: https:; "
		"media-src 'self' data: blob: https:; "
		"font-src 'self' data: https:; "
		"frame-src 'self' https:; "
		"connect-src 'self'; "
		"object-src 'none'; base-uri 'self'; form-action 'self'",
		"PASSERELLE_CONTENT_SECURITY_POLICY",
		"the Content-Security-Policy of package content (frame-ancestors comes from frame_ancestors): "
		"authoring tools need inline scripts and eval; content may embed media and fonts over https" },
	[PA_CFG_LOG_LEVEL] = {
		"log_level", PA_CONFIG_STRING, 0, 0, "info",
		"PASSERELLE_LOG_LEVEL",
		"debug, info, warn, error or off (serve; other commands default to warn)" },
	[PA_CFG_BUSY_TIMEOUT] = {
		"busy_timeout", PA_CONFIG_INT, 0, 600000, "5000",
		"PASSERELLE_BUSY_TIMEOUT",
		"milliseconds a store operation waits for a lock held by another process" },
	[PA_CFG_COMMIT_BATCH] = {
		"commit_batch", PA_CONFIG_INT, 1, 100000, "512",
		"PASSERELLE_COMMIT_BATCH",
		"most writes grouped into one transaction (and one fsync) by the store's writer" },
	[PA_CFG_ATTEMPT_CACHE] = {
		"attempt_cache", PA_CONFIG_SIZE, 0, 64 * GIB, "256M",
		"PASSERELLE_ATTEMPT_CACHE",
		"memory serve keeps the attempts being played in, so a commit need not read its attempt back "
		"(0: off; the least recently played are dropped past it)" },
	[PA_CFG_WAL_MAX] = {
		"wal_max", PA_CONFIG_SIZE, 4.0 * 1024 * 1024, 64 * GIB, "256M",
		"PASSERELLE_WAL_MAX",
		"size of SQLite's write-ahead log past which the writer folds it into the database between two "
		"transactions, holding commits back for tens of ms (a checkpointer thread folds it meanwhile)" },
	[PA_CFG_SESSION_TTL] = {
		"session_ttl", PA_CONFIG_INT, 60, 31536000, "43200",
		"PASSERELLE_SESSION_TTL",
		"seconds a learner's session token (the link to an attempt) stays valid" },
	[PA_CFG_SUSPEND_DATA_MAX] = {
		"suspend_data_max", PA_CONFIG_INT, 4096, 1048576, "65536",
		"PASSERELLE_SUSPEND_DATA_MAX",
		"characters of suspend_data a SCO may store (SCORM 1.2 says 4,096; real content writes more)" },
	[PA_CFG_MAX_COMMIT_BYTES] = {
		"max_commit_bytes", PA_CONFIG_SIZE, 1024, GIB, "4M",
		"PASSERELLE_MAX_COMMIT_BYTES",
		"largest commit a player may send (the run-time calls since the last one, as JSON)" },
	[PA_CFG_COMMIT_INTERVAL] = {
		"commit_interval", PA_CONFIG_INT, 5, 3600, "30",
		"PASSERELLE_COMMIT_INTERVAL",
		"seconds between the player's background commits of calls not yet saved" },
	[PA_CFG_NEW_ATTEMPT_AFTER_COMPLETION] = {
		"new_attempt_after_completion", PA_CONFIG_BOOL, 0, 1, "true",
		"PASSERELLE_NEW_ATTEMPT_AFTER_COMPLETION",
		"whether a learner opening a course already completed starts a new attempt (false: reviews the last)" },
	[PA_CFG_FRAME_ANCESTORS] = {
		"frame_ancestors", PA_CONFIG_STRING, 0, 0, "*",
		"PASSERELLE_FRAME_ANCESTORS",
		"who may frame the player and package content: * (any LMS), or your LMS origins, space-separated "
		"(e.g. https://moodle.example.org); the browser checks every frame up to the LMS page" },
	[PA_CFG_LTI_REGISTRATION_KEY] = {
		"lti_registration_key", PA_CONFIG_STRING, 0, 0, "",
		"PASSERELLE_LTI_REGISTRATION_KEY",
		"when set, dynamic registration needs ?key=<this> in its URL (empty: any platform may register)" },
	[PA_CFG_LTI_STATE_TTL] = {
		"lti_state_ttl", PA_CONFIG_INT, 30, 3600, "300",
		"PASSERELLE_LTI_STATE_TTL",
		"seconds an LTI 1.3 login's state and nonce stay valid (single use)" },
	[PA_CFG_LTI_CLOCK_LEEWAY] = {
		"lti_clock_leeway", PA_CONFIG_INT, 0, 600, "60",
		"PASSERELLE_LTI_CLOCK_LEEWAY",
		"seconds of clock difference allowed when checking a token's exp and iat" },
	[PA_CFG_LTI_JWKS_CACHE_TTL] = {
		"lti_jwks_cache_ttl", PA_CONFIG_INT, 60, 604800, "3600",
		"PASSERELLE_LTI_JWKS_CACHE_TTL",
		"seconds a platform's public keys (JWKS) are kept before being fetched again" },
	[PA_CFG_LTI_OAUTH_WINDOW] = {
		"lti_oauth_window", PA_CONFIG_INT, 30, 3600, "300",
		"PASSERELLE_LTI_OAUTH_WINDOW",
		"seconds an LTI 1.1 oauth_timestamp may differ from our clock" },
	[PA_CFG_LTI_KEY_GRACE] = {
		"lti_key_grace", PA_CONFIG_INT, 3600, 31536000, "86400",
		"PASSERELLE_LTI_KEY_GRACE",
		"seconds a retired signing key stays published in the JWKS after `keys rotate`" },
	[PA_CFG_LTI_HTTP_TIMEOUT] = {
		"lti_http_timeout", PA_CONFIG_INT, 1, 300, "10",
		"PASSERELLE_LTI_HTTP_TIMEOUT",
		"seconds a request to a platform (keys, tokens, scores, registration) may take" },
	[PA_CFG_LTI_ALLOW_HTTP] = {
		"lti_allow_http", PA_CONFIG_BOOL, 0, 1, "false",
		"PASSERELLE_LTI_ALLOW_HTTP",
		"whether platform URLs may be plain http (for a test platform; never in production)" },
	[PA_CFG_LTI_GRADE_BACKOFF_MAX] = {
		"lti_grade_backoff_max", PA_CONFIG_INT, 1, 86400, "3600",
		"PASSERELLE_LTI_GRADE_BACKOFF_MAX",
		"most seconds between two tries of a score delivery the platform did not take" },
	[PA_CFG_LTI_GRADE_GIVE_UP] = {
		"lti_grade_give_up", PA_CONFIG_INT, 60, 31536000, "604800",
		"PASSERELLE_LTI_GRADE_GIVE_UP",
		"seconds after which a score never delivered is marked failed (retry it with `grades retry`)" },
	[PA_CFG_LTI_OUTBOX_KEEP] = {
		"lti_outbox_keep", PA_CONFIG_INT, 3600, 315360000, "2592000",
		"PASSERELLE_LTI_OUTBOX_KEEP",
		"seconds a delivered score stays in the outbox (`grades list --all`) before it is deleted; "
		"the latest of each learner and link stays" },
	[PA_CFG_LTI_OUTBOX_KEEP_FAILED] = {
		"lti_outbox_keep_failed", PA_CONFIG_INT, 0, 315360000, "31536000",
		"PASSERELLE_LTI_OUTBOX_KEEP_FAILED",
		"seconds a failed score stays in the outbox for `grades retry` after its last try; "
		"0: until retried" },
};

const pa_config_entry *pa_config_entries(void)
{
	return entries;
}

const pa_config_entry *pa_config_find(const char *name, pa_config_key *key_out)
{
	for (size_t k = 0; k < PA_CFG_COUNT; k++) {
		if (entries[k].name && strcmp(entries[k].name, name) == 0) {
			if (key_out)
				*key_out = (pa_config_key)k;
			return &entries[k];
		}
	}
	return NULL;
}

/* Put prefix before the last error's message (which cannot be its own source). */
static int PA_PRINTF(2, 3) wrap_error(int rc, const char *fmt, ...)
{
	char detail[512];
	pa_buf msg = PA_BUF_INIT;
	va_list ap;

	snprintf(detail, sizeof(detail), "%s", pa_error_last());
	va_start(ap, fmt);
	pa_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	pa_error_set(rc, "%s: %s", pa_buf_cstr(&msg), detail);
	pa_buf_dispose(&msg);
	return rc;
}

static bool is_text(pa_config_type t)
{
	return t == PA_CONFIG_STRING || t == PA_CONFIG_PATH;
}

static int parse_size(int64_t *out, const pa_config_entry *e, const char *str)
{
	pa_buf digits = PA_BUF_INIT;
	size_t len = strlen(str);
	double mult = 1;
	int64_t v;
	int rc;

	if (len > 1) {
		switch (str[len - 1]) {
		case 'k': case 'K': mult = KIB; break;
		case 'm': case 'M': mult = MIB; break;
		case 'g': case 'G': mult = GIB; break;
		case 't': case 'T': mult = TIB; break;
		default: break;
		}
	}
	if (mult > 1)
		len--;
	if ((rc = pa_buf_put(&digits, str, len)) != 0)
		goto done;
	if (!len || !isdigit((unsigned char)digits.ptr[0])) {
		rc = pa_error_set(PA_EPARSE, "%s: '%s' is not a size (a whole number of bytes, "
				  "optionally followed by K, M, G or T)", e->name, str);
		goto done;
	}
	if ((rc = pa_parse_int64(&v, digits.ptr, 0, INT64_MAX)) != 0 || (double)v * mult > e->max ||
	    (double)v * mult < e->min) {
		rc = rc == PA_EPARSE
			? pa_error_set(PA_EPARSE, "%s: '%s' is not a size (a whole number of bytes, "
				       "optionally followed by K, M, G or T)", e->name, str)
			: pa_error_set(PA_ELIMIT, "%s: %s is out of range (%.0f to %.0f bytes)",
				       e->name, str, e->min, e->max);
		goto done;
	}
	*out = (int64_t)((double)v * mult);
done:
	pa_buf_dispose(&digits);
	return rc;
}

static int parse_bool(int64_t *out, const pa_config_entry *e, const char *str)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < PA_ARRAY_SIZE(yes); i++) {
		if (strcmp(str, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(str, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return pa_error_set(PA_EPARSE, "%s: '%s' is not true or false", e->name, str);
}

/* Parse text into a value of e's type (a string is copied). */
static int parse_value(pa_config_value *out, const pa_config_entry *e, const char *str)
{
	int rc;

	switch (e->type) {
	case PA_CONFIG_INT:
		if ((rc = pa_parse_int64(&out->i, str, (int64_t)e->min, (int64_t)e->max)) != 0)
			return wrap_error(rc, "%s", e->name);
		return 0;
	case PA_CONFIG_SIZE:
		return parse_size(&out->i, e, str);
	case PA_CONFIG_DOUBLE:
		if ((rc = pa_parse_double(&out->d, str, e->min, e->max)) != 0)
			return wrap_error(rc, "%s", e->name);
		return 0;
	case PA_CONFIG_BOOL:
		return parse_bool(&out->i, e, str);
	case PA_CONFIG_PATH:
		if (!*str)
			return pa_error_set(PA_EPARSE, "%s: a path may not be empty", e->name);
		/* fall through */
	case PA_CONFIG_STRING:
		if (!(out->s = pa_strdup(str)))
			return PA_ENOMEM;
		return 0;
	}
	return pa_error_set(PA_EINVAL, "%s: unknown type", e->name);
}

int pa_config_init(pa_config *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	for (size_t k = 0; k < PA_CFG_COUNT; k++) {
		if ((rc = parse_value(&out->values[k], &entries[k], entries[k].def)) != 0) {
			pa_config_dispose(out);
			return rc;
		}
	}
	return 0;
}

void pa_config_dispose(pa_config *cfg)
{
	if (!cfg)
		return;
	for (size_t k = 0; k < PA_CFG_COUNT; k++) {
		if (is_text(entries[k].type)) {
			free(cfg->values[k].s);
			cfg->values[k].s = NULL;
		}
	}
}

int pa_config_set(pa_config *cfg, const char *name, const char *value)
{
	const pa_config_entry *e;
	pa_config_value v;
	pa_config_key key;
	int rc;

	if (!(e = pa_config_find(name, &key)))
		return pa_error_set(PA_ENOTFOUND, "'%s' is not a setting", name);
	if ((rc = parse_value(&v, e, value)) != 0)
		return rc;
	if (is_text(e->type))
		free(cfg->values[key].s);
	cfg->values[key] = v;
	return 0;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		end--;
	*end = '\0';
	return s;
}

int pa_config_set_pair(pa_config *cfg, const char *pair)
{
	char *copy = pa_strdup(pair), *eq;
	int rc;

	if (!copy)
		return PA_ENOMEM;
	if (!(eq = strchr(copy, '='))) {
		rc = pa_error_set(PA_EPARSE, "'%s' is not NAME=VALUE", pair);
		goto done;
	}
	*eq = '\0';
	rc = pa_config_set(cfg, trim(copy), trim(eq + 1));
done:
	free(copy);
	return rc;
}

int pa_config_load_env(pa_config *cfg)
{
	for (size_t k = 0; k < PA_CFG_COUNT; k++) {
		const char *v = getenv(entries[k].env);
		int rc;

		if (v && (rc = pa_config_set(cfg, entries[k].name, v)) != 0)
			return wrap_error(rc, "environment %s", entries[k].env);
	}
	return 0;
}

int pa_config_load_file(pa_config *cfg, const char *path)
{
	pa_buf text = PA_BUF_INIT;
	char *line, *next;
	unsigned lineno = 0;
	int rc;

	/* A configuration file is small; a huge one is a mistake. */
	if ((rc = pa_fs_read(&text, path, 1u << 20)) != 0)
		goto done;
	if (!text.ptr)
		goto done;
	if (memchr(text.ptr, '\0', text.len)) {
		rc = pa_error_set(PA_EPARSE, "%s: not a text file", path);
		goto done;
	}
	for (line = text.ptr; line; line = next) {
		char *eq, *hash, *name;

		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		name = trim(line);
		if (!*name)
			continue;
		if (!(eq = strchr(name, '='))) {
			rc = pa_error_set(PA_EPARSE, "%s:%u: expected 'name = value'", path, lineno);
			goto done;
		}
		*eq = '\0';
		if ((rc = pa_config_set(cfg, trim(name), trim(eq + 1))) != 0) {
			rc = wrap_error(rc, "%s:%u", path, lineno);
			goto done;
		}
	}
done:
	pa_buf_dispose(&text);
	return rc;
}

int64_t pa_config_int(const pa_config *cfg, pa_config_key key)
{
	return cfg->values[key].i;
}

uint64_t pa_config_size(const pa_config *cfg, pa_config_key key)
{
	return (uint64_t)cfg->values[key].i;
}

double pa_config_double(const pa_config *cfg, pa_config_key key)
{
	return cfg->values[key].d;
}

bool pa_config_bool(const pa_config *cfg, pa_config_key key)
{
	return cfg->values[key].i != 0;
}

const char *pa_config_string(const pa_config *cfg, pa_config_key key)
{
	return cfg->values[key].s;
}
