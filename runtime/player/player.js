// The learner's page: the SCO plays in an iframe of this page and finds the
// run-time API here (window.API for SCORM 1.2, window.API_1484_11 for 2004).
// Every call is answered at once by the engine compiled to WebAssembly, the
// same engine the server runs; each call and its answer are queued and sent
// to the server, which replays them and stores only what its own engine
// says. Commits go out on Commit and Terminate, on an interval, and on
// pagehide (fetch keepalive, sendBeacon as fallback).
import { loadScormEngine } from './engine.mjs';

const TEXT = {
  en: {
    loading: 'Loading the course…',
    contents: 'Contents',
    previous: 'Previous',
    next: 'Next',
    exit: 'Save and exit',
    saved: 'Progress saved',
    saving: 'Saving…',
    offline: 'Not saved yet: the server cannot be reached; retrying',
    rejected: 'The server refused some progress; the course was reloaded from the last saved point',
    expired: 'This link has expired: open the course again from its link',
    failed: 'The course cannot be opened',
    done: 'Your progress is saved. You can close this window.',
    resume: 'Resume the course',
    completed: 'completed',
    inProgress: 'in progress',
    preview: 'Preview: this attempt is not reported to an LMS',
    course: 'Course content',
    passed: 'passed',
    failed: 'failed',
    refused: 'Not available now',
  },
  fr: {
    loading: 'Chargement du cours…',
    contents: 'Sommaire',
    previous: 'Précédent',
    next: 'Suivant',
    exit: 'Enregistrer et quitter',
    saved: 'Progression enregistrée',
    saving: 'Enregistrement…',
    offline: 'Pas encore enregistré : le serveur est injoignable ; nouvel essai en cours',
    rejected: 'Le serveur a refusé une partie de la progression ; le cours a repris au dernier point enregistré',
    expired: 'Ce lien a expiré : rouvrez le cours depuis son lien',
    failed: 'Le cours ne peut pas être ouvert',
    done: 'Votre progression est enregistrée. Vous pouvez fermer cette fenêtre.',
    resume: 'Reprendre le cours',
    completed: 'terminé',
    inProgress: 'en cours',
    preview: 'Aperçu : cette tentative n’est transmise à aucun LMS',
    course: 'Contenu du cours',
    passed: 'réussi',
    failed: 'échoué',
    refused: 'Pas disponible pour l’instant',
  },
};

const params = new URLSearchParams(location.search);
const lang = (params.get('lang') || navigator.language || 'en').slice(0, 2).toLowerCase() === 'fr' ? 'fr' : 'en';
const t = (key) => TEXT[lang][key];
document.documentElement.lang = lang;

const root = document.getElementById('player');
const attemptId = root.dataset.attempt;
const token = params.get('token') || sessionStorage.getItem(`passerelle-token-${attemptId}`) || '';
if (token) sessionStorage.setItem(`passerelle-token-${attemptId}`, token);
const base = new URL('../', location.href);
const apiUrl = new URL(`api/attempts/${attemptId}`, base);
const commitUrl = () => `${apiUrl}/commits?token=${encodeURIComponent(token)}`;

// UTF-8 bytes beyond which a keepalive request is refused by browsers.
const KEEPALIVE_MAX = 60000;

const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== false && v != null) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) e.append(c);
  return e;
};

let engines;       // the wasm module's { create, import }
let session;       // GET /api/attempts/<id> .session
let contentBase;   // URL of the package version's folder
let scos = [];     // [{ id, title, launch, type, engine }]
let current = -1;  // index of the SCO on screen
let seq = 0;       // last seq acknowledged by the server
const queue = [];  // batches not yet acknowledged: [{ sco, calls, seq? }]
let sending = null;
let closing = false;
let unloading = false; // we are taking the SCO away (it may terminate meanwhile)
let closingScheduled = false;
let rejectedCode = 0; // after a refused commit: answered to the SCO's next Commit/Terminate
let statusEl;
let frame;
let tocList;
let prevButton;
let nextButton;
let exitButton;
let sequenced = false; // SCORM 2004 sequencing: the server decides what plays
let nav = null;        // the server's last navigation answer (runtime/seqplay.h)

// --- the status line: every delivery visible ---

function setStatus(key) {
  if (statusEl) {
    statusEl.textContent = t(key);
    statusEl.dataset.state = key;
  }
}

// --- calls and commits ---

function record(fn, args, result, error) {
  const sco = scos[current];
  let batch = queue[queue.length - 1];
  if (!batch || batch.seq || batch.nav || batch.sco !== sco.id) {
    batch = { sco: sco.id, calls: [] };
    queue.push(batch);
  }
  batch.calls.push({ fn, args, result, error });
  // The page is closing and the SCO still talks (its unload handlers): send
  // each handler's calls as soon as it returns.
  if (closing && !closingScheduled) {
    closingScheduled = true;
    queueMicrotask(() => { closingScheduled = false; flushNow(); });
  }
}

// What C sees of a JS argument: a string, cut at the first NUL.
const arg = (v) => {
  const s = v == null ? '' : String(v);
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
};

function makeApi(standard) {
  const engine = () => scos[current].engine;
  const bool = (b) => (b ? 'true' : 'false');
  const logged = (fn, run, args, after) => (...raw) => {
    const a = args(raw);
    const e = engine();
    let result = run(e, a);
    const error = e.getLastError();
    record(fn, a, result == null ? '' : result, error);
    if (after) after(e, result);
    if (rejectedCode && (fn === 'Commit' || fn === 'Terminate')) {
      // The server refused progress since: say so to the SCO.
      result = 'false';
      overriddenError = rejectedCode;
      rejectedCode = 0;
    } else if (fn !== 'GetLastError' && fn !== 'GetErrorString' && fn !== 'GetDiagnostic') {
      overriddenError = 0;
    }
    return result == null ? '' : result;
  };
  let overriddenError = 0;
  const one = (raw) => [arg(raw[0])];
  const none = () => [];
  const calls = {
    Initialize: logged('Initialize', (e, a) => bool(e.initialize(a[0])), one),
    Terminate: logged('Terminate', (e, a) => bool(e.terminate(a[0])), one, (e) => afterTerminate(e)),
    GetValue: logged('GetValue', (e, a) => e.getValue(a[0]) ?? '', one),
    SetValue: logged('SetValue', (e, a) => bool(e.setValue(a[0], a[1])), (raw) => [arg(raw[0]), arg(raw[1])]),
    Commit: logged('Commit', (e, a) => bool(e.commit(a[0])), one, () => flush()),
    GetLastError: (...raw) => {
      if (overriddenError) return String(overriddenError);
      return logged('GetLastError', (e) => String(e.getLastError()), none)(...raw);
    },
    GetErrorString: logged('GetErrorString', (e, a) => e.getErrorString(a[0]) ?? '', one),
    GetDiagnostic: logged('GetDiagnostic', (e, a) => e.getDiagnostic(a[0]) ?? '', one),
  };
  if (standard === '2004') return calls;
  return {
    LMSInitialize: calls.Initialize,
    LMSFinish: calls.Terminate,
    LMSGetValue: calls.GetValue,
    LMSSetValue: calls.SetValue,
    LMSCommit: calls.Commit,
    LMSGetLastError: calls.GetLastError,
    LMSGetErrorString: calls.GetErrorString,
    LMSGetDiagnostic: calls.GetDiagnostic,
  };
}

function body(batch) {
  const b = { seq: batch.seq, sco: batch.sco, calls: batch.calls };
  if (batch.nav) b.nav = batch.nav;
  return JSON.stringify(b);
}

// Send the batches in order, one at a time; a failed send is retried with
// the same seq and body (the server answers a seq it has with what it said).
function flush() {
  if (!sending) sending = send().finally(() => { sending = null; });
  return sending;
}

async function send() {
  let delay = 1000;
  while (queue.length) {
    const batch = queue[0];
    if (!batch.seq) batch.seq = seq + 1;
    setStatus('saving');
    let res;
    try {
      const text = body(batch);
      res = await fetch(commitUrl(), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: text,
        keepalive: text.length < KEEPALIVE_MAX,
      });
    } catch {
      res = null;
    }
    if (res && res.ok) {
      if (batch.nav) batch.answer = await res.json().then((a) => a.nav).catch(() => null);
      queue.shift();
      seq = batch.seq;
      delay = 1000;
      if (batch.done) batch.done(batch.answer);
      continue;
    }
    if (res && res.status === 401) {
      setStatus('expired');
      break;
    }
    if (res && (res.status === 422 || res.status === 409 || res.status === 400 || res.status === 413)) {
      const answer = await res.json().catch(() => ({}));
      rejectedCode = answer.code || (session.standard === '1.2' ? 101 : 391);
      const waiting = queue.filter((b) => b.done);
      await resync();
      setStatus('rejected');
      for (const b of waiting) b.done(null);
      return;
    }
    setStatus('offline');
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 30000);
  }
  if (!queue.length) setStatus('saved');
}

// The window is going away: send what is left without waiting for answers.
function flushNow() {
  let last = seq;
  for (const batch of queue) {
    if (!batch.seq) batch.seq = last + 1;
    last = batch.seq;
    if (batch.sentAtClose) continue;
    batch.sentAtClose = true;
    const text = body(batch);
    let sent = false;
    if (text.length < KEEPALIVE_MAX) {
      try {
        fetch(commitUrl(), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: text, keepalive: true });
        sent = true;
      } catch {
        sent = false;
      }
    }
    if (!sent && navigator.sendBeacon) navigator.sendBeacon(commitUrl(), new Blob([text], { type: 'text/plain' }));
  }
}

// After a refused commit: the server's state is the truth.
async function resync() {
  queue.length = 0;
  const data = await loadSession();
  seq = data.session.last_seq;
  if (sequenced) {
    nav = data.session.sequencing;
    renderToc();
  }
  for (const s of data.session.scos) {
    const mine = scos.find((x) => x.id === s.id);
    if (mine) {
      mine.engine.free();
      mine.engine = engines.import(s.state, limits());
    }
  }
}

// --- navigation ---

function afterTerminate(engine) {
  flush();
  if (unloading || closing) return;
  const nav = (session.standard === '2004' && engine.navRequest()) || '_none_';
  // The SCO may not be unloaded from inside its own call: act once it returns.
  if (sequenced) {
    if (nav !== '_none_') setTimeout(() => navigate(nav, true), 0);
    return;
  }
  setTimeout(() => {
    if (nav === '_none_') {
      // A lone SCO that ends its session is done with the window.
      if (scos.length === 1) exit();
    } else if (nav === 'continue') go(current + 1);
    else if (nav === 'previous') go(current - 1);
    else if (nav === 'exit' || nav === 'exitAll' || nav === 'suspendAll' || nav === 'abandon' || nav === 'abandonAll') exit();
    else {
      const choice = /^\{target=([^}]+)\}(choice|jump)$/.exec(nav);
      if (choice) go(scos.findIndex((s) => s.id === choice[1]));
    }
  }, 0);
}

function statusOf(s) {
  const e = s.engine;
  const v = session.standard === '1.2' ? e.lmsGet('cmi.core.lesson_status') : e.lmsGet('cmi.completion_status');
  return v === 'completed' || v === 'passed' || v === 'failed';
}

// Sequencing: send the request (after the calls before it) and show what
// the server answers. terminated: the SCO already ended its session (its
// own adl.nav.request), so a refusal does not relaunch it.
let navigating = false;
async function navigate(request, terminated = false) {
  if (navigating) return;
  navigating = true;
  try {
    // Take the SCO away first (after its own Terminate too): calls from its
    // unload handlers must reach its engine, not the next SCO's.
    await unload();
    unloading = false;
    const answer = await new Promise((done) => {
      queue.push({ sco: current >= 0 ? scos[current].id : '', calls: [], nav: request, done });
      flush();
    });
    if (!answer) return;
    nav = answer;
    if (answer.delivered) {
      const i = scos.findIndex((s) => s.id === answer.delivered);
      scos[i].engine.free();
      scos[i].engine = engines.import(answer.state, limits());
      show(i);
    } else if (answer.ended) {
      done();
    } else {
      if (statusEl && answer.exception) {
        statusEl.textContent = `${t('refused')} (${answer.exception})`;
        statusEl.dataset.state = 'refused';
      }
      // Refused: the SCO taken away for it comes back.
      if (!terminated && current >= 0) show(current);
      renderToc();
    }
  } finally {
    navigating = false;
  }
}

function renderSequencedToc() {
  const hide = new Set(nav.hide || []);
  tocList.replaceChildren(
    ...nav.toc.filter((a) => a.visible && a.depth > 0).map((a) => {
      const word = a.success !== 'unknown' ? t(a.success) : a.completion === 'completed' ? t('completed') : '';
      const label = [a.title || a.id, el('span', { class: 'sco-status' }, word ? ` (${word})` : '')];
      return el('li', { 'data-depth': Math.min(a.depth, 4), 'data-id': a.id },
        a.leaf || a.choice
          ? el('button', {
            type: 'button',
            disabled: !a.choice,
            'aria-current': a.id === nav.current ? 'page' : false,
            onclick: () => navigate(`{target=${a.id}}choice`),
          }, ...label)
          : el('span', {}, ...label));
    }));
  prevButton.disabled = !nav.valid.previous;
  nextButton.disabled = !nav.valid.continue;
  prevButton.hidden = hide.has('previous');
  nextButton.hidden = hide.has('continue');
  exitButton.hidden = hide.has('suspendAll') && hide.has('exitAll');
}

function renderToc() {
  if (sequenced && nav) {
    renderSequencedToc();
    return;
  }
  if (!tocList) return;
  tocList.replaceChildren(
    ...scos.map((s, i) =>
      el('li', {},
        el('button', {
          type: 'button',
          'aria-current': i === current ? 'page' : false,
          onclick: () => go(i),
        }, s.title || s.id, el('span', { class: 'sco-status' }, statusOf(s) ? ` (${t('completed')})` : '')))));
  if (prevButton) prevButton.disabled = current <= 0;
  if (nextButton) nextButton.disabled = current >= scos.length - 1;
}

// Unload the SCO on screen (it terminates in its unload handlers, while the
// API is still here). Resolves once the blank page has loaded, so once those
// handlers have run: a fixed pause was too short on a busy machine, and a
// navigation then reached the server before the SCO's Terminate.
function unload() {
  if (!frame || frame.src === 'about:blank') return Promise.resolve();
  unloading = true;
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 5000);
    frame.addEventListener('load', () => { clearTimeout(timer); resolve(); }, { once: true });
    frame.src = 'about:blank';
  });
}

async function go(i) {
  if (i < 0 || i >= scos.length || (i === current && frame.src !== 'about:blank')) return;
  // The old SCO's unload handlers run before the API points elsewhere.
  await unload();
  unloading = false;
  flush();
  show(i);
}

// Put SCO i on screen (the one before is gone).
function show(i) {
  current = i;
  const s = scos[i];
  if (s.engine.phase !== 'not-initialized') {
    s.engine.nextSession();
    record('NextSession', [], '', 0);
  }
  renderToc();
  frame.title = s.title || t('course');
  frame.src = /^[a-z][a-z0-9+.-]*:/i.test(s.launch) ? s.launch : new URL(s.launch, contentBase).href;
}

async function exit() {
  if (current < 0) return;
  // Save and exit, with sequencing: suspend all, resumed at the next visit.
  if (sequenced) return navigate('suspendAll');
  await unload();
  unloading = false;
  await flush();
  done();
}

function done() {
  if (frame) frame.src = 'about:blank';
  const main = document.querySelector('main');
  main.replaceChildren(
    el('p', { class: 'done', role: 'status' }, t('done')),
    el('button', { type: 'button', class: 'primary', onclick: () => location.reload() }, t('resume')));
  current = -1;
}

// --- start ---

function limits() {
  return { suspendDataMax: session.limits.suspend_data_max };
}

async function loadSession() {
  const res = await fetch(apiUrl, { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
  if (!res.ok) {
    const err = new Error(res.status === 401 ? t('expired') : t('failed'));
    err.status = res.status;
    throw err;
  }
  return res.json();
}

// The SCO to open: the one suspended, else the first not completed.
function firstSco() {
  const suspended = scos.findIndex((s) => {
    const e = s.engine;
    const exit = session.standard === '1.2' ? e.lmsGet('cmi.core.exit') : e.lmsGet('cmi.exit');
    return e.phase !== 'not-initialized' && exit === 'suspend';
  });
  if (suspended >= 0) return suspended;
  const open = scos.findIndex((s) => s.type === 'sco' && !statusOf(s));
  return open >= 0 ? open : 0;
}

function layout() {
  statusEl = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  prevButton = el('button', { type: 'button', onclick: () => (sequenced ? navigate('previous') : go(current - 1)) }, t('previous'));
  nextButton = el('button', { type: 'button', onclick: () => (sequenced ? navigate('continue') : go(current + 1)) }, t('next'));
  exitButton = el('button', { type: 'button', class: 'primary', onclick: () => exit() }, t('exit'));
  const header = el('header', {},
    el('h1', {}, session.title || ''),
    el('div', { class: 'controls' },
      ...(scos.length > 1 ? [prevButton, nextButton] : []), exitButton),
    statusEl);
  const parts = [header];
  if (session.preview) header.append(el('p', { class: 'preview' }, t('preview')));
  frame = el('iframe', { title: t('course'), src: 'about:blank', allow: 'fullscreen; autoplay' });
  const main = el('main', {}, frame);
  if (scos.length > 1) {
    tocList = el('ol');
    parts.push(el('div', { class: 'body' },
      el('nav', { 'aria-label': t('contents') },
        el('details', { open: window.matchMedia('(min-width: 48rem)').matches },
          el('summary', {}, t('contents')), tocList)),
      main));
  } else {
    parts.push(el('div', { class: 'body' }, main));
  }
  root.replaceChildren(...parts);
}

async function start() {
  root.replaceChildren(el('p', { class: 'loading', role: 'status' }, t('loading')));
  const [data, module] = await Promise.all([
    loadSession(),
    fetch(new URL('./scorm.wasm', import.meta.url)).then((r) => r.arrayBuffer()).then(loadScormEngine),
  ]);
  engines = module;
  session = data.session;
  seq = session.last_seq;
  contentBase = new URL(data.content, base);
  scos = session.scos.map((s) => ({ ...s, engine: engines.import(s.state, limits()) }));
  if (!scos.length) throw new Error(t('failed'));
  sequenced = !!session.sequencing && scos.length > 1;
  nav = session.sequencing || null;
  if (session.standard === '2004') window.API_1484_11 = makeApi('2004');
  else window.API = makeApi('1.2');
  layout();
  setStatus('saved');
  setInterval(() => { if (queue.length) flush(); }, (data.commit_interval || 30) * 1000);
  window.addEventListener('pagehide', () => {
    closing = true;
    // Removing the frame runs the SCO's unload handlers now, while this page
    // can still send: their calls (often Terminate) go out with the rest.
    if (frame && frame.isConnected) frame.remove();
    flushNow();
  });
  // Back from the back-forward cache: the SCO is gone, start again from the server.
  window.addEventListener('pageshow', (e) => { if (e.persisted) location.reload(); });
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flush(); });
  window.addEventListener('online', () => flush());
  if (!sequenced) {
    await go(firstSco());
    return;
  }
  // The activity still current (the window closed while it played) comes
  // back; else resume all after a suspend all, or start.
  const cur = nav.current ? scos.findIndex((s) => s.id === nav.current) : -1;
  if (cur >= 0) await go(cur);
  else await navigate(nav.toc.some((a) => a.suspended) ? 'resumeAll' : 'start', true);
  renderToc();
}

// For tests and the curious: what is waiting to be saved.
window.passerelle = {
  get pending() { return queue.reduce((n, b) => n + b.calls.length, 0); },
  get seq() { return seq; },
  get current() { return current >= 0 ? scos[current].id : null; },
  flush: () => flush(),
  go: (id) => go(scos.findIndex((s) => s.id === id)),
  navigate: (request) => navigate(request),
  get nav() { return nav; },
  exit: () => exit(),
};

start().catch((err) => {
  root.replaceChildren(el('p', { class: 'error', role: 'alert' }, err.message || t('failed')));
});
