// The load driver: wrk when installed, else autocannon, always in a separate process, on loopback.
import { execFile, spawnSync } from 'node:child_process';
import { URL, fileURLToPath } from 'node:url';
import { CONTROLLERS } from '../config.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const CONNECTIONS = 32;

let wrkPath;
/** The wrk binary, or null when it is not installed (or BENCH_DRIVER=autocannon). */
export function findWrk() {
  if (wrkPath !== undefined) return wrkPath;
  wrkPath = null;
  if (process.env.BENCH_DRIVER === 'autocannon') return wrkPath;
  const found = spawnSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim()) wrkPath = found.stdout.trim();
  return wrkPath;
}

export function driverName() {
  const wrk = findWrk();
  if (!wrk) return `autocannon (${CONNECTIONS} connections)`;
  const version = spawnSync(wrk, ['-v'], { encoding: 'utf8' });
  const line = `${version.stdout}${version.stderr}`.split('\n')[0].trim();
  return `${line || 'wrk'} (1 thread, ${CONNECTIONS} connections)`;
}

function run(file, args, env) {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${file} failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/**
 * Loads 127.0.0.1:port for `seconds` with one kind of request, cycling over the first `paths`
 * of the /cN/items paths.
 * Returns { rps, requests, non2xx, errors }.
 */
export async function load(port, kind, seconds, paths = CONTROLLERS) {
  const wrk = findWrk();
  if (wrk) {
    const headers = Object.entries(kind.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n');
    const out = await run(
      wrk,
      [
        '-t1',
        `-c${CONNECTIONS}`,
        `-d${Math.max(1, Math.round(seconds))}s`,
        '-s',
        here('./requests.lua'),
        `http://127.0.0.1:${port}`,
      ],
      { BENCH_METHOD: kind.method, BENCH_HEADERS: headers, BENCH_CONTROLLERS: String(paths) },
    );
    const rps = Number(/Requests\/sec:\s*([\d.]+)/.exec(out)?.[1]);
    const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
    const non2xx = Number(/Non-2xx or 3xx responses:\s*(\d+)/.exec(out)?.[1] ?? 0);
    const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const errors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
    if (!Number.isFinite(rps)) throw new Error(`cannot read wrk output:\n${out}`);
    return { rps, requests, non2xx, errors };
  }
  const out = await run(process.execPath, [
    here('./autocannon-worker.mjs'),
    JSON.stringify({ port, kind, seconds, connections: CONNECTIONS, controllers: paths }),
  ]);
  return JSON.parse(out);
}
