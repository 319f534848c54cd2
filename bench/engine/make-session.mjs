// Writes the call sequence of the engine benchmark (session-2004.txt): one
// realistic SCORM 2004 session of a quiz SCO, as authoring tools write it.
// Resume reads, location and a 4 KB suspend_data, 20 interactions with every
// field, score and statuses, a commit, then reading everything back.
// One call per line, tab-separated: op, element, value.
// usage: node bench/engine/make-session.mjs > bench/engine/session-2004.txt
const out = [];
const call = (op, el = '', value = '') => out.push([op, el, value].join('\t'));

call('init');
for (const el of ['cmi.entry', 'cmi.mode', 'cmi.learner_id', 'cmi.learner_name', 'cmi.location',
  'cmi.suspend_data', 'cmi.completion_status', 'cmi.interactions._count']) call('get', el);
call('set', 'cmi.location', 'module-3/lesson-2/page-12');
// suspend_data as Storyline writes it: a long compressed-looking token string.
let data = '';
for (let i = 0; data.length < 4000; i++) data += ((i * 2654435761) >>> 0).toString(36) + (i % 7 ? '~' : '|');
call('set', 'cmi.suspend_data', data.slice(0, 4000));

const kinds = [
  ['choice', 'choice_a[,]choice_c', 'choice_a[,]choice_b'],
  ['true-false', 'true', 'false'],
  ['fill-in', '{case_matters=false}{lang=en}Global Compact for Migration', '{lang=en}global compact'],
  ['numeric', '1951[:]1967', '1951'],
  ['matching', 'convention_1951[.]refugees[,]convention_1990[.]migrant_workers',
    'convention_1951[.]refugees[,]convention_1990[.]stateless'],
];
for (let i = 0; i < 20; i++) {
  const [type, pattern, response] = kinds[i % kinds.length];
  const p = `cmi.interactions.${i}`;
  call('set', `${p}.id`, `urn:passerelle:quiz:international-migration-law:q${i + 1}`);
  call('set', `${p}.type`, type);
  call('set', `${p}.objectives.0.id`, 'urn:passerelle:objective:migration-law-basics');
  call('set', `${p}.timestamp`, `2026-11-26T10:${String(10 + i).padStart(2, '0')}:05.25Z`);
  call('set', `${p}.correct_responses.0.pattern`, pattern);
  call('set', `${p}.weighting`, '1');
  call('set', `${p}.learner_response`, response);
  call('set', `${p}.result`, i % 3 ? 'correct' : 'incorrect');
  call('set', `${p}.latency`, `PT${12 + i}.5S`);
  call('set', `${p}.description`, `{lang=en}Question ${i + 1}: which instrument protects this group of people?`);
}
for (const [el, v] of [['cmi.score.raw', '14'], ['cmi.score.min', '0'], ['cmi.score.max', '20'],
  ['cmi.score.scaled', '0.7'], ['cmi.progress_measure', '1'], ['cmi.completion_status', 'completed'],
  ['cmi.success_status', 'passed'], ['cmi.session_time', 'PT24M31.75S'], ['cmi.exit', 'suspend']]) call('set', el, v);
call('commit');
call('get', 'cmi.location');
call('get', 'cmi.suspend_data');
call('get', 'cmi.interactions._count');
for (let i = 0; i < 20; i++) {
  const p = `cmi.interactions.${i}`;
  for (const f of ['id', 'type', 'objectives._count', 'objectives.0.id', 'timestamp', 'correct_responses._count',
    'correct_responses.0.pattern', 'weighting', 'learner_response', 'result', 'latency', 'description']) call('get', `${p}.${f}`);
}
for (const el of ['cmi.score.raw', 'cmi.score.min', 'cmi.score.max', 'cmi.score.scaled', 'cmi.progress_measure',
  'cmi.completion_status', 'cmi.success_status']) call('get', el);
call('term');
process.stdout.write(out.join('\n') + '\n');
