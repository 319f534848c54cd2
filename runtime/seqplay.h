/*
 * The sequencing engine (runtime/scorm/seq.h) seen from the player: what
 * a SCO's run-time data tells sequencing when it terminates, what
 * sequencing tells the SCO at launch, and the answer a navigation request
 * gives the learner's page (the activity to deliver, the table of
 * contents, which requests are valid, the controls to hide).
 *
 * The server is authoritative: it keeps the engine's export
 * (pa_seq_export) per attempt and runs every navigation request; the page
 * only renders the answer. Nothing here does I/O.
 */
#ifndef PA_SEQPLAY_H
#define PA_SEQPLAY_H

#include <stdint.h>

#include "common/buf.h"
#include "runtime/scorm/scorm.h"
#include "runtime/scorm/seq.h"

/*
 * The engine of an attempt: the tree description (runtime/seqtree.h) and,
 * when the attempt has one, its saved state (state NULL or state_len 0:
 * a fresh tree). PA_EPARSE when either is refused (why in pa_error_last()).
 */
int pa_seqplay_open(pa_seq **out, const char *tree, size_t tree_len, const char *state, size_t state_len);

/*
 * The delivered SCO terminated (or its window closed): copy its data
 * model into the tracking model and roll up (RTE 4.2 mappings). elapsed
 * is the host's measure of the session in seconds, < 0 when unknown.
 * Does nothing when no activity is active.
 */
int pa_seqplay_report(pa_seq *seq, pa_scorm *sco, double elapsed);

/*
 * Run one navigation request in the adl.nav.request vocabulary
 * ("start", "resumeAll", "continue", "{target=ID}choice", ...).
 * PA_EPARSE when request is no request; an exception of the book is a
 * result (r->exception), not an error.
 */
int pa_seqplay_navigate(pa_seq *seq, const char *request, pa_seq_result *r);

/*
 * Initialize the engine of the SCO about to be delivered for activity
 * (its identifier): cmi.completion_threshold, cmi.scaled_passing_score,
 * cmi.objectives.n from the activity's objectives as sequencing sees
 * them (a new attempt only: a resumed SCO keeps its own), and
 * adl.nav.request_valid.* as the engine answers them now.
 */
int pa_seqplay_prepare_sco(pa_scorm *sco, const pa_seq *seq, const char *activity, int resumed);

/*
 * The answer to the page, JSON appended to out:
 *   {"delivered":"ID"|null,"exception":"SB.2.1-3"|null,"message":"...",
 *    "ended":bool,"resumed":bool,"current":"ID"|null,
 *    "hide":["previous","continue","exit","exitAll","abandon","abandonAll","suspendAll"],
 *    "valid":{"continue":bool,"previous":bool,"suspendAll":bool},
 *    "toc":[{"id","title","depth","leaf","visible","choice","current",
 *            "completion":"completed|incomplete|unknown","success":"passed|failed|unknown",
 *            "suspended"}]}
 * toc lists the available activities in tree order; choice says whether
 * {target=ID}choice is valid now. r may be NULL (the state as it stands).
 */
int pa_seqplay_answer_json(pa_buf *out, const pa_seq *seq, const pa_seq_result *r);

#endif
