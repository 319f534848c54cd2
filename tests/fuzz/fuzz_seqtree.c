/*
 * Fuzz the tree description parser of the sequencing engine, then drive
 * what it accepts: every navigation request on every activity, a report,
 * and an export/import round trip, so that the processes run on odd trees.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/scorm/seq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pa_seq *seq;
	char err[PA_SEQ_ERR_SIZE], *state = NULL;
	pa_seq_result r;
	pa_seq_report rep;

	if (pa_seq_new(&seq, (const char *)data, size, size, err) != 0)
		return 0;
	if (size % 2)   /* half the inputs with a clock: the time limits come into play */
		pa_seq_set_clock(seq, 1772355600.0 + (double)size * 600);
	memset(&rep, 0, sizeof(rep));
	rep.success_status = "passed";
	rep.completion_status = "completed";
	rep.scaled_set = 1;
	rep.scaled = 0.5;
	rep.session_time_set = 1;
	rep.session_time = 600;   /* ten minutes, a quarter hour of wall clock: */
	rep.elapsed_set = 1;      /* the duration limits come into play */
	rep.elapsed = 900;
	for (int nav = 0; nav <= PA_SEQ_NAV_NONE; nav++) {
		size_t n = pa_seq_count(seq) < 16 ? pa_seq_count(seq) : 16;

		for (size_t i = 0; i < n; i++) {
			pa_seq_status st;

			if (pa_seq_status_at(seq, i, &st) != 0)
				abort();
			(void)pa_seq_request_valid(seq, (pa_seq_nav)nav, st.id);
			pa_seq_navigate(seq, (pa_seq_nav)nav, st.id, &r);
			if (r.delivered)
				pa_seq_report_runtime(seq, &rep);
		}
	}
	if (pa_seq_export(&state, seq, err) == 0) {
		if (pa_seq_import(seq, state, strlen(state), err) != 0)
			abort();
		free(state);
	}
	pa_seq_free(seq);
	return 0;
}
