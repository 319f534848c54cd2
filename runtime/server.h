/*
 * The HTTP server of `passerelle serve` (libmicrohttpd: a pool of threads,
 * each with its own epoll loop).
 *
 *   GET  /healthz                             200 (503 if the store fails) JSON
 *   GET  /content/<package>/<version>/<path>  the files of a package version
 *   GET  /admin/packages                      the packages (admin token)
 *   GET  /admin/packages/<package>[/<version>] one version with its tree (admin token)
 *   POST /admin/packages                      import an uploaded zip (admin token)
 *   POST /admin/packages/<package>/preview    a preview link (admin token)
 *   GET  /play/<attempt>?token=T              the learner's page (session token)
 *   GET  /player/<file>                       its scripts, styles and scorm.wasm
 *   GET  /api/attempts/<attempt>              what a session starts from (session token)
 *   POST /api/attempts/<attempt>/commits      the run-time calls, replayed and stored (session token)
 *
 * Production runs behind a reverse proxy terminating TLS; X-Forwarded-*
 * headers are believed only from trusted_proxies.
 */
#ifndef PA_SERVER_H
#define PA_SERVER_H

#include <stdint.h>

#include "common/config.h"
#include "runtime/store.h"

typedef struct pa_server pa_server;

typedef struct pa_server_options {
	const pa_config *config;   /* listen, threads, limits, data_dir...; must outlive the server */
	pa_store *store;           /* must outlive the server */
	const char *schema_dir;    /* overrides the config's, for imports */
} pa_server_options;

/* Listen and start serving in background threads. */
int pa_server_start(pa_server **out, const pa_server_options *opts);

/* The port listened on (useful with port 0). */
uint16_t pa_server_port(const pa_server *server);

/* Requests being served now (headers received, answer not yet sent). */
unsigned pa_server_inflight(pa_server *server);

/*
 * Graceful stop: accept no more connections, let the requests in progress
 * finish (at most shutdown_timeout seconds), close every connection, free.
 * The store stays open (the caller closes it). Accepts NULL.
 */
void pa_server_stop(pa_server *server);

#endif
