// `npm run bench`: builds the library if dist/ is stale, then runs the HTTP throughput suite on
// Express and Fastify, the policy engine alone and the hostile preflights; prints the tables and
// writes them, with the environment, to bench/RESULTS.md.
//
//   npm run bench                 the full run (about 10 minutes)
//   npm run bench -- --quick      a smoke run for CI (under 30 s); checks, does not measure
//   options: --adapters=express,fastify  --rounds=N  --seconds=S  --no-http  --no-engine
//            --no-startup  --startup-repeats=N
//            --json=FILE (also write the raw figures)  --from-json=FILE (render those again, e.g.
//            after editing NOTES.md, without measuring)
//            --out=FILE (default bench/RESULTS.md; a quick run writes no file unless given)
//
// Exits non-zero when a variant answers wrongly, fails under load, or an engine check fails.
// A missed target is reported, not a failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';
import { ADAPTERS, DIAGNOSTIC_VARIANTS, REALISTIC_VARIANTS, VARIANTS } from './config.mjs';
import { driverName } from './http/load.mjs';
import { runHttpSuite } from './http/suite.mjs';
import { STARTUP_GRID, STARTUP_TARGETS, runStartupSuite } from './startup/suite.mjs';
import { renderReport } from './report.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, fallback) => {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
};
const quick = flag('quick');
const adapters = option('adapters', ADAPTERS.join(',')).split(',');
const settings = quick
  ? { rounds: 1, seconds: 1, warmupSeconds: 0, kinds: ['GET allowed'], checkPaths: [0, 1, 49] }
  : { rounds: 4, seconds: 3, warmupSeconds: 1, hostileRepeats: 15 };
settings.rounds = Number(option('rounds', settings.rounds));
settings.seconds = Number(option('seconds', settings.seconds));
settings.hostileRepeats ??= 1;
const out = option('out', quick ? undefined : path.join(ROOT, 'bench', 'RESULTS.md'));

const log = (line) => process.stderr.write(`${line}\n`);
const failures = [];

/** Builds dist/esm with tsc unless it is newer than every file of lib/. */
function ensureBuilt() {
  const entry = path.join(ROOT, 'dist', 'esm', 'index.js');
  const newest = (dir) =>
    readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
      const p = path.join(dir, e.name);
      return Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }, 0);
  const sources = Math.max(
    newest(path.join(ROOT, 'lib')),
    statSync(path.join(ROOT, 'tsconfig.build.json')).mtimeMs,
  );
  if (!existsSync(entry) || statSync(entry).mtimeMs < sources) {
    log('building the library (tsc -p tsconfig.build.json)');
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('the library does not build');
  }
  return pathToFileURL(entry).href;
}

function versionOf(name, from = ROOT) {
  try {
    const req = createRequire(path.join(from, 'package.json'));
    let dir = path.dirname(req.resolve(name));
    while (
      !existsSync(path.join(dir, 'package.json')) ||
      path.basename(dir) === 'dist' ||
      path.basename(dir) === 'lib'
    ) {
      dir = path.dirname(dir);
    }
    return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

function environment() {
  const git = (...a) => {
    try {
      return execFileSync('git', a, {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return '';
    }
  };
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  const dirty = git('status', '--porcelain', '--', 'lib') ? ' with uncommitted lib/ changes' : '';
  const self = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const pe = path.dirname(
    createRequire(path.join(ROOT, 'package.json')).resolve('@nestjs/platform-express'),
  );
  const pf = path.dirname(
    createRequire(path.join(ROOT, 'package.json')).resolve('@nestjs/platform-fastify'),
  );
  const pkgs = [
    `nestjs-cors-policy ${self.version} (commit ${commit}${dirty})`,
    `@nestjs/core ${versionOf('@nestjs/core')}`,
    `@nestjs/platform-express ${versionOf('@nestjs/platform-express')}`,
    `@nestjs/platform-fastify ${versionOf('@nestjs/platform-fastify')}`,
    `express ${versionOf('express', pe)}`,
    `fastify ${versionOf('fastify', pf)}`,
    `cors ${versionOf('cors', pe)}`,
    `@fastify/cors ${versionOf('@fastify/cors', pf)}`,
    `tinybench ${versionOf('tinybench')}`,
  ];
  const cpus = os.cpus();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    driver: driverName(),
    httpSettings: `${settings.rounds} round(s) of ${settings.seconds} s per variant and request, after a ${settings.warmupSeconds} s warm-up per cell; variants alternate within each round, the first one rotating`,
    packages: pkgs.join(', '),
    loadBefore: os.loadavg()[0].toFixed(2),
  };
}

function runEngine(impl, distUrl) {
  const script = fileURLToPath(new URL('./engine/run-engine.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [script, JSON.stringify({ impl, distUrl, quick })], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`engine bench (${impl}) failed:\n${r.stderr}`);
  const result = JSON.parse(r.stdout.trim().split('\n').pop());
  failures.push(...result.failures);
  return result;
}

/** The startup cells: the grid and the target cells; a quick run takes two tiny ones. */
function startupCells() {
  if (quick)
    return [
      { routes: 50, origins: 1 },
      { routes: 50, origins: 100 },
    ];
  const grid = STARTUP_GRID.routes.flatMap((routes) =>
    STARTUP_GRID.origins.map((origins) => ({ routes, origins })),
  );
  return [...grid, ...STARTUP_TARGETS.map(({ routes, origins }) => ({ routes, origins }))];
}

function render({ env, http, engine, startup }) {
  const notesFile = fileURLToPath(new URL('./NOTES.md', import.meta.url));
  const notes = !quick && existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : undefined;
  const report = renderReport({ env, http, engine, startup, failures, notes, quick });
  process.stdout.write(report);
  if (out) {
    writeFileSync(out, report);
    log(`written to ${path.relative(process.cwd(), out)}`);
  }
}

async function main() {
  const fromJson = option('from-json', undefined);
  if (fromJson) {
    const saved = JSON.parse(readFileSync(fromJson, 'utf8'));
    failures.push(...saved.failures);
    return render(saved);
  }
  const libEntry = ensureBuilt();
  const distUrl = new URL('./', libEntry).href;
  const env = environment();
  const http = {};
  if (!flag('no-http')) {
    for (const adapter of adapters) {
      log(`HTTP suite on ${adapter}`);
      // The diagnostic variant is left out of the smoke run: it checks nothing of ours.
      const variants = [...VARIANTS, ...REALISTIC_VARIANTS, ...(quick ? [] : DIAGNOSTIC_VARIANTS)];
      const r = await runHttpSuite(adapter, variants, libEntry, settings, log);
      failures.push(...r.failures);
      http[adapter] = r;
    }
  }
  let engine;
  if (!flag('no-engine')) {
    log('policy engine: module');
    const module = runEngine('module', distUrl);
    log('policy engine: cors package');
    const cors = runEngine('cors', distUrl);
    engine = { module, cors };
  }
  let startup;
  if (!flag('no-startup')) {
    startup = {};
    const repeats = Number(option('startup-repeats', quick ? 1 : 3));
    for (const adapter of adapters) {
      log(`startup on ${adapter}`);
      startup[adapter] = runStartupSuite(adapter, startupCells(), libEntry, repeats, failures, log);
    }
  }
  env.loadAfter = os.loadavg()[0].toFixed(2);
  const json = option('json', undefined);
  if (json) writeFileSync(json, JSON.stringify({ env, http, engine, startup, failures }));
  render({ env, http, engine, startup });
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failures.length) {
    log(`${failures.length} failure(s):\n${failures.join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  log(err.stack ?? String(err));
  process.exitCode = 1;
});
