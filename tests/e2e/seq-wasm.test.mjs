// The sequencing engine compiled to wasm32-wasi (clang, wasi-libc) gives,
// step for step, the results of the native `passerelle sequence` on the
// scripts of tests/sequencing (navigation, the SCO's status and times, the
// clock, relaunch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const source = process.env.PA_SOURCE_DIR;
const binary = process.env.PA_BINARY;
const tmp = join(process.env.PA_TEST_TMP, 'seq-wasm');
const navs = ['start', 'resumeAll', 'continue', 'previous', 'forward', 'backward', 'choice', 'jump',
  'exit', 'exitAll', 'suspendAll', 'abandon', 'abandonAll'];

function build() {
  mkdirSync(tmp, { recursive: true });
  const engine = readdirSync(join(source, 'runtime', 'scorm'))
    .filter((f) => /^seq_.*\.c$/.test(f)).map((f) => join(source, 'runtime', 'scorm', f));
  const out = join(tmp, 'seq.wasm');
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-std=c11', '-pedantic', '-Wall', '-Wextra',
    '-Werror', '-mexec-model=reactor', '-I', source, '-o', out,
    join(source, 'tests', 'e2e', 'fixtures', 'seq-wasm', 'shim.c'), ...engine]);
  return out;
}

async function instantiate(path) {
  // The engine does no I/O: every WASI import is a stub.
  const wasi = new Proxy({}, { get: () => () => 0 });
  const { instance } = await WebAssembly.instantiate(readFileSync(path), { wasi_snapshot_preview1: wasi });
  instance.exports._initialize();
  return instance.exports;
}

function cstring(e, text) {
  const bytes = new TextEncoder().encode(text);
  const p = e.alloc(bytes.length + 1);
  const mem = new Uint8Array(e.memory.buffer, p, bytes.length + 1);
  mem.set(bytes);
  mem[bytes.length] = 0;
  return [p, bytes.length];
}

// ISO 8601 durations as the scripts write them (PT1H30M, P1DT2M0.5S).
function seconds(text) {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  assert.ok(m, `'${text}' is not a duration`);
  return (Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}

function read(e, p) {
  const mem = new Uint8Array(e.memory.buffer);
  let end = p;
  while (mem[end]) end++;
  return new TextDecoder().decode(mem.subarray(p, end));
}

test('the wasm engine replays the scripts like the native one', async () => {
  const e = await instantiate(build());
  for (const name of ['flow', 'choice', 'choiceonly', 'edge', 'selection-seed2', 'postflow', 'retryall',
    'limits', 'durations', 'timerange']) {
    const script = readFileSync(join(source, 'tests', 'sequencing', `${name}.seq`), 'utf8');
    const pkg = /^# package: (.*)$/m.exec(script)[1];
    const seed = Number((/^# seed: (.*)$/m.exec(script) || [0, '0'])[1]);
    const tree = execFileSync(binary, ['sequence', join(source, 'tests', 'sequencing', 'packages', pkg), '--tree'], { encoding: 'utf8' });
    const [tp, tl] = cstring(e, tree);
    assert.equal(e.load(tp, tl, seed), 0, read(e, e.error()));
    e.release(tp);
    const expected = readFileSync(join(source, 'tests', 'sequencing', `${name}.out`), 'utf8').split('\n');
    const got = [];
    let pending = null;
    const flush = () => {
      if (!pending) return;
      const str = (v) => (v === undefined ? 0 : cstring(e, v)[0]);
      const ptrs = [str(pending.completion), str(pending.success), str(pending.exit)];
      e.report(ptrs[0], ptrs[1], pending.scaled === undefined ? 0 : 1, pending.scaled ?? 0,
        pending.session === undefined ? 0 : 1, pending.session ?? 0,
        pending.elapsed === undefined ? 0 : 1, pending.elapsed ?? 0, ptrs[2]);
      for (const p of ptrs) if (p) e.release(p);
      pending = null;
    };
    for (const line of script.split('\n').map((l) => l.trim())) {
      if (!line || line.startsWith('#')) continue;
      const [word, arg] = line.split(/\s+/, 2);
      if (word === 'set' || word === 'elapse') {
        // The SCO's data, reported when the next request unloads it.
        const value = word === 'set' ? line.split(/\s+/).slice(2).join(' ') : arg;
        pending = pending || {};
        if (word === 'elapse') pending.elapsed = (pending.elapsed ?? 0) + seconds(value);
        else if (arg === 'cmi.session_time') pending.session = seconds(value);
        else if (arg === 'cmi.completion_status') pending.completion = value;
        else if (arg === 'cmi.success_status') pending.success = value;
        else if (arg === 'cmi.score.scaled') pending.scaled = Number(value);
        else if (arg === 'cmi.exit') pending.exit = value;
        else assert.fail(`${name}: the wasm test does not set ${arg}`);
        got.push(`${line} -> ok`);
        continue;
      }
      if (word === 'clock') {
        const ms = Date.parse(arg);
        assert.ok(Number.isFinite(ms), `${name}: '${arg}' is not a date`);
        assert.equal(e.clock(ms / 1000), 0);
        got.push(`${line} -> ok`);
        continue;
      }
      if (word === 'relaunch') {
        flush();
        assert.equal(e.relaunch(), 0, read(e, e.error()));
        got.push('relaunch -> ok');
        continue;
      }
      const valid = word === 'valid';
      const nav = navs.indexOf(valid ? arg : word);
      assert.ok(nav >= 0, `${name}: step '${line}' is not navigation`);
      const target = valid ? line.split(/\s+/)[2] : arg;
      if (!valid) flush();
      const [p] = target ? cstring(e, target) : [0];
      if (valid) got.push(`${line} -> ${e.valid(nav, p) > 0 ? 'true' : 'false'}`);
      else got.push(`${line} -> ${read(e, e.navigate(nav, p))}`);
      if (p) e.release(p);
    }
    assert.deepEqual(got, expected.slice(0, got.length), name);
  }
});
