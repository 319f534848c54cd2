#!/usr/bin/env bash
# Store benchmark: durable commits per second through the group-commit
# writer, and their latency, for a few numbers of concurrent clients.
# usage: bench/store/run.sh [SECONDS=5] [STATE_BYTES=2048]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-5}
state=${2:-2048}
lib=build/release/libpasserelle_core.a
work=${BENCH_TMP:-/tmp/passerelle-bench-store}
[ -f "$lib" ] || { echo "build first: cmake --preset release && cmake --build --preset release" >&2; exit 1; }
mkdir -p "$work"
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I. bench/store/bench_commits.c "$lib" \
  $(pkg-config --libs libxml-2.0 libzip jansson libcmark openssl libcurl libmicrohttpd sqlite3) \
  -lpthread -lm -o "$work/bench_commits"
for clients in 1 16 64 256; do
  "$work/bench_commits" "$work/data" "$clients" "$seconds" "$state"
done
