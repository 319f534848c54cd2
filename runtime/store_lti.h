/*
 * The store's LTI tables (schema: migration 2 in runtime/store_sqlite.c):
 * the tool's keys, LTI 1.3 platforms and deployments, LTI 1.1 consumers,
 * single-use values (OIDC state, OAuth nonces), resource links and where
 * their scores go, and the outbox of scores to deliver. Same rules as
 * runtime/store.h: 0 once on disk, pa_error codes, any thread, times in
 * Unix milliseconds.
 *
 * Learners of LTI launches use pa_store_learner_ensure with the subject
 *   "lti13 <issuer> <sub>"            (LTI 1.3: sub is unique per issuer)
 *   "lti11 <consumer key> <user_id>"  (LTI 1.1)
 */
#ifndef PA_STORE_LTI_H
#define PA_STORE_LTI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/store.h"

/* --- tool keys --- */

/* One of the tool's RS256 key pairs (lti/keys.h makes and uses them). */
typedef struct pa_store_lti_key {
	int64_t id;
	char *kid;             /* RFC 7638 thumbprint */
	char *private_pem;     /* PKCS#8 PEM */
	char *public_jwk;      /* the public JWK, JSON text */
	int64_t created;
	int64_t retired;       /* 0: current */
} pa_store_lti_key;

void pa_store_lti_key_dispose(pa_store_lti_key *k);

/* Add in (id ignored) as the first key: PA_EEXISTS, nothing written, when
 * a key not retired is already there (another process made it first). */
int pa_store_lti_key_add_first(pa_store *store, const pa_store_lti_key *in);

/* Add in and retire every other current key at in->created, in one
 * transaction: of two rotations at once, the later one is current. */
int pa_store_lti_key_rotate(pa_store *store, const pa_store_lti_key *in);

/* Every key, the current first (newest created, then highest id). */
int pa_store_lti_key_list(pa_store_lti_key **out, size_t *count, pa_store *store);
void pa_store_lti_key_list_free(pa_store_lti_key *list, size_t count);

/* --- platforms and deployments (LTI 1.3) --- */

typedef struct pa_store_platform {
	int64_t id;
	char *issuer;          /* iss of its id_tokens */
	char *client_id;       /* our client id there: aud of its id_tokens */
	char *name;            /* for admins; may be NULL */
	char *auth_url;        /* OIDC authorization endpoint */
	char *token_url;       /* OAuth 2 token endpoint (AGS) */
	char *jwks_url;        /* its public keys */
	char *token_audience;  /* aud of our client assertions when not token_url; may be NULL */
	int64_t created;
	char **deployments;    /* deployment ids (get and find fill them; lists too) */
	size_t ndeployments;
} pa_store_platform;

void pa_store_platform_dispose(pa_store_platform *p);

/* Register a platform (id, created and deployments of in ignored); PA_EEXISTS
 * when (issuer, client_id) is taken. *out its id. */
int pa_store_platform_add(int64_t *out, pa_store *store, const pa_store_platform *in);

int pa_store_platform_get(pa_store_platform *out, pa_store *store, int64_t id);

/* The platform of issuer and client_id; with client_id NULL, the only one of
 * issuer (PA_EINVALID when it has several: the caller needs client_id). */
int pa_store_platform_find(pa_store_platform *out, pa_store *store, const char *issuer, const char *client_id);

int pa_store_platform_list(pa_store_platform **out, size_t *count, pa_store *store);
void pa_store_platform_list_free(pa_store_platform *list, size_t count);

/* Remove a platform and its deployments (links and attempts stay, for the record). */
int pa_store_platform_remove(pa_store *store, int64_t id);

/* Add a deployment id (adding one already there is not an error). */
int pa_store_deployment_add(pa_store *store, int64_t platform_id, const char *deployment_id);

/* 0 when deployment_id is registered for the platform, else PA_ENOTFOUND. */
int pa_store_deployment_check(pa_store *store, int64_t platform_id, const char *deployment_id);

/* --- consumers (LTI 1.1) --- */

typedef struct pa_store_consumer {
	int64_t id;
	char *key;       /* oauth_consumer_key */
	char *secret;    /* the shared secret (HMAC needs it as is) */
	char *name;      /* may be NULL */
	int64_t created;
} pa_store_consumer;

void pa_store_consumer_dispose(pa_store_consumer *c);

/* PA_EEXISTS when key is taken; *out the id. */
int pa_store_consumer_add(int64_t *out, pa_store *store, const char *key, const char *secret, const char *name);
int pa_store_consumer_get(pa_store_consumer *out, pa_store *store, const char *key);
int pa_store_consumer_by_id(pa_store_consumer *out, pa_store *store, int64_t id);
/* Every consumer, oldest first, secrets included (the CLI does not print them). */
int pa_store_consumer_list(pa_store_consumer **out, size_t *count, pa_store *store);
void pa_store_consumer_list_free(pa_store_consumer *list, size_t count);
int pa_store_consumer_remove(pa_store *store, const char *key);

/* --- single-use values --- */

/*
 * Remember value in scope until expires (ms), with data (may be NULL):
 * PA_EEXISTS when it is already there and not expired (a replay). Scopes:
 * "state" (OIDC login state, data what the launch needs), "oauth1 <key>"
 * (LTI 1.1 nonces). Expired values are purged on the way.
 */
int pa_store_nonce_put(pa_store *store, const char *scope, const char *value, const char *data, int64_t expires);

/* Take value of scope (it is gone after): 0 and *out (may be NULL) its
 * data (NULL if none) when it was there and not expired, else PA_ENOTFOUND. */
int pa_store_nonce_take(char **out, pa_store *store, const char *scope, const char *value);

/* --- links, learners, grade targets --- */

typedef struct pa_store_lti_link {
	int64_t id;
	int lti_version;           /* 11 or 13 */
	int64_t owner_id;          /* pa_store_consumer.id (11) or pa_store_platform.id (13) */
	char *resource_link_id;
	char *deployment_id;       /* 13 */
	char *context_id;          /* the LMS course */
	char *context_title;
	char *title;
	int64_t package_id;        /* 0: none chosen yet */
	char *lineitem;            /* AGS line item URL (13), or NULL */
	char *outcome_url;         /* lis_outcome_service_url (11), or NULL */
	int64_t created, updated;
} pa_store_lti_link;

void pa_store_lti_link_dispose(pa_store_lti_link *l);

/*
 * The link of (in->lti_version, in->owner_id, in->resource_link_id),
 * created if new; on an existing one the text fields of in that are not
 * NULL, and package_id when not 0, replace what is stored. *out (may be
 * NULL) the row as it now is.
 */
int pa_store_lti_link_upsert(pa_store_lti_link *out, pa_store *store, const pa_store_lti_link *in);

int pa_store_lti_link_get(pa_store_lti_link *out, pa_store *store, int64_t id);

/*
 * attempt was made through link (the link's page lists it), and its scores
 * go there naming the learner user_ref (AGS userId, or LTI 1.1
 * lis_result_sourcedid). user_ref NULL or "": no scores go back from this
 * launch (a ref set before is kept); set again, a non-empty user_ref
 * replaces the one stored.
 */
int pa_store_lti_grade_target_set(pa_store *store, int64_t attempt_id, int64_t link_id, const char *user_ref);

/* A launch, recorded in one transaction (one disk sync): see pa_store_lti_launch_record. */
typedef struct pa_store_lti_launch_in {
	const char *subject, *name;        /* the learner (pa_store_learner_ensure) */
	const pa_store_lti_link *link;     /* pa_store_lti_link_upsert's in */
	bool attempt;                      /* find or make the learner's attempt (not for instructors) */
	bool new_after_completion;         /* a completed or passed latest attempt gives a new one */
	const char *user_ref;              /* pa_store_lti_grade_target_set's */
	const char *nonce_scope, *nonce;   /* when set, a single-use value used now (PA_EEXISTS: a replay) */
	int64_t nonce_expires;
} pa_store_lti_launch_in;

typedef struct pa_store_lti_launch_out {
	int64_t learner_id;
	pa_store_lti_link link;            /* as it now is (dispose it) */
	int64_t attempt_id;                /* 0: none asked, or the link has no package */
	bool new_attempt;
} pa_store_lti_launch_out;

/*
 * Everything a launch records, all or nothing: the single-use value, the
 * learner, the link, the learner's attempt on the link's package (their
 * latest on any version, or a new one on the latest version when they
 * have none, or per new_after_completion) and its grade target.
 */
int pa_store_lti_launch_record(pa_store_lti_launch_out *out, pa_store *store, const pa_store_lti_launch_in *in);

/* An attempt made through a link, for the people who teach there. */
typedef struct pa_store_lti_link_attempt {
	int64_t attempt_id;
	int64_t learner_id;
	char *learner_subject;
	char *learner_name;        /* may be NULL */
	char *completion_status;
	char *success_status;
	double score_scaled;
	bool has_score;
	int64_t last_seq;
	int64_t created, updated;  /* updated: the last commit */
} pa_store_lti_link_attempt;

/* The attempts with a grade target on link, latest activity first. */
int pa_store_lti_link_attempts(pa_store_lti_link_attempt **out, size_t *count, pa_store *store, int64_t link_id);
void pa_store_lti_link_attempts_free(pa_store_lti_link_attempt *list, size_t count);

/* Some of a link's attempts, for a page of them or a batch of an export. */
typedef struct pa_store_lti_attempts_query {
	int64_t link_id;
	bool by_id;          /* attempt id order after after_id: each attempt once, whatever
			      * learners do between two batches (exports); else latest
			      * activity first (then newest attempt), skipping offset */
	int64_t after_id;    /* by_id: the last attempt of the previous batch; 0 at first */
	size_t offset;       /* not by_id */
	size_t max;          /* at most this many; 0: all */
} pa_store_lti_attempts_query;

/* The attempts q asks for; *total (may be NULL) how many the link has in all. */
int pa_store_lti_link_attempts_query(pa_store_lti_link_attempt **out, size_t *count, int64_t *total, pa_store *store,
				     const pa_store_lti_attempts_query *q);

/* --- outbox --- */

/*
 * Scores on their way to the platforms. A commit that changes an attempt's
 * completion, success or score writes one row per grade target of the
 * attempt in its own transaction (so does setting a grade target on an
 * attempt that already has a status); lti/outbox.c delivers them. Per
 * target (link, user_ref) rows are delivered in id order with strictly
 * increasing timestamps: only the oldest pending row of a target is due,
 * and a newer pending row supersedes the older ones (they are marked sent,
 * last_answer "superseded by #id", and never delivered after it).
 */
typedef enum pa_outbox_state {
	PA_OUTBOX_PENDING,
	PA_OUTBOX_SENT,
	PA_OUTBOX_FAILED
} pa_outbox_state;

typedef struct pa_store_lti_outbox_row {
	int64_t id;
	int64_t attempt_id;
	int64_t link_id;
	char *user_ref;            /* AGS userId, or LTI 1.1 lis_result_sourcedid */
	char *completion_status;   /* the attempt's, when the row was written */
	char *success_status;
	double score_scaled;       /* -1..1 when has_score */
	bool has_score;
	int64_t timestamp;         /* ms; strictly increasing per target */
	pa_outbox_state state;
	int64_t tries;
	int64_t next_try;          /* ms */
	long last_status;          /* HTTP status of the last try; 0: none came */
	char *last_answer;         /* what the platform (or the network) said; may be NULL */
	int64_t created, sent;     /* sent: 0 until delivered or superseded */
	/* Where it goes (filled by due and list from the link and its owner). */
	int lti_version;           /* 11 or 13 */
	int64_t owner_id;          /* platform (13) or consumer (11) id */
	char *lineitem;            /* 13: the AGS line item URL; may be NULL */
	char *client_id;           /* 13: the platform's, may be NULL if it was removed */
	char *token_url;
	char *token_audience;      /* may be NULL */
	char *outcome_url;         /* 11: lis_outcome_service_url; may be NULL */
	char *consumer_key;        /* 11; may be NULL if the consumer was removed */
	char *consumer_secret;
} pa_store_lti_outbox_row;

void pa_store_lti_outbox_row_dispose(pa_store_lti_outbox_row *row);
void pa_store_lti_outbox_rows_free(pa_store_lti_outbox_row *rows, size_t count);

/*
 * The rows due at now, at most max, oldest next_try first: first the
 * pending rows that a newer pending row of the same target supersedes are
 * marked so (the newer one keeps the later of their next_try: a backoff
 * carries over), then for each target its oldest pending row, if due.
 */
int pa_store_lti_outbox_due(pa_store_lti_outbox_row **out, size_t *count, pa_store *store, int64_t now,
			    size_t max);

/* The earliest next_try of a pending row (ms), or PA_ENOTFOUND when none is pending. */
int pa_store_lti_outbox_next(int64_t *out, pa_store *store);

/* What a delivery try of row id came to. */
typedef struct pa_store_lti_outbox_result {
	int64_t id;
	bool tried;                /* false: not tried (its platform is not answering another
				    * score), only put off until next_try (or later) */
	pa_outbox_state state;     /* SENT, FAILED, or PENDING (try again at next_try) */
	long status;               /* HTTP status; 0 when no answer came */
	const char *answer;        /* may be NULL */
	int64_t next_try;          /* when PENDING */
	int64_t now;
} pa_store_lti_outbox_result;

/*
 * Record the tries of a batch (tries + 1 for each tried row), in one
 * transaction. A row that is not pending any more (an admin's doing) is
 * left alone: *recorded (may be NULL) counts the others.
 */
int pa_store_lti_outbox_record(size_t *recorded, pa_store *store, const pa_store_lti_outbox_result *r, size_t n);

/* Which rows a list shows. */
typedef enum pa_outbox_filter {
	PA_OUTBOX_UNDELIVERED,     /* pending and failed */
	PA_OUTBOX_ONLY_PENDING,
	PA_OUTBOX_ONLY_FAILED,
	PA_OUTBOX_ONLY_SENT,
	PA_OUTBOX_ALL
} pa_outbox_filter;

/* The rows filter shows, newest first, at most max (0: no limit). */
int pa_store_lti_outbox_list(pa_store_lti_outbox_row **out, size_t *count, pa_store *store, pa_outbox_filter filter,
			     size_t max);

/*
 * Make failed row id (0: every failed row) pending again, due at now, its
 * clock for lti_grade_give_up started again. A failed row that a newer row
 * of its target follows is not sent again (its score would be older than
 * what the platform has): it is marked superseded. *retried (may be NULL)
 * how many became pending, *superseded (may be NULL) how many were marked.
 * PA_ENOTFOUND when id is no failed row.
 */
int pa_store_lti_outbox_retry(int64_t *retried, int64_t *superseded, pa_store *store, int64_t id, int64_t now);

/*
 * Housekeeping: old rows deleted a batch at a time, never a pending one.
 * A sent row (delivered, or superseded) goes once it was sent and due
 * before sent_before, unless it is the newest row of its attempt at its
 * target: that one says what the platform was last told (the next commit
 * is compared with it, the next timestamp follows it). A failed row goes
 * once its last try was due before failed_before (0: failed rows stay
 * until an admin retries them).
 *
 * A call looks at no more than max sent rows, from where the last call
 * stopped (cursor: zero it to start over), and deletes no more than max
 * failed rows: *deleted (may be NULL) counts the rows deleted, *more is
 * true when rows may be left to look at (call again), false when the
 * table was gone through (cursor zeroed for the next round).
 */
typedef struct pa_store_lti_outbox_cursor {
	int64_t next_try, id;
} pa_store_lti_outbox_cursor;

int pa_store_lti_outbox_purge(int64_t *deleted, bool *more, pa_store *store, pa_store_lti_outbox_cursor *cursor,
			      int64_t sent_before, int64_t failed_before, size_t max);

/*
 * The worker's wake-up: pa_store_lti_outbox_wait returns true when a row
 * has been written since *seen (which it updates), false after timeout_ms.
 * It is process-wide (a spurious wake-up only costs a look at the table),
 * since the rows are written deep in the commit path. The signal comes
 * from inside the writing transaction: a reader may not see the row yet,
 * a write job (pa_store_lti_outbox_due) queued after it does.
 */
bool pa_store_lti_outbox_wait(uint64_t *seen, int64_t timeout_ms);
/* Called by a backend when it wrote rows. */
void pa_store_lti_outbox_notify(void);

#endif
