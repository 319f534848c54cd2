// The SCORM engine compiled to WebAssembly (scorm.wasm, from runtime/scorm/*.c),
// wrapped for JavaScript: the same engine the server runs natively.
//
//   const { create } = await loadScormEngine(await fetch('scorm.wasm').then(r => r.arrayBuffer()));
//   const engine = create('2004', { suspendDataMax: 65536 });
//   window.API_1484_11 = scorm2004Api(engine);
//
// Strings cross as NUL-terminated UTF-8 through one scratch area of linear memory
// (no allocation per call).

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// The engine does no I/O: every WASI import answers ENOSYS.
const wasi = new Proxy({}, { get: () => () => 52 });

const LIMIT_KEYS = ['suspendDataMax', 'locationMax', 'interactionsMax', 'objectivesMax', 'commentsMax', 'stateMax'];

export async function loadScormEngine(bytes) {
  const { instance } = await WebAssembly.instantiate(bytes, { wasi_snapshot_preview1: wasi });
  const x = instance.exports;
  x._initialize();
  let scratch = 0;
  let scratchSize = 0;
  let view = new Uint8Array(x.memory.buffer);
  let second = 0; // where put2 wrote its second string

  // The memory view, renewed when the memory has grown.
  const u8 = () => (view.buffer === x.memory.buffer ? view : (view = new Uint8Array(x.memory.buffer)));
  const read = (ptr) => {
    if (!ptr) return null;
    const m = u8();
    const end = m.indexOf(0, ptr);
    // Short ASCII strings (most values) are cheaper to build by hand than through TextDecoder.
    if (end - ptr <= 64) {
      let s = '';
      for (let i = ptr; i < end; i++) {
        const c = m[i];
        if (c >= 0x80) return decoder.decode(m.subarray(ptr, end));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return decoder.decode(m.subarray(ptr, end));
  };
  const ensure = (need) => {
    if (need <= scratchSize) return;
    if (scratch) x.pa_dealloc(scratch);
    scratchSize = Math.max(need, 2 * scratchSize, 4096);
    scratch = x.pa_alloc(scratchSize);
    if (!scratch) throw new Error('scorm.wasm: out of memory');
  };
  const text = (v) => (v == null ? '' : v instanceof Uint8Array ? v : String(v));
  // Write one value at `at` (room checked by the caller), NUL-terminated; returns the end.
  const write = (v, at) => {
    const m = u8();
    let n = 0;
    if (v instanceof Uint8Array) { m.set(v, at); n = v.length; }
    else if (v.length <= 64) {
      // Short ASCII strings by hand; anything else through TextEncoder.
      for (; n < v.length; n++) {
        const c = v.charCodeAt(n);
        if (c >= 0x80) { n = encoder.encodeInto(v, m.subarray(at, scratch + scratchSize)).written; break; }
        m[at + n] = c;
      }
    } else n = encoder.encodeInto(v, m.subarray(at, scratch + scratchSize)).written;
    m[at + n] = 0;
    return at + n + 1;
  };
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  const room = (v) => (v instanceof Uint8Array ? v.length : 3 * v.length) + 1;
  const put = (a) => {
    a = text(a);
    ensure(room(a));
    write(a, scratch);
    return scratch;
  };
  const put2 = (a, b) => {
    a = text(a);
    b = text(b);
    ensure(room(a) + room(b));
    second = write(a, scratch);
    write(b, second);
    return scratch;
  };
  const limitArgs = (limits = {}) => LIMIT_KEYS.map((k) => limits[k] >>> 0);

  class Engine {
    constructor(handle) { this.h = handle; }
    initialize(param = '') { return x.pa_scorm_initialize(this.h, put(param)) === 1; }
    terminate(param = '') { return x.pa_scorm_terminate(this.h, put(param)) === 1; }
    commit(param = '') { return x.pa_scorm_commit(this.h, put(param)) === 1; }
    getValue(element) { return read(x.pa_scorm_get_value(this.h, put(element))); }
    setValue(element, value) { return x.pa_scorm_set_value(this.h, put2(element, value), second) === 1; }
    // SetValue with the value's exact bytes (tests of what is not UTF-8).
    setValueBytes(element, bytes) { return x.pa_scorm_set_value(this.h, put2(element, bytes), second) === 1; }
    getLastError() { return x.pa_scorm_get_last_error(this.h); }
    getErrorString(code) { return read(x.pa_scorm_get_error_string(this.h, put(code))); }
    getDiagnostic(code) { return read(x.pa_scorm_get_diagnostic(this.h, put(code))); }
    lmsSet(element, value) { return x.pa_scorm_lms_set(this.h, put2(element, value), second) === 0; }
    lmsGet(element) { return read(x.pa_scorm_lms_get(this.h, put(element))); }
    lmsDiagnostic() { return read(x.pa_scorm_lms_diagnostic(this.h)); }
    navRequest() { return read(x.pa_scorm_nav_request(this.h)); }
    nextSession() { return x.pa_scorm_next_session(this.h); }
    get phase() { return ['not-initialized', 'running', 'terminated'][x.pa_scorm_get_phase(this.h)]; }
    export() {
      const p = x.pa_scorm_export(this.h);
      if (!p) throw new Error('scorm.wasm: export failed');
      const text = read(p);
      x.pa_dealloc(p);
      return text;
    }
    free() { x.pa_scorm_free(this.h); this.h = 0; }
  }

  return {
    create(version, limits) {
      const h = x.pa_scorm_new(version === '1.2' || version === 12 ? 12 : 2004, ...limitArgs(limits));
      if (!h) throw new Error('scorm.wasm: cannot create an engine');
      return new Engine(h);
    },
    // An engine from an exported state; throws with the reason when the state is refused.
    import(text, limits) {
      const bytes = encoder.encode(text);
      const data = x.pa_alloc(bytes.length + 1);
      const why = x.pa_alloc(256);
      try {
        u8().set(bytes, data);
        const h = x.pa_scorm_import(data, bytes.length, why, 256, ...limitArgs(limits));
        if (!h) throw new Error(`scorm state refused: ${read(why)}`);
        return new Engine(h);
      } finally {
        x.pa_dealloc(data);
        x.pa_dealloc(why);
      }
    },
  };
}

const bool = (b) => (b ? 'true' : 'false');

// The object content finds as window.API (SCORM 1.2).
export function scorm12Api(e) {
  return {
    LMSInitialize: (p) => bool(e.initialize(p)),
    LMSFinish: (p) => bool(e.terminate(p)),
    LMSGetValue: (el) => e.getValue(el),
    LMSSetValue: (el, v) => bool(e.setValue(el, v)),
    LMSCommit: (p) => bool(e.commit(p)),
    LMSGetLastError: () => String(e.getLastError()),
    LMSGetErrorString: (c) => e.getErrorString(c),
    LMSGetDiagnostic: (c) => e.getDiagnostic(c),
  };
}

// The object content finds as window.API_1484_11 (SCORM 2004).
export function scorm2004Api(e) {
  return {
    Initialize: (p) => bool(e.initialize(p)),
    Terminate: (p) => bool(e.terminate(p)),
    GetValue: (el) => e.getValue(el),
    SetValue: (el, v) => bool(e.setValue(el, v)),
    Commit: (p) => bool(e.commit(p)),
    GetLastError: () => String(e.getLastError()),
    GetErrorString: (c) => e.getErrorString(c),
    GetDiagnostic: (c) => e.getDiagnostic(c),
  };
}
