// The SCORM engine compiled to WebAssembly (scorm.wasm, from runtime/scorm/*.c),
// wrapped for JavaScript: the same engine the server runs natively.
//
//   const { create } = await loadScormEngine(await fetch('scorm.wasm').then(r => r.arrayBuffer()));
//   const engine = create('2004', { suspendDataMax: 65536 });
//   window.API_1484_11 = scorm2004Api(engine);
//
// Strings cross as NUL-terminated UTF-8 through one scratch area of linear memory.

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

  const u8 = () => new Uint8Array(x.memory.buffer);
  const read = (ptr) => {
    if (!ptr) return null;
    const m = u8();
    let end = ptr;
    while (m[end] !== 0) end++;
    return decoder.decode(m.subarray(ptr, end));
  };
  // Write the strings one after the other into the scratch area; returns their addresses.
  const put = (...strings) => {
    const bytes = strings.map((s) => (s instanceof Uint8Array ? s : encoder.encode(s == null ? '' : String(s))));
    const need = bytes.reduce((n, b) => n + b.length + 1, 0);
    if (need > scratchSize) {
      if (scratch) x.pa_dealloc(scratch);
      scratchSize = Math.max(need, 2 * scratchSize, 4096);
      scratch = x.pa_alloc(scratchSize);
      if (!scratch) throw new Error('scorm.wasm: out of memory');
    }
    const m = u8();
    const ptrs = [];
    let at = scratch;
    for (const b of bytes) {
      m.set(b, at);
      m[at + b.length] = 0;
      ptrs.push(at);
      at += b.length + 1;
    }
    return ptrs;
  };
  const limitArgs = (limits = {}) => LIMIT_KEYS.map((k) => limits[k] >>> 0);

  class Engine {
    constructor(handle) { this.h = handle; }
    initialize(param = '') { return x.pa_scorm_initialize(this.h, ...put(param)) === 1; }
    terminate(param = '') { return x.pa_scorm_terminate(this.h, ...put(param)) === 1; }
    commit(param = '') { return x.pa_scorm_commit(this.h, ...put(param)) === 1; }
    getValue(element) { return read(x.pa_scorm_get_value(this.h, ...put(element))); }
    setValue(element, value) { return x.pa_scorm_set_value(this.h, ...put(element, value)) === 1; }
    // SetValue with the value's exact bytes (tests of what is not UTF-8).
    setValueBytes(element, bytes) { return x.pa_scorm_set_value(this.h, ...put(element, bytes)) === 1; }
    getLastError() { return x.pa_scorm_get_last_error(this.h); }
    getErrorString(code) { return read(x.pa_scorm_get_error_string(this.h, ...put(code))); }
    getDiagnostic(code) { return read(x.pa_scorm_get_diagnostic(this.h, ...put(code))); }
    lmsSet(element, value) { return x.pa_scorm_lms_set(this.h, ...put(element, value)) === 0; }
    lmsGet(element) { return read(x.pa_scorm_lms_get(this.h, ...put(element))); }
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
