/*
 * The engines of the SCOs being played, handed from one commit to the
 * next (`passerelle serve`): a commit replays its calls on the engine the
 * previous commit of the attempt left, instead of importing it again from
 * the stored state (the import was the largest part of a commit's CPU).
 *
 * One engine per attempt, the one of the SCO its last commit replayed,
 * tagged with that commit's seq. A commit takes it only when the attempt
 * it read says that very seq was the last: any other commit in between
 * (another SCO, navigation, another process) and the state is imported as
 * before. Taking moves ownership: a commit the engine or the store refuses
 * frees it, and the next commit imports the stored state.
 *
 * An engine carries the error of its last call, as the browser's does;
 * an imported one starts at 0 (the state does not keep it). Replaying
 * the call log of an attempt from the start on one engine gives the
 * first; only a GetLastError opening a commit can tell them apart.
 *
 * Bounded by an estimate of the engines' memory; thread-safe.
 */
#ifndef PA_ENGINES_H
#define PA_ENGINES_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/scorm/scorm.h"

typedef struct pa_engines pa_engines;

int pa_engines_new(pa_engines **out, size_t max_bytes);
void pa_engines_free(pa_engines *engines);

/* The engine of sco in attempt_id as commit seq left it (the caller owns it now), or NULL. */
pa_scorm *pa_engines_take(pa_engines *engines, int64_t attempt_id, const char *sco, int64_t seq);

/*
 * Keep engine (owned from now on) as commit seq of attempt_id left sco;
 * bytes: about what it holds (its exported state's length will do). It
 * replaces the attempt's engine if any.
 */
void pa_engines_give(pa_engines *engines, int64_t attempt_id, const char *sco, int64_t seq, pa_scorm *engine,
		     size_t bytes);

#endif
