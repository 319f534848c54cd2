// Writes a synthetic course of about SIZE_MB megabytes in FILES files: Markdown
// lessons (about 10% of the bytes) each showing one media file (random bytes,
// as incompressible as real JPEG, MP4 and MP3), plus an index.html so that
// simple-scorm-packager can package the very same folder.
// usage: node make-course.mjs DIR [SIZE_MB=200] [FILES=2000]
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomFillSync } from 'node:crypto';

const [dir, sizeArg = '200', filesArg = '2000'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node make-course.mjs DIR [SIZE_MB] [FILES]');
  process.exit(2);
}
const totalBytes = Number(sizeArg) * 1024 * 1024;
const files = Number(filesArg);
const lessons = Math.floor(files / 2);
const mediaBytes = Math.floor((totalBytes * 0.9) / lessons);
const textBytes = Math.floor((totalBytes * 0.1) / lessons);
const kinds = ['jpg', 'png', 'mp4', 'mp3', 'webm', 'pdf'];
const perModule = 10;

rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'media'), { recursive: true });

const paragraph = 'Local authorities are often the first to welcome newcomers: registration, ' +
  'schooling, health care and housing are local services, and social cohesion is built in ' +
  'neighbourhoods. This paragraph stands for the body text of a real lesson. ';
const modules = [];
for (let i = 0; i < lessons; i++) {
  const m = Math.floor(i / perModule);
  if (!modules[m]) {
    mkdirSync(join(dir, `m${m}`), { recursive: true });
    modules[m] = { id: `m${m}`, title: `Module ${m + 1}`, units: [] };
  }
  const kind = kinds[i % kinds.length];
  const media = `media/file${i}.${kind}`;
  const buf = Buffer.alloc(mediaBytes);
  randomFillSync(buf);
  writeFileSync(join(dir, media), buf);
  let body = `# Lesson ${i + 1}\n\n`;
  if (kind === 'jpg' || kind === 'png')
    body += `![Illustration ${i + 1}](../${media})\n\n`;
  else if (kind === 'pdf')
    body += `[Handout ${i + 1} (PDF)](../${media})\n\n`;
  else
    body += `<a href="../${media}">Recording ${i + 1}</a>\n\n`;
  let section = 0;
  while (Buffer.byteLength(body) < textBytes) {
    if (Buffer.byteLength(body) > section * 4000)
      body += `## Section ${++section}\n\n`;
    body += paragraph + '\n\n';
  }
  writeFileSync(join(dir, `m${m}`, `l${i}.md`), body);
  modules[m].units.push({ id: `u${i}`, type: 'lesson', title: `Lesson ${i + 1}`, source: `m${m}/l${i}.md` });
}
const course = {
  id: 'bench.course', version: '1.0.0', date: '2026-11-01', languages: ['en'],
  title: 'Benchmark course', licence: 'CC-BY-4.0', navigation: 'free', modules,
};
writeFileSync(join(dir, 'course.json'), JSON.stringify(course, null, 2));
writeFileSync(join(dir, 'index.html'),
  '<!doctype html><html lang="en"><title>Benchmark course</title><p>Start</p></html>\n');
console.log(`${dir}: ${lessons} lessons and ${lessons} media files, about ${sizeArg} MB`);
