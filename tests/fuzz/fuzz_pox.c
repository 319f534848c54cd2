/*
 * The answers of LTI 1.1 outcome services (lti/lti11_pox.h): whatever a
 * consumer sends back, reading it must not crash, fetch or expand
 * anything, and a code it reports must fit where it goes.
 */
#include <stdint.h>
#include <string.h>

#include "lti/lti11_pox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char major[32];
	pa_buf description = PA_BUF_INIT;

	if (pa_lti11_pox_status(major, sizeof(major), &description, (const char *)data, size) == 0 &&
	    strlen(major) >= sizeof(major))
		__builtin_trap();
	pa_buf_dispose(&description);
	return 0;
}
