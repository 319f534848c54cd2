// The generated SCOs in a real browser against a recording LMS API:
// lessons (bookmark, completion, session time, exit, resume) and
// assessments (interactions, scores, success, attempts, surveys), in
// SCORM 2004 and 1.2, and outside any LMS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { nextSession, pack, sourceDir, startEnv, testTmp, unzip } from './lib/harness.mjs';

const fixture = join(sourceDir, 'tests', 'e2e', 'fixtures', 'sco-course');
let env;

before(async () => {
  const tmp = testTmp('sco');
  for (const format of ['scorm2004', 'scorm12']) {
    const zip = pack(fixture, format, join(tmp, `${format}.zip`));
    unzip(zip, join(tmp, 'www', format));
  }
  env = await startEnv(join(tmp, 'www'));
});

after(async () => {
  if (env) await env.close();
});

const DURATION_2004 = /^PT(\d+H)?(\d+M)?\d+(\.\d{1,2})?S$/;
const TIMESTAMP_2004 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\dZ$/;
const TIMESPAN_12 = /^\d{4}:\d\d:\d\d\.\d\d$/;
const TIME_12 = /^\d\d:\d\d:\d\d$/;

async function until(fn, what, timeout = 5000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const names = (calls) => calls.map((c) => c.fn);
const sets = (calls) => calls.filter((c) => /SetValue$/.test(c.fn)).map((c) => c.args);

function interaction(cmi, n) {
  const out = {};
  const prefix = `cmi.interactions.${n}.`;
  for (const [k, v] of Object.entries(cmi)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

function assertTerminatedOnce(calls, finish = 'Terminate') {
  const idx = calls.map((c, i) => (c.fn === finish ? i : -1)).filter((i) => i >= 0);
  assert.equal(idx.length, 1, `${finish} called once: ${names(calls).join(' ')}`);
  assert.equal(idx[0], calls.length - 1, 'nothing called after the session ended');
  assert.equal(calls[idx[0]].result, 'true');
}

async function scrollTo(frame, id) {
  await frame.evaluate((target) => document.getElementById(target).scrollIntoView({ block: 'start' }), id);
}

// Answer the m1 quiz in English: q1 right, q2 half, q3 right, q4 right
// (other case), q5 wrong, q6 two of three, q7 right (by keyboard), q8, q9.
async function answerQuiz(frame) {
  await frame.getByLabel('The 1951 Convention').check();
  await frame.getByLabel('ICCPR', { exact: true }).check();
  await frame.getByLabel('True', { exact: true }).check();
  await frame.locator('#pa-q-q4 input').fill('Non-Refoulement');
  await frame.locator('#pa-q-q5 input').fill('1999');
  await frame.getByLabel('ILO C97').selectOption({ label: 'labour migration' });
  await frame.getByLabel('1954 Convention').selectOption({ label: 'statelessness' });
  await frame.getByLabel('Palermo Protocols').selectOption({ label: 'labour migration' });
  await putInOrder(frame, ['1951 Convention', '1967 Protocol', '1990 Convention']);
  await frame.getByLabel('Agree', { exact: true }).check();
  await frame.locator('#pa-q-q9 textarea').fill('More case studies');
}

// Sort the ordering question with its Move up buttons, from the keyboard.
async function putInOrder(frame, wanted) {
  for (let guard = 0; guard < 10; guard++) {
    const items = await frame.locator('#pa-q-q7 .pa-order-text').allTextContents();
    if (items.join('|') === wanted.join('|')) return;
    const pos = items.findIndex((t, i) => t !== wanted[i]);
    const from = items.indexOf(wanted[pos]);
    const up = frame.locator('#pa-q-q7 .pa-order-item').nth(from).getByRole('button', { name: /Move up/ });
    await up.focus();
    await up.press('Enter');
    const live = await frame.locator('#pa-q-q7-live').textContent();
    assert.match(live, new RegExp(`^${wanted[pos]}: position ${from} of 3\\.$`));
  }
  throw new Error('could not order the items');
}

describe('SCORM 2004 lesson', () => {
  test('initialises, bookmarks by section, completes, reports time and exit, terminates once', async () => {
    const lms = await env.openSco('scorm2004/content/m1-lesson.html', { version: '2004' });
    const calls0 = await until(async () => {
      const c = await lms.calls();
      return c.some((x) => x.fn === 'Commit') && c;
    }, 'the first commit');
    assert.deepEqual(calls0[0], { fn: 'Initialize', args: [''], result: 'true' });
    assert.ok(calls0.some((c) => c.fn === 'GetValue' && c.args[0] === 'cmi.entry'));
    let cmi = await lms.cmi();
    assert.equal(cmi['cmi.completion_status'], 'incomplete');
    assert.equal(cmi['cmi.exit'], 'suspend');
    assert.equal(cmi['cmi.location'], 'top');

    await scrollTo(lms.frame, 'en-refugees');
    cmi = await until(async () => {
      const c = await lms.cmi();
      return c['cmi.location'] === 'en-refugees' && c;
    }, 'the bookmark');
    assert.equal(JSON.parse(cmi['cmi.suspend_data']).s, 2);
    assert.equal(cmi['cmi.completion_status'], 'incomplete');

    await lms.frame.getByRole('button', { name: 'Mark as complete' }).click();
    cmi = await until(async () => {
      const c = await lms.cmi();
      return c['cmi.session_time'] && c;
    }, 'the end of the session');
    assert.equal(cmi['cmi.completion_status'], 'completed');
    assert.equal(cmi['cmi.exit'], 'normal');
    assert.match(cmi['cmi.session_time'], DURATION_2004);
    assert.equal(cmi['cmi.success_status'], undefined, 'a lesson reports no success');
    assert.equal(cmi['cmi.score.raw'], undefined, 'a lesson reports no score');
    assert.match(await lms.frame.locator('#pa-notice').textContent(), /Lesson completed/);
    await lms.unload();
    const calls = await lms.calls();
    assertTerminatedOnce(calls);
    assert.ok(names(calls).every((n) => !n.startsWith('LMS')), 'the 2004 API only');
    await lms.close();
  });

  test('reaching the end of the lesson completes it, the session goes on', async () => {
    const lms = await env.openSco('scorm2004/content/m1-lesson.html', { version: '2004' });
    await until(async () => (await lms.calls()).some((x) => x.fn === 'Commit'), 'start');
    await lms.page.mouse.move(500, 300);
    const cmi = await until(async () => {
      await lms.page.mouse.wheel(0, 800);
      const c = await lms.cmi();
      return c['cmi.completion_status'] === 'completed' && c;
    }, 'completion by scrolling', 15000);
    assert.equal(cmi['cmi.location'], 'en-sources');
    assert.equal(cmi['cmi.exit'], 'normal');
    assert.ok(!(await lms.calls()).some((c) => c.fn === 'Terminate'), 'still in session');
    assert.equal(await lms.frame.locator('.pa-complete:visible').textContent(), 'Completed');
    assert.equal(await lms.frame.locator('.pa-complete:visible').getAttribute('aria-disabled'), 'true');
    await lms.unload();
    assertTerminatedOnce(await lms.calls());
    await lms.close();
  });

  test('resumes at the bookmarked section after the learner left', async () => {
    const first = await env.openSco('scorm2004/content/m1-lesson.html', { version: '2004' });
    await until(async () => (await first.calls()).some((x) => x.fn === 'Commit'), 'start');
    await scrollTo(first.frame, 'en-key-points');
    await until(async () => (await first.cmi())['cmi.location'] === 'en-key-points', 'the bookmark');
    await first.unload();
    const left = await first.cmi();
    assertTerminatedOnce(await first.calls());
    assert.equal(left['cmi.exit'], 'suspend');
    assert.match(left['cmi.session_time'], DURATION_2004);
    await first.close();

    const again = await env.openSco('scorm2004/content/m1-lesson.html', { version: '2004', cmi: nextSession(left) });
    await until(async () => (await again.calls()).some((x) => x.fn === 'Commit'), 'start');
    const top = await again.frame.evaluate(() => document.getElementById('en-key-points').getBoundingClientRect().top);
    assert.ok(Math.abs(top) < 40, `the Key points section is at the top (${top})`);
    assert.match(await again.frame.locator('#pa-notice').textContent(), /where you left off/);
    assert.equal((await again.cmi())['cmi.location'], 'en-key-points');
    await again.close();
  });

  test('shows the LMS learner preference language, then the menu switches it', async () => {
    const lms = await env.openSco('scorm2004/content/m1-lesson.html',
      { version: '2004', cmi: { 'cmi.learner_preference.language': 'fr-CA' } });
    const f = lms.frame;
    await until(() => f.evaluate(() => document.documentElement.lang === 'fr'), 'French');
    assert.equal(await f.locator('h1:visible').textContent(), 'Définitions');
    assert.equal(await f.title(), 'Définitions – Les bases de la migration');
    assert.equal(await f.locator('#pa-lang-select').inputValue(), 'fr');
    await f.getByLabel('Langue').selectOption('en');
    assert.equal(await f.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await f.locator('h1:visible').textContent(), 'Definitions');
    assert.ok(await f.getByRole('button', { name: 'Mark as complete' }).isVisible());
    await until(async () => JSON.parse((await lms.cmi())['cmi.suspend_data'] || '{}').l === 'en', 'the choice kept');
    await lms.close();
  });
});

describe('SCORM 2004 assessment', () => {
  test('reports every interaction, the score, success and completion', async () => {
    const lms = await env.openSco('scorm2004/content/m1-quiz.html', { version: '2004' });
    const f = lms.frame;
    await f.waitForSelector('#pa-q-q9');
    assert.match(await f.locator('.pa-quiz-info').textContent(), /9 questions\. Passing score: 70%\. Attempt 1 of 2\./);
    await answerQuiz(f);
    await f.getByRole('button', { name: 'Submit answers' }).click();
    const cmi = await until(async () => {
      const c = await lms.cmi();
      return c['cmi.success_status'] && c;
    }, 'the result');

    assert.equal(cmi['cmi.score.raw'], '5.1667');
    assert.equal(cmi['cmi.score.min'], '0');
    assert.equal(cmi['cmi.score.max'], '7');
    assert.equal(cmi['cmi.score.scaled'], '0.7381');
    assert.equal(cmi['cmi.success_status'], 'passed');
    assert.equal(cmi['cmi.completion_status'], 'completed');
    assert.equal(cmi['cmi.exit'], 'normal');

    const expected = [
      { id: 'q1', type: 'choice', description: 'Which instrument defines a refugee?',
        'correct_responses.0.pattern': 'a', learner_response: 'a', result: 'correct', weighting: '1' },
      { id: 'q2', type: 'choice', description: 'Which are binding treaties?',
        'correct_responses.0.pattern': 'a[,]b', learner_response: 'a', result: '0.5', weighting: '1' },
      { id: 'q3', type: 'true-false', 'correct_responses.0.pattern': 'true', learner_response: 'true', result: 'correct' },
      { id: 'q4', type: 'fill-in', 'correct_responses.0.pattern': '{case_matters=false}non-refoulement',
        learner_response: 'Non-Refoulement', result: 'correct' },
      { id: 'q5', type: 'numeric', 'correct_responses.0.pattern': '2000[:]2000', learner_response: '1999', result: 'incorrect' },
      { id: 'q6', type: 'matching', 'correct_responses.0.pattern': 'a[.]1[,]b[.]2[,]c[.]3',
        learner_response: 'a[.]1[,]b[.]2[,]c[.]1', result: '0.6667' },
      { id: 'q7', type: 'sequencing', 'correct_responses.0.pattern': 'a[,]b[,]c', learner_response: 'a[,]b[,]c', result: 'correct' },
      { id: 'q8', type: 'likert', learner_response: '4', result: 'neutral', weighting: '0' },
      { id: 'q9', type: 'long-fill-in', learner_response: 'More case studies', result: 'neutral', weighting: '0' },
    ];
    assert.equal(Object.keys(cmi).filter((k) => /^cmi\.interactions\.\d+\.id$/.test(k)).length, 9);
    expected.forEach((want, n) => {
      const got = interaction(cmi, n);
      for (const [k, v] of Object.entries(want)) assert.equal(got[k], v, `interaction ${n} ${k}`);
      assert.equal(got['objectives.0.id'], 'm1-quiz');
      assert.match(got.timestamp, TIMESTAMP_2004);
      assert.match(got.latency, DURATION_2004);
      assert.ok(got.description && got.description.length <= 250);
    });
    assert.equal(interaction(cmi, 7)['correct_responses.0.pattern'], undefined, 'likert has no right answer');

    // The calls themselves, in the order an LMS requires (id, then type, then the rest).
    const q1calls = sets(await lms.calls()).filter(([el]) => el.startsWith('cmi.interactions.0.'));
    assert.deepEqual(q1calls.map(([el, v]) => [el.slice(19), /latency|timestamp/.test(el) ? '*' : v]), [
      ['id', 'q1'], ['type', 'choice'], ['objectives.0.id', 'm1-quiz'],
      ['description', 'Which instrument defines a refugee?'], ['timestamp', '*'],
      ['correct_responses.0.pattern', 'a'], ['learner_response', 'a'], ['result', 'correct'],
      ['weighting', '1'], ['latency', '*'],
    ]);
    assert.ok((await lms.calls()).filter((c) => c.fn === 'SetValue').every((c) => c.result === 'true'));
    const saved = JSON.parse(cmi['cmi.suspend_data']);
    assert.equal(saved.quiz.a, 1);
    assert.equal(saved.quiz.sub, true);
    assert.equal(saved.quiz.r.q4, 'Non-Refoulement');

    // Feedback per question and per answer, in live regions.
    assert.match(await f.locator('#pa-q-q1-fb').textContent(), /Correct\.Right: Article 1A\(2\)\.Well done\.The Convention dates from 1951\./);
    assert.match(await f.locator('#pa-q-q2-fb').textContent(), /Partly correct/);
    assert.match(await f.locator('#pa-q-q5-fb').textContent(), /Incorrect/);
    assert.equal(await f.locator('#pa-q-q1-fb').getAttribute('aria-live'), 'polite');
    assert.match(await f.locator('#pa-result').textContent(), /Your score: 74% \(5\.17 of 7\)\.You passed/);
    assert.equal(await f.locator('.pa-retry').count(), 0, 'no retry once passed');
    await lms.close();
  });

  test('shuffles questions and answers once per attempt, and keeps the order on return', async () => {
    const first = await env.openSco('scorm2004/content/m2-shuffled.html', { version: '2004' });
    await first.frame.waitForSelector('#pa-q-c6');
    const shown = (fr) => fr.evaluate(() => [...document.querySelectorAll('fieldset.pa-question')].map((fs) =>
      fs.id + ':' + [...fs.querySelectorAll('label')].map((l) => l.textContent.replace('Option ', '')).join('')));
    const order1 = await shown(first.frame);
    const ids = order1.map((x) => x.split(':')[0]);
    assert.deepEqual([...ids].sort(), ['pa-q-c1', 'pa-q-c2', 'pa-q-c3', 'pa-q-c4', 'pa-q-c5', 'pa-q-c6']);
    order1.forEach((x) => assert.equal([...x.split(':')[1]].sort().join(''), 'ABCDEFGH'));
    // Six questions of eight answers in source order by chance: 1 in 40320^6 * 720.
    assert.notDeepEqual(order1, ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((c) => `pa-q-${c}:ABCDEFGH`));
    await first.frame.locator('#pa-q-c1').getByLabel('Option A').check();
    await until(async () => JSON.parse((await first.cmi())['cmi.suspend_data'] || '{}').quiz?.r?.c1 === 0, 'saved');
    await first.unload();
    const left = await first.cmi();
    await first.close();

    const again = await env.openSco('scorm2004/content/m2-shuffled.html', { version: '2004', cmi: nextSession(left) });
    await again.frame.waitForSelector('#pa-q-c6');
    assert.deepEqual(await shown(again.frame), order1);
    await again.frame.getByRole('button', { name: 'Submit answers' }).click();
    const cmi = await until(async () => {
      const c = await again.cmi();
      return c['cmi.success_status'] && c;
    }, 'the result');
    // Interactions follow the order shown; answer letters the source order.
    ids.forEach((id, n) => assert.equal(cmi[`cmi.interactions.${n}.id`], id.slice(5)));
    const c1 = ids.indexOf('pa-q-c1');
    assert.equal(cmi[`cmi.interactions.${c1}.learner_response`], 'a');
    assert.equal(cmi[`cmi.interactions.${c1}.result`], 'correct');
    assert.equal(cmi['cmi.score.raw'], '1');
    assert.equal(cmi['cmi.score.max'], '6');
    await again.close();
  });

  test('keeps answers in progress and restores them on return', async () => {
    const first = await env.openSco('scorm2004/content/m1-quiz.html', { version: '2004' });
    await first.frame.waitForSelector('#pa-q-q9');
    await first.frame.getByLabel('The Global Compact for Migration').check();
    await first.frame.locator('#pa-q-q4 input').fill('asylum');
    await until(async () => {
      const s = (await first.cmi())['cmi.suspend_data'];
      return s && JSON.parse(s).quiz.r.q4 === 'asylum';
    }, 'the answers saved');
    await first.unload();
    const left = await first.cmi();
    assert.equal(left['cmi.exit'], 'suspend');
    assert.equal(left['cmi.success_status'], undefined);
    await first.close();

    const again = await env.openSco('scorm2004/content/m1-quiz.html', { version: '2004', cmi: nextSession(left) });
    await again.frame.waitForSelector('#pa-q-q9');
    assert.ok(await again.frame.getByLabel('The Global Compact for Migration').isChecked());
    assert.equal(await again.frame.locator('#pa-q-q4 input').inputValue(), 'asylum');
    await again.close();
  });

  test('a survey is completed, with no score and no success', async () => {
    const lms = await env.openSco('scorm2004/content/m2-survey.html', { version: '2004' });
    const f = lms.frame;
    await f.waitForSelector('#pa-q-s2');
    assert.match(await f.locator('.pa-quiz-info').textContent(), /no right or wrong answers/);
    await f.getByLabel('Strongly agree').check();
    await f.locator('#pa-q-s2 textarea').fill('Open a one-stop shop.');
    await f.getByRole('button', { name: 'Submit answers' }).click();
    const cmi = await until(async () => {
      const c = await lms.cmi();
      return c['cmi.completion_status'] === 'completed' && c;
    }, 'completion');
    assert.equal(Object.keys(cmi).filter((k) => k.startsWith('cmi.score')).length, 0);
    assert.equal(cmi['cmi.success_status'], undefined);
    assert.equal(cmi['cmi.exit'], 'normal');
    assert.deepEqual(interaction(cmi, 0), {
      id: 's1', type: 'likert', 'objectives.0.id': 'm2-survey', description: 'The course was useful for my work.',
      timestamp: interaction(cmi, 0).timestamp, learner_response: '5', result: 'neutral', weighting: '0',
      latency: interaction(cmi, 0).latency,
    });
    assert.equal(interaction(cmi, 1).learner_response, 'Open a one-stop shop.');
    assert.match(await f.locator('#pa-result').textContent(), /Thank you/);
    await lms.close();
  });

  test('a time limit submits the answers when time is up', async () => {
    const lms = await env.openSco('scorm2004/content/m2-timed.html',
      { version: '2004', clock: true, cmi: { 'cmi.objectives.0.id': 'assessment-passed' } });
    const f = lms.frame;
    await f.waitForSelector('#pa-q-t1');
    assert.equal(await f.locator('.pa-timer').textContent(), 'Time left: 1:00');
    await f.getByLabel('True', { exact: true }).check();
    await lms.page.clock.runFor(30000);
    assert.equal(await f.locator('.pa-timer').textContent(), 'Time left: 0:30');
    await lms.page.clock.runFor(31000);
    const cmi = await until(async () => {
      const c = await lms.cmi();
      return c['cmi.success_status'] && c;
    }, 'the automatic submission');
    assert.equal(cmi['cmi.success_status'], 'passed');
    assert.equal(cmi['cmi.score.scaled'], '1');
    assert.equal(cmi['cmi.interactions.0.learner_response'], 'true');
    assert.equal(cmi['cmi.interactions.0.objectives.0.id'], 'assessment-passed', 'the LMS\'s primary objective');
    assert.match(await f.locator('#pa-notice').textContent(), /Time is up/);
    assert.equal(await f.locator('.pa-submit').count(), 0);
    await lms.close();
  });

  test('finds the API through window.opener when launched in a new window', async () => {
    const lms = await env.openSco('scorm2004/content/m2-survey.html', { version: '2004' });
    await lms.page.evaluate(() => { document.getElementById('sco').remove(); window.__calls.length = 0; window.__state.initialized = false; window.__state.terminated = false; });
    const [popup] = await Promise.all([
      lms.page.waitForEvent('popup'),
      lms.page.evaluate(() => { window.open('/scorm2004/content/m2-survey.html', 'sco'); }),
    ]);
    await popup.waitForSelector('#pa-q-s1');
    await until(async () => (await lms.calls()).some((c) => c.fn === 'Commit'), 'the session through the opener');
    assert.deepEqual((await lms.calls())[0], { fn: 'Initialize', args: [''], result: 'true' });
    assert.equal(await popup.locator('#pa-notice').textContent(), '');
    await popup.close();
    await until(async () => (await lms.calls()).some((c) => c.fn === 'Terminate'), 'Terminate on close');
    await lms.close();
  });

  test('prefers the 2004 API when the LMS offers both', async () => {
    const lms = await env.openSco('scorm2004/content/m2-survey.html', { version: 'both' });
    await until(async () => (await lms.calls()).some((x) => x.fn === 'Commit'), 'start');
    assert.ok(names(await lms.calls()).every((n) => !n.startsWith('LMS')));
    await lms.close();
  });
});

describe('SCORM 1.2', () => {
  test('lesson: status, location, session time and exit in 1.2 formats', async () => {
    const lms = await env.openSco('scorm12/content/m1-lesson.html', { version: '12' });
    await until(async () => (await lms.calls()).some((x) => x.fn === 'LMSCommit'), 'start');
    let cmi = await lms.cmi();
    assert.equal((await lms.calls())[0].fn, 'LMSInitialize');
    assert.equal(cmi['cmi.core.lesson_status'], 'incomplete');
    assert.equal(cmi['cmi.core.exit'], 'suspend');
    await scrollTo(lms.frame, 'en-who-is-a-migrant');
    await until(async () => (await lms.cmi())['cmi.core.lesson_location'] === 'en-who-is-a-migrant', 'bookmark');
    await lms.frame.getByRole('button', { name: 'Mark as complete' }).click();
    cmi = await until(async () => {
      const c = await lms.cmi();
      return c['cmi.core.session_time'] && c;
    }, 'the end');
    assert.equal(cmi['cmi.core.lesson_status'], 'completed');
    assert.equal(cmi['cmi.core.exit'], '');
    assert.match(cmi['cmi.core.session_time'], TIMESPAN_12);
    assertTerminatedOnce(await lms.calls(), 'LMSFinish');
    await lms.close();
  });

  test('assessment: 1.2 interactions, score 0..100, failure, retry and the attempt limit', async () => {
    const lms = await env.openSco('scorm12/content/m1-quiz.html', { version: '12' });
    const f = lms.frame;
    await f.waitForSelector('#pa-q-q9');
    await answerQuiz(f);
    await f.getByLabel('The Global Compact for Migration').check();
    await f.getByLabel('False', { exact: true }).check();
    await f.getByRole('button', { name: 'Submit answers' }).click();
    let cmi = await until(async () => {
      const c = await lms.cmi();
      return c['cmi.core.score.raw'] && c;
    }, 'the score');
    // q2 0.5 + q4 1 + q6 2/3 + q7 1 = 3.1667 of 7.
    assert.equal(cmi['cmi.core.score.raw'], '45.24');
    assert.equal(cmi['cmi.core.score.min'], '0');
    assert.equal(cmi['cmi.core.score.max'], '100');
    assert.equal(cmi['cmi.core.lesson_status'], 'failed');
    assert.equal(cmi['cmi.core.exit'], 'suspend', 'an attempt is left: the LMS must resume');
    const expected = [
      { id: 'q1', type: 'choice', 'correct_responses.0.pattern': 'a', student_response: 'b', result: 'wrong', weighting: '1' },
      { id: 'q2', type: 'choice', 'correct_responses.0.pattern': 'a,b', student_response: 'a', result: '0.5' },
      { id: 'q3', type: 'true-false', 'correct_responses.0.pattern': 't', student_response: 'f', result: 'wrong' },
      { id: 'q4', type: 'fill-in', 'correct_responses.0.pattern': 'non-refoulement', student_response: 'Non-Refoulement', result: 'correct' },
      { id: 'q5', type: 'numeric', 'correct_responses.0.pattern': '2000', student_response: '1999', result: 'wrong' },
      { id: 'q6', type: 'matching', 'correct_responses.0.pattern': 'a.1,b.2,c.3', student_response: 'a.1,b.2,c.1', result: '0.6667' },
      { id: 'q7', type: 'sequencing', 'correct_responses.0.pattern': 'a,b,c', student_response: 'a,b,c', result: 'correct' },
      { id: 'q8', type: 'likert', student_response: '4', result: 'neutral', weighting: '0' },
      { id: 'q9', type: 'fill-in', student_response: 'More case studies', result: 'neutral', weighting: '0' },
    ];
    expected.forEach((want, n) => {
      const got = interaction(cmi, n);
      for (const [k, v] of Object.entries(want)) assert.equal(got[k], v, `interaction ${n} ${k}`);
      assert.equal(got['objectives.0.id'], 'm1-quiz');
      assert.match(got.time, TIME_12);
      assert.match(got.latency, TIMESPAN_12);
      assert.equal(got.description, undefined, '1.2 has no description');
      assert.equal(got.learner_response, undefined);
    });
    assert.match(await f.locator('#pa-result').textContent(), /did not reach the passing score of 70%.*Attempts left: 1\./);

    // Second and last attempt, with nothing answered.
    await f.getByRole('button', { name: 'Try again' }).click();
    assert.equal(await f.getByLabel('The 1951 Convention').isChecked(), false);
    await f.getByRole('button', { name: 'Submit answers' }).click();
    cmi = await until(async () => {
      const c = await lms.cmi();
      return c['cmi.interactions.17.id'] && c['cmi.core.exit'] === '' && c;
    }, 'the second attempt');
    assert.equal(cmi['cmi.core.score.raw'], '0');
    assert.equal(cmi['cmi.core.lesson_status'], 'failed');
    assert.equal(interaction(cmi, 9).student_response, undefined, 'unanswered: no response');
    assert.equal(JSON.parse(cmi['cmi.suspend_data']).quiz.a, 2);
    assert.match(await f.locator('#pa-result').textContent(), /You have used all 2 attempts/);
    assert.equal(await f.locator('.pa-retry').count(), 0);
    await lms.unload();
    const left = await lms.cmi();
    await lms.close();

    const again = await env.openSco('scorm12/content/m1-quiz.html', { version: '12', cmi: nextSession(left, false) });
    await again.frame.waitForSelector('#pa-result');
    assert.match(await again.frame.locator('#pa-notice').textContent(), /used all 2 attempts/);
    assert.equal(await again.frame.getByRole('button', { name: 'Submit answers' }).count(), 0);
    assert.ok(await again.frame.getByLabel('The 1951 Convention').isDisabled());
    await again.close();
  });
});

test('SCORM 1.2: answers in progress fit a strict LMS\'s 4,096-character suspend_data', async () => {
  const lms = await env.openSco('scorm12/content/m1-quiz.html', { version: '12', strict: true });
  const f = lms.frame;
  await f.waitForSelector('#pa-q-q9');
  await f.getByLabel('The 1951 Convention').check();
  await f.locator('#pa-q-q9 textarea').fill('long answer '.repeat(600));
  const saved = await until(async () => {
    const s = (await lms.cmi())['cmi.suspend_data'];
    return s && JSON.parse(s).quiz.r.q9 && s;
  }, 'suspend data');
  assert.ok(saved.length <= 4096, `${saved.length} characters`);
  const state = JSON.parse(saved);
  assert.equal(state.quiz.r.q1, 0);
  assert.ok(state.quiz.r.q9.startsWith('long answer long answer'));
  await lms.close();
});

describe('outside an LMS', () => {
  test('a lesson says progress is not recorded and still works', async () => {
    const page = await env.openStandalone('scorm2004/content/m1-lesson.html');
    const note = page.locator('#pa-notice');
    await until(async () => /not recorded/.test(await note.textContent()), 'the notice');
    assert.equal(await note.getAttribute('role'), 'status');
    await page.getByRole('button', { name: 'Mark as complete' }).click();
    assert.match(await note.textContent(), /Lesson completed\./);
    await page.close();
  });

  test('an assessment still scores and gives feedback', async () => {
    const page = await env.openStandalone('scorm12/content/m1-quiz.html');
    await page.waitForSelector('#pa-q-q9');
    assert.match(await page.locator('#pa-notice').textContent(), /not recorded/);
    await answerQuiz(page);
    await page.getByRole('button', { name: 'Submit answers' }).click();
    assert.match(await page.locator('#pa-result').textContent(), /Your score: 74%/);
    await page.close();
  });
});
