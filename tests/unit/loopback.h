/* A tiny HTTP server on an ephemeral port of 127.0.0.1 (libmicrohttpd),
 * for tests of our HTTP clients: the test answers each request with a
 * function. A thread per connection, so a slow answer blocks no other. */
#ifndef PA_TEST_LOOPBACK_H
#define PA_TEST_LOOPBACK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "support.h"
#include "common/buf.h"

typedef struct lb_request {
	const char *method;
	const char *path;
	const char *accept, *authorization, *content_type;
	const char *body;
	size_t body_len;
} lb_request;

typedef struct lb_answer {
	unsigned status;
	const char *content_type;       /* NULL: none */
	const char *header_name;        /* one extra header, or NULL */
	const char *header_value;
	pa_buf body;
	size_t chunked_len;             /* > 0: a chunked body of this many 'x' instead */
} lb_answer;

typedef void (*lb_handler)(lb_answer *a, const lb_request *r, void *ctx);

typedef struct lb_server {
	struct MHD_Daemon *daemon;
	unsigned port;
	lb_handler handler;
	void *ctx;
	char base[64];                  /* "http://127.0.0.1:PORT" */
} lb_server;

typedef struct lb_upload {
	pa_buf body;
} lb_upload;

static inline ssize_t lb_chunk(void *cls, uint64_t pos, char *buf, size_t max)
{
	size_t total = *(size_t *)cls, n;

	if (pos >= total)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = total - (size_t)pos < max ? total - (size_t)pos : max;
	if (n > 4096)
		n = 4096;
	memset(buf, 'x', n);
	return (ssize_t)n;
}

static inline enum MHD_Result lb_handle(void *cls, struct MHD_Connection *c, const char *url,
					const char *method, const char *version, const char *data,
					size_t *data_size, void **con_cls)
{
	lb_server *s = cls;
	lb_upload *up = *con_cls;
	lb_request r;
	lb_answer a;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	(void)version;
	if (!up) {
		up = calloc(1, sizeof(*up));
		pa_buf_init(&up->body, 0);
		*con_cls = up;
		return MHD_YES;
	}
	if (*data_size) {
		pa_buf_put(&up->body, data, *data_size);
		*data_size = 0;
		return MHD_YES;
	}
	memset(&r, 0, sizeof(r));
	r.method = method;
	r.path = url;
	r.accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
	r.authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	r.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	r.body = pa_buf_cstr(&up->body);
	r.body_len = up->body.len;
	memset(&a, 0, sizeof(a));
	a.status = 200;
	pa_buf_init(&a.body, 0);
	s->handler(&a, &r, s->ctx);
	if (a.chunked_len) {
		size_t *total = malloc(sizeof(*total));

		*total = a.chunked_len;
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, lb_chunk, total, free);
	} else {
		resp = MHD_create_response_from_buffer(a.body.len, (void *)pa_buf_cstr(&a.body),
						       MHD_RESPMEM_MUST_COPY);
	}
	if (a.content_type)
		MHD_add_response_header(resp, "Content-Type", a.content_type);
	if (a.header_name)
		MHD_add_response_header(resp, a.header_name, a.header_value);
	ret = MHD_queue_response(c, a.status, resp);
	MHD_destroy_response(resp);
	pa_buf_dispose(&a.body);
	return ret;
}

static inline void lb_done(void *cls, struct MHD_Connection *c, void **con_cls,
			   enum MHD_RequestTerminationCode toe)
{
	lb_upload *up = *con_cls;

	(void)cls, (void)c, (void)toe;
	if (up) {
		pa_buf_dispose(&up->body);
		free(up);
		*con_cls = NULL;
	}
}

/* tls_key, tls_cert: PEM for an https server, or NULL for plain http. */
static inline void lb_start_tls(lb_server *s, lb_handler handler, void *ctx, const char *tls_key,
				const char *tls_cert)
{
	const union MHD_DaemonInfo *info;
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(s, 0, sizeof(*s));
	s->handler = handler;
	s->ctx = ctx;
	if (tls_key)
		s->daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
					     MHD_USE_TLS, 0, NULL, NULL, lb_handle, s,
					     MHD_OPTION_NOTIFY_COMPLETED, lb_done, s,
					     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
					     MHD_OPTION_HTTPS_MEM_KEY, tls_key, MHD_OPTION_HTTPS_MEM_CERT, tls_cert,
					     MHD_OPTION_END);
	else
		s->daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
					     0, NULL, NULL, lb_handle, s,
					     MHD_OPTION_NOTIFY_COMPLETED, lb_done, s,
					     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_END);
	assert_non_null(s->daemon);
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(info);
	s->port = info->port;
	snprintf(s->base, sizeof(s->base), "%s://127.0.0.1:%u", tls_key ? "https" : "http", s->port);
}

static inline void lb_start(lb_server *s, lb_handler handler, void *ctx)
{
	lb_start_tls(s, handler, ctx, NULL, NULL);
}

static inline void lb_stop(lb_server *s)
{
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	s->daemon = NULL;
}

#endif
