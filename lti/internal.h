/*
 * What the parts of lti/ share (private to lti/).
 */
#ifndef PA_LTI_INTERNAL_H
#define PA_LTI_INTERNAL_H

#include <stdbool.h>
#include <pthread.h>

#include "lti/lti.h"
#include "runtime/session.h"

struct pa_lti {
	const pa_config *cfg;
	pa_store *store;
	const char *data_dir;
	unsigned char session_key[PA_SESSION_KEY_BYTES];  /* the player's (runtime/session.h) */
	int64_t session_ttl;
	bool new_after_completion;
	/* --- LTI 1.3: our keys and the platforms' --- */
	struct pa_lti_keyring *keys;        /* lti/keys.c */
	struct pa_lti_jwks_cache *jwks;     /* lti/jwks.c */
	/* --- grade delivery --- */
	struct pa_lti_outbox *outbox;       /* lti/outbox.c */
	/* --- lti-perf --- */
	struct pa_lti_cache *cache;         /* lti/cache.c: platforms and packages launches read */
};

/* One route: an exact path or a prefix (ending in '/'), the methods it takes. */
typedef struct pa_lti_route_entry {
	const char *path;
	const char *methods;   /* "GET", "POST", "GET, POST": what Allow says */
	enum MHD_Result (*handle)(pa_http_request *r, pa_lti *lti, const char *rest);
} pa_lti_route_entry;

/* The routes, in lti/routes.c; each part of lti/ adds its rows there. */
extern const pa_lti_route_entry pa_lti_routes[];

/* --- LTI 1.3: keys (lti/http_keys.c) --- */
/* GET /lti/jwks (and /.well-known/jwks.json): the tool's public keys. */
enum MHD_Result pa_lti_http_jwks(pa_http_request *r, pa_lti *lti, const char *rest);

/* An HTML page for a person (a learner, an admin), status and a message:
 * what failed, in words they can act on. */
enum MHD_Result pa_lti_page_error(pa_http_request *r, unsigned status, const char *title, const char *message);

#endif
