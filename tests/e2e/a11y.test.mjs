// Accessibility: axe-core (WCAG 2.1 A and AA rules) on every page of the
// fixture's packages, in each language, before and after an assessment is
// submitted. Zero violations allowed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { axe, pack, sourceDir, startEnv, testTmp, unzip } from './lib/harness.mjs';

const fixtures = [
  join(sourceDir, 'tests', 'e2e', 'fixtures', 'sco-course'),
  join(sourceDir, 'tests', 'fixtures', 'pack-course'),
];
const formats = ['scorm2004', 'scorm12'];
let env;
const packages = [];

before(async () => {
  const tmp = testTmp('a11y');
  fixtures.forEach((dir, i) => {
    for (const format of formats) {
      const name = `c${i}-${format}`;
      unzip(pack(dir, format, join(tmp, `${name}.zip`)), join(tmp, 'www', name));
      const pages = readdirSync(join(tmp, 'www', name, 'content')).filter((f) => f.endsWith('.html'));
      packages.push({ name, pages });
    }
  });
  env = await startEnv(join(tmp, 'www'));
});

after(async () => {
  if (env) await env.close();
});

function report(where, violations) {
  return `${where}:\n` + violations.map((v) => `  ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n');
}

async function languages(frame) {
  return frame.evaluate(() => JSON.parse(document.getElementById('pa-data').textContent).languages);
}

async function check(frame, where) {
  const violations = await axe(frame);
  assert.deepEqual(violations, [], report(where, violations));
}

describe('axe-core finds no WCAG 2.1 A/AA violation', () => {
  test('every page, in every language, in an LMS and after submitting', async () => {
    assert.ok(packages.length === 4 && packages.every((p) => p.pages.length >= 3));
    let checked = 0;
    for (const pkg of packages) {
      for (const file of pkg.pages) {
        const path = `${pkg.name}/content/${file}`;
        const lms = await env.openSco(path, { version: pkg.name.endsWith('2004') ? '2004' : '12' });
        const f = lms.frame;
        await f.waitForFunction(() => !document.querySelector('.pa-loading'));
        for (const lang of await languages(f)) {
          if ((await f.locator('#pa-lang-select').count()) > 0) await f.locator('#pa-lang-select').selectOption(lang);
          assert.equal(await f.evaluate(() => document.documentElement.lang), lang);
          await check(f, `${path} [${lang}]`);
          checked++;
          if (await f.locator('.pa-submit').count()) {
            await f.locator('.pa-submit').click();
            await f.waitForSelector('.pa-result-text p');
            await check(f, `${path} [${lang}] after submitting`);
            if (await f.locator('.pa-retry').count()) await f.locator('.pa-retry').click();
          }
        }
        await lms.close();
      }
    }
    assert.ok(checked >= 20, `${checked} page views checked`);
  });

  test('a page opened outside an LMS, with its notice', async () => {
    const page = await env.openStandalone('c0-scorm2004/content/m1-lesson.html');
    await page.waitForSelector('#pa-notice p');
    await check(page, 'standalone lesson');
    await page.setViewportSize({ width: 360, height: 640 });
    await check(page, 'standalone lesson on a phone');
    await page.close();
  });

  test('the checker is live: it catches what it must', async () => {
    const page = await env.openStandalone('c0-scorm2004/content/m1-lesson.html');
    await page.waitForSelector('#pa-notice p');
    await page.evaluate(() => {
      const main = document.querySelector('.pa-content:not([hidden])');
      main.insertAdjacentHTML('beforeend', '<img src="assets/routes.png"><p style="color:#bbb">faint</p>');
    });
    const ids = (await axe(page)).map((v) => v.id).sort();
    assert.deepEqual(ids, ['color-contrast', 'image-alt']);
    await page.close();
  });
});
