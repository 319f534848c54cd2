/* The public LTI store calls: forwarded to the backend (runtime/store_lti.h). */
#include "runtime/store_lti.h"

#include <stdlib.h>
#include <string.h>

#include "runtime/store_backend.h"

/* --- tool keys --- */
/* --- platforms and deployments (1.3) --- */
/* --- consumers (1.1) --- */
/* --- single-use values --- */
/* --- links, learners, grade targets --- */
/* --- outbox --- */
