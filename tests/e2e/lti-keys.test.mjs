// The tool's keys seen from a platform: /lti/jwks read with jose (npm),
// kids that are RFC 7638 thumbprints, one first key when two servers start
// on one data folder at once, and `passerelle keys rotate` publishing both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import * as jose from 'jose';
import { binary, testTmp } from './lib/harness.mjs';

async function startServer(data) {
  const child = spawn(binary, ['serve', '--data', data, '--listen', '127.0.0.1:0',
    '--set', 'lti_allow_http=true'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const port = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('serve did not start: ' + log)), 20000);
    child.stderr.on('data', (d) => {
      log += d;
      const m = /listening on \S+ \(port (\d+)\)/.exec(log);
      if (m) {
        clearTimeout(timer);
        ok(Number(m[1]));
      }
    });
    child.on('exit', (code) => fail(new Error(`serve exited (${code}): ${log}`)));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    stop: () => new Promise((ok) => {
      child.removeAllListeners('exit');
      child.on('exit', ok);
      child.kill('SIGTERM');
    }),
  };
}

async function jwks(base, path = '/lti/jwks') {
  const res = await fetch(base + path);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.match(res.headers.get('cache-control'), /max-age=300/);
  return res.json();
}

function keysList(data) {
  return execFileSync(binary, ['keys', 'list', '--data', data], { encoding: 'utf8' })
    .trim().split('\n').map((l) => l.split('\t'));
}

test('the JWKS is a key set jose takes, with thumbprint kids', async () => {
  const data = mkdtempSync(join(testTmp('lti-keys'), 'data-'));
  const server = await startServer(data);
  try {
    const set = await jwks(server.base);
    assert.equal(set.keys.length, 1);
    const [key] = set.keys;
    assert.deepEqual(Object.keys(key).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    assert.equal(key.alg, 'RS256');
    assert.equal(key.use, 'sig');
    assert.equal(key.kid, await jose.calculateJwkThumbprint(key, 'sha256'));
    const imported = await jose.importJWK(key, 'RS256');
    assert.equal(imported.asymmetricKeyDetails.modulusLength, 2048);
    assert.deepEqual(await jwks(server.base, '/.well-known/jwks.json'), set);
    const post = await fetch(server.base + '/lti/jwks', { method: 'POST' });
    assert.equal(post.status, 405);
    assert.deepEqual(keysList(data).map((r) => [r[0], r[2], r[3]]), [[key.kid, '-', 'yes']]);
  } finally {
    await server.stop();
  }
});

test('two servers starting at once make one key; a rotation publishes both', async () => {
  const data = mkdtempSync(join(testTmp('lti-keys'), 'race-'));
  const started = await Promise.allSettled([startServer(data), startServer(data)]);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    // never leave a server behind: node --test would wait for it
    await Promise.all(started.filter((s) => s.status === 'fulfilled').map((s) => s.value.stop()));
    throw failed.reason;
  }
  const [a, b] = started.map((s) => s.value);
  let first;
  try {
    const [sa, sb] = await Promise.all([jwks(a.base), jwks(b.base)]);
    assert.equal(sa.keys.length, 1);
    assert.deepEqual(sa, sb);
    first = sa.keys[0].kid;
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  const kid = execFileSync(binary, ['keys', 'rotate', '--data', data], { encoding: 'utf8' }).trim();
  assert.notEqual(kid, first);
  const rows = keysList(data);
  assert.equal(rows.length, 2);
  assert.deepEqual([rows[0][0], rows[0][2], rows[0][3]], [kid, '-', 'yes']);
  assert.equal(rows[1][0], first);
  assert.match(rows[1][2], /^\d{4}-\d\d-\d\dT/);
  assert.equal(rows[1][3], 'yes');
  const server = await startServer(data);
  try {
    const set = await jwks(server.base);
    assert.deepEqual(set.keys.map((k) => k.kid), [kid, first]);
  } finally {
    await server.stop();
  }
});
