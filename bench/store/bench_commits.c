/*
 * Durable commits through the store's group-commit writer: CLIENTS threads
 * each append commits (calls JSON, a state blob) to their own attempt as
 * fast as the store acknowledges them, for SECONDS; prints throughput and
 * latency percentiles. Every acknowledged commit is fsynced (WAL,
 * synchronous=FULL). No HTTP: this is the store's share of a commit.
 * usage: bench_commits DATA_DIR [CLIENTS=64] [SECONDS=5] [STATE_BYTES=2048]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/fs.h"
#include "runtime/store.h"

#define MAX_SAMPLES 2000000

typedef struct client {
	pa_store *store;
	int64_t attempt;
	size_t state_bytes;
	double *lat;         /* ms */
	size_t n;
	int failures;
} client;

static volatile int running = 1;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *run_client(void *arg)
{
	client *c = arg;
	unsigned char *state = malloc(c->state_bytes);
	static const char calls[] = "[[\"SetValue\",\"cmi.location\",\"page-12\"],"
				    "[\"SetValue\",\"cmi.progress_measure\",\"0.4\"],[\"Commit\",\"\"]]";

	memset(state, 'S', c->state_bytes);
	for (int64_t seq = 1; running && c->n < MAX_SAMPLES / 64; seq++) {
		pa_store_commit m = { 0 };
		double t0 = now_ms();

		m.attempt_id = c->attempt;
		m.seq = seq;
		m.calls = calls;
		m.result = "{\"error\":0}";
		m.state = state;
		m.state_len = c->state_bytes;
		m.completion_status = "incomplete";
		if (pa_store_commit_append(c->store, &m) != 0)
			c->failures++;
		c->lat[c->n++] = now_ms() - t0;
	}
	free(state);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp/passerelle-bench-store";
	int clients = argc > 2 ? atoi(argv[2]) : 64;
	int seconds = argc > 3 ? atoi(argv[3]) : 5;
	size_t state_bytes = argc > 4 ? (size_t)atol(argv[4]) : 2048;
	pa_store_new_version v = { "bench", "Bench", "2004 4th Edition", "0", "{}" };
	pa_store_version ver;
	pa_store *store;
	pthread_t *threads = calloc((size_t)clients, sizeof(*threads));
	client *cs = calloc((size_t)clients, sizeof(*cs));
	double *all, t0, elapsed;
	size_t total = 0, k = 0;
	int failures = 0;

	pa_fs_remove_tree(dir);
	if (pa_store_open(&store, dir, NULL) != 0 || pa_store_version_create(&ver, store, &v, NULL) != 0) {
		fprintf(stderr, "bench: %s\n", pa_error_last());
		return 1;
	}
	for (int i = 0; i < clients; i++) {
		char subject[32];
		int64_t learner;

		snprintf(subject, sizeof(subject), "learner-%d", i);
		cs[i].store = store;
		cs[i].state_bytes = state_bytes;
		cs[i].lat = malloc(sizeof(double) * (MAX_SAMPLES / 64));
		if (pa_store_learner_ensure(&learner, store, subject, NULL) != 0 ||
		    pa_store_attempt_create(&cs[i].attempt, store, ver.id, learner, false) != 0) {
			fprintf(stderr, "bench: %s\n", pa_error_last());
			return 1;
		}
	}
	t0 = now_ms();
	for (int i = 0; i < clients; i++)
		pthread_create(&threads[i], NULL, run_client, &cs[i]);
	struct timespec d = { seconds, 0 };
	nanosleep(&d, NULL);
	running = 0;
	for (int i = 0; i < clients; i++) {
		pthread_join(threads[i], NULL);
		total += cs[i].n;
		failures += cs[i].failures;
	}
	elapsed = (now_ms() - t0) / 1e3;
	all = malloc(sizeof(double) * (total ? total : 1));
	for (int i = 0; i < clients; i++) {
		memcpy(all + k, cs[i].lat, cs[i].n * sizeof(double));
		k += cs[i].n;
		free(cs[i].lat);
	}
	qsort(all, total, sizeof(double), cmp);
	printf("clients=%d state=%zuB commits=%zu failures=%d time=%.2fs rate=%.0f/s "
	       "p50=%.2fms p99=%.2fms max=%.2fms\n", clients, state_bytes, total, failures, elapsed,
	       total / elapsed, total ? all[total / 2] : 0, total ? all[(size_t)(total * 0.99)] : 0,
	       total ? all[total - 1] : 0);
	pa_store_version_dispose(&ver);
	pa_store_close(store);
	free(all);
	free(cs);
	free(threads);
	return failures ? 1 : 0;
}
