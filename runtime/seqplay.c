#include "runtime/seqplay.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/util.h"

int pa_seqplay_open(pa_seq **out, const char *tree, size_t tree_len, const char *state, size_t state_len)
{
	char err[PA_SEQ_ERR_SIZE];
	pa_seq *seq = NULL;
	int rc;

	*out = NULL;
	if ((rc = pa_seq_new(&seq, tree, tree_len, 0, err)) != 0)
		return pa_error_set(rc == PA_SEQ_ENOMEM ? PA_ENOMEM : PA_EPARSE, "sequencing: the tree: %s", err);
	if (state && state_len && (rc = pa_seq_import(seq, state, state_len, err)) != 0) {
		pa_seq_free(seq);
		return pa_error_set(rc == PA_SEQ_ENOMEM ? PA_ENOMEM : PA_EPARSE, "sequencing: the saved state: %s", err);
	}
	*out = seq;
	return 0;
}

/* An ISO 8601 duration (the data model validated it) in seconds; -1 if none. */
static double seconds_of(const char *s)
{
	double total = 0;
	int time = 0;

	if (!s || *s++ != 'P')
		return -1;
	while (*s) {
		char *end;
		double v;

		if (*s == 'T') {
			time = 1;
			s++;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			return -1;
		v = strtod(s, &end);
		switch (*end) {
		case 'Y': total += v * 365.25 * 86400; break;
		case 'M': total += time ? v * 60 : v * 30.4375 * 86400; break;
		case 'D': total += v * 86400; break;
		case 'H': total += v * 3600; break;
		case 'S': total += v; break;
		default: return -1;
		}
		s = end + 1;
	}
	return total;
}

static void real_of(pa_scorm *sco, const char *element, int *set, double *v)
{
	const char *text = pa_scorm_lms_get(sco, element);

	*set = text && pa_parse_double(v, text, -1e300, 1e300) == 0;
}

/* At most this many of a SCO's objectives reach sequencing (the engine's own bound is 500). */
#define MAX_REPORTED_OBJECTIVES 500

int pa_seqplay_report(pa_seq *seq, pa_scorm *sco, double elapsed)
{
	pa_seq_objective_report *objs = NULL;
	const char *cur = pa_seq_current(seq), *count;
	pa_seq_report r;
	pa_seq_status st;
	int64_t n = 0;
	int active = 0, rc;

	for (size_t i = 0; cur && i < pa_seq_count(seq); i++)
		if (pa_seq_status_at(seq, i, &st) == 0 && !strcmp(st.id, cur))
			active = st.active;
	if (!active)
		return 0;
	memset(&r, 0, sizeof(r));
	r.completion_status = pa_scorm_lms_get(sco, "cmi.completion_status");
	r.success_status = pa_scorm_lms_get(sco, "cmi.success_status");
	real_of(sco, "cmi.score.scaled", &r.scaled_set, &r.scaled);
	real_of(sco, "cmi.score.raw", &r.raw_set, &r.raw);
	real_of(sco, "cmi.score.min", &r.min_set, &r.min);
	real_of(sco, "cmi.score.max", &r.max_set, &r.max);
	real_of(sco, "cmi.progress_measure", &r.progress_set, &r.progress);
	r.session_time = seconds_of(pa_scorm_lms_get(sco, "cmi.session_time"));
	r.session_time_set = r.session_time >= 0;
	r.elapsed_set = elapsed >= 0;
	r.elapsed = elapsed;
	r.exit = pa_scorm_lms_get(sco, "cmi.exit");
	count = pa_scorm_lms_get(sco, "cmi.objectives._count");
	if (count && pa_parse_int64(&n, count, 0, MAX_REPORTED_OBJECTIVES) != 0)
		n = 0;
	if (n && !(objs = calloc((size_t)n, sizeof(*objs))))
		return pa_error_set(PA_ENOMEM, "out of memory");
	/* pa_scorm_lms_get answers from the engine's own storage, so the
	 * borrowed strings stay valid while no value is set. */
	for (int64_t k = 0; k < n; k++) {
		pa_seq_objective_report *o = &objs[r.objective_count];
		char el[64];

#define OBJ(field) (snprintf(el, sizeof(el), "cmi.objectives.%lld." field, (long long)k), el)
		if (!(o->id = pa_scorm_lms_get(sco, OBJ("id"))) || !*o->id)
			continue;
		o->success_status = pa_scorm_lms_get(sco, OBJ("success_status"));
		o->completion_status = pa_scorm_lms_get(sco, OBJ("completion_status"));
		real_of(sco, OBJ("score.scaled"), &o->scaled_set, &o->scaled);
		real_of(sco, OBJ("score.raw"), &o->raw_set, &o->raw);
		real_of(sco, OBJ("score.min"), &o->min_set, &o->min);
		real_of(sco, OBJ("score.max"), &o->max_set, &o->max);
		real_of(sco, OBJ("progress_measure"), &o->progress_set, &o->progress);
#undef OBJ
		r.objective_count++;
	}
	r.objectives = objs;
	rc = pa_seq_report_runtime(seq, &r);
	free(objs);
	return rc == 0 ? 0 : pa_error_set(rc == PA_SEQ_ENOMEM ? PA_ENOMEM : PA_EINVALID,
					  "sequencing: the SCO's data was refused");
}

int pa_seqplay_navigate(pa_seq *seq, const char *request, pa_seq_result *r)
{
	char target[PA_SEQ_MAX_ID + 1];
	pa_seq_nav nav;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!request || pa_seq_nav_request_parse(&nav, target, sizeof(target), request) != 0) {
		/* start and resumeAll are the LMS's, not in adl.nav.request. */
		int word = request ? pa_seq_nav_parse(request) : -1;

		if (word < 0)
			return pa_error_set(PA_EPARSE, "sequencing: '%.60s' is no navigation request", request ? request : "");
		nav = (pa_seq_nav)word;
		target[0] = '\0';
	}
	if (nav == PA_SEQ_NAV_NONE)
		return 0;
	rc = pa_seq_navigate(seq, nav, target[0] ? target : NULL, r);
	return rc == 0 ? 0 : pa_error_set(rc == PA_SEQ_ENOMEM ? PA_ENOMEM : PA_EINVALID,
					  "sequencing: the request '%.60s' failed", request);
}

static int index_of(const pa_seq *seq, const char *id, pa_seq_status *st)
{
	for (size_t i = 0; id && i < pa_seq_count(seq); i++)
		if (pa_seq_status_at(seq, i, st) == 0 && !strcmp(st->id, id))
			return (int)i;
	return -1;
}

static void set_real(pa_scorm *sco, const char *element, double v)
{
	char num[32];

	snprintf(num, sizeof(num), "%.7g", v);
	(void)pa_scorm_lms_set(sco, element, num);
}

static void set_valid(pa_scorm *sco, const char *element, int valid)
{
	(void)pa_scorm_lms_set(sco, element, valid > 0 ? "true" : "false");
}

int pa_seqplay_prepare_sco(pa_scorm *sco, const pa_seq *seq, const char *activity, int resumed)
{
	pa_seq_status st, other;
	int i = index_of(seq, activity, &st);

	if (i < 0)
		return pa_error_set(PA_ENOTFOUND, "sequencing: no activity '%.100s'", activity ? activity : "");
	if (st.completion_threshold_set)
		set_real(sco, "cmi.completion_threshold", st.completion_threshold);
	if (st.scaled_passing_score_set)
		set_real(sco, "cmi.scaled_passing_score", st.scaled_passing_score);
	/* The attempt's absolute duration limit, as RTE 4.2.14 says the SCO may read it. */
	if (st.max_time_allowed_set && st.max_time_allowed >= 0) {
		char interval[48];

		snprintf(interval, sizeof(interval), "PT%.0fS", st.max_time_allowed);
		(void)pa_scorm_lms_set(sco, "cmi.max_time_allowed", interval);
	}
	if (!resumed) {
		for (size_t k = 0; k < st.objective_count; k++) {
			pa_seq_global g;
			char el[64];

			if (pa_seq_objective_at(seq, (size_t)i, k, &g) != 0)
				continue;
#define OBJ(field) (snprintf(el, sizeof(el), "cmi.objectives.%zu." field, k), el)
			(void)pa_scorm_lms_set(sco, OBJ("id"), g.id);
			if (g.satisfied_known)
				(void)pa_scorm_lms_set(sco, OBJ("success_status"), g.satisfied ? "passed" : "failed");
			if (g.completion_known)
				(void)pa_scorm_lms_set(sco, OBJ("completion_status"),
						       g.completed ? "completed" : "incomplete");
			if (g.measure_known)
				set_real(sco, OBJ("score.scaled"), g.measure);
			if (g.raw_known)
				set_real(sco, OBJ("score.raw"), g.raw);
			if (g.min_known)
				set_real(sco, OBJ("score.min"), g.min);
			if (g.max_known)
				set_real(sco, OBJ("score.max"), g.max);
			if (g.progress_known)
				set_real(sco, OBJ("progress_measure"), g.progress);
#undef OBJ
		}
	}
	set_valid(sco, "adl.nav.request_valid.continue", pa_seq_request_valid(seq, PA_SEQ_NAV_CONTINUE, NULL));
	set_valid(sco, "adl.nav.request_valid.previous", pa_seq_request_valid(seq, PA_SEQ_NAV_PREVIOUS, NULL));
	for (size_t j = 0; j < pa_seq_count(seq); j++) {
		char el[PA_SEQ_MAX_ID + 64];

		if (pa_seq_status_at(seq, j, &other) != 0 || !other.available)
			continue;
		snprintf(el, sizeof(el), "adl.nav.request_valid.choice.{target=%s}", other.id);
		set_valid(sco, el, pa_seq_request_valid(seq, PA_SEQ_NAV_CHOICE, other.id));
		snprintf(el, sizeof(el), "adl.nav.request_valid.jump.{target=%s}", other.id);
		set_valid(sco, el, pa_seq_request_valid(seq, PA_SEQ_NAV_JUMP, other.id));
	}
	return 0;
}

static void put_id(pa_buf *out, const char *id)
{
	if (id)
		pa_buf_put_json(out, id);
	else
		pa_buf_puts(out, "null");
}

static const char *tf(int b)
{
	return b > 0 ? "true" : "false";
}

int pa_seqplay_answer_json(pa_buf *out, const pa_seq *seq, const pa_seq_result *r)
{
	static const struct {
		unsigned bit;
		const char *name;
	} controls[] = {
		{ PA_SEQ_UI_PREVIOUS, "previous" }, { PA_SEQ_UI_CONTINUE, "continue" }, { PA_SEQ_UI_EXIT, "exit" },
		{ PA_SEQ_UI_EXIT_ALL, "exitAll" }, { PA_SEQ_UI_ABANDON, "abandon" },
		{ PA_SEQ_UI_ABANDON_ALL, "abandonAll" }, { PA_SEQ_UI_SUSPEND_ALL, "suspendAll" },
	};
	const char *cur = pa_seq_current(seq);
	pa_seq_status st;
	unsigned hide = 0;
	int first = 1;

	pa_buf_puts(out, "{\"delivered\":");
	put_id(out, r ? r->delivered : NULL);
	pa_buf_puts(out, ",\"exception\":");
	put_id(out, r ? r->exception : NULL);
	pa_buf_puts(out, ",\"message\":");
	pa_buf_put_json(out, r && r->exception ? pa_seq_exception_text(r->exception) : "");
	pa_buf_printf(out, ",\"ended\":%s,\"resumed\":%s,\"current\":", tf(r && r->session_ended),
		      tf(r && r->resumed));
	put_id(out, cur);
	if (index_of(seq, cur, &st) >= 0)
		hide = st.hide_lms_ui;
	pa_buf_puts(out, ",\"hide\":[");
	for (size_t k = 0; k < PA_ARRAY_SIZE(controls); k++) {
		if (!(hide & controls[k].bit))
			continue;
		pa_buf_puts(out, first ? "\"" : ",\"");
		pa_buf_puts(out, controls[k].name);
		pa_buf_putc(out, '"');
		first = 0;
	}
	pa_buf_printf(out, "],\"valid\":{\"continue\":%s,\"previous\":%s,\"suspendAll\":%s},\"toc\":[",
		      tf(pa_seq_request_valid(seq, PA_SEQ_NAV_CONTINUE, NULL)),
		      tf(pa_seq_request_valid(seq, PA_SEQ_NAV_PREVIOUS, NULL)),
		      tf(pa_seq_request_valid(seq, PA_SEQ_NAV_SUSPEND_ALL, NULL)));
	first = 1;
	for (size_t i = 0; i < pa_seq_count(seq); i++) {
		if (pa_seq_status_at(seq, i, &st) != 0 || !st.available)
			continue;
		pa_buf_puts(out, first ? "{\"id\":" : ",{\"id\":");
		first = 0;
		pa_buf_put_json(out, st.id);
		pa_buf_puts(out, ",\"title\":");
		pa_buf_put_json(out, st.title ? st.title : "");
		pa_buf_printf(out, ",\"depth\":%d,\"leaf\":%s,\"visible\":%s,\"choice\":%s,\"current\":%s,"
			      "\"completion\":\"%s\",\"success\":\"%s\",\"suspended\":%s}",
			      st.depth, tf(st.leaf), tf(st.visible),
			      tf(pa_seq_request_valid(seq, PA_SEQ_NAV_CHOICE, st.id)),
			      tf(cur && !strcmp(cur, st.id)),
			      !st.progress_known ? "unknown" : st.completed ? "completed" : "incomplete",
			      !st.satisfied_known ? "unknown" : st.satisfied ? "passed" : "failed",
			      tf(st.suspended));
	}
	pa_buf_puts(out, "]}");
	return pa_buf_error(out) ? pa_error_set(PA_ENOMEM, "sequencing: the answer is too large") : 0;
}
