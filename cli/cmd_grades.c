/* passerelle grades: the scores on their way to the LMSs, and retrying those that failed. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/util.h"
#include "runtime/store.h"
#include "runtime/store_lti.h"

void pa_cmd_grades_usage(FILE *out)
{
	fputs("usage: passerelle grades list  [--pending|--failed|--all] [--data DIR] [--config FILE]\n"
	      "       passerelle grades retry (ID|--all-failed)            [--data DIR] [--config FILE]\n\n"
	      "Scores go from 'passerelle serve' to the LMSs (LTI 1.3 AGS, LTI 1.1 outcomes) through an\n"
	      "outbox kept in the data folder: a score that the LMS cannot take now is tried again with\n"
	      "a growing delay (lti_grade_backoff_max), and fails when the LMS refuses it (a 4xx) or\n"
	      "after lti_grade_give_up seconds.\n\n"
	      "list    the scores not delivered yet (pending and failed), newest first, one per line:\n"
	      "        ID STATE TRIES LINK LEARNER COMPLETION SUCCESS SCORE CREATED NEXT-TRY|SENT HTTP ANSWER\n"
	      "        (tab-separated; '-' where there is nothing). ANSWER is what the LMS said last.\n"
	      "  --pending     only the scores still being tried\n"
	      "  --failed      only the scores that failed\n"
	      "  --all         every score, delivered ones too (kept lti_outbox_keep seconds)\n"
	      "retry   queue failed score ID again, or every failed one; the server sends it within a\n"
	      "        second. A failed score that a newer one of the same learner and link follows is\n"
	      "        not sent (the LMS would get an older grade): it is marked superseded.\n\n"
	      "options:\n"
	      "  --data DIR           the data folder (default: the data_dir setting)\n"
	      "  --config FILE        read settings from FILE (default: $PASSERELLE_CONFIG)\n\n"
	      "exit codes: 0 done, 1 failed (no such failed score), 2 usage error\n", out);
}

static void put_time(pa_buf *out, int64_t ms)
{
	if (ms)
		pa_buf_put_utc(out, ms);
	else
		pa_buf_putc(out, '-');
}

/* A field of one line: tabs and line breaks of what a platform said become spaces. */
static void put_field(pa_buf *out, const char *s)
{
	if (!s || !*s) {
		pa_buf_putc(out, '-');
		return;
	}
	for (; *s; s++)
		pa_buf_putc(out, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static const char *state_name(pa_outbox_state s)
{
	return s == PA_OUTBOX_PENDING ? "pending" : s == PA_OUTBOX_SENT ? "sent" : "failed";
}

static int run_list(pa_store *store, bool pending, bool failed, bool all)
{
	pa_store_lti_outbox_row *rows = NULL;
	size_t n = 0;
	int rc;

	rc = pa_store_lti_outbox_list(&rows, &n, store, pending ? PA_OUTBOX_ONLY_PENDING : failed ? PA_OUTBOX_ONLY_FAILED
						: all ? PA_OUTBOX_ALL : PA_OUTBOX_UNDELIVERED, 0);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const pa_store_lti_outbox_row *r = &rows[i];
		pa_buf line = PA_BUF_INIT;

		pa_buf_printf(&line, "%lld\t%s\t%lld\t%lld\t", (long long)r->id, state_name(r->state),
			      (long long)r->tries, (long long)r->link_id);
		put_field(&line, r->user_ref);
		pa_buf_putc(&line, '\t');
		put_field(&line, r->completion_status);
		pa_buf_putc(&line, '\t');
		put_field(&line, r->success_status);
		if (r->has_score)
			pa_buf_printf(&line, "\t%.4g\t", r->score_scaled);
		else
			pa_buf_puts(&line, "\t-\t");
		put_time(&line, r->created);
		pa_buf_putc(&line, '\t');
		put_time(&line, r->state == PA_OUTBOX_PENDING ? r->next_try : r->sent);
		if (r->last_status)
			pa_buf_printf(&line, "\t%ld\t", r->last_status);
		else
			pa_buf_puts(&line, "\t-\t");
		put_field(&line, r->last_answer);
		if (pa_buf_error(&line) == 0)
			printf("%s\n", line.ptr);
		pa_buf_dispose(&line);
	}
	pa_store_lti_outbox_rows_free(rows, n);
	return 0;
}

static int run_retry(pa_store *store, int64_t id)
{
	int64_t retried = 0, superseded = 0;
	int rc;

	if ((rc = pa_store_lti_outbox_retry(&retried, &superseded, store, id, pa_store_now_ms())) != 0)
		return rc;
	if (id && superseded)
		fprintf(stderr, "passerelle grades: score %lld is not sent again: a newer score of the same learner "
			"and link follows it (see 'passerelle grades list --all')\n", (long long)id);
	else if (id)
		fprintf(stderr, "passerelle grades: score %lld queued again; a running server sends it within a second\n",
			(long long)id);
	else
		fprintf(stderr, "passerelle grades: %lld failed score(s) queued again, %lld superseded by newer ones\n",
			(long long)retried, (long long)superseded);
	return 0;
}

int pa_cmd_grades(int argc, char **argv)
{
	const char *action = NULL, *arg = NULL, *config_file = NULL;
	bool pending = false, failed = false, all = false, all_failed = false;
	pa_store *store = NULL;
	pa_config cfg;
	int64_t id = 0;
	int rc, code;

	{
		const pa_cli_opt options[] = {
			{ "--data", NULL, NULL, NULL },
			{ "--config", NULL, &config_file, NULL },
			{ "--set", NULL, NULL, NULL },
			{ "--pending", NULL, NULL, &pending },
			{ "--failed", NULL, NULL, &failed },
			{ "--all", NULL, NULL, &all },
			{ "--all-failed", NULL, NULL, &all_failed },
			{ NULL, NULL, NULL, NULL },
		};
		const char *operands[2] = { NULL, NULL };
		size_t n;

		if ((code = pa_cli_parse("grades", argc, argv, options, operands, 2, &n)) != PA_EXIT_OK)
			return code;
		action = operands[0];
		arg = operands[1];
	}
	if (!action)
		return pa_cli_usage_error("grades", "what? list or retry", NULL);
	if (!strcmp(action, "list")) {
		if (arg)
			return pa_cli_usage_error("grades", "unexpected argument:", arg);
		if (pending + failed + all > 1)
			return pa_cli_usage_error("grades", "give one of --pending, --failed, --all", NULL);
		if (all_failed)
			return pa_cli_usage_error("grades", "--all-failed goes with retry", NULL);
	} else if (!strcmp(action, "retry")) {
		if (pending || failed || all)
			return pa_cli_usage_error("grades", "--pending, --failed and --all go with list", NULL);
		if (!arg == !all_failed)
			return pa_cli_usage_error("grades", "which score? give its ID (from 'grades list') or --all-failed",
						  NULL);
		if (arg && pa_parse_int64(&id, arg, 1, INT64_MAX) != 0)
			return pa_cli_usage_error("grades", "not a score ID:", arg);
	} else {
		return pa_cli_usage_error("grades", "not a grades action (list, retry):", action);
	}
	if ((code = pa_cli_settings(&cfg, "grades", config_file, argc, argv)) != PA_EXIT_OK)
		return code;
	code = PA_EXIT_PROBLEMS;
	if ((rc = pa_store_open(&store, pa_config_string(&cfg, PA_CFG_DATA_DIR), &cfg)) != 0) {
		pa_cli_fail("grades");
		goto done;
	}
	rc = !strcmp(action, "list") ? run_list(store, pending, failed, all) : run_retry(store, id);
	if (rc) {
		pa_cli_fail(action);
		goto done;
	}
	code = PA_EXIT_OK;
done:
	pa_store_close(store);
	pa_config_dispose(&cfg);
	return code;
}
