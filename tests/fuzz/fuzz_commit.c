/*
 * runtime/player: a commit body from a hostile browser, replayed on a
 * two-SCO attempt (SCORM 2004 when the first byte is even, 1.2 otherwise;
 * the rest is the body). Whatever happens: no crash, bounded memory, and
 * a replay that succeeds leaves a state the next replay can read.
 */
#include <stdint.h>
#include <string.h>

#include "runtime/player.h"

static const char tree[] =
	"{\"identifier\":\"f\",\"title\":\"F\",\"default_organization\":\"o\",\"organizations\":[{"
	"\"identifier\":\"o\",\"title\":\"O\",\"items\":[{\"identifier\":\"a\",\"title\":\"A\",\"visible\":true,"
	"\"launch\":\"a.html\",\"scorm_type\":\"sco\",\"mastery_score\":\"80\",\"items\":[]},"
	"{\"identifier\":\"b\",\"title\":\"B\",\"visible\":true,\"launch\":\"b.html\",\"scorm_type\":\"sco\","
	"\"data_from_lms\":\"x=1\",\"items\":[]}]}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pa_store_attempt a;
	pa_player_context ctx;
	pa_player_outcome o, again;

	if (size < 1)
		return 0;
	memset(&a, 0, sizeof(a));
	a.id = 1;
	memset(&ctx, 0, sizeof(ctx));
	ctx.attempt = &a;
	ctx.tree_json = tree;
	ctx.scorm_version = data[0] % 2 ? "1.2" : "2004 4th Edition";
	ctx.learner_id = "fuzz";
	ctx.learner_name = "Fuzz, Er";
	pa_player_outcome_init(&o);
	if (pa_player_replay(&o, &ctx, (const char *)data + 1, size - 1) == 0) {
		/* the SCO states just produced must load again */
		a.scos = o.scos;
		a.nscos = o.nscos;
		pa_player_outcome_init(&again);
		if (pa_player_replay(&again, &ctx, "{\"seq\":2,\"sco\":\"a\",\"calls\":[]}", 30) != 0 || !again.nscos)
			__builtin_trap();
		pa_player_outcome_dispose(&again);
	}
	pa_player_outcome_dispose(&o);
	return 0;
}
