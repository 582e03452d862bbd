// HTTP throughput: each variant in its own process, checked, warmed up, then loaded in
// alternating rounds so that every variant sees the same noise.
import { spawn } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL, fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import {
  ALLOWED_ORIGIN,
  KINDS,
  MODULE_VARIANTS,
  NO_CORS_VARIANTS,
  REALISTIC_KINDS,
  REALISTIC_VARIANTS,
  controllerPath,
  pathCountOf,
} from '../config.mjs';
import { hostilePreflights } from '../engine/fixtures.mjs';
import { request, sanityCheck } from './check.mjs';
import { load } from './load.mjs';

const HEADER_LIMIT = 4 * 1024 * 1024;
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

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Whether a variant is measured with this kind of request (and must answer it with a 2xx). */
const expects2xx = (variant, kindName) =>
  !(NO_CORS_VARIANTS.includes(variant) && kindName === 'preflight POST') &&
  (!REALISTIC_VARIANTS.includes(variant) || REALISTIC_KINDS.includes(kindName));

/**
 * Runs the HTTP suite on one adapter.
 * Returns { samples: {kind: {variant: number[]}}, cpu: {kind: {variant: µs per request[]}},
 * failures: string[], hostile }.
 */
export async function runHttpSuite(adapter, variants, libEntry, opts, log) {
  const {
    rounds,
    seconds,
    warmupSeconds,
    kinds = Object.keys(KINDS),
    checkPaths,
    hostileRepeats = 0,
  } = opts;
  let hostile;
  const failures = [];
  const samples = {};
  const cpu = {};
  for (const k of kinds) {
    samples[k] = {};
    cpu[k] = {};
  }

  const servers = {};
  try {
    // Every server raises Node's 16 KiB header limit, so that the hostile preflights reach the
    // CORS layer at all (Node would refuse them with 431 first). It changes nothing else.
    await Promise.all(
      variants.map(async (v) => {
        try {
          servers[v] = await startServer(adapter, v, libEntry, [
            `--max-http-header-size=${HEADER_LIMIT}`,
          ]);
        } catch (err) {
          failures.push(`${adapter} ${v}: ${err.message}`);
        }
      }),
    );
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
    const measure = async (k, v, secs, cpuSamples) => {
      const cpuBefore = cpuSecondsOf(servers[v].pid);
      const r = await load(servers[v].port, KINDS[k], secs, pathCountOf(v));
      const cpuUsed = cpuSecondsOf(servers[v].pid) - cpuBefore;
      if (cpuSamples && r.requests > 0) cpuSamples.push((cpuUsed * 1e6) / r.requests);
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
          (samples[k][v] ??= []).push(await measure(k, v, seconds, (cpu[k][v] ??= [])));
        }
      }
      log(`  ${adapter}: round ${round + 1}/${rounds} done`);
    }
    if (hostileRepeats > 0) {
      hostile = await measureHostile(adapter, servers, live, hostileRepeats, failures);
      log(`  ${adapter}: hostile preflights done`);
    }
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }
  return { samples, cpu, failures, hostile };
}

/**
 * Hostile preflights over HTTP: the median time of one request, sent one at a time on one
 * keep-alive connection, for each variant. The module must refuse each hostile one with 403.
 */
async function measureHostile(adapter, servers, variants, repeats, failures) {
  const cases = hostilePreflights(ALLOWED_ORIGIN);
  const out = {};
  for (const v of variants) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const times = {};
    const statuses = {};
    try {
      for (let i = 0; i < repeats + 1; i++) {
        for (const [name, req] of Object.entries(cases)) {
          const start = process.hrtime.bigint();
          const path = controllerPath(7);
          const res = await request(servers[v].port, req.method, path, req.headers, agent).catch(
            (err) => ({ status: `error: ${err.code ?? err.message}` }),
          );
          const ms = Number(process.hrtime.bigint() - start) / 1e6;
          if (i > 0) (times[name] ??= []).push(ms); // the first pass warms up
          statuses[name] = res.status;
        }
      }
    } finally {
      agent.destroy();
    }
    if (MODULE_VARIANTS.includes(v)) {
      for (const [name, status] of Object.entries(statuses)) {
        const expected = name === 'normal preflight' ? 204 : 403;
        if (status !== expected) {
          failures.push(`${adapter} ${v} ${name}: status ${status}, expected ${expected}`);
        }
      }
    }
    out[v] = Object.fromEntries(
      Object.entries(times).map(([name, list]) => [
        name,
        { ms: median(list), status: statuses[name] },
      ]),
    );
  }
  return out;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
