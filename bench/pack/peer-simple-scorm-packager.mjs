// Packages DIR with simple-scorm-packager (npm) into OUT_DIR, as its README shows.
// usage: node peer-simple-scorm-packager.mjs DIR OUT_DIR
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const scopackager = require('simple-scorm-packager');
const [source, outputFolder] = process.argv.slice(2);

scopackager({
  version: '2004 4th Edition', organization: 'Bench', title: 'Benchmark course',
  language: 'en', identifier: 'bench.course', masteryScore: 80, startingPage: 'index.html',
  source, package: { version: '1.0.0', zip: true, outputFolder, date: '2026-11-01' },
}, (msg) => { if (process.env.VERBOSE) console.log(msg); });
