// scorm.wasm runs the same vector files as the native engine
// (tests/scorm/vectors, run natively by tests/unit/test_scorm.c) and must
// give exactly the same results: the browser and the server agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';

const source = process.env.PA_SOURCE_DIR ?? path.resolve(import.meta.dirname, '../..');
const build = process.env.PA_BINARY ? path.dirname(process.env.PA_BINARY) : path.join(source, 'build/dev');
const wasmPath = process.env.PA_SCORM_WASM ?? path.join(build, 'scorm.wasm');
const { loadScormEngine, scorm12Api, scorm2004Api } = await import(path.join(source, 'runtime/scorm/engine.mjs'));
const vectors = path.join(source, 'tests/scorm/vectors');

// The value notation of the vector files (see their README.md).
function decode(s) {
  if (s === '""') return '';
  let out = '';
  for (let i = 0; i < s.length; ) {
    if (s[i] !== '\\' || i + 1 >= s.length) { out += s[i++]; continue; }
    const c = s[i + 1];
    if (c === 'n') { out += '\n'; i += 2; }
    else if (c === 't') { out += '\t'; i += 2; }
    else if (c === '\\') { out += '\\'; i += 2; }
    else if (c === 'x') {
      // a raw byte: kept as a lone code unit, encoded below like the C runner's byte
      out += `\u0000x${s.slice(i + 2, i + 4)}`;
      i += 4;
    } else if (c === '{') {
      const m = /^\\\{(\d+):([^}]*)\}/.exec(s.slice(i));
      out += m[2].repeat(Number(m[1]));
      i += m[0].length;
    } else { out += '\\'; i += 1; }
  }
  return out;
}

// \xHH escapes may write bytes that are not UTF-8 (to test refusals); JS strings
// cannot hold them, so such values go to the engine as raw bytes.
function hasRawBytes(v) { return v.includes('\u0000x'); }
function toBytes(v) {
  const parts = v.split('\u0000x');
  const chunks = [Buffer.from(parts[0], 'utf8')];
  for (const p of parts.slice(1)) {
    chunks.push(Buffer.from([parseInt(p.slice(0, 2), 16)]), Buffer.from(p.slice(2), 'utf8'));
  }
  return Buffer.concat(chunks);
}

function limitsOf(args) {
  const get = (name) => Number((new RegExp(`${name}=(\\d+)`).exec(args) ?? [])[1] ?? 0);
  return {
    suspendDataMax: get('suspend_data_max'), locationMax: get('location_max'),
    interactionsMax: get('interactions_max'), objectivesMax: get('objectives_max'),
    commentsMax: get('comments_max'), stateMax: get('state_max'),
  };
}

const runtime = await loadScormEngine(readFileSync(wasmPath));

function runFile(name) {
  const failures = [];
  let engine = null;
  let limits = {};
  const lines = readFileSync(path.join(vectors, name), 'utf8').split('\n');
  lines.forEach((text, i) => {
    if (text === '' || text.startsWith('#')) return;
    let line = text;
    let want = null;
    const arrow = line.lastIndexOf(' -> ');
    if (arrow >= 0) { want = line.slice(arrow + 4); line = line.slice(0, arrow); }
    const sp = line.indexOf(' ');
    const cmd = sp < 0 ? line : line.slice(0, sp);
    const rest = sp < 0 ? null : line.slice(sp + 1);
    if (cmd === 'new') {
      engine?.free();
      limits = limitsOf(rest ?? '');
      engine = runtime.create(rest?.startsWith('1.2') ? '1.2' : '2004', limits);
      return;
    }
    let el = null;
    let arg = null;
    if (rest !== null && ['get', 'set', 'lms', 'lget'].includes(cmd)) {
      const s2 = rest.indexOf(' ');
      el = decode(s2 < 0 ? rest : rest.slice(0, s2));
      arg = s2 < 0 ? null : rest.slice(s2 + 1);
    } else if (rest !== null) {
      arg = rest;
    }
    const value = decode(arg ?? '""');
    let got;
    let expect = want;
    if (cmd === 'get') {
      const s3 = want.lastIndexOf(' ');
      expect = `${decode(want.slice(0, s3))} ${want.slice(s3 + 1)}`;
      got = `${engine.getValue(el)} ${engine.getLastError()}`;
    } else if (cmd === 'set') {
      got = `${setRaw(engine, el, value)} ${engine.getLastError()}`;
    } else if (cmd === 'init' || cmd === 'term' || cmd === 'commit') {
      const f = { init: 'initialize', term: 'terminate', commit: 'commit' }[cmd];
      got = `${engine[f](value)} ${engine.getLastError()}`;
    } else if (cmd === 'lms') {
      got = engine.lmsSet(el, value) ? 'ok' : 'fail';
    } else if (cmd === 'lget') {
      got = engine.lmsGet(el) ?? '(null)';
      expect = decode(want);
    } else if (cmd === 'errstr') {
      got = engine.getErrorString(value);
      expect = decode(want);
    } else if (cmd === 'diag') {
      got = engine.getDiagnostic(value);
      expect = decode(want);
    } else if (cmd === 'last') {
      got = String(engine.getLastError());
    } else if (cmd === 'nav') {
      got = engine.navRequest() ?? '(null)';
    } else if (cmd === 'next') {
      got = String(engine.nextSession());
    } else if (cmd === 'roundtrip') {
      const text1 = engine.export();
      const again = runtime.import(text1, limits);
      const text2 = again.export();
      got = text1 === text2 ? 'ok' : 'differs';
      engine.free();
      engine = again;
    } else {
      throw new Error(`${name}:${i + 1}: unknown command ${cmd}`);
    }
    if (got !== expect) failures.push(`${name}:${i + 1}: ${cmd} ${el ?? arg ?? ''}: expected [${expect}], got [${got}]`);
  });
  engine?.free();
  return failures;
}

// SetValue with a value that may hold raw (non-UTF-8) bytes.
function setRaw(engine, el, value) {
  if (!hasRawBytes(value)) return engine.setValue(el, value);
  return engine.setValueBytes(el, toBytes(value));
}

test('scorm.wasm is built', () => {
  assert.ok(existsSync(wasmPath), `${wasmPath} missing: build the scorm_wasm target (clang + wasi-libc)`);
});

const files = readdirSync(vectors).filter((f) => f.endsWith('.txt')).sort();
for (const file of files) {
  test(`vectors ${file}`, () => {
    assert.deepEqual(runFile(file), []);
  });
}

test('the API objects speak strings, as content expects', () => {
  const e = runtime.create('2004');
  const api = scorm2004Api(e);
  assert.equal(api.Initialize(''), 'true');
  assert.equal(api.SetValue('cmi.score.scaled', 0.5), 'true');
  assert.equal(api.GetValue('cmi.score.scaled'), '0.5');
  assert.equal(api.SetValue('cmi.score.scaled', 2), 'false');
  assert.equal(api.GetLastError(), '407');
  assert.equal(api.GetErrorString('407'), 'Data Model Element Value Out Of Range');
  assert.equal(api.Terminate(''), 'true');
  e.free();
  const e12 = runtime.create('1.2');
  const api12 = scorm12Api(e12);
  assert.equal(api12.LMSInitialize(''), 'true');
  assert.equal(api12.LMSSetValue('cmi.core.lesson_status', 'passed'), 'true');
  assert.equal(api12.LMSGetValue('cmi.core.lesson_status'), 'passed');
  assert.equal(api12.LMSGetValue('cmi.core.exit'), '');
  assert.equal(api12.LMSGetLastError(), '404');
  assert.equal(api12.LMSFinish(''), 'true');
  e12.free();
});

test('a state exported by wasm is refused when tampered with', () => {
  const e = runtime.create('2004');
  e.initialize('');
  e.setValue('cmi.score.scaled', '0.5');
  const text = e.export();
  assert.throws(() => runtime.import(text.replace('0.5', '5')), /out of range/);
  assert.throws(() => runtime.import(text.replace('end\n', '')), /refused/);
  e.free();
});
