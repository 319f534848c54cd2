// The engine benchmark, JavaScript side: the same call sequence
// (session-2004.txt) through scorm.wasm (runtime/scorm/engine.mjs) and
// through scorm-again's Scorm2004API, and through the native program
// (bench_engine), and prints the three side by side.
// Each engine is measured in five rounds, alternating, and the median is kept:
// the machine is shared and noisy. scorm-again comes from node_modules, or from SCORM_AGAIN_DIR (a folder
// where `npm install scorm-again@3.4.3` ran).
// usage: node bench/engine/run.mjs build/release/scorm.wasm build/release/bench_engine
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '../..');
const [wasmPath, nativeBin] = process.argv.slice(2);
const seconds = Number(process.env.BENCH_SECONDS ?? 1);
const rounds = 5;
const calls = readFileSync(path.join(root, 'bench/engine/session-2004.txt'), 'utf8')
  .split('\n').filter(Boolean).map((l) => l.split('\t'));

const saDir = process.env.SCORM_AGAIN_DIR ? path.join(process.env.SCORM_AGAIN_DIR, 'node_modules/scorm-again')
  : path.join(root, 'node_modules/scorm-again');
const saPkg = JSON.parse(readFileSync(path.join(saDir, 'package.json'), 'utf8'));
const { Scorm2004API } = await import(pathToFileURL(path.join(saDir, 'dist/esm/scorm2004.js')));
const { loadScormEngine, scorm2004Api } = await import(pathToFileURL(path.join(root, 'runtime/scorm/engine.mjs')));
const runtime = await loadScormEngine(readFileSync(wasmPath));

// One session through an API object; checked the first time.
function session(api, check) {
  for (const [op, el, value] of calls) {
    let ok = true;
    if (op === 'init') ok = api.Initialize('') === 'true';
    else if (op === 'term') ok = api.Terminate('') === 'true';
    else if (op === 'commit') ok = api.Commit('') === 'true';
    else if (op === 'set') ok = api.SetValue(el, value) === 'true';
    else if (op === 'get') { api.GetValue(el); ok = ['0', '403', 0, 403].includes(api.GetLastError()); }
    if (check && !ok) throw new Error(`${op} ${el} failed: ${api.GetLastError()}`);
  }
}

function measure(make, done) {
  const first = make();
  session(first, true);
  done(first);
  for (let i = 0; i < 50; i++) { const a = make(); session(a, false); done(a); } // warm the JIT
  let sessions = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  do {
    for (let i = 0; i < 20; i++) { const a = make(); session(a, false); done(a); }
    sessions += 20;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  } while (elapsed < seconds);
  return { sessions, seconds: elapsed, calls_per_second: (calls.length * sessions) / elapsed };
}

const engines = new Map();
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const wasmRuns = [];
const saRuns = [];
const nativeRuns = [];
const sessionFile = path.join(root, 'bench/engine/session-2004.txt');
for (let i = 0; i < rounds; i++) {
  if (nativeBin) {
    nativeRuns.push(JSON.parse(execFileSync(nativeBin, [sessionFile, String(seconds)], { encoding: 'utf8' })).calls_per_second);
  }
  wasmRuns.push(measure(() => { const e = runtime.create('2004'); const api = scorm2004Api(e); engines.set(api, e); return api; },
    (api) => { engines.get(api).free(); engines.delete(api); }).calls_per_second);
  saRuns.push(measure(() => new Scorm2004API({ logLevel: 5, autocommit: false }), () => {}).calls_per_second);
}
const wasm = { calls_per_second: median(wasmRuns) };
const sa = { calls_per_second: median(saRuns) };
const native = nativeBin ? { calls_per_second: median(nativeRuns) } : null;

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const us = (n) => (1e6 / n).toFixed(2);
console.log(`calls per session: ${calls.length}; Node ${process.version}; median of ${rounds} rounds of ${seconds} s each\n`);
console.log('| engine | calls per second | µs per call | vs scorm-again |');
console.log('|---|---|---|---|');
if (native) console.log(`| passerelle native (C, gcc -O3) | ${fmt(native.calls_per_second)} | ${us(native.calls_per_second)} | ${(native.calls_per_second / sa.calls_per_second).toFixed(1)}x |`);
console.log(`| passerelle scorm.wasm (clang -O2) in Node | ${fmt(wasm.calls_per_second)} | ${us(wasm.calls_per_second)} | ${(wasm.calls_per_second / sa.calls_per_second).toFixed(1)}x |`);
console.log(`| scorm-again ${saPkg.version} in Node | ${fmt(sa.calls_per_second)} | ${us(sa.calls_per_second)} | 1.0x |`);
