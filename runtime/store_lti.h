/*
 * The store's LTI tables (schema: migration 2 in runtime/store_sqlite.c):
 * the tool's keys, LTI 1.3 platforms and deployments, LTI 1.1 consumers,
 * single-use values (OIDC state, OAuth nonces), resource links and where
 * their scores go, and the outbox of scores to deliver. Same rules as
 * runtime/store.h: 0 once on disk, pa_error codes, any thread, times in
 * Unix milliseconds.
 *
 * Learners of LTI launches use pa_store_learner_ensure with the subject
 *   "lti13 <issuer> <sub>"            (LTI 1.3: sub is unique per issuer)
 *   "lti11 <consumer key> <user_id>"  (LTI 1.1)
 */
#ifndef PA_STORE_LTI_H
#define PA_STORE_LTI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/store.h"

/* --- tool keys --- */

/* --- platforms and deployments (LTI 1.3) --- */

/* --- consumers (LTI 1.1) --- */

/* --- single-use values --- */

/* --- links, learners, grade targets --- */

/* --- outbox --- */

#endif
