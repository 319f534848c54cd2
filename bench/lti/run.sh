#!/usr/bin/env bash
# LTI benchmark: full LTI 1.3 launches (OIDC login, id_token validation,
# learner, link and attempt recorded, the 303) per second, Passerelle and
# ltijs side by side in one run on this machine (bench/lti/bench.mjs; ltijs
# keeps its data in memory through bench/lti/ltijs-memdb.cjs: no MongoDB).
# The browsers of the timed phases are bench/lti/bench_lti.c (DRIVER=node: node's http client).
# usage: bench/lti/run.sh [LAUNCHES=20000] [CLIENTS=64] [ROUNDS=3]
#   THREADS=32 (serve's threads)  INLINE=1 (the platform signs inside the timed launches; node driver)
#   SCORES=0 (skip score deliveries)  LEARNERS=2000 COMMITS=2 (score deliveries: bench/lti/scores.mjs)
set -euo pipefail
cd "$(dirname "$0")/../.."
launches=${1:-20000}
clients=${2:-64}
rounds=${3:-3}
work=${BENCH_TMP:-/tmp/passerelle-bench-lti}

cmake --preset release >/dev/null
cmake --build --preset release -j2 --target passerelle bench_lti >/dev/null
ulimit -n 20000
rm -rf "$work"
mkdir -p "$work"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg), $(node --version)" >&2
node bench/lti/bench.mjs --passerelle build/release/passerelle --work "$work" --launches "$launches" \
  --clients "$clients" --rounds "$rounds" --threads "${THREADS:-32}" ${INLINE:+--inline} --driver "${DRIVER:-c}" \
  --driver-bin build/release/bench_lti --json "$work/results.json"
# Score deliveries per second to a platform on loopback (needs the outbox: lti-grades).
if [ "${SCORES:-1}" = 1 ]; then
  node bench/lti/scores.mjs --passerelle build/release/passerelle --work "$work/scores" \
    --learners "${LEARNERS:-2000}" --commits "${COMMITS:-2}" --clients "$clients" --threads "${THREADS:-32}" \
    || echo "scores: the delivery benchmark failed (see above)" >&2
fi
