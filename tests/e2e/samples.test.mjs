// The migration curriculum in a real browser: for every course of
// samples/, the first module is played to completion under a recording
// LMS API (every lesson completed, the assessment answered right and
// passed, or the survey completed), in SCORM 2004 and SCORM 1.2; and
// axe-core finds no WCAG 2.1 A/AA violation on any page of any sample,
// in every language.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

import { axe, pack, sourceDir, startEnv, testTmp, unzip } from './lib/harness.mjs';

const samplesDir = join(sourceDir, 'samples');
const courses = readdirSync(samplesDir)
  .filter((d) => existsSync(join(samplesDir, d, 'course.json')))
  .map((d) => ({ name: d, json: JSON.parse(readFileSync(join(samplesDir, d, 'course.json'), 'utf8')) }));
let env;

before(async () => {
  const tmp = testTmp('samples');
  for (const c of courses) {
    for (const format of ['scorm2004', 'scorm12']) {
      const zip = pack(join(samplesDir, c.name), format, join(tmp, `${c.name}-${format}.zip`), ['--quiet']);
      unzip(zip, join(tmp, 'www', `${c.name}-${format}`));
    }
  }
  env = await startEnv(join(tmp, 'www'));
});

after(async () => {
  if (env) await env.close();
});

async function until(fn, what, timeout = 10000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const plain = (html) => String(html ?? '').replace(/<[^>]*>/g, '').replace(/&amp;/g, '&')
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").trim();

// Answer every question of the assessment in frame as its data says is right.
async function answerRight(frame) {
  const data = await frame.evaluate(() => JSON.parse(document.getElementById('pa-data').textContent));
  const lang = await frame.evaluate(() => document.documentElement.lang);
  const pick = (t) => (t && (t[lang] ?? t[data.languages[0]])) || '';
  for (const q of data.questions) {
    const base = '#pa-q-' + q.id.replace(/[^A-Za-z0-9_-]/g, '_');
    const right = q.answers.map((a, i) => (a.correct || a.credit > 0 ? i : -1)).filter((i) => i >= 0);
    switch (q.type) {
      case 'choice': // a survey's choice has no right answer: any will do
        await frame.locator(`${base}-${Math.max(0, q.answers.findIndex((a) => a.correct || a.credit >= 1))}`).check();
        break;
      case 'multiple':
        for (const i of right.length ? right : [0, 1]) await frame.locator(`${base}-${i}`).check();
        break;
      case 'truefalse':
        await frame.locator(`${base}-${q.answer ? 0 : 1}`).check();
        break;
      case 'likert':
        await frame.locator(`${base}-0`).check();
        break;
      case 'short': {
        const a = q.answers.find((x) => x.value && x.credit >= 1);
        assert.ok(a, `${q.id}: a short answer written as text`);
        await frame.locator(`${base}-input`).fill(pick(a.value));
        break;
      }
      case 'numeric': {
        const a = q.answers.find((x) => x.credit >= 1) || q;
        await frame.locator(`${base}-input`).fill(String((a.min + a.max) / 2));
        break;
      }
      case 'text':
        await frame.locator(`${base}-input`).fill('More case studies from cities like ours.');
        break;
      case 'matching':
        for (let i = 0; i < q.answers.length; i++) {
          const label = plain(pick(q.answers[i].match));
          await frame.locator(`${base}-m${i}`).selectOption({ label });
        }
        break;
      case 'ordering':
        for (let guard = 0; guard < 100; guard++) {
          const order = await frame.locator(`${base} .pa-order-text`).evaluateAll(
            (nodes) => nodes.map((n) => Number(n.id.replace(/^.*-item/, ''))));
          const p = order.findIndex((v, i) => v !== i);
          if (p < 0) break;
          const from = order.indexOf(p);
          await frame.locator(`${base} .pa-order-item`).nth(from).getByRole('button').first().click();
        }
        break;
      default:
        throw new Error(`unknown question type ${q.type}`);
    }
  }
  await frame.locator('.pa-submit').click();
  return data;
}

function firstModule(c) {
  return c.json.modules[0];
}

for (const version of ['2004', '12']) {
  const format = version === '2004' ? 'scorm2004' : 'scorm12';
  const v2004 = version === '2004';
  describe(`SCORM ${version === '2004' ? '2004' : '1.2'}: the first module of every sample, played to the end`, () => {
    for (const c of courses) {
      test(c.name, async () => {
        const m = firstModule(c);
        for (const unit of m.units) {
          const lms = await env.openSco(`${c.name}-${format}/content/${unit.id}.html`, { version });
          const f = lms.frame;
          if (unit.type === 'lesson') {
            await until(async () => (await lms.calls()).some((x) => /Commit$/.test(x.fn)), 'the first commit');
            await f.locator('.pa-complete, button:has-text("Mark as complete")').first().click();
            const cmi = await until(async () => {
              const v = await lms.cmi();
              return (v2004 ? v['cmi.completion_status'] === 'completed' : v['cmi.core.lesson_status'] === 'completed') && v;
            }, `${unit.id} completed`);
            assert.ok(cmi[v2004 ? 'cmi.session_time' : 'cmi.core.session_time'], 'session time reported');
          } else {
            await f.waitForSelector('.pa-submit');
            const data = await answerRight(f);
            const cmi = await until(async () => {
              const v = await lms.cmi();
              const done = v2004 ? v['cmi.completion_status'] === 'completed' : /passed|completed/.test(v['cmi.core.lesson_status'] || '');
              return done && v;
            }, `${unit.id} submitted`);
            const scored = data.questions.filter((q) => q.scored);
            if (data.graded) {
              if (v2004) {
                assert.equal(cmi['cmi.success_status'], 'passed', `${unit.id} passed`);
                assert.equal(cmi['cmi.score.scaled'], '1', `${unit.id}: every answer right`);
                assert.equal(Number(cmi['cmi.score.raw']), Number(cmi['cmi.score.max']));
              } else {
                assert.equal(cmi['cmi.core.lesson_status'], 'passed', `${unit.id} passed`);
                assert.equal(cmi['cmi.core.score.raw'], '100', `${unit.id}: every answer right`);
              }
              assert.ok(scored.length >= 5 && scored.length <= 10, `${unit.id}: 5 to 10 scored questions`);
            } else {
              assert.equal(scored.length, 0, 'a survey scores nothing');
              assert.equal(cmi[v2004 ? 'cmi.score.raw' : 'cmi.core.score.raw'], undefined, 'a survey reports no score');
              if (v2004) assert.notEqual(cmi['cmi.success_status'], 'failed');
            }
            // Every question became an interaction with the learner's response.
            const prefix = 'cmi.interactions.';
            const ids = new Set(Object.keys(cmi).filter((k) => k.startsWith(prefix) && k.endsWith('.id')).map((k) => cmi[k]));
            for (const q of data.questions) assert.ok(ids.has(q.id), `${unit.id}: interaction ${q.id} reported`);
          }
          await lms.unload();
          await lms.close();
        }
      });
    }
  });
}

describe('axe-core on every page of every sample, in every language', () => {
  for (const c of courses) {
    test(c.name, async () => {
      const pages = c.json.modules.flatMap((m) => m.units.map((u) => u.id));
      for (const id of pages) {
        for (const lang of c.json.languages) {
          const cmi = { 'cmi.learner_preference.language': lang };
          const lms = await env.openSco(`${c.name}-scorm2004/content/${id}.html`, { version: '2004', cmi });
          await until(() => lms.frame.evaluate((l) => document.documentElement.lang === l, lang), `${id} in ${lang}`);
          const violations = await axe(lms.frame);
          assert.deepEqual(violations, [], `${c.name}/${id} (${lang}): ${JSON.stringify(violations, null, 1)}`);
          await lms.close();
        }
      }
    });
  }
});
