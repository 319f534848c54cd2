#!/usr/bin/env bash
# LTI benchmark: full LTI 1.3 launches (OIDC login, id_token validation,
# learner, link and attempt recorded, the 303) per second, Passerelle and
# ltijs side by side in one run on this machine (bench/lti/bench.mjs; ltijs
# keeps its data in memory through bench/lti/ltijs-memdb.cjs: no MongoDB).
# usage: bench/lti/run.sh [LAUNCHES=20000] [CLIENTS=32] [ROUNDS=3]
#   THREADS=4 (serve's threads)  INLINE=1 (the platform signs inside the timed launches)
#   SCORES=0 (skip score deliveries)  LEARNERS=2000 COMMITS=2 (score deliveries: bench/lti/scores.mjs)
set -euo pipefail
cd "$(dirname "$0")/../.."
launches=${1:-20000}
clients=${2:-32}
rounds=${3:-3}
work=${BENCH_TMP:-/tmp/passerelle-bench-lti}

cmake --preset release >/dev/null
cmake --build --preset release -j2 --target passerelle >/dev/null
ulimit -n 20000
rm -rf "$work"
mkdir -p "$work"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg), $(node --version)" >&2
node bench/lti/bench.mjs --passerelle build/release/passerelle --work "$work" --launches "$launches" \
  --clients "$clients" --rounds "$rounds" --threads "${THREADS:-4}" ${INLINE:+--inline} --json "$work/results.json"
# Score deliveries per second to a platform on loopback (needs the outbox: lti-grades).
if [ "${SCORES:-1}" = 1 ]; then
  node bench/lti/scores.mjs --passerelle build/release/passerelle --work "$work/scores" \
    --learners "${LEARNERS:-2000}" --commits "${COMMITS:-2}" --clients "$clients" --threads "${THREADS:-4}" \
    || echo "scores: the delivery benchmark failed (see above)" >&2
fi
