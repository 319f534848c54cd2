/*
 * Simulated learners against `passerelle serve`: each session holds one
 * keep-alive HTTP/1.1 connection, opens its attempt as the player page does
 * (GET /api/attempts/ID, the SCO's engine imported from its state) and then
 * commits every INTERVAL ms, with a random phase, the calls a quiz SCO makes
 * (location, a few KB of suspend_data, an interaction, score, Commit), each
 * run first on a local copy of the engine so that its answers are the ones
 * the server's replay will find. One epoll loop, one process.
 *
 *   bench_runtime setup DATA_DIR N TOKENS_OUT
 *       N learners and their attempts on package 1 (latest version), written
 *       to the store directly (serve must not be running), and their session
 *       tokens: "ATTEMPT TOKEN" per line.
 *   bench_runtime run PORT TOKENS N INTERVAL_MS SECONDS SUSPEND_BYTES ACKED_OUT
 *       INTERVAL_MS 0: saturation (each session commits again as soon as the
 *       last one is answered). Prints one summary line; writes the last
 *       acknowledged seq of every attempt, "ATTEMPT SEQ" per line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <jansson.h>

#include "common/buf.h"
#include "common/error.h"
#include "runtime/scorm/scorm.h"
#include "runtime/session.h"
#include "runtime/store.h"

/* --- setup --- */

static int setup(const char *data, long n, const char *out_path)
{
	pa_store *store = NULL;
	pa_store_version v = { 0 };
	unsigned char key[PA_SESSION_KEY_BYTES];
	FILE *out = NULL;
	int rc = 1;

	if (pa_store_open(&store, data, NULL) != 0 || pa_store_version_get(&v, store, 1, 0) != 0 ||
	    pa_session_key_load(key, data) != 0) {
		fprintf(stderr, "setup: %s\n", pa_error_last());
		goto done;
	}
	if (!(out = fopen(out_path, "w")))
		goto done;
	for (long i = 0; i < n; i++) {
		char subject[64], name[64];
		int64_t learner, attempt;
		pa_buf t = PA_BUF_INIT;
		pa_session_claims c;

		snprintf(subject, sizeof(subject), "bench:learner-%ld", i);
		snprintf(name, sizeof(name), "Learner, Bench %ld", i);
		if (pa_store_learner_ensure(&learner, store, subject, name) != 0 ||
		    pa_store_attempt_create(&attempt, store, v.id, learner, false) != 0) {
			fprintf(stderr, "setup: %s\n", pa_error_last());
			goto done;
		}
		c = (pa_session_claims){ attempt, learner, (int64_t)time(NULL) + 86400 };
		if (pa_session_token_make(&t, key, &c) != 0)
			goto done;
		fprintf(out, "%lld %s\n", (long long)attempt, pa_buf_cstr(&t));
		pa_buf_dispose(&t);
	}
	rc = 0;
done:
	if (out && fclose(out) != 0)
		rc = 1;
	pa_store_version_dispose(&v);
	pa_store_close(store);
	return rc;
}

/* --- the load --- */

enum { S_WAIT, S_CONNECTING, S_SENDING, S_RECEIVING };

typedef struct sess {
	int fd;
	int state;
	bool opened;        /* the GET answered: engine ready */
	bool is_get;
	int64_t attempt;
	char token[192];
	char sco[128];
	pa_scorm *engine;
	int64_t seq, acked;
	long n;             /* commits built */
	pa_buf out, in;
	size_t out_off;
	double sent, due;
	size_t heap_at;     /* position in the timer heap, SIZE_MAX when absent */
} sess;

static struct sockaddr_in server_addr;
static int ep;
static sess *S;
static size_t nsess;
static size_t *heap, heap_len;
static double *lat;
static size_t nlat, cap_lat;
static long errors, reconnects, unanswered;
static long suspend_bytes;
static char *suspend_base;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A min-heap of sessions by due time. */
static void heap_swap(size_t a, size_t b)
{
	size_t t = heap[a];

	heap[a] = heap[b];
	heap[b] = t;
	S[heap[a]].heap_at = a;
	S[heap[b]].heap_at = b;
}

static void heap_push(size_t i, double due)
{
	size_t k = heap_len++;

	S[i].due = due;
	heap[k] = i;
	S[i].heap_at = k;
	while (k > 0 && S[heap[(k - 1) / 2]].due > S[heap[k]].due) {
		heap_swap(k, (k - 1) / 2);
		k = (k - 1) / 2;
	}
}

static size_t heap_pop(void)
{
	size_t top = heap[0], k = 0;

	heap_swap(0, --heap_len);
	S[top].heap_at = SIZE_MAX;
	for (;;) {
		size_t l = 2 * k + 1, r = l + 1, m = k;

		if (l < heap_len && S[heap[l]].due < S[heap[m]].due) m = l;
		if (r < heap_len && S[heap[r]].due < S[heap[m]].due) m = r;
		if (m == k) break;
		heap_swap(k, m);
		k = m;
	}
	return top;
}

static void watch(sess *s, uint32_t events, int op)
{
	struct epoll_event ev = { .events = events, .data.ptr = s };

	if (epoll_ctl(ep, op, s->fd, &ev) != 0) {
		perror("epoll_ctl");
		exit(1);
	}
}

static int connect_sess(sess *s)
{
	int one = 1;

	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		perror("socket");
		exit(1);
	}
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(s->fd, (struct sockaddr *)&server_addr, sizeof(server_addr)) != 0 && errno != EINPROGRESS) {
		perror("connect");
		exit(1);
	}
	s->state = S_CONNECTING;
	watch(s, EPOLLOUT, EPOLL_CTL_ADD);
	return 0;
}

static void drop(sess *s)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	s->fd = -1;
}

/* Run one call on the session's engine and append it, with its answer, to
 * calls (JSON written directly: jansson's dump of 4 KB strings cost the
 * simulated browsers more than the rest of their work). */
static void call(sess *s, pa_buf *calls, const char *fn, const char *a0, const char *a1)
{
	const char *res;

	if (!strcmp(fn, "Initialize")) res = pa_scorm_initialize(s->engine, a0) ? "true" : "false";
	else if (!strcmp(fn, "Commit")) res = pa_scorm_commit(s->engine, a0) ? "true" : "false";
	else if (!strcmp(fn, "GetValue")) res = pa_scorm_get_value(s->engine, a0);
	else res = pa_scorm_set_value(s->engine, a0, a1) ? "true" : "false";
	if (!strcmp(res, "false")) {
		fprintf(stderr, "attempt %lld: %s(%s) failed locally: %d\n", (long long)s->attempt, fn, a0,
			pa_scorm_get_last_error(s->engine));
		exit(1);
	}
	pa_buf_puts(calls, calls->len > 1 ? ",{\"fn\":" : "{\"fn\":");
	pa_buf_put_json(calls, fn);
	pa_buf_puts(calls, ",\"args\":[");
	pa_buf_put_json(calls, a0);
	if (a1) {
		pa_buf_putc(calls, ',');
		pa_buf_put_json(calls, a1);
	}
	pa_buf_puts(calls, "],\"result\":");
	pa_buf_put_json(calls, res);
	pa_buf_printf(calls, ",\"error\":%d}", pa_scorm_get_last_error(s->engine));
}

/* The calls of a quiz SCO between two commits, as a commit request. */
static void build_commit(sess *s)
{
	pa_buf calls_buf = PA_BUF_INIT, *calls = &calls_buf, body = PA_BUF_INIT;
	char el[96], v[96];
	long k = s->n++, ix = k % 20;

	pa_buf_putc(calls, '[');

	if (k == 0)
		call(s, calls, "Initialize", "", NULL);
	snprintf(v, sizeof(v), "page-%ld", k + 1);
	call(s, calls, "SetValue", "cmi.location", v);
	/* a few KB that change at every commit, as a real SCO's state does */
	snprintf(v, sizeof(v), "%08ld", k);
	memcpy(suspend_base, v, 8);
	call(s, calls, "SetValue", "cmi.suspend_data", suspend_base);
	if (k < 20) {
		snprintf(el, sizeof(el), "cmi.interactions.%ld.id", ix);
		snprintf(v, sizeof(v), "q%ld", ix + 1);
		call(s, calls, "SetValue", el, v);
		snprintf(el, sizeof(el), "cmi.interactions.%ld.type", ix);
		call(s, calls, "SetValue", el, "choice");
	}
	snprintf(el, sizeof(el), "cmi.interactions.%ld.learner_response", ix);
	call(s, calls, "SetValue", el, k % 2 ? "a" : "b");
	snprintf(el, sizeof(el), "cmi.interactions.%ld.result", ix);
	call(s, calls, "SetValue", el, k % 3 ? "correct" : "incorrect");
	snprintf(v, sizeof(v), "%ld", 50 + k % 50);
	call(s, calls, "SetValue", "cmi.score.raw", v);
	snprintf(v, sizeof(v), "0.%02ld", 50 + k % 50);
	call(s, calls, "SetValue", "cmi.score.scaled", v);
	call(s, calls, "SetValue", "cmi.completion_status", "incomplete");
	call(s, calls, "Commit", "", NULL);
	pa_buf_putc(calls, ']');
	pa_buf_printf(&body, "{\"seq\":%lld,\"sco\":", (long long)(s->seq + 1));
	pa_buf_put_json(&body, s->sco);
	pa_buf_puts(&body, ",\"calls\":");
	pa_buf_put(&body, calls->ptr, calls->len);
	pa_buf_putc(&body, '}');
	pa_buf_clear(&s->out);
	pa_buf_printf(&s->out,
		      "POST /api/attempts/%lld/commits HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		      "Authorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
		      (long long)s->attempt, s->token, body.len);
	pa_buf_put(&s->out, body.ptr, body.len);
	pa_buf_dispose(&body);
	pa_buf_dispose(calls);
	s->seq++;
	s->is_get = false;
}

static void build_get(sess *s)
{
	pa_buf_clear(&s->out);
	pa_buf_printf(&s->out, "GET /api/attempts/%lld HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n",
		      (long long)s->attempt, s->token);
	s->is_get = true;
}

/* Send s->out (already built), connecting first if needed. */
static void start_request(sess *s)
{
	s->out_off = 0;
	pa_buf_clear(&s->in);
	s->sent = now_ms();
	if (s->fd < 0) {
		connect_sess(s);
		return;
	}
	s->state = S_SENDING;
	watch(s, EPOLLOUT, EPOLL_CTL_MOD);
}

static void open_engine(sess *s, const char *body, size_t len)
{
	json_t *doc = json_loadb(body, len, 0, NULL), *sc;
	const char *state;
	char why[256];

	sc = json_array_get(json_object_get(json_object_get(doc, "session"), "scos"), 0);
	state = json_string_value(json_object_get(sc, "state"));
	if (!state || pa_scorm_import(&s->engine, state, strlen(state), NULL, why, sizeof(why)) != 0) {
		fprintf(stderr, "attempt %lld: cannot open: %.200s\n", (long long)s->attempt, body);
		exit(1);
	}
	snprintf(s->sco, sizeof(s->sco), "%s", json_string_value(json_object_get(sc, "id")));
	s->seq = s->acked = json_integer_value(json_object_get(json_object_get(doc, "session"), "last_seq"));
	json_decref(doc);
	s->opened = true;
}

/* A whole response in s->in? Then 1, *status, and its body. */
static int parse_response(sess *s, int *status, const char **body, size_t *blen, bool *close_after)
{
	const char *p = pa_buf_cstr(&s->in), *end = strstr(p, "\r\n\r\n"), *h;
	size_t head, clen = 0;

	if (!end)
		return 0;
	head = (size_t)(end - p) + 4;
	if (sscanf(p, "HTTP/1.%*d %d", status) != 1)
		return -1;
	*close_after = false;
	for (h = strstr(p, "\r\n"); h && h < end; h = strstr(h + 2, "\r\n")) {
		if (!strncasecmp(h + 2, "Content-Length:", 15))
			clen = strtoul(h + 17, NULL, 10);
		else if (!strncasecmp(h + 2, "Connection: close", 17))
			*close_after = true;
	}
	if (s->in.len < head + clen)
		return 0;
	*body = p + head;
	*blen = clen;
	return 1;
}

static void record(double ms)
{
	if (nlat == cap_lat) {
		cap_lat = cap_lat ? cap_lat * 2 : 65536;
		lat = realloc(lat, cap_lat * sizeof(*lat));
		if (!lat) exit(1);
	}
	lat[nlat++] = ms;
}

static double t_start, t_window0, t_window1, interval;
static long acked_in_window, acked_total;
/* BENCH_TRACE: a line a second on stderr (answers, worst latency), to see the ramp drain. */
static bool trace;
static double trace_next, trace_worst;
static long trace_n;

static void trace_answer(double t, double ms)
{
	if (!trace)
		return;
	if (t >= trace_next) {
		if (trace_next > 0)
			fprintf(stderr, "t=%5.1fs answers=%ld worst=%.1fms%s\n", (trace_next - t_start) / 1e3, trace_n,
				trace_worst, trace_next > t_window0 ? " (window)" : "");
		trace_next = (trace_next > 0 ? trace_next : t_start) + 1000;
		while (trace_next <= t)
			trace_next += 1000;
		trace_n = 0;
		trace_worst = 0;
	}
	trace_n++;
	if (ms > trace_worst)
		trace_worst = ms;
}
static bool stopping;
/* The server's CPU time across the window (BENCH_SERVER_PID), in clock ticks. */
static long server_pid;
static double server_ticks0 = -1, server_ticks1 = -1;
static double client_ms0 = -1, client_ms1 = -1;

static double client_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
}

static double server_ticks(void)
{
	char path[64], buf[1024];
	unsigned long ut, st;
	const char *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", server_pid);
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* utime and stime are fields 14 and 15, after the ")" that ends comm */
	if (!(p = strrchr(buf, ')')) || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)ut + (double)st;
}

static void on_response(sess *s, int status, const char *body, size_t blen)
{
	double t = now_ms();

	if (s->is_get) {
		if (status != 200) {
			fprintf(stderr, "GET attempt %lld: %d %.*s\n", (long long)s->attempt, status, (int)blen, body);
			exit(1);
		}
		open_engine(s, body, blen);
		s->state = S_WAIT;
		if (!stopping)
			heap_push((size_t)(s - S), interval > 0 ? s->due + interval : t);
		return;
	}
	if (status == 200) {
		s->acked = s->seq;
		acked_total++;
		trace_answer(t, t - s->sent);
		/* Steady state only: the window opens once every session has
		 * opened its attempt and committed once. */
		if (t >= t_window0 && t < t_window1) {
			acked_in_window++;
			record(t - s->sent);
		}
	} else {
		if (errors++ < 5)
			fprintf(stderr, "commit %lld/%lld: %d %.*s\n", (long long)s->attempt, (long long)s->seq, status,
				(int)blen, body);
		s->state = S_WAIT;
		return;   /* the session stops: its engine no longer matches the server's */
	}
	s->state = S_WAIT;
	if (!stopping)
		heap_push((size_t)(s - S), interval > 0 ? (s->due + interval > t ? s->due + interval : t) : t);
}

static void on_event(sess *s, uint32_t ev)
{
	if (s->state == S_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof(err);

		getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			fprintf(stderr, "connect: %s\n", strerror(err));
			exit(1);
		}
		s->state = S_SENDING;
	}
	if (s->state == S_SENDING && (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
		ssize_t w = write(s->fd, s->out.ptr + s->out_off, s->out.len - s->out_off);

		if (w < 0 && errno != EAGAIN)
			goto broken;
		if (w > 0)
			s->out_off += (size_t)w;
		if (s->out_off == s->out.len) {
			s->state = S_RECEIVING;
			watch(s, EPOLLIN, EPOLL_CTL_MOD);
		}
		return;
	}
	if (s->state == S_RECEIVING || s->state == S_WAIT) {
		char chunk[16384];
		ssize_t r = read(s->fd, chunk, sizeof(chunk));
		int status, p;
		const char *body;
		size_t blen;
		bool close_after;

		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0)
			goto broken;
		if (s->state == S_WAIT)
			return;   /* nothing expected */
		pa_buf_put(&s->in, chunk, (size_t)r);
		p = parse_response(s, &status, &body, &blen, &close_after);
		if (p < 0)
			goto broken;
		if (p == 0)
			return;
		if (close_after)
			drop(s);
		on_response(s, status, body, blen);
	}
	return;
broken:
	/* The server closed the connection (idle timeout, overload): send the
	 * same request again on a new one; a commit already stored answers the
	 * same (its seq makes the retry safe). */
	drop(s);
	if (s->state == S_WAIT)
		return;
	reconnects++;
	start_request(s);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int run(int argc, char **argv)
{
	long port = strtol(argv[2], NULL, 10), seconds;
	FILE *f = fopen(argv[3], "r"), *out;
	struct epoll_event evs[1024];
	double t, t_end, client_cpu;
	size_t i;

	nsess = strtoul(argv[4], NULL, 10);
	interval = strtod(argv[5], NULL);
	seconds = strtol(argv[6], NULL, 10);
	suspend_bytes = strtol(argv[7], NULL, 10);
	(void)argc;
	if (!f || nsess == 0 || suspend_bytes < 16) {
		fprintf(stderr, "run: bad arguments\n");
		return 2;
	}
	suspend_base = malloc((size_t)suspend_bytes + 1);
	for (long k = 0; k < suspend_bytes; k++)
		suspend_base[k] = "abcdefghijklmnopqrstuvwxyz0123456789"[(k * 7 + k / 36) % 36];
	suspend_base[suspend_bytes] = '\0';
	S = calloc(nsess, sizeof(*S));
	heap = calloc(nsess, sizeof(*heap));
	for (i = 0; i < nsess; i++) {
		long long a;

		if (fscanf(f, "%lld %191s", &a, S[i].token) != 2) {
			fprintf(stderr, "run: only %zu tokens\n", i);
			return 2;
		}
		S[i].attempt = a;
		S[i].fd = -1;
		pa_buf_init(&S[i].out, 0);
		pa_buf_init(&S[i].in, 0);
	}
	fclose(f);
	server_addr.sin_family = AF_INET;
	server_addr.sin_port = htons((uint16_t)port);
	server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ep = epoll_create1(EPOLL_CLOEXEC);
	srand(42);
	t_start = now_ms();
	/*
	 * Sessions open at random over the ramp: at most BENCH_OPEN_RATE a
	 * second (1,000 by default: learners arrive, they do not all open their
	 * page in the same second), and over one interval at least. Each first
	 * commits one interval after its opening; the window opens when the last
	 * has, so it measures the steady state.
	 */
	{
		const char *rate_env = getenv("BENCH_OPEN_RATE"), *pid_env = getenv("BENCH_SERVER_PID");
		double rate = rate_env ? strtod(rate_env, NULL) : 1000;
		double every = interval > 0 ? interval : 1000;
		double ramp = rate > 0 && nsess * 1000.0 / rate > every ? nsess * 1000.0 / rate : every;

		for (i = 0; i < nsess; i++)
			heap_push(i, t_start + ramp * (rand() / (RAND_MAX + 1.0)));
		t_window0 = t_start + ramp + every;
		server_pid = pid_env ? strtol(pid_env, NULL, 10) : 0;
		trace = getenv("BENCH_TRACE") != NULL;
	}
	t_window1 = t_window0 + seconds * 1e3;
	t_end = t_window1;
	for (;;) {
		int n, timeout;

		t = now_ms();
		if (client_ms0 < 0 && t >= t_window0) {
			client_ms0 = client_ms();
			if (server_pid)
				server_ticks0 = server_ticks();
		}
		if (!stopping && t >= t_end) {
			client_ms1 = client_ms();
			if (server_pid)
				server_ticks1 = server_ticks();
			stopping = true;
			heap_len = 0;
		}
		while (heap_len > 0 && S[heap[0]].due <= t) {
			sess *s = &S[heap_pop()];

			if (s->opened) build_commit(s);
			else build_get(s);
			start_request(s);
		}
		if (stopping) {
			long busy = 0;

			for (i = 0; i < nsess; i++)
				busy += S[i].state != S_WAIT;
			if (busy == 0)
				break;
			if (t > t_end + 30e3) {
				unanswered = busy;
				break;
			}
		}
		timeout = heap_len ? (int)(S[heap[0]].due - t) : 10;
		if (timeout < 0) timeout = 0;
		if (timeout > 10) timeout = 10;
		n = epoll_wait(ep, evs, 1024, timeout);
		for (int k = 0; k < n; k++)
			on_event(evs[k].data.ptr, evs[k].events);
	}
	qsort(lat, nlat, sizeof(*lat), cmp_double);
	/* CPU in the window, per commit acknowledged in it: the steady state. */
	client_cpu = client_ms0 >= 0 && client_ms1 >= 0 ? client_ms1 - client_ms0 : 0;
	printf("sessions=%zu interval_ms=%.0f window_s=%ld acked=%ld acked_in_window=%ld commits_per_s=%.0f "
	       "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%ld reconnects=%ld unanswered=%ld "
	       "client_cpu_ms_per_commit=%.3f server_cpu_ms_per_commit=%.3f\n",
	       nsess, interval, seconds, acked_total, acked_in_window, acked_in_window / (double)seconds,
	       nlat ? lat[nlat / 2] : 0, nlat ? lat[(size_t)(nlat * 0.99)] : 0, nlat ? lat[nlat - 1] : 0, errors,
	       reconnects, unanswered, acked_in_window ? client_cpu / (double)acked_in_window : 0.0,
	       server_ticks0 >= 0 && server_ticks1 >= 0 && acked_in_window
	       ? (server_ticks1 - server_ticks0) * 1e3 / (double)sysconf(_SC_CLK_TCK) / (double)acked_in_window : 0.0);
	if (!(out = fopen(argv[8], "w")))
		return 1;
	for (i = 0; i < nsess; i++)
		fprintf(out, "%lld %lld\n", (long long)S[i].attempt, (long long)S[i].acked);
	fclose(out);
	return errors || unanswered ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "setup"))
		return setup(argv[2], strtol(argv[3], NULL, 10), argv[4]);
	if (argc == 9 && !strcmp(argv[1], "run"))
		return run(argc, argv);
	fprintf(stderr, "usage: bench_runtime setup DATA_DIR N TOKENS_OUT\n"
			"       bench_runtime run PORT TOKENS N INTERVAL_MS SECONDS SUSPEND_BYTES ACKED_OUT\n");
	return 2;
}
