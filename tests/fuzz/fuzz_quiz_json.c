/* Fuzz the JSON question parser: any bytes must give questions or diagnostics, never a crash. */
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"
#include "packager/quiz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pa_diag diag;
	pa_quiz quiz;

	pa_diag_init(&diag);
	if (pa_quiz_parse_json(&quiz, (const char *)data, size, "fuzz.json", &diag) == 0) {
		/* A parsed quiz agrees with itself as a translation. */
		if (pa_quiz_check_translation(&quiz, &quiz, &diag) != 0)
			__builtin_trap();
		pa_quiz_dispose(&quiz);
	}
	pa_diag_dispose(&diag);
	return 0;
}
