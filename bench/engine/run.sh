#!/usr/bin/env bash
# Engine benchmark: SetValue/GetValue rate of one realistic SCORM 2004
# session (bench/engine/session-2004.txt), native and scorm.wasm against
# scorm-again in Node (medians of five runs each). Prints a Markdown table
# for docs/benchmarks.md.
# usage: SCORM_AGAIN_DIR=/tmp/bench-sa bench/engine/run.sh
#   (SCORM_AGAIN_DIR: a folder where `npm install scorm-again@3.4.3` ran;
#    without it, node_modules/scorm-again)
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake --preset release >/dev/null
cmake --build --preset release --target bench_engine scorm_wasm >/dev/null
node bench/engine/run.mjs build/release/scorm.wasm build/release/bench_engine
