/*
 * common/json_load against jansson's reader: the same input is accepted by
 * both, giving equal values, or refused by both (within the depth both
 * allow). No crash, no leak either way.
 */
#include <stdint.h>
#include <string.h>
#include <jansson.h>

#include "common/json_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *ours = NULL;
	json_t *theirs = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	int rc = pa_json_load(&ours, (const char *)data, size);
	size_t depth = 0, max = 0;

	for (size_t i = 0; i < size; i++) {
		if (data[i] == '[' || data[i] == '{')
			max = ++depth > max ? depth : max;
		else if ((data[i] == ']' || data[i] == '}') && depth)
			depth--;
	}
	/* Brackets inside strings count too: only deep texts are skipped. */
	if (max < PA_JSON_MAX_DEPTH) {
		if ((rc == 0) != (theirs != NULL))
			__builtin_trap();
		if (rc == 0 && !json_equal(ours, theirs))
			__builtin_trap();
	}
	json_decref(ours);
	json_decref(theirs);
	return 0;
}
