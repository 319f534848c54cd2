/*
 * Grade delivery: a worker thread that takes the outbox's due rows
 * (runtime/store_lti.h) and delivers them, LTI 1.3 through AGS (lti/ags.h)
 * and LTI 1.1 through Basic Outcomes (lti/lti11.h), one at a time, in
 * order per learner and link. A try that got no answer, a 5xx, a 429 or a
 * timeout is tried again after a backoff; another 4xx fails the row with
 * the platform's answer; a row still pending lti_grade_give_up seconds
 * after it was written fails at its next unsuccessful try. Everything is
 * in the table, so a restart goes on where the last run stopped.
 *
 * The worker also keeps the table small: rows delivered lti_outbox_keep
 * seconds ago, and failed rows last tried lti_outbox_keep_failed seconds
 * ago, are deleted a batch at a time (pa_store_lti_outbox_purge), a round
 * every few minutes. Pending rows are never deleted.
 */
#ifndef PA_LTI_OUTBOX_H
#define PA_LTI_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lti/ags.h"
#include "lti/lti11.h"
#include "runtime/store.h"

typedef struct pa_lti_outbox pa_lti_outbox;

/* Sends an LTI 1.1 replaceResult (pa_lti11_outcome_replace, or a test's). */
typedef int (*pa_lti11_sender)(long *status, pa_buf *answer, const pa_lti11_outcome *o);

typedef struct pa_lti_outbox_config {
	pa_store *store;
	pa_ags_signer sign;          /* client assertions (the tool's keyring) */
	void *sign_ctx;
	pa_lti11_sender send11;
	long timeout_s;              /* lti_http_timeout */
	bool allow_http;             /* lti_allow_http */
	int64_t backoff_max_s;       /* lti_grade_backoff_max */
	int64_t give_up_s;           /* lti_grade_give_up */
	int64_t keep_s;              /* lti_outbox_keep; 0: delivered rows are kept */
	int64_t keep_failed_s;       /* lti_outbox_keep_failed; 0: failed rows are kept */
} pa_lti_outbox_config;

int pa_lti_outbox_new(pa_lti_outbox **out, const pa_lti_outbox_config *cfg);

/* Start the worker: woken when a score is queued, and every second. */
int pa_lti_outbox_start(pa_lti_outbox *o);

/* Stop the worker (the delivery under way finishes; the rest stays queued), free. Accepts NULL. */
void pa_lti_outbox_free(pa_lti_outbox *o);

/* Deliver what is due at now (at most a batch), in this thread: *handled how many rows were tried. */
int pa_lti_outbox_run_once(size_t *handled, pa_lti_outbox *o, int64_t now);

/*
 * One batch of housekeeping at now, in this thread (the worker runs them
 * itself): *deleted how many rows went, *more whether the round goes on.
 */
int pa_lti_outbox_purge_once(int64_t *deleted, bool *more, pa_lti_outbox *o, int64_t now);

/*
 * Milliseconds before the next try of a row tried `tries` times (1, 2...):
 * 1 s doubled at each try, at least the platform's Retry-After (seconds,
 * -1 when none), at most max_s.
 */
int64_t pa_lti_outbox_backoff_ms(int64_t tries, long retry_after_s, int64_t max_s);

/* The server's worker, configured from its settings (pa_lti_start, pa_lti_free). */
struct pa_lti;
int pa_lti_grades_start(struct pa_lti *lti);
void pa_lti_grades_stop(struct pa_lti *lti);

/* GET /lti/admin/grades[?state=undelivered|pending|failed|sent|all&limit=N] (admin token): JSON. */
enum MHD_Result pa_lti_grades_admin(pa_http_request *r, struct pa_lti *lti, const char *rest);

#endif
