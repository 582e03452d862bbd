// HTTP throughput: each variant in its own process, checked, warmed up, then loaded in
// alternating rounds so that every variant sees the same noise.
import { spawn } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL, fileURLToPath } from 'node:url';
import { KINDS } from '../config.mjs';
import { sanityCheck } from './check.mjs';
import { load } from './load.mjs';

const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));

/** Starts one variant; resolves with { port, stop } once it listens. */
export function startServer(adapter, variant, libEntry, nodeArgs = []) {
  return new Promise((resolve, reject) => {
    const args = [...nodeArgs, SERVER, adapter, variant];
    if (libEntry) args.push(libEntry);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let done = false;
    const timer = setTimeout(() => fail(new Error('did not listen within 60 s')), 60_000);
    const fail = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${adapter} ${variant}: ${err.message}\n${stderr.slice(-4000)}`));
    };
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      stdout += d;
      const nl = stdout.indexOf('\n');
      if (done || nl < 0) return;
      done = true;
      clearTimeout(timer);
      const { port } = JSON.parse(stdout.slice(0, nl));
      const exited = new Promise((r) => child.once('exit', r));
      resolve({
        port,
        pid: child.pid,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await Promise.race([exited, sleep(5000)]);
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        },
      });
    });
    child.on('exit', (code, signal) => fail(new Error(`exited early (${code ?? signal})`)));
    child.on('error', fail);
  });
}

const expects2xx = (variant, kindName) =>
  !(variant === 'baseline' && kindName === 'preflight POST');

/**
 * Runs the HTTP suite on one adapter.
 * Returns { samples: {kind: {variant: number[]}}, failures: string[], skipped: string[] }.
 */
export async function runHttpSuite(adapter, variants, libEntry, opts, log) {
  const { rounds, seconds, warmupSeconds, kinds = Object.keys(KINDS), checkPaths } = opts;
  const failures = [];
  const samples = {};
  for (const k of kinds) samples[k] = {};

  const servers = {};
  try {
    // Start one at a time: a boot is CPU-heavy and would slow its neighbours' boots.
    for (const v of variants) {
      try {
        servers[v] = await startServer(adapter, v, libEntry);
      } catch (err) {
        failures.push(`${adapter} ${v}: ${err.message}`);
      }
    }
    for (const v of Object.keys(servers)) {
      const found = await sanityCheck(servers[v].port, v, { paths: checkPaths });
      if (found.length) {
        failures.push(
          `${adapter} ${v}: wrong CORS answers, not measured:\n    ${found.slice(0, 8).join('\n    ')}` +
            (found.length > 8 ? `\n    ... and ${found.length - 8} more` : ''),
        );
        await servers[v].stop();
        delete servers[v];
      } else {
        log(`  ${adapter} ${v}: answers checked`);
      }
    }
    const live = variants.filter((v) => servers[v]);
    const cells = [];
    for (const k of kinds) {
      for (const v of live) if (expects2xx(v, k)) cells.push([k, v]);
    }
    const measure = async (k, v, secs) => {
      const r = await load(servers[v].port, KINDS[k], secs);
      if (r.errors > 0 || r.non2xx > 0 || !(r.requests > 0)) {
        failures.push(
          `${adapter} ${v} ${k}: ${r.non2xx} non-2xx responses and ${r.errors} socket errors under load`,
        );
      }
      return r.rps;
    };
    if (warmupSeconds > 0) {
      log(`  ${adapter}: warm-up, ${warmupSeconds} s per cell`);
      for (const [k, v] of cells) await measure(k, v, warmupSeconds);
    }
    for (let round = 0; round < rounds; round++) {
      for (const k of kinds) {
        // Alternate: every variant once per round and kind, the starting variant rotating.
        const order = live.filter((v) => expects2xx(v, k));
        const rotated = order.map((_, i) => order[(i + round) % order.length]);
        for (const v of rotated) {
          (samples[k][v] ??= []).push(await measure(k, v, seconds));
        }
      }
      log(`  ${adapter}: round ${round + 1}/${rounds} done`);
    }
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }
  return { samples, failures };
}
