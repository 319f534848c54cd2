/* The grade delivery worker (lti/outbox.h). */
#include "lti/outbox.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"
#include "lti/internal.h"
#include "lti/keys.h"
#include "runtime/store_lti.h"

/* Rows taken at once: small, so that a stop does not wait for many deliveries. */
#define BATCH 16
/* The worker looks at the table at least this often (ms). */
#define IDLE_MS 1000
/* Housekeeping: sent rows looked at (and failed rows deleted) per batch, a
 * batch per turn of the worker while a round lasts, a round this often (ms). */
#define PURGE_BATCH 500
#define PURGE_EVERY_MS (10 * 60 * 1000)

struct pa_lti_outbox {
	pa_lti_outbox_config cfg;
	pa_ags_client *ags;
	pthread_t thread;
	bool started;
	atomic_bool stopping;
	/* the worker's housekeeping */
	pa_store_lti_outbox_cursor cursor;
	int64_t purge_at, purged;
};

int64_t pa_lti_outbox_backoff_ms(int64_t tries, long retry_after_s, int64_t max_s)
{
	int64_t max_ms = (max_s > 0 ? max_s : 1) * 1000, ms = 1000;

	for (int64_t i = 1; i < tries && ms < max_ms; i++)
		ms *= 2;
	if (retry_after_s > 0 && (int64_t)retry_after_s * 1000 > ms)
		ms = (int64_t)retry_after_s * 1000;
	return ms < max_ms ? ms : max_ms;
}

int pa_lti_outbox_new(pa_lti_outbox **out, const pa_lti_outbox_config *cfg)
{
	pa_lti_outbox *o;
	int rc;

	*out = NULL;
	if (!(o = calloc(1, sizeof(*o))))
		return pa_error_set(PA_ENOMEM, "outbox: out of memory");
	o->cfg = *cfg;
	atomic_init(&o->stopping, false);
	if ((rc = pa_ags_client_new(&o->ags, cfg->sign, cfg->sign_ctx, cfg->timeout_s, cfg->allow_http)) != 0) {
		free(o);
		return rc;
	}
	*out = o;
	return 0;
}

/* A try: 0 delivered, PA_EIO to try again, another error to fail the row; answer and status filled. */
static int deliver(long *status, long *retry_after_s, pa_buf *answer, pa_lti_outbox *o,
		   const pa_store_lti_outbox_row *row)
{
	int rc;

	*status = 0;
	*retry_after_s = -1;
	if (row->lti_version == 13) {
		pa_ags_platform p = { row->owner_id, row->client_id, row->token_url, row->token_audience };
		pa_ags_score s = { row->user_ref, row->completion_status, row->success_status, row->has_score,
				   row->score_scaled, row->timestamp };
		pa_ags_outcome out;

		if (!row->lineitem) {
			pa_buf_puts(answer, "the link has no AGS line item: the platform did not offer one at launch");
			return PA_EINVALID;
		}
		pa_ags_outcome_init(&out);
		rc = pa_ags_send_score(&out, o->ags, &p, row->lineitem, &s);
		*status = out.status;
		*retry_after_s = out.retry_after_s;
		pa_buf_puts(answer, pa_buf_cstr(&out.answer));
		pa_ags_outcome_dispose(&out);
		return rc;
	}
	if (!row->outcome_url || !row->consumer_key) {
		pa_buf_puts(answer, !row->outcome_url ? "the link has no lis_outcome_service_url"
						      : "the LTI 1.1 consumer was removed");
		return PA_EINVALID;
	}
	if (!row->has_score) {
		/* Basic Outcomes carries a score and nothing else: no grade to give yet. */
		pa_buf_puts(answer, "nothing to send: LTI 1.1 outcomes carry only a score, and there is none yet");
		return 0;
	} else {
		pa_lti11_outcome oc = { row->outcome_url, row->consumer_key, row->consumer_secret, row->user_ref,
					row->score_scaled < 0 ? 0 : row->score_scaled > 1 ? 1 : row->score_scaled,
					o->cfg.timeout_s, o->cfg.allow_http };

		if (!o->cfg.send11) {
			pa_buf_puts(answer, "LTI 1.1 outcomes are not available in this build");
			return PA_EIO;
		}
		rc = o->cfg.send11(status, answer, &oc);
		if (rc && !answer->len)
			pa_buf_puts(answer, pa_error_last());
		return rc;
	}
}

/* Try row: *res what came of it, its answer kept in answer. */
static void handle(pa_store_lti_outbox_result *res, pa_buf *answer, pa_lti_outbox *o,
		   const pa_store_lti_outbox_row *row, int64_t now)
{
	long retry_after_s;
	int rc;

	rc = deliver(&res->status, &retry_after_s, answer, o, row);
	res->id = row->id;
	res->tried = true;
	res->now = pa_store_now_ms();
	res->next_try = row->next_try;
	if (rc == 0) {
		res->state = PA_OUTBOX_SENT;
		pa_info("lti: score #%lld delivered (link %lld, learner %s, try %lld): %s", (long long)row->id,
			(long long)row->link_id, row->user_ref, (long long)row->tries + 1, pa_buf_cstr(answer));
	} else if (rc == PA_EIO && now - row->created < o->cfg.give_up_s * 1000) {
		res->state = PA_OUTBOX_PENDING;
		res->next_try = res->now + pa_lti_outbox_backoff_ms(row->tries + 1, retry_after_s, o->cfg.backoff_max_s);
		pa_warn("lti: score #%lld not delivered (link %lld, learner %s, try %lld), next try in %lld s: %s",
			(long long)row->id, (long long)row->link_id, row->user_ref, (long long)row->tries + 1,
			(long long)((res->next_try - res->now + 999) / 1000), pa_buf_cstr(answer));
	} else {
		res->state = PA_OUTBOX_FAILED;
		if (rc == PA_EIO) {
			pa_buf why = PA_BUF_INIT;

			pa_buf_init(&why, answer->max + 64);
			pa_buf_printf(&why, "gave up after %lld tries: %s", (long long)row->tries + 1, pa_buf_cstr(answer));
			pa_buf_dispose(answer);
			*answer = why;
		}
		pa_err("lti: score #%lld failed (link %lld, learner %s, try %lld): %s (passerelle grades retry %lld)",
		       (long long)row->id, (long long)row->link_id, row->user_ref, (long long)row->tries + 1,
		       pa_buf_cstr(answer), (long long)row->id);
	}
	res->answer = NULL;   /* set by the caller once every answer is final */
}

/* look_first: ask a reader whether anything is due before taking the writer. */
static int run(size_t *handled, pa_lti_outbox *o, int64_t now, bool look_first)
{
	pa_store_lti_outbox_row *rows = NULL;
	pa_store_lti_outbox_result res[BATCH];
	pa_buf answers[BATCH];
	struct {
		int lti_version;
		int64_t owner_id, until;
	} down[BATCH];
	size_t n = 0, i, nres = 0, ndown = 0;
	int64_t next;
	int rc;

	if (handled)
		*handled = 0;
	if (look_first) {
		rc = pa_store_lti_outbox_next(&next, o->cfg.store);
		if (rc == PA_ENOTFOUND || (rc == 0 && next > now))
			return 0;
		if (rc)
			return rc;
	}
	if ((rc = pa_store_lti_outbox_due(&rows, &n, o->cfg.store, now, BATCH)) != 0)
		return rc;
	for (i = 0; i < n && !atomic_load(&o->stopping); i++) {
		const pa_store_lti_outbox_row *row = &rows[i];
		pa_store_lti_outbox_result *r = &res[nres];
		size_t k;

		pa_buf_init(&answers[nres], 2048);
		nres++;
		/* A platform that did not answer one score is not asked again in this batch:
		 * its other scores wait as long (a down LMS must not hold the others up). */
		for (k = 0; k < ndown; k++)
			if (down[k].lti_version == row->lti_version && down[k].owner_id == row->owner_id)
				break;
		if (k < ndown) {
			memset(r, 0, sizeof(*r));
			r->id = row->id;
			r->state = PA_OUTBOX_PENDING;
			r->next_try = down[k].until;
			continue;
		}
		handle(r, &answers[nres - 1], o, row, now);
		if (r->state == PA_OUTBOX_PENDING) {
			down[ndown].lti_version = row->lti_version;
			down[ndown].owner_id = row->owner_id;
			down[ndown].until = r->next_try;
			ndown++;
		}
	}
	/* One transaction for the batch. Killed before it, the scores delivered are sent
	 * again with the same timestamps: the platform sees the same scores again. */
	for (size_t k = 0; k < nres; k++)
		res[k].answer = res[k].tried ? pa_buf_cstr(&answers[k]) : NULL;
	if ((rc = pa_store_lti_outbox_record(NULL, o->cfg.store, res, nres)) != 0)
		pa_warn("lti: grade delivery: the outcomes of %zu score(s) are not recorded: %s", nres, pa_error_last());
	for (size_t k = 0; k < nres; k++)
		pa_buf_dispose(&answers[k]);
	if (handled)
		*handled = i;
	pa_store_lti_outbox_rows_free(rows, n);
	return 0;
}

int pa_lti_outbox_run_once(size_t *handled, pa_lti_outbox *o, int64_t now)
{
	return run(handled, o, now, true);
}

int pa_lti_outbox_purge_once(int64_t *deleted, bool *more, pa_lti_outbox *o, int64_t now)
{
	int64_t sent_before = o->cfg.keep_s > 0 ? now - o->cfg.keep_s * 1000 : 0;
	int64_t failed_before = o->cfg.keep_failed_s > 0 ? now - o->cfg.keep_failed_s * 1000 : 0;

	return pa_store_lti_outbox_purge(deleted, more, o->cfg.store, &o->cursor, sent_before, failed_before,
					 PURGE_BATCH);
}

/* The worker's turn of housekeeping, when one is due. */
static void purge(pa_lti_outbox *o, int64_t now)
{
	int64_t deleted = 0;
	bool more = false;

	if (now < o->purge_at || (o->cfg.keep_s <= 0 && o->cfg.keep_failed_s <= 0))
		return;
	if (pa_lti_outbox_purge_once(&deleted, &more, o, now) != 0) {
		pa_warn("lti: grade delivery: deleting old scores: %s", pa_error_last());
		more = false;
	}
	o->purged += deleted;
	if (more) {
		o->purge_at = now;   /* the next turn goes on */
		return;
	}
	if (o->purged)
		pa_info("lti: %lld delivered or failed score(s) older than lti_outbox_keep(_failed) deleted",
			(long long)o->purged);
	o->purged = 0;
	o->purge_at = now + PURGE_EVERY_MS;
}

static void *worker(void *arg)
{
	pa_lti_outbox *o = arg;
	uint64_t seen = 0;
	bool woken = true;

	while (!atomic_load(&o->stopping)) {
		int64_t now = pa_store_now_ms(), next, wait = IDLE_MS;
		size_t handled = 0;

		/* Woken by a commit, the row may not be visible to readers yet: ask the writer,
		 * which runs after that commit. An idle outbox costs the writer nothing. */
		if (run(&handled, o, now, !woken) != 0)
			pa_warn("lti: grade delivery: %s", pa_error_last());
		purge(o, now);
		if (handled == BATCH)
			continue;   /* more may be due */
		if (pa_store_lti_outbox_next(&next, o->cfg.store) == 0 && next - now < wait)
			wait = next > now ? next - now : 0;
		woken = false;
		if (wait > 0 || handled == 0)
			woken = pa_store_lti_outbox_wait(&seen, wait > 0 ? wait : IDLE_MS);
	}
	return NULL;
}

int pa_lti_outbox_start(pa_lti_outbox *o)
{
	int err;

	if (o->started)
		return 0;
	if ((err = pthread_create(&o->thread, NULL, worker, o)) != 0)
		return pa_error_set(PA_ERROR, "outbox: cannot start the worker thread (error %d)", err);
	o->started = true;
	return 0;
}

void pa_lti_outbox_free(pa_lti_outbox *o)
{
	if (!o)
		return;
	if (o->started) {
		atomic_store(&o->stopping, true);
		pa_store_lti_outbox_notify();
		pthread_join(o->thread, NULL);
	}
	pa_ags_client_free(o->ags);
	free(o);
}

/* --- the server's worker (lti/lti.c) --- */

/* Client assertions are signed with the server's keyring (pa_lti_new made it). */
static int sign_with_keyring(pa_buf *out, void *ctx, const json_t *claims)
{
	pa_lti *lti = ctx;

	if (!lti->keys)
		return pa_error_set(PA_EINVALID, "lti: the tool has no key to sign with");
	return pa_lti_keyring_sign(out, lti->keys, claims);
}

int pa_lti_grades_start(pa_lti *lti)
{
	pa_lti_outbox_config cfg = {
		.store = lti->store,
		.sign = sign_with_keyring,
		.sign_ctx = lti,
		.send11 = pa_lti11_outcome_replace,
		.timeout_s = (long)pa_config_int(lti->cfg, PA_CFG_LTI_HTTP_TIMEOUT),
		.allow_http = pa_config_bool(lti->cfg, PA_CFG_LTI_ALLOW_HTTP),
		.backoff_max_s = pa_config_int(lti->cfg, PA_CFG_LTI_GRADE_BACKOFF_MAX),
		.give_up_s = pa_config_int(lti->cfg, PA_CFG_LTI_GRADE_GIVE_UP),
		.keep_s = pa_config_int(lti->cfg, PA_CFG_LTI_OUTBOX_KEEP),
		.keep_failed_s = pa_config_int(lti->cfg, PA_CFG_LTI_OUTBOX_KEEP_FAILED),
	};
	int rc;

	if (lti->outbox)
		return 0;
	if ((rc = pa_lti_outbox_new(&lti->outbox, &cfg)) != 0)
		return rc;
	if ((rc = pa_lti_outbox_start(lti->outbox)) != 0) {
		pa_lti_outbox_free(lti->outbox);
		lti->outbox = NULL;
	}
	return rc;
}

void pa_lti_grades_stop(pa_lti *lti)
{
	pa_lti_outbox_free(lti->outbox);
	lti->outbox = NULL;
}
