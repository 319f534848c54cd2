/*
 * passerelle sequence: run the sequencing engine on a package without a
 * browser, one script step a line (docs/sequencing.md).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/diag.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/util.h"
#include "runtime/scorm/internal.h"
#include "runtime/scorm/seq.h"
#include "runtime/seqtree.h"

#define MAX_SCRIPT ((size_t)4 * 1024 * 1024)
#define MAX_OBJECTIVES 64
#define MAX_VALUE 4000

void pa_cmd_sequence_usage(FILE *out)
{
	fputs("usage: passerelle sequence PACKAGE_DIR --script FILE [--seed N] [--tree]\n\n"
	      "Runs the SCORM 2004 sequencing engine on the package's imsmanifest.xml without a\n"
	      "browser. FILE holds one step a line:\n"
	      "  start | resumeAll | continue | previous | choice ID | jump ID | exit | exitAll\n"
	      "  | suspendAll | abandon | abandonAll    a navigation request\n"
	      "  set ELEMENT VALUE   run-time data of the SCO being delivered (cmi.success_status,\n"
	      "                      cmi.completion_status, cmi.score.scaled|raw|min|max,\n"
	      "                      cmi.progress_measure, cmi.session_time, cmi.exit,\n"
	      "                      cmi.objectives.N.*, adl.nav.request)\n"
	      "  terminate           the SCO calls Terminate: its data reaches the tracking model\n"
	      "                      and adl.nav.request, if set, is processed\n"
	      "  elapse DURATION     wall-clock time passes for the SCO being delivered (its\n"
	      "                      absolute duration; ISO 8601, PT30M)\n"
	      "  clock DATETIME      the host's current time, for begin and end time limits\n"
	      "                      (2026-03-01T09:00:00Z; until set, not checked)\n"
	      "  valid REQUEST [ID]  adl.nav.request_valid: true or false\n"
	      "  relaunch            save the tracking state, close, reload it (a new session)\n"
	      "Prints one line per step, 'STEP -> RESULT' (the activity delivered, an exception\n"
	      "code of the SN book such as SB.2.1-3, 'end', 'none' or 'ok'), then the rolled-up\n"
	      "status of every activity and the shared objectives.\n\n"
	      "options:\n"
	      "  --script FILE  the steps\n"
	      "  --seed N       seed of selection and randomization (default 0)\n"
	      "  --tree         print the tree description read from the manifest, and stop\n\n"
	      "exit codes: 0 ran, 1 the manifest or the script has errors, 2 usage error\n", out);
}

/* Pending run-time data of the SCO being delivered. */
typedef struct runtime {
	pa_seq_report r;
	pa_seq_objective_report obj[MAX_OBJECTIVES];
	char *strings[64];
	size_t nstrings;
	char *nav;          /* adl.nav.request */
	bool dirty;
} runtime;

static void runtime_clear(runtime *rt)
{
	for (size_t i = 0; i < rt->nstrings; i++)
		free(rt->strings[i]);
	free(rt->nav);
	memset(rt, 0, sizeof(*rt));
}

static const char *keep(runtime *rt, const char *s)
{
	char *d;

	if (rt->nstrings == sizeof(rt->strings) / sizeof(rt->strings[0]))
		return NULL;
	d = pa_strdup(s);
	if (d)
		rt->strings[rt->nstrings++] = d;
	return d;
}

/* ISO 8601 duration as cmi.session_time holds it (timeinterval(second,10,2))
 * to seconds; -1 if malformed. */
static double parse_duration(const char *s)
{
	uint64_t cs;

	return pa_scorm_interval(s, &cs) ? (double)cs / 100 : -1;
}

static const char *in_list(const char *v, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(v, list[i]) == 0)
			return list[i];
	return NULL;
}

static const char *const completion_words[] = { "completed", "incomplete", "not attempted", "unknown", NULL };
static const char *const success_words[] = { "passed", "failed", "unknown", NULL };
static const char *const exit_words[] = { "suspend", "normal", "logout", "time-out", "", NULL };

static int set_score(int *set, double *out, const char *v, double min, double max)
{
	if (pa_parse_double(out, v, min, max) != 0)
		return -1;
	*set = 1;
	return 0;
}

/* One `set ELEMENT VALUE`; returns a message on error. */
static const char *runtime_set(runtime *rt, const char *el, const char *v)
{
	const double inf = 1e300;

	rt->dirty = true;
	if (strcmp(el, "cmi.completion_status") == 0) {
		if (!(rt->r.completion_status = in_list(v, completion_words)))
			return "not a completion status";
	} else if (strcmp(el, "cmi.success_status") == 0) {
		if (!(rt->r.success_status = in_list(v, success_words)))
			return "not a success status";
	} else if (strcmp(el, "cmi.score.scaled") == 0) {
		if (set_score(&rt->r.scaled_set, &rt->r.scaled, v, -1, 1))
			return "not a number in [-1, 1]";
	} else if (strcmp(el, "cmi.score.raw") == 0) {
		if (set_score(&rt->r.raw_set, &rt->r.raw, v, -inf, inf))
			return "not a number";
	} else if (strcmp(el, "cmi.score.min") == 0) {
		if (set_score(&rt->r.min_set, &rt->r.min, v, -inf, inf))
			return "not a number";
	} else if (strcmp(el, "cmi.score.max") == 0) {
		if (set_score(&rt->r.max_set, &rt->r.max, v, -inf, inf))
			return "not a number";
	} else if (strcmp(el, "cmi.progress_measure") == 0) {
		if (set_score(&rt->r.progress_set, &rt->r.progress, v, 0, 1))
			return "not a number in [0, 1]";
	} else if (strcmp(el, "cmi.session_time") == 0) {
		double d = parse_duration(v);

		if (d < 0)
			return "not an ISO 8601 duration";
		rt->r.session_time_set = 1;
		rt->r.session_time = d;
	} else if (strcmp(el, "cmi.exit") == 0) {
		if (!(rt->r.exit = in_list(v, exit_words)))
			return "not an exit value";
	} else if (strcmp(el, "adl.nav.request") == 0) {
		pa_seq_nav nav;
		char target[PA_SEQ_MAX_ID + 1];

		if (pa_seq_nav_request_parse(&nav, target, sizeof(target), v) != 0)
			return "not a navigation request";
		free(rt->nav);
		rt->nav = pa_strdup(v);
		if (!rt->nav)
			return "out of memory";
	} else if (strncmp(el, "cmi.objectives.", 15) == 0) {
		int64_t n;
		char num[16];
		const char *dot = strchr(el + 15, '.');
		pa_seq_objective_report *o;

		if (!dot || (size_t)(dot - (el + 15)) >= sizeof(num))
			return "not a data model element";
		memcpy(num, el + 15, (size_t)(dot - (el + 15)));
		num[dot - (el + 15)] = '\0';
		if (pa_parse_int64(&n, num, 0, MAX_OBJECTIVES - 1) != 0)
			return "objective index out of range";
		o = &rt->obj[n];
		if ((size_t)n >= rt->r.objective_count) {
			if ((size_t)n != rt->r.objective_count)
				return "objectives are set in order (n is the count so far)";
			rt->r.objective_count = (size_t)n + 1;
		}
		rt->r.objectives = rt->obj;
		dot++;
		if (strcmp(dot, "id") == 0) {
			if (!*v || !(o->id = keep(rt, v)))
				return "bad identifier";
		} else if (strcmp(dot, "success_status") == 0) {
			if (!(o->success_status = in_list(v, success_words)))
				return "not a success status";
		} else if (strcmp(dot, "completion_status") == 0) {
			if (!(o->completion_status = in_list(v, completion_words)))
				return "not a completion status";
		} else if (strcmp(dot, "score.scaled") == 0) {
			if (set_score(&o->scaled_set, &o->scaled, v, -1, 1))
				return "not a number in [-1, 1]";
		} else if (strcmp(dot, "score.raw") == 0) {
			if (set_score(&o->raw_set, &o->raw, v, -inf, inf))
				return "not a number";
		} else if (strcmp(dot, "score.min") == 0) {
			if (set_score(&o->min_set, &o->min, v, -inf, inf))
				return "not a number";
		} else if (strcmp(dot, "score.max") == 0) {
			if (set_score(&o->max_set, &o->max, v, -inf, inf))
				return "not a number";
		} else if (strcmp(dot, "progress_measure") == 0) {
			if (set_score(&o->progress_set, &o->progress, v, 0, 1))
				return "not a number in [0, 1]";
		} else {
			return "not a data model element the engine reads";
		}
	} else {
		return "not a data model element the engine reads";
	}
	return NULL;
}

static void print_result(const char *step, const pa_seq_result *r)
{
	if (r->exception)
		printf("%s -> %s\n", step, r->exception);
	else if (r->delivered)
		printf("%s -> %s\n", step, r->delivered);
	else if (r->session_ended)
		printf("%s -> end\n", step);
	else
		printf("%s -> none\n", step);
}

/* The delivered SCO's data reaches the tracking model when it terminates;
 * a navigation request unloads (terminates) a SCO that did not. */
static void flush_runtime(pa_seq *seq, runtime *rt)
{
	const char *cur = pa_seq_current(seq);
	pa_seq_status st;
	bool active = false;

	for (size_t i = 0; cur && i < pa_seq_count(seq); i++)
		if (pa_seq_status_at(seq, i, &st) == 0 && strcmp(st.id, cur) == 0)
			active = st.active;
	if (active && rt->dirty)
		pa_seq_report_runtime(seq, &rt->r);
	runtime_clear(rt);
}

static const char *tri_word(int known, int value, const char *yes, const char *no)
{
	return !known ? "unknown" : value ? yes : no;
}

static void print_status(const pa_seq *seq)
{
	puts("\nstatus:");
	for (size_t i = 0; i < pa_seq_count(seq); i++) {
		pa_seq_status s;

		if (pa_seq_status_at(seq, i, &s))
			continue;
		printf("%*s%s attempts=%u completion=%s success=%s", s.depth * 2, "", s.id, s.attempts,
		       tri_word(s.progress_known, s.completed, "completed", "incomplete"),
		       tri_word(s.satisfied_known, s.satisfied, "passed", "failed"));
		if (s.measure_known)
			printf(" measure=%.4g", s.measure);
		if (s.completion_amount_known)
			printf(" progress=%.4g", s.completion_amount);
		if (s.activity_experienced_duration > 0)
			printf(" time=%.0fs", s.activity_experienced_duration);
		if (s.activity_absolute_duration != s.activity_experienced_duration)
			printf(" elapsed=%.0fs", s.activity_absolute_duration);
		if (s.suspended)
			fputs(" suspended", stdout);
		if (!s.available)
			fputs(" unavailable", stdout);
		if (!s.visible)
			fputs(" hidden", stdout);
		if (s.hide_lms_ui) {
			static const char *const ui[] = { "previous", "continue", "exit", "exitAll",
				"abandon", "abandonAll", "suspendAll" };
			const char *sep = " hideLMSUI=";

			for (unsigned b = 0; b < 7; b++)
				if (s.hide_lms_ui & (1u << b)) {
					printf("%s%s", sep, ui[b]);
					sep = ",";
				}
		}
		putchar('\n');
	}
	if (pa_seq_global_count(seq)) {
		puts("shared objectives:");
		for (size_t i = 0; i < pa_seq_global_count(seq); i++) {
			pa_seq_global g;

			if (pa_seq_global_at(seq, i, &g))
				continue;
			printf("  %s success=%s", g.id, tri_word(g.satisfied_known, g.satisfied, "passed", "failed"));
			if (g.measure_known)
				printf(" measure=%.4g", g.measure);
			if (g.completion_known)
				printf(" completion=%s", g.completed ? "completed" : "incomplete");
			if (g.progress_known)
				printf(" progress=%.4g", g.progress);
			if (g.raw_known)
				printf(" raw=%.6g", g.raw);
			putchar('\n');
		}
	}
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int relaunch(pa_seq **seq, const pa_buf *tree, uint64_t seed, char *err)
{
	char *state = NULL;
	pa_seq *fresh = NULL;
	int rc;

	if ((rc = pa_seq_export(&state, *seq, err)))
		return rc;
	if ((rc = pa_seq_new(&fresh, tree->ptr, tree->len, seed, err)) ||
	    (rc = pa_seq_import(fresh, state, strlen(state), err))) {
		pa_seq_free(fresh);
		free(state);
		return rc;
	}
	free(state);
	pa_seq_free(*seq);
	*seq = fresh;
	return 0;
}

static int run_script(pa_seq **seqp, const pa_buf *tree, uint64_t seed, const char *script_path, char *text)
{
	runtime rt;
	double now = 0;     /* the `clock` step's time, kept across relaunch */
	bool clock_set = false;
	unsigned lineno = 0;
	char *line = text;
	int status = PA_EXIT_OK;

	memset(&rt, 0, sizeof(rt));
	while (line && *line) {
		char *nl = strchr(line, '\n'), *step, *word, *arg;
		pa_seq_result r;
		int nav;

		if (nl)
			*nl = '\0';
		lineno++;
		step = trim(line);
		line = nl ? nl + 1 : NULL;
		if (!*step || *step == '#')
			continue;
		word = step;
		arg = strpbrk(step, " \t");
		if (arg) {
			*arg++ = '\0';
			arg = trim(arg);
		}
		if (strcmp(word, "set") == 0) {
			char *value = arg ? strpbrk(arg, " \t") : NULL;
			const char *msg;

			if (value) {
				*value++ = '\0';
				value = trim(value);
			}
			if (!arg || !value || strlen(value) > MAX_VALUE) {
				fprintf(stderr, "%s:%u: set needs an element and a value\n", script_path, lineno);
				status = PA_EXIT_PROBLEMS;
				break;
			}
			if ((msg = runtime_set(&rt, arg, value))) {
				fprintf(stderr, "%s:%u: %s: '%s' %s\n", script_path, lineno, arg, value, msg);
				status = PA_EXIT_PROBLEMS;
				break;
			}
			printf("set %s %s -> ok\n", arg, value);
		} else if (strcmp(word, "terminate") == 0) {
			char target[PA_SEQ_MAX_ID + 1];
			pa_seq_nav nv;
			char *navreq = rt.nav ? pa_strdup(rt.nav) : NULL;

			flush_runtime(*seqp, &rt);
			if (navreq) {
				if (pa_seq_nav_request_parse(&nv, target, sizeof(target), navreq) != 0) {
					fprintf(stderr, "%s:%u: adl.nav.request '%s' is not a request\n", script_path, lineno, navreq);
					free(navreq);
					status = PA_EXIT_PROBLEMS;
					break;
				}
				if (nv == PA_SEQ_NAV_NONE) {
					puts("terminate -> ok");
				} else {
					pa_seq_navigate(*seqp, nv, target[0] ? target : NULL, &r);
					print_result("terminate", &r);
				}
			} else {
				puts("terminate -> ok");
			}
			free(navreq);
		} else if (strcmp(word, "valid") == 0) {
			char *target = arg ? strpbrk(arg, " \t") : NULL;
			int v;

			if (target) {
				*target++ = '\0';
				target = trim(target);
			}
			nav = arg ? pa_seq_nav_parse(arg) : -1;
			if (nav < 0) {
				fprintf(stderr, "%s:%u: valid needs a navigation request\n", script_path, lineno);
				status = PA_EXIT_PROBLEMS;
				break;
			}
			v = pa_seq_request_valid(*seqp, (pa_seq_nav)nav, target);
			printf("valid %s%s%s -> %s\n", arg, target ? " " : "", target ? target : "",
			       v > 0 ? "true" : "false");
		} else if (strcmp(word, "elapse") == 0) {
			double d = arg ? parse_duration(arg) : -1;

			if (d < 0) {
				fprintf(stderr, "%s:%u: elapse needs an ISO 8601 duration (PT30M)\n", script_path, lineno);
				status = PA_EXIT_PROBLEMS;
				break;
			}
			/* Wall-clock time of the SCO being delivered: its attempt's
			 * absolute duration (cmi.session_time is the experienced one). */
			rt.r.elapsed_set = 1;
			rt.r.elapsed += d;
			rt.dirty = true;
			printf("elapse %s -> ok\n", arg);
		} else if (strcmp(word, "clock") == 0) {
			if (!arg || pa_seqtree_parse_datetime(&now, arg) != 0) {
				fprintf(stderr, "%s:%u: clock needs a date and time (2026-03-01T09:00:00Z)\n",
					script_path, lineno);
				status = PA_EXIT_PROBLEMS;
				break;
			}
			clock_set = true;
			pa_seq_set_clock(*seqp, now);
			printf("clock %s -> ok\n", arg);
		} else if (strcmp(word, "relaunch") == 0) {
			char err[PA_SEQ_ERR_SIZE];

			flush_runtime(*seqp, &rt);
			if (relaunch(seqp, tree, seed, err)) {
				fprintf(stderr, "%s:%u: relaunch: %s\n", script_path, lineno, err);
				status = PA_EXIT_PROBLEMS;
				break;
			}
			if (clock_set)
				pa_seq_set_clock(*seqp, now);
			puts("relaunch -> ok");
		} else if ((nav = pa_seq_nav_parse(word)) >= 0 && nav != PA_SEQ_NAV_NONE) {
			char label[PA_SEQ_MAX_ID + 32];
			bool targeted = nav == PA_SEQ_NAV_CHOICE || nav == PA_SEQ_NAV_JUMP;

			if (targeted != (arg != NULL)) {
				fprintf(stderr, "%s:%u: %s %s\n", script_path, lineno, word,
					targeted ? "needs an activity identifier" : "takes no argument");
				status = PA_EXIT_PROBLEMS;
				break;
			}
			flush_runtime(*seqp, &rt);
			pa_seq_navigate(*seqp, (pa_seq_nav)nav, arg, &r);
			snprintf(label, sizeof(label), "%s%s%s", word, arg ? " " : "", arg ? arg : "");
			print_result(label, &r);
		} else {
			fprintf(stderr, "%s:%u: unknown step '%s'\n", script_path, lineno, word);
			status = PA_EXIT_PROBLEMS;
			break;
		}
	}
	runtime_clear(&rt);
	return status;
}

int pa_cmd_sequence(int argc, char **argv)
{
	const char *dir = NULL, *script = NULL;
	uint64_t seed = 0;
	bool print_tree = false;
	pa_buf tree = PA_BUF_INIT, text = PA_BUF_INIT;
	pa_diag diag;
	pa_seq *seq = NULL;
	char err[PA_SEQ_ERR_SIZE];
	int status = PA_EXIT_PROBLEMS;

	{
		const char *seed_text = NULL;
		const pa_cli_opt options[] = {
			{ "--script", NULL, &script, NULL },
			{ "--seed", NULL, &seed_text, NULL },
			{ "--tree", NULL, NULL, &print_tree },
			{ NULL, NULL, NULL, NULL },
		};
		size_t n;
		int64_t v;

		if ((status = pa_cli_parse("sequence", argc, argv, options, &dir, 1, &n)) != PA_EXIT_OK)
			return status;
		if (seed_text) {
			if (pa_parse_int64(&v, seed_text, 0, INT64_MAX) != 0)
				return pa_cli_usage_error("sequence", "--seed needs a non-negative integer, not", seed_text);
			seed = (uint64_t)v;
		}
		status = PA_EXIT_PROBLEMS;
	}
	if (!dir)
		return pa_cli_usage_error("sequence", "missing PACKAGE_DIR", NULL);
	if (!script && !print_tree)
		return pa_cli_usage_error("sequence", "missing --script FILE", NULL);
	pa_diag_init(&diag);
	if (pa_seqtree_from_dir(&tree, dir, &diag) != 0) {
		pa_diag_print(&diag, stderr);
		if (!diag.errors)
			pa_cli_fail(dir);
		goto done;
	}
	pa_diag_print(&diag, stderr);
	if (print_tree) {
		fputs(pa_buf_cstr(&tree), stdout);
		status = PA_EXIT_OK;
		goto done;
	}
	if (pa_seq_new(&seq, tree.ptr, tree.len, seed, err) != 0) {
		fprintf(stderr, "passerelle sequence: %s/imsmanifest.xml: tree description: %s\n", dir, err);
		goto done;
	}
	if (pa_fs_read(&text, script, MAX_SCRIPT) != 0) {
		pa_cli_fail(script);
		goto done;
	}
	if (text.len && memchr(text.ptr, '\0', text.len)) {
		fprintf(stderr, "passerelle sequence: %s: NUL byte in the script\n", script);
		goto done;
	}
	status = run_script(&seq, &tree, seed, script, text.ptr ? text.ptr : (char *)"");
	print_status(seq);
done:
	pa_seq_free(seq);
	pa_diag_dispose(&diag);
	pa_buf_dispose(&tree);
	pa_buf_dispose(&text);
	return status;
}
