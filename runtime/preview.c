#include "runtime/player.h"

#include <string.h>
#include <time.h>

#include "common/error.h"
#include "runtime/session.h"

int pa_player_attempt_for(int64_t *out, pa_store *store, int64_t learner_id, int64_t package_id, bool preview,
			  bool new_after_completion)
{
	pa_store_attempt a;
	pa_store_version v;
	int rc;

	rc = pa_store_attempt_latest(&a, store, learner_id, package_id, preview);
	if (rc == 0) {
		bool done = !strcmp(a.completion_status, "completed") || !strcmp(a.success_status, "passed");

		*out = a.id;
		pa_store_attempt_dispose(&a);
		if (!done || !new_after_completion)
			return 0;
	} else if (rc != PA_ENOTFOUND) {
		return rc;
	}
	if ((rc = pa_store_version_find(&v, store, package_id, 0)) != 0)
		return rc;
	rc = pa_store_attempt_create(out, store, v.id, learner_id, preview);
	pa_store_version_dispose(&v);
	return rc;
}

int pa_player_preview_path(pa_buf *out, pa_store *store, const unsigned char *key, int64_t package_id, int64_t ttl,
			   bool new_after_completion)
{
	pa_session_claims claims;
	int64_t learner, attempt;
	int rc;

	if ((rc = pa_store_learner_ensure(&learner, store, PA_PLAYER_PREVIEW_SUBJECT, "Preview, Learner")) != 0 ||
	    (rc = pa_player_attempt_for(&attempt, store, learner, package_id, true, new_after_completion)) != 0)
		return rc;
	claims.attempt_id = attempt;
	claims.learner_id = learner;
	claims.expires = (int64_t)time(NULL) + ttl;
	pa_buf_printf(out, "/play/%lld?token=", (long long)attempt);
	return pa_session_token_make(out, key, &claims);
}
