#!/usr/bin/env bash
# Runtime benchmark: simulated learners committing through `passerelle serve`
# (HTTP, token check, replay through the native engine, group-commit store).
# For each run: a fresh data folder, a packed sample course imported, N
# attempts and their tokens, serve on 127.0.0.1, bench_runtime's sessions
# for SECONDS, then serve stopped and the store read back: every
# acknowledged commit must be there (lost = acknowledged - stored = 0).
# usage: bench/runtime/run.sh [SECONDS=40] [SUSPEND_BYTES=4000]
#   RUNS="1000:2000 10000:2000 256:0" (sessions:interval ms, 0 = saturation)
#   BENCH_OPEN_RATE=1000: sessions opening their attempt per second during
#   the ramp; the window opens once every session has opened and committed
#   once, and commits/s, latencies and CPU per commit are of the window only
#   BENCH_TRACE=1: a line a second (answers, worst latency) on stderr
#   PERF=1: record the server with `perf record -g` during each run
#   (BENCH_TMP/perf-N-INTERVAL.data; `perf report -i FILE --no-children`)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-40}
suspend=${2:-4000}
runs=${RUNS:-"1000:2000 10000:2000 256:0"}
work=${BENCH_TMP:-/tmp/passerelle-bench-runtime}
threads=${THREADS:-2}
port=${PORT:-18090}
bin=build/release/passerelle
gen=build/release/bench_runtime

cmake --preset release >/dev/null
cmake --build --preset release -j2 --target passerelle bench_runtime >/dev/null
ulimit -n 20000
rm -rf "$work"
mkdir -p "$work"
"$bin" pack samples/countering-trafficking --format scorm2004 --lang en --quiet -o "$work/course.zip" >/dev/null

echo "| sessions | commit every | commits/s | p50 | p99 | max | server CPU per commit | client CPU per commit | server peak RSS | acknowledged | stored | lost |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for run in $runs; do
  n=${run%%:*}
  every=${run##*:}
  data="$work/data-$n-$every"
  "$bin" import --data "$data" --quiet "$work/course.zip" >/dev/null
  "$gen" setup "$data" "$n" "$work/tokens" 
  PASSERELLE_LOG_LEVEL=warn "$bin" serve --data "$data" --listen "127.0.0.1:$port" \
    --set threads="$threads" --set max_connections=$((n + 64)) --set connection_timeout=600 \
    >"$work/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  if [ -n "${PERF:-}" ]; then
    perf record -q ${PERF_ARGS:--g} -p "$pid" -o "$work/perf-$n-$every.data" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  set +e
  line=$(BENCH_SERVER_PID=$pid "$gen" run "$port" "$work/tokens" "$n" "$every" "$seconds" "$suspend" "$work/acked")
  status=$?
  set -e
  rss=$(awk '/VmHWM/ {printf "%d MB", $2 / 1024}' "/proc/$pid/status")
  echo "WAL at the end of the run: $(stat -c %s "$data/passerelle.db-wal" 2>/dev/null || echo 0) bytes" >&2
  if [ -n "${PERF:-}" ]; then
    kill -INT "$perf_pid"
    wait "$perf_pid" || true
  fi
  kill -TERM "$pid"
  wait "$pid" || true
  echo "$line" >&2
  [ $status -eq 0 ] || { echo "bench_runtime failed (errors or unanswered commits)" >&2; tail -5 "$work/serve.log" >&2; }
  # Read the store back: the acknowledged commits of each attempt (seq 1..acked) must all be stored.
  sqlite3 "$data/passerelle.db" >"$work/verify" <<EOF
CREATE TEMP TABLE acked(attempt INTEGER PRIMARY KEY, seq INTEGER);
.mode list
.separator " "
.import $work/acked acked
SELECT (SELECT sum(seq) FROM acked),
       (SELECT count(*) FROM commits c JOIN acked a ON c.attempt_id = a.attempt AND c.seq <= a.seq),
       (SELECT count(*) FROM attempts t JOIN acked a ON t.id = a.attempt AND t.last_seq >= a.seq);
EOF
  read -r acked stored attempts_ok <"$work/verify"
  get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $line"; }
  every_txt=$([ "$every" = 0 ] && echo "at once (saturation)" || echo "$((every / 1000)).$(((every % 1000) / 100)) s")
  echo "| $(printf "%'d" "$n") | $every_txt | $(printf "%'d" "$(get commits_per_s)") | $(get p50_ms) ms | $(get p99_ms) ms | $(get max_ms) ms | $(get server_cpu_ms_per_commit) ms | $(get client_cpu_ms_per_commit) ms | $rss | $(printf "%'d" "$acked") | $(printf "%'d" "$stored") | $((acked - stored)) |"
  [ "$attempts_ok" = "$n" ] || echo "warning: $((n - attempts_ok)) attempts have last_seq below their acknowledged seq" >&2
  rm -rf "$data"
done
