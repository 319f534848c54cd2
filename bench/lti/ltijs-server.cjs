// ltijs (npm, node_modules/ltijs) as the other tool of the LTI benchmark:
// the same platform registered, its launches validated by ltijs and
// answered by its redirect to the app with an ltik, the end of an ltijs
// launch as the 303 is the end of Passerelle's. No MongoDB: the in-memory
// plugin of ltijs-memdb.cjs.
//
// usage: node ltijs-server.cjs CONFIG.json
//   {"port":N, "issuer":..., "client_id":..., "auth_url":..., "token_url":...,
//    "public_key_pem":...}
// Prints "listening PORT" once it answers.
'use strict';

const { readFileSync } = require('node:fs');
const path = require('node:path');
const { MemoryDatabase } = require('./ltijs-memdb.cjs');

const root = path.resolve(__dirname, '..', '..');
const lti = require(path.join(root, 'node_modules', 'ltijs')).Provider;

async function main() {
  const conf = JSON.parse(readFileSync(process.argv[2], 'utf8'));

  lti.setup('bench-encryption-key-0123456789', { plugin: new MemoryDatabase() }, {
    appRoute: '/', loginRoute: '/login', keysetRoute: '/keys',
    cookies: { secure: false, sameSite: 'Lax' },
    // ltijs refuses id_tokens older than this many seconds (iat): the driver signs a round's tokens before its POSTs.
    tokenMaxAge: 600,
  });
  // A launch ends with ltijs's redirect to the app; the app itself is not part of the launch.
  lti.onConnect((token, req, res) => res.send('ok'));
  await lti.deploy({ port: conf.port, silent: true });
  // The platform's key given as a PEM (RSA_KEY): ltijs's fastest way. With
  // JWK_SET it would fetch the platform's JWKS at every launch (no cache).
  const platform = await lti.registerPlatform({
    url: conf.issuer, name: 'bench platform', clientId: conf.client_id,
    authenticationEndpoint: conf.auth_url, accesstokenEndpoint: conf.token_url,
    authConfig: { method: 'RSA_KEY', key: conf.public_key_pem },
  });
  if (!platform) throw new Error('ltijs: the platform was not registered');
  process.stdout.write(`listening ${conf.port}\n`);
}

main().catch((e) => {
  process.stderr.write(`ltijs-server: ${e.stack || e}\n`);
  process.exit(1);
});
