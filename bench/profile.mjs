// Where one HTTP variant spends its time, from `node --cpu-prof`:
//   node bench/profile.mjs <express|fastify> <variant> [kind] [seconds]
//   e.g. node bench/profile.mjs fastify module-global 'GET no Origin' 5
// Runs the variant's server under --cpu-prof, warms it up, loads it with the bench's driver,
// and prints self time per request by package and by function, for the loaded window only
// (start-up is cut off). The .cpuprofile is kept for Chrome DevTools / speedscope.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';
import { KINDS } from './config.mjs';
import { load } from './http/load.mjs';

const [adapter = 'fastify', variant = 'module-global', kindName = 'GET allowed', secs = '5'] =
  process.argv.slice(2);
const kind = KINDS[kindName];
if (!kind) throw new Error(`kind must be one of: ${Object.keys(KINDS).join(', ')}`);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const libEntry = pathToFileURL(path.join(ROOT, 'dist', 'esm', 'index.js')).href;
const dir = mkdtempSync(path.join(os.tmpdir(), 'cors-bench-prof-'));

const child = spawn(
  process.execPath,
  [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
    fileURLToPath(new URL('./http/server.mjs', import.meta.url)),
    adapter,
    variant,
    libEntry,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const port = await new Promise((resolve, reject) => {
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]).port);
  });
  child.on('exit', (code) => reject(new Error(`server exited (${code})`)));
});
const t0 = Date.now();
await load(port, kind, 2);
const markMs = Date.now() - t0;
const result = await load(port, kind, Number(secs));
const exited = new Promise((r) => child.once('exit', r));
child.kill('SIGTERM');
await exited;

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
// Keep the samples of the measured window: after start-up and warm-up, before shutdown.
const startUs = profile.startTime;
let t = startUs;
const times = profile.samples.map((_, i) => (t += profile.timeDeltas[i] ?? 0));
const lastUs = times[times.length - 1];
const windowStart = lastUs - Number(secs) * 1e6 - 200_000;
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  if (times[i] < windowStart || i + 1 >= profile.samples.length) continue;
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (times[i + 1] - times[i]));
}
const byPackage = new Map();
const byFunction = new Map();
let total = 0;
for (const [id, us] of selfUs) {
  const { callFrame } = nodes.get(id);
  const url = callFrame.url;
  const local = url.replace(pathToFileURL(ROOT).href, '');
  const pkg = url.includes('/node_modules/')
    ? url
        .split('/node_modules/')
        .pop()
        .split('/')
        .slice(0, url.includes('/node_modules/@') ? 2 : 1)
        .join('/')
    : url.startsWith('node:')
      ? 'node (internal)'
      : url
        ? local.split('/').slice(0, 2).join('/')
        : callFrame.functionName;
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  const fn = `${callFrame.functionName || '(anonymous)'} ${local.split('/node_modules/').pop()}:${callFrame.lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  total += us;
}
const perReq = (us) => (us / result.requests).toFixed(2);
const show = (map, n) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([k, us]) =>
        `${((100 * us) / total).toFixed(1).padStart(5)}%  ${perReq(us).padStart(6)} µs/req  ${k}`,
    )
    .join('\n');
console.log(
  `${adapter} ${variant}, ${kindName}: ${result.rps.toFixed(0)} req/s over ${secs} s ` +
    `(${result.requests} requests; warm-up ${markMs} ms cut off)\n` +
    `profile: ${path.join(dir, file)}\n\nself time by package:\n${show(byPackage, 15)}\n\n` +
    `self time by function:\n${show(byFunction, 30)}`,
);
