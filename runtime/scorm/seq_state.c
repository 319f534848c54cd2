/*
 * The tracking state as text (docs/sequencing.md, "Tracking state"), for
 * suspend all / resume all across launches and for the server to persist.
 * Import is all or nothing: a malformed state leaves the engine unchanged.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/scorm/seq_impl.h"

typedef struct out {
	char *buf;
	size_t len, cap;
	bool oom;
} out;

static void put(out *o, const char *fmt, ...) SEQ_PRINTF(2, 3);

static void put(out *o, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		o->oom = true;
		return;
	}
	for (int i = 0; i < n; i++) {
		if (o->len + 2 > o->cap) {
			size_t ncap = o->cap ? o->cap * 2 : 1024;
			char *nb = o->oom ? NULL : realloc(o->buf, ncap);

			if (!nb) {
				o->oom = true;
				return;
			}
			o->buf = nb;
			o->cap = ncap;
		}
		o->buf[o->len++] = tmp[i];
		o->buf[o->len] = '\0';
	}
}

static void put_id(out *o, const char *id)
{
	pa_seq__put_encoded(&o->buf, &o->len, &o->cap, id, &o->oom);
}

static void put_objstate(out *o, const seq_objstate *s)
{
	put(o, " %d,%d,%d,%.17g,%d,%d,%d,%.17g", s->progress_status, s->satisfied, s->measure_status,
	    s->measure, s->completion_status, s->completed, s->progress_measure_status, s->progress_measure);
	put(o, ",%d,%.17g,%d,%.17g,%d,%.17g", s->raw_status, s->raw, s->min_status, s->min,
	    s->max_status, s->max);
}

static void put_globals(out *o, const pa_seq *seq)
{
	for (size_t i = 0; i < seq->nglobal; i++) {
		put(o, "global ");
		put_id(o, seq->globals[i].id);
		put_objstate(o, &seq->globals[i].st);
		put(o, "\n");
	}
}

static int finish_out(char **dst, out *o, char *err)
{
	if (o->oom || !o->buf) {
		free(o->buf);
		snprintf(err, PA_SEQ_ERR_SIZE, "out of memory");
		return PA_SEQ_ENOMEM;
	}
	*dst = o->buf;
	return 0;
}

int pa_seq_export(char **dst, const pa_seq *seq, char err[PA_SEQ_ERR_SIZE])
{
	out o = { NULL, 0, 0, false };

	*dst = NULL;
	err[0] = '\0';
	put(&o, "pa-seqstate 1\nsession ");
	if (seq->current >= 0)
		put_id(&o, seq->acts[seq->current].id);
	else
		put(&o, "-");
	put(&o, " ");
	if (seq->suspended_activity >= 0)
		put_id(&o, seq->acts[seq->suspended_activity].id);
	else
		put(&o, "-");
	put(&o, " %llu\n", (unsigned long long)seq->rng);
	for (size_t i = 0; i < seq->nact; i++) {
		const seq_activity *a = &seq->acts[i];

		put(&o, "act ");
		put_id(&o, a->id);
		put(&o, " %d,%d,%d,%u,%d,%d,%d,%.17g", a->active, a->suspended, a->activity_progress_status,
		    a->attempt_count, a->attempt_progress_status, a->attempt_completed, a->amount_status, a->amount);
		put(&o, ",%.17g,%.17g,%.17g,%.17g,%d ", a->attempt_abs, a->attempt_exp, a->activity_abs,
		    a->activity_exp, a->sr_done);
		if (!a->navail)
			put(&o, "-");
		for (size_t k = 0; k < a->navail; k++) {
			if (k)
				put(&o, ",");
			put_id(&o, seq->acts[a->avail[k]].id);
		}
		put(&o, "\n");
		for (size_t k = 0; k < a->nobj; k++) {
			put(&o, "obj ");
			put_id(&o, a->id);
			put(&o, " %zu", k);
			put_objstate(&o, &a->objectives[k].st);
			put(&o, "\n");
		}
	}
	put_globals(&o, seq);
	return finish_out(dst, &o, err);
}

int pa_seq_export_globals(char **dst, const pa_seq *seq, char err[PA_SEQ_ERR_SIZE])
{
	out o = { NULL, 0, 0, false };

	*dst = NULL;
	err[0] = '\0';
	put(&o, "pa-seqglobals 1\n");
	put_globals(&o, seq);
	return finish_out(dst, &o, err);
}

/* --- import ---------------------------------------------------------------------- */

typedef struct in {
	unsigned line;
	char *err;
} in;

static int bad(in *p, const char *fmt, ...) SEQ_PRINTF(2, 3);

static int bad(in *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, PA_SEQ_ERR_SIZE, "state line %u: ", p->line);

	if (n < 0 || n >= PA_SEQ_ERR_SIZE)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(p->err + n, PA_SEQ_ERR_SIZE - (size_t)n, fmt, ap);
	va_end(ap);
	return PA_SEQ_EPARSE;
}

/* Split a line (NUL-terminated copy) on single spaces. */
static size_t split(char *s, char **tok, size_t max)
{
	size_t n = 0;

	while (*s && n < max) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		tok[n++] = s;
		while (*s && *s != ' ')
			s++;
		if (*s)
			*s++ = '\0';
	}
	return n;
}

static int num(in *p, double *out_d, const char *s)
{
	char *end;

	errno = 0;
	if (!*s)
		return bad(p, "empty number");
	*out_d = strtod(s, &end);
	if (errno || *end || !isfinite(*out_d))
		return bad(p, "bad number '%.40s'", s);
	return 0;
}

/* Comma-separated fields: each "0"/"1" for booleans or a number. */
static int fields(in *p, double *v, size_t n, char *s)
{
	size_t k = 0;

	while (k < n) {
		char *c = strchr(s, ',');

		if (c)
			*c = '\0';
		if (num(p, &v[k], s))
			return PA_SEQ_EPARSE;
		k++;
		if (!c)
			break;
		s = c + 1;
	}
	if (k != n || strchr(s, ','))
		return bad(p, "expected %zu fields", n);
	return 0;
}

static int objstate(in *p, seq_objstate *st, char *s)
{
	double v[14];

	if (fields(p, v, 14, s))
		return PA_SEQ_EPARSE;
	st->progress_status = v[0] != 0; st->satisfied = v[1] != 0;
	st->measure_status = v[2] != 0; st->measure = v[3];
	st->completion_status = v[4] != 0; st->completed = v[5] != 0;
	st->progress_measure_status = v[6] != 0; st->progress_measure = v[7];
	st->raw_status = v[8] != 0; st->raw = v[9];
	st->min_status = v[10] != 0; st->min = v[11];
	st->max_status = v[12] != 0; st->max = v[13];
	return 0;
}

static int activity_of(in *p, const pa_seq *seq, int *out_i, const char *tok, bool allow_none)
{
	char *id;

	if (allow_none && strcmp(tok, "-") == 0) {
		*out_i = -1;
		return 0;
	}
	if (pa_seq__decode(&id, tok, strlen(tok)))
		return bad(p, "bad identifier");
	*out_i = pa_seq__find(seq, id);
	free(id);
	if (*out_i < 0)
		return bad(p, "unknown activity '%.60s' (state of another tree?)", tok);
	return 0;
}

static int global_line(in *p, pa_seq *seq, char **tok, size_t nt)
{
	char *id;
	seq_objstate st;

	if (nt != 3)
		return bad(p, "global needs an identifier and its fields");
	if (pa_seq__decode(&id, tok[1], strlen(tok[1])))
		return bad(p, "bad identifier");
	if (objstate(p, &st, tok[2])) {
		free(id);
		return PA_SEQ_EPARSE;
	}
	/* Objectives this tree does not map are not ours to keep. */
	for (size_t g = 0; g < seq->nglobal; g++)
		if (strcmp(seq->globals[g].id, id) == 0)
			seq->globals[g].st = st;
	free(id);
	return 0;
}

static int act_line(in *p, pa_seq *seq, char **tok, size_t nt)
{
	int i;
	double v[13];
	seq_activity *a;
	char *s;
	size_t n = 0;

	if (nt != 4)
		return bad(p, "act needs an identifier, its fields and its children");
	if (activity_of(p, seq, &i, tok[1], false) || fields(p, v, 13, tok[2]))
		return PA_SEQ_EPARSE;
	a = &seq->acts[i];
	if (v[3] < 0 || v[3] > 4e9 || v[3] != floor(v[3]))
		return bad(p, "bad attempt count");
	a->active = v[0] != 0; a->suspended = v[1] != 0; a->activity_progress_status = v[2] != 0;
	a->attempt_count = (unsigned)v[3]; a->attempt_progress_status = v[4] != 0;
	a->attempt_completed = v[5] != 0; a->amount_status = v[6] != 0; a->amount = v[7];
	a->attempt_abs = v[8]; a->attempt_exp = v[9]; a->activity_abs = v[10]; a->activity_exp = v[11];
	a->sr_done = v[12] != 0;
	s = tok[3];
	if (strcmp(s, "-") != 0) {
		while (s) {
			char *c = strchr(s, ',');
			int ci;

			if (c)
				*c = '\0';
			if (activity_of(p, seq, &ci, s, false))
				return PA_SEQ_EPARSE;
			if (seq->acts[ci].parent != i || n >= a->nchild)
				return bad(p, "'%.60s' is not a child of '%.60s'", s, a->id);
			for (size_t k = 0; k < n; k++)
				if (a->avail[k] == ci)
					return bad(p, "child '%.60s' listed twice", s);
			a->avail[n++] = ci;
			s = c ? c + 1 : NULL;
		}
	}
	a->navail = n;
	return 0;
}

static int obj_line(in *p, pa_seq *seq, char **tok, size_t nt)
{
	int i;
	double k;

	if (nt != 4)
		return bad(p, "obj needs an activity, an index and its fields");
	if (activity_of(p, seq, &i, tok[1], false) || num(p, &k, tok[2]))
		return PA_SEQ_EPARSE;
	if (k < 0 || k != floor(k) || k >= (double)seq->acts[i].nobj)
		return bad(p, "no objective %.40s on '%.60s'", tok[2], seq->acts[i].id);
	return objstate(p, &seq->acts[i].objectives[(size_t)k].st, tok[3]);
}

static int import_lines(pa_seq *seq, const char *text, size_t len, char *err, bool globals_only)
{
	in p = { 0, err };
	size_t i = 0;
	bool header = false;
	char *line = NULL;
	int rc = 0;

	if (len > PA_SEQ_MAX_TEXT * 4)
		return bad(&p, "state too large");
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		char *tok[8];
		size_t nt;

		p.line++;
		if (memchr(text + i, '\0', n)) {
			rc = bad(&p, "NUL byte");
			goto done;
		}
		free(line);
		line = malloc(n + 1);
		if (!line) {
			rc = PA_SEQ_ENOMEM;
			snprintf(err, PA_SEQ_ERR_SIZE, "out of memory");
			goto done;
		}
		memcpy(line, text + i, n);
		line[n] = '\0';
		i += n + 1;
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		nt = split(line, tok, 8);
		if (nt == 0)
			continue;
		if (!header) {
			const char *want = globals_only ? "pa-seqglobals" : "pa-seqstate";

			if (nt != 2 || strcmp(tok[0], want) != 0 || strcmp(tok[1], "1") != 0) {
				rc = bad(&p, "not a %s 1 text", want);
				goto done;
			}
			header = true;
			continue;
		}
		if (strcmp(tok[0], "global") == 0) {
			rc = global_line(&p, seq, tok, nt);
		} else if (globals_only) {
			rc = bad(&p, "unexpected '%.20s'", tok[0]);
		} else if (strcmp(tok[0], "session") == 0) {
			int cur, sus;
			char *end;
			unsigned long long r;

			if (nt != 4) {
				rc = bad(&p, "session needs current, suspended and the generator state");
				goto done;
			}
			if ((rc = activity_of(&p, seq, &cur, tok[1], true)) ||
			    (rc = activity_of(&p, seq, &sus, tok[2], true)))
				goto done;
			errno = 0;
			r = strtoull(tok[3], &end, 10);
			if (errno || *end || tok[3][0] == '-' || r == 0) {
				rc = bad(&p, "bad generator state");
				goto done;
			}
			seq->current = cur;
			seq->suspended_activity = sus;
			seq->rng = r;
		} else if (strcmp(tok[0], "act") == 0) {
			rc = act_line(&p, seq, tok, nt);
		} else if (strcmp(tok[0], "obj") == 0) {
			rc = obj_line(&p, seq, tok, nt);
		} else {
			rc = bad(&p, "unknown line kind '%.20s'", tok[0]);
		}
		if (rc)
			goto done;
	}
	if (!header)
		rc = bad(&p, "empty state");
done:
	free(line);
	return rc;
}

/* Copy the tracking (not the definition) of src into seq, whose arrays
 * have the same shapes. */
static void restore(pa_seq *seq, const pa_seq *src)
{
	for (size_t i = 0; i < seq->nact; i++) {
		seq_activity *a = &seq->acts[i];
		const seq_activity *b = &src->acts[i];

		a->active = b->active; a->suspended = b->suspended;
		a->activity_progress_status = b->activity_progress_status;
		a->attempt_count = b->attempt_count;
		a->attempt_progress_status = b->attempt_progress_status;
		a->attempt_completed = b->attempt_completed;
		a->amount_status = b->amount_status; a->amount = b->amount;
		a->attempt_abs = b->attempt_abs; a->attempt_exp = b->attempt_exp;
		a->activity_abs = b->activity_abs; a->activity_exp = b->activity_exp;
		a->sr_done = b->sr_done;
		a->navail = b->navail;
		if (b->navail)
			memcpy(a->avail, b->avail, b->navail * sizeof(int));
		for (size_t k = 0; k < a->nobj; k++)
			a->objectives[k].st = b->objectives[k].st;
	}
	for (size_t g = 0; g < seq->nglobal; g++)
		seq->globals[g].st = src->globals[g].st;
	seq->current = src->current;
	seq->suspended_activity = src->suspended_activity;
	seq->rng = src->rng;
}

static int import(pa_seq *seq, const char *text, size_t len, char *err, bool globals_only)
{
	pa_seq *saved;
	int rc;

	err[0] = '\0';
	if (!seq || !text)
		return PA_SEQ_EINVAL;
	if ((rc = pa_seq__clone(&saved, seq))) {
		snprintf(err, PA_SEQ_ERR_SIZE, "out of memory");
		return rc;
	}
	rc = import_lines(seq, text, len, err, globals_only);
	if (rc)
		restore(seq, saved);
	pa_seq__free_clone(saved);
	return rc;
}

int pa_seq_import(pa_seq *seq, const char *text, size_t len, char err[PA_SEQ_ERR_SIZE])
{
	return import(seq, text, len, err, false);
}

int pa_seq_import_globals(pa_seq *seq, const char *text, size_t len, char err[PA_SEQ_ERR_SIZE])
{
	return import(seq, text, len, err, true);
}
