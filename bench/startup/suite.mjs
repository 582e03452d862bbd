// Startup cost: create + init() time and heap of an app with and without the module, each run
// in a fresh process (bench/startup/app.mjs), paired (without, then with) and repeated.
import { spawnSync } from 'node:child_process';
import { URL, fileURLToPath } from 'node:url';
import { median } from '../http/suite.mjs';

const APP = fileURLToPath(new URL('./app.mjs', import.meta.url));

/** The grid of the report, and the cells the targets are read from. */
export const STARTUP_GRID = { routes: [50, 500, 5000], origins: [1, 100, 10_000] };
export const STARTUP_TARGETS = [
  { routes: 4000, origins: 100, limit: 0.1 },
  { routes: 4000, origins: 1000, limit: 0.15 },
];

function once(adapter, routes, origins, withModule, libEntry, check) {
  const args = JSON.stringify({ adapter, routes, origins, module: withModule, libEntry, check });
  const r = spawnSync(process.execPath, ['--expose-gc', APP, args], {
    encoding: 'utf8',
    timeout: 180_000,
    maxBuffer: 4 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(
      `startup ${adapter} ${routes} routes ${origins} origins${withModule ? ' with the module' : ''}: ${r.error?.message ?? `exit ${r.status}`}\n${(r.stderr ?? '').slice(-2000)}`,
    );
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * Measures every cell of `cells` on `adapter`, `repeats` paired runs each. Returns rows of
 * { routes, origins, withoutMs, withMs, ratio (median of the paired ratios), withoutMB, withMB }.
 */
export function runStartupSuite(adapter, cells, libEntry, repeats, failures, log) {
  const rows = [];
  for (const { routes, origins } of cells) {
    const without = [];
    const withModule = [];
    for (let i = 0; i < repeats; i++) {
      try {
        // The first pair also checks the answers (after the clock stopped).
        without.push(once(adapter, routes, origins, false, libEntry, i === 0));
        withModule.push(once(adapter, routes, origins, true, libEntry, i === 0));
      } catch (err) {
        failures.push(err.message);
        break;
      }
    }
    for (const run of [...without, ...withModule]) {
      for (const p of run.problems) {
        failures.push(`startup ${adapter} ${routes} routes ${origins} origins: ${p}`);
      }
    }
    const n = Math.min(without.length, withModule.length);
    if (n === 0) continue;
    const ms = (runs) => median(runs.map((r) => r.ms));
    const mb = (runs) => median(runs.map((r) => r.heapMB));
    rows.push({
      routes,
      origins,
      withoutMs: ms(without),
      withMs: ms(withModule),
      ratio: median(Array.from({ length: n }, (_, i) => withModule[i].ms / without[i].ms)),
      addedMs: median(Array.from({ length: n }, (_, i) => withModule[i].ms - without[i].ms)),
      withoutMB: mb(without),
      withMB: mb(withModule),
    });
    log(`  ${adapter} startup: ${routes} routes, ${origins} origins done`);
  }
  return rows;
}
