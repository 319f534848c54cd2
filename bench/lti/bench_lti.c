/*
 * The learners' browsers of the LTI benchmark (bench/lti/bench.mjs): one
 * timed phase of a round, a list of HTTP requests run over CLIENTS
 * keep-alive HTTP/1.1 connections, each connection taking the next request
 * as soon as its last one is answered. One epoll loop, one process: the
 * driver must cost the tools' shared 2 cores as little as it can, and the
 * same for every tool measured.
 *
 *   bench_lti PORT REQUESTS RESULTS CLIENTS [SERVER_PID]
 *
 * REQUESTS: one request a line, four tab-separated fields: METHOD PATH
 *   COOKIE BODY ("-" for no cookie, no body; a body is sent as an
 *   application/x-www-form-urlencoded form).
 * RESULTS: a line a request, in the same order: STATUS MS LOCATION COOKIES
 *   (tab-separated; MS the request's latency; COOKIES the name=value of
 *   each Set-Cookie, "; "-joined, those with an empty value left out as a
 *   browser deletes them; "-" for none). STATUS 0: no answer.
 * stdout: one JSON object: requests, answered, seconds (first request sent
 *   to last answer), driver_cpu_ms (this process, in that window),
 *   server_cpu_ms (SERVER_PID's, user + system, in that window), server_user_ms
 *   (user only: the system part also holds the disk's flushes), reconnects.
 *
 * The connections are opened before the clock starts: the browsers keep
 * theirs from one phase to the next.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"

typedef struct request {
	char *method, *path, *cookie, *body;   /* cookie, body: NULL for none */
	int status;
	double ms;
	char *location, *cookies;
} request;

typedef struct conn {
	int fd;
	request *req;        /* in flight, or NULL */
	pa_buf out, in;
	size_t out_off;
	double sent;
	int tries;
} conn;

static struct sockaddr_in server_addr;
static char host[32];
static int ep;
static request *R;
static size_t nreq, next_req, answered;
static long reconnects;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static char *dup_or_null(const char *s, size_t len)
{
	char *p;

	if (len == 1 && s[0] == '-')
		return NULL;
	if (!(p = malloc(len + 1)))
		die("malloc");
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* The request list: the whole file, a request a line. */
static void load(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, nalloc = 0;
	ssize_t len;

	if (!f)
		die(path);
	while ((len = getline(&line, &cap, f)) > 0) {
		char *field[4], *p = line;
		request *r;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		for (int k = 0; k < 4; k++) {
			field[k] = p;
			p = k < 3 ? strchr(p, '\t') : NULL;
			if (k < 3 && !p) {
				fprintf(stderr, "bench_lti: line %zu: four tab-separated fields expected\n", nreq + 1);
				exit(2);
			}
			if (p)
				*p++ = '\0';
		}
		if (nreq == nalloc) {
			nalloc = nalloc ? nalloc * 2 : 4096;
			if (!(R = realloc(R, nalloc * sizeof(*R))))
				die("realloc");
		}
		r = &R[nreq++];
		memset(r, 0, sizeof(*r));
		r->method = dup_or_null(field[0], strlen(field[0]));
		r->path = dup_or_null(field[1], strlen(field[1]));
		r->cookie = dup_or_null(field[2], strlen(field[2]));
		r->body = dup_or_null(field[3], strlen(field[3]));
		if (!r->method || !r->path) {
			fprintf(stderr, "bench_lti: line %zu: no method or path\n", nreq);
			exit(2);
		}
	}
	free(line);
	fclose(f);
}

static void watch(conn *c, uint32_t events, int op)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	if (epoll_ctl(ep, op, c->fd, &ev) != 0)
		die("epoll_ctl");
}

/* A blocking connect (loopback: at once), then non-blocking. */
static void open_conn(conn *c)
{
	int one = 1;

	if ((c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		die("socket");
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&server_addr, sizeof(server_addr)) != 0)
		die("connect");
	if (fcntl(c->fd, F_SETFL, O_NONBLOCK) != 0)
		die("fcntl");
	watch(c, EPOLLIN, EPOLL_CTL_ADD);
}

static void close_conn(conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
}

static void build(conn *c, request *r)
{
	pa_buf_clear(&c->out);
	pa_buf_printf(&c->out, "%s %s HTTP/1.1\r\nHost: %s\r\nAccept: text/html\r\n", r->method, r->path, host);
	if (r->cookie)
		pa_buf_printf(&c->out, "Cookie: %s\r\n", r->cookie);
	if (r->body)
		pa_buf_printf(&c->out, "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n%s",
			      strlen(r->body), r->body);
	else
		pa_buf_puts(&c->out, "\r\n");
	if (pa_buf_error(&c->out)) {
		fprintf(stderr, "bench_lti: request too large\n");
		exit(1);
	}
}

/* Send c->out from the start (on a new connection if the last one closed). */
static void send_request(conn *c)
{
	if (c->fd < 0) {
		open_conn(c);
		reconnects++;
	}
	c->out_off = 0;
	pa_buf_clear(&c->in);
	c->sent = now_ms();
	watch(c, EPOLLOUT, EPOLL_CTL_MOD);
}

static void start_next(conn *c)
{
	if (next_req >= nreq) {
		c->req = NULL;
		return;
	}
	c->req = &R[next_req++];
	c->tries = 0;
	build(c, c->req);
	send_request(c);
}

/* The first CRLF in p[0..len), or NULL. */
static const char *find_crlf(const char *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (p[i] == '\r' && p[i + 1] == '\n')
			return p + i;
	return NULL;
}

/* Is the body of a chunked message complete in p[0..len)? Then its end. */
static bool chunked_end(const char *p, size_t len, size_t *end)
{
	size_t at = 0;

	for (;;) {
		const char *eol = find_crlf(p + at, len - at);
		unsigned long size;
		char *stop;

		if (!eol)
			return false;
		size = strtoul(p + at, &stop, 16);
		if (stop == p + at)
			return false;
		at = (size_t)(eol - p) + 2;
		if (size == 0) {
			/* no trailers sent by the tools measured: the last CRLF */
			if (len - at < 2)
				return false;
			*end = at + 2;
			return true;
		}
		if (len - at < size + 2)
			return false;
		at += size + 2;
	}
}

static bool header_is(const char *line, const char *name, const char **value)
{
	size_t n = strlen(name);

	if (strncasecmp(line, name, n) != 0 || line[n] != ':')
		return false;
	for (*value = line + n + 1; **value == ' ' || **value == '\t'; (*value)++)
		;
	return true;
}

/* A whole response in c->in? Then 1, and the request's results kept; -1 when unreadable. */
static int parse_response(conn *c, bool *close_after)
{
	const char *p = pa_buf_cstr(&c->in), *end = strstr(p, "\r\n\r\n"), *h;
	size_t head, total;
	long clen = -1;
	bool chunked = false;
	int status;
	pa_buf cookies = PA_BUF_INIT;
	char *location = NULL;

	if (!end)
		return 0;
	head = (size_t)(end - p) + 4;
	if (sscanf(p, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	*close_after = false;
	for (h = strstr(p, "\r\n") + 2; h < end + 2; h = strstr(h, "\r\n") + 2) {
		const char *v;

		if (header_is(h, "Content-Length", &v))
			clen = strtol(v, NULL, 10);
		else if (header_is(h, "Transfer-Encoding", &v))
			chunked = !strncasecmp(v, "chunked", 7);
		else if (header_is(h, "Connection", &v))
			*close_after = !strncasecmp(v, "close", 5);
	}
	if (chunked) {
		size_t body_end;

		if (!chunked_end(p + head, c->in.len - head, &body_end))
			return 0;
		total = head + body_end;
	} else {
		total = head + (size_t)(clen > 0 ? clen : 0);
		if (c->in.len < total)
			return 0;
	}
	/* Complete: what the launch needs from it. */
	for (h = strstr(p, "\r\n") + 2; h < end + 2; h = strstr(h, "\r\n") + 2) {
		const char *v, *eol = strstr(h, "\r\n");

		if (header_is(h, "Location", &v)) {
			free(location);
			location = dup_or_null(v, (size_t)(eol - v));
		} else if (header_is(h, "Set-Cookie", &v)) {
			size_t pair = strcspn(v, ";\r");
			const char *eq = memchr(v, '=', pair);

			if (eq && eq + 1 < v + pair) {
				if (cookies.len)
					pa_buf_puts(&cookies, "; ");
				pa_buf_put(&cookies, v, pair);
			}
		}
	}
	c->req->status = status;
	c->req->ms = now_ms() - c->sent;
	c->req->location = location;
	c->req->cookies = cookies.len ? pa_buf_detach(&cookies) : NULL;
	pa_buf_dispose(&cookies);
	/* Anything past this response is not ours: a server never sends unasked. */
	return total == c->in.len ? 1 : -1;
}

static void on_event(conn *c, uint32_t ev)
{
	if (!c->req) {
		/* idle: only a close can come */
		char b[256];

		if (read(c->fd, b, sizeof(b)) <= 0 && errno != EAGAIN)
			close_conn(c);
		return;
	}
	if (c->out_off < c->out.len) {
		ssize_t w;

		if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		w = write(c->fd, c->out.ptr + c->out_off, c->out.len - c->out_off);
		if (w < 0 && errno == EAGAIN)
			return;
		if (w <= 0)
			goto broken;
		c->out_off += (size_t)w;
		if (c->out_off == c->out.len)
			watch(c, EPOLLIN, EPOLL_CTL_MOD);
		return;
	}
	for (;;) {
		char chunk[16384];
		ssize_t r = read(c->fd, chunk, sizeof(chunk));
		bool close_after;
		int p;

		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0)
			goto broken;
		pa_buf_put(&c->in, chunk, (size_t)r);
		if ((p = parse_response(c, &close_after)) < 0) {
			fprintf(stderr, "bench_lti: unreadable response to %s %s: %.200s\n", c->req->method, c->req->path,
				pa_buf_cstr(&c->in));
			exit(1);
		}
		if (p == 0)
			continue;
		answered++;
		if (close_after)
			close_conn(c);
		start_next(c);
		return;
	}
broken:
	/* The server closed the connection: once, the request goes again on a
	 * new one (a browser does the same); a launch it had already taken is
	 * refused the second time and so counted as an error. */
	close_conn(c);
	if (c->in.len == 0 && c->tries++ == 0) {
		send_request(c);
		return;
	}
	c->req->status = 0;
	c->req->ms = now_ms() - c->sent;
	answered++;
	start_next(c);
}

static double cpu_ms_self(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 +
	       ru.ru_stime.tv_usec / 1e3;
}

/* A process's CPU (all its threads) in ms, user and system; -1 when unknown. */
static void cpu_ms_of(long pid, double *user, double *sys)
{
	char path[64], text[1024], *p;
	unsigned long long utime, stime;
	FILE *f;
	size_t n;

	*user = *sys = -1;
	if (pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (!(f = fopen(path, "r")))
		return;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	/* after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
	if (!(p = strrchr(text, ')')) ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
		return;
	*user = (double)utime * 1e3 / (double)sysconf(_SC_CLK_TCK);
	*sys = (double)stime * 1e3 / (double)sysconf(_SC_CLK_TCK);
}

int main(int argc, char **argv)
{
	long port, pid, clients;
	struct epoll_event evs[256];
	double t0, t1, cpu0, cpu1, usr0, usr1, sys0, sys1;
	conn *C;
	FILE *out;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: bench_lti PORT REQUESTS RESULTS CLIENTS [SERVER_PID]\n");
		return 2;
	}
	port = strtol(argv[1], NULL, 10);
	clients = strtol(argv[4], NULL, 10);
	pid = argc == 6 ? strtol(argv[5], NULL, 10) : 0;
	if (port <= 0 || port > 65535 || clients <= 0 || clients > 4096) {
		fprintf(stderr, "bench_lti: bad port or clients\n");
		return 2;
	}
	load(argv[2]);
	snprintf(host, sizeof(host), "127.0.0.1:%ld", port);
	server_addr.sin_family = AF_INET;
	server_addr.sin_port = htons((uint16_t)port);
	server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		die("epoll_create1");
	if (!(C = calloc((size_t)clients, sizeof(*C))))
		die("calloc");
	for (long i = 0; i < clients; i++) {
		pa_buf_init(&C[i].out, 0);
		pa_buf_init(&C[i].in, 0);
		open_conn(&C[i]);
	}
	t0 = now_ms();
	cpu0 = cpu_ms_self();
	cpu_ms_of(pid, &usr0, &sys0);
	for (long i = 0; i < clients; i++)
		start_next(&C[i]);
	while (answered < nreq) {
		int n = epoll_wait(ep, evs, 256, 30000);

		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		if (n == 0) {
			fprintf(stderr, "bench_lti: no answer in 30 s (%zu of %zu answered)\n", answered, nreq);
			return 1;
		}
		for (int k = 0; k < n; k++)
			on_event(evs[k].data.ptr, evs[k].events);
	}
	t1 = now_ms();
	cpu1 = cpu_ms_self();
	cpu_ms_of(pid, &usr1, &sys1);
	if (!(out = fopen(argv[3], "w")))
		die(argv[3]);
	for (size_t i = 0; i < nreq; i++)
		fprintf(out, "%d\t%.3f\t%s\t%s\n", R[i].status, R[i].ms, R[i].location ? R[i].location : "-",
			R[i].cookies ? R[i].cookies : "-");
	if (fclose(out) != 0)
		die(argv[3]);
	printf("{\"requests\":%zu,\"answered\":%zu,\"seconds\":%.6f,\"driver_cpu_ms\":%.1f,\"server_cpu_ms\":%.1f,"
	       "\"server_user_ms\":%.1f,\"reconnects\":%ld}\n",
	       nreq, answered, (t1 - t0) / 1e3, cpu1 - cpu0,
	       usr0 < 0 || usr1 < 0 ? -1.0 : usr1 - usr0 + sys1 - sys0, usr0 < 0 || usr1 < 0 ? -1.0 : usr1 - usr0,
	       reconnects);
	for (long i = 0; i < clients; i++) {
		if (C[i].fd >= 0)
			close(C[i].fd);
		pa_buf_dispose(&C[i].out);
		pa_buf_dispose(&C[i].in);
	}
	free(C);
	for (size_t i = 0; i < nreq; i++) {
		free(R[i].method);
		free(R[i].path);
		free(R[i].cookie);
		free(R[i].body);
		free(R[i].location);
		free(R[i].cookies);
	}
	free(R);
	return 0;
}
