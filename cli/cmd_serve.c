/* passerelle serve: the HTTP server, until SIGTERM or SIGINT. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/error.h"
#include "common/log.h"
#include "packager/xsd.h"
#include "runtime/server.h"
#include "runtime/store.h"

void pa_cmd_serve_usage(FILE *out)
{
	static const pa_config_key keys[] = {
		PA_CFG_LISTEN, PA_CFG_DATA_DIR, PA_CFG_THREADS, PA_CFG_MAX_CONNECTIONS,
		PA_CFG_CONNECTION_TIMEOUT, PA_CFG_SHUTDOWN_TIMEOUT, PA_CFG_TRUSTED_PROXIES,
		PA_CFG_PUBLIC_BASE_URL, PA_CFG_MAX_UPLOAD_BYTES, PA_CFG_CONTENT_MAX_AGE,
		PA_CFG_CONTENT_SECURITY_POLICY, PA_CFG_LOG_LEVEL, PA_CFG_STORE, PA_CFG_BUSY_TIMEOUT,
		PA_CFG_COMMIT_BATCH, PA_CFG_ATTEMPT_CACHE, PA_CFG_WAL_MAX, PA_CFG_SCHEMA_DIR, PA_CFG_SESSION_TTL, PA_CFG_SUSPEND_DATA_MAX,
		PA_CFG_MAX_COMMIT_BYTES, PA_CFG_COMMIT_INTERVAL, PA_CFG_NEW_ATTEMPT_AFTER_COMPLETION,
	};

	fputs("usage: passerelle serve [--config FILE] [--listen HOST:PORT] [--data DIR]\n"
	      "                        [--set NAME=VALUE]...\n\n"
	      "Serves the packages of the data folder over HTTP, and the admin API:\n"
	      "  GET  /healthz                               status of the server and its store\n"
	      "  GET  /content/PACKAGE/VERSION/PATH          the files of a package version\n"
	      "  GET  /admin/packages                        the packages (admin token)\n"
	      "  GET  /admin/packages/PACKAGE[/VERSION]      one version and its activity tree\n"
	      "  POST /admin/packages                        import a zip (body or multipart file)\n"
	      "Admin requests carry 'Authorization: Bearer TOKEN' (see 'passerelle admin').\n"
	      "Put it behind a reverse proxy that terminates TLS (docs/operations.md).\n"
	      "SIGTERM or SIGINT stop it gracefully: no new connections, requests in progress\n"
	      "finish (up to shutdown_timeout), the store is closed.\n\n"
	      "options:\n"
	      "  --listen HOST:PORT   address to listen on (default: the listen setting)\n"
	      "  --data DIR           the data folder (default: the data_dir setting)\n"
	      "  --config FILE        read settings from FILE (default: $PASSERELLE_CONFIG)\n"
	      "  --set NAME=VALUE     change one setting for this run\n\n", out);
	pa_cli_settings_usage(out, keys, sizeof(keys) / sizeof(keys[0]));
	fputs("\nexit codes: 0 stopped by a signal, 1 could not start, 2 usage error\n", out);
}

int pa_cmd_serve(int argc, char **argv)
{
	const char *config_file = NULL, *listen = NULL;
	pa_server_options opts = { 0 };
	pa_server *server = NULL;
	pa_store *store = NULL;
	pa_log_level level;
	sigset_t signals;
	pa_config cfg;
	int code, sig = 0;

	{
		const pa_cli_opt options[] = {
			{ "--data", NULL, NULL, NULL },
			{ "--config", NULL, &config_file, NULL },
			{ "--listen", NULL, &listen, NULL },
			{ "--set", NULL, NULL, NULL },
			{ "--limit", NULL, NULL, NULL },
			{ NULL, NULL, NULL, NULL },
		};
		size_t n;

		if ((code = pa_cli_parse("serve", argc, argv, options, NULL, 0, &n)) != PA_EXIT_OK)
			return code;
	}
	if ((code = pa_cli_settings(&cfg, "serve", config_file, argc, argv)) != PA_EXIT_OK)
		return code;
	if ((listen && pa_config_set(&cfg, "listen", listen) != 0) ||
	    pa_log_parse_level(&level, pa_config_string(&cfg, PA_CFG_LOG_LEVEL)) != 0) {
		fprintf(stderr, "passerelle serve: %s\n", pa_error_last());
		pa_config_dispose(&cfg);
		return PA_EXIT_USAGE;
	}
	if (!pa_cli_log_level_given())
		pa_log_set_level(level);

	/* Every thread started from here on leaves these signals to sigwait below. */
	sigemptyset(&signals);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	code = PA_EXIT_PROBLEMS;
	if (pa_store_open(&store, pa_config_string(&cfg, PA_CFG_DATA_DIR), &cfg) != 0) {
		pa_err("serve: %s", pa_error_last());
		goto done;
	}
	if (pa_store_cache_attempts(store, (size_t)pa_config_size(&cfg, PA_CFG_ATTEMPT_CACHE)) != 0) {
		pa_err("serve: %s", pa_error_last());
		goto done;
	}
	/* Content is served without them, but every upload would fail. */
	for (int f = 0; f < 2; f++) {
		pa_buf set = PA_BUF_INIT;

		if (pa_xsd_find_set(&set, pa_config_string(&cfg, PA_CFG_SCHEMA_DIR),
				    f ? PA_XSD_SCORM2004 : PA_XSD_SCORM12) != 0)
			pa_warn("serve: %s; uploads will fail until schema_dir names the SCORM schemas",
				pa_error_last());
		pa_buf_dispose(&set);
	}
	opts.config = &cfg;
	opts.store = store;
	if (pa_server_start(&server, &opts) != 0) {
		pa_err("serve: %s", pa_error_last());
		goto done;
	}
	pa_info("serve: passerelle %s listening on %s (port %u), data in %s, %lld threads", PA_VERSION,
		pa_config_string(&cfg, PA_CFG_LISTEN), pa_server_port(server),
		pa_config_string(&cfg, PA_CFG_DATA_DIR), (long long)pa_config_int(&cfg, PA_CFG_THREADS));
	for (;;) {
		if (sigwait(&signals, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			pa_info("serve: SIGHUP ignored (restart to read the settings again)");
			continue;
		}
		break;
	}
	pa_info("serve: %s received; finishing the requests in progress", sig == SIGINT ? "SIGINT" : "SIGTERM");
	pa_server_stop(server);
	server = NULL;
	code = PA_EXIT_OK;
done:
	pa_server_stop(server);
	pa_store_close(store);
	if (code == PA_EXIT_OK)
		pa_info("serve: stopped");
	pa_config_dispose(&cfg);
	return code;
}
