// Turns the raw figures into tables: the same Markdown is printed and written to bench/RESULTS.md.
import { ADAPTERS, DIAGNOSTIC_VARIANTS, KINDS, VARIANTS } from './config.mjs';
import { median } from './http/suite.mjs';
import { STARTUP_TARGETS } from './startup/suite.mjs';

const RATIOS = [
  ['module-global', 'static'],
  ['module-per-route', 'static'],
  ['module-global', 'enableCors'],
  ['module-per-route', 'enableCors'],
  ['enableCors', 'static'],
  ['module-global', 'baseline'],
  ['module-per-route', 'baseline'],
  ['enableCors', 'baseline'],
  ['static', 'baseline'],
  ['noop-interceptor', 'baseline'],
];
const SHORT = {
  baseline: 'baseline',
  static: 'static',
  enableCors: 'enableCors',
  'module-global': 'global',
  'module-per-route': 'per-route',
  'noop-interceptor': 'noop-interceptor *',
};

/** Median over rounds of the ratio a/b measured within each round: drift cancels out. */
export function ratio(samples, kind, a, b) {
  const xs = samples?.[kind]?.[a];
  const ys = samples?.[kind]?.[b];
  if (!xs?.length || !ys?.length) return NaN;
  const n = Math.min(xs.length, ys.length);
  return median(Array.from({ length: n }, (_, i) => xs[i] / ys[i]));
}

const num = (x, digits = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const r2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const table = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

/** Median server CPU µs per request of `a`, minus that of `b`. */
export function cpuDelta(cpu, kind, a, b) {
  const xs = cpu?.[kind]?.[a];
  const ys = cpu?.[kind]?.[b];
  if (!xs?.length || !ys?.length) return NaN;
  return median(xs) - median(ys);
}

const CPU_DELTAS = [
  ['module-global', 'baseline'],
  ['module-per-route', 'baseline'],
  ['module-global', 'static'],
  ['module-per-route', 'static'],
  ['enableCors', 'baseline'],
  ['static', 'baseline'],
];

function cpuTable(kinds, shown, cpu) {
  const us = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
  const signed = (x) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(1)}` : '—');
  return table(
    ['request', ...shown, ...CPU_DELTAS.map(([a, b]) => `${SHORT[a]} − ${SHORT[b]}`)],
    kinds.map((k) => [
      k,
      ...shown.map((v) => (cpu[k]?.[v]?.length ? us(median(cpu[k][v])) : '—')),
      ...CPU_DELTAS.map(([a, b]) => signed(cpuDelta(cpu, k, a, b))),
    ]),
  );
}

function httpTables(adapter, samples, cpu) {
  const kinds = Object.keys(KINDS).filter((k) => samples[k]);
  const shown = [...VARIANTS, ...DIAGNOSTIC_VARIANTS].filter((v) =>
    kinds.some((k) => samples[k][v]),
  );
  const rps = table(
    ['request', ...shown.map((v) => (DIAGNOSTIC_VARIANTS.includes(v) ? `${v} *` : v))],
    kinds.map((k) => [k, ...shown.map((v) => (samples[k][v] ? num(median(samples[k][v])) : '—'))]),
  );
  const ratios = table(
    ['request', ...RATIOS.map(([a, b]) => `${SHORT[a]} / ${SHORT[b]}`)],
    kinds.map((k) => [
      k,
      ...RATIOS.map(([a, b]) => r2(ratio(samples, k, a, b)).replace('n/a', '—')),
    ]),
  );
  const cpuPart = cpu
    ? `\n\nServer CPU µs per request (user + system time of the server process over the load, ` +
      `divided by the requests; median over rounds), and the price of each layer as differences:\n\n` +
      cpuTable(kinds, shown, cpu)
    : '';
  return `### ${adapter}\n\nMedian requests per second:\n\n${rps}\n\nRatios (median of the per-round ratios):\n\n${ratios}${cpuPart}`;
}

function engineTables(engine) {
  const byKey = (impl) =>
    Object.fromEntries(engine[impl].rows.map((r) => [`${r.set}|${r.case}`, r]));
  const mod = byKey('module');
  const cors = byKey('cors');
  const rows = Object.keys(mod).map((key) => {
    const [set, kase] = key.split('|');
    const m = mod[key].ns;
    const c = cors[key]?.ns;
    return [set, kase, num(m, 0), num(c, 0), r2(c / m)];
  });
  const growth = ['allowed', 'disallowed', 'preflight'].map((kase) => {
    const one = mod[`1 exact|${kase}`]?.ns;
    const cone = cors[`1 exact|${kase}`]?.ns;
    return [
      kase,
      r2(mod[`100 exact|${kase}`]?.ns / one),
      r2(mod[`10,000 exact|${kase}`]?.ns / one),
      r2(mod[`100 patterns|${kase}`]?.ns / one),
      r2(cors[`100 exact|${kase}`]?.ns / cone),
      r2(cors[`10,000 exact|${kase}`]?.ns / cone),
      r2(cors[`100 patterns|${kase}`]?.ns / cone),
    ];
  });
  const floor = engine.module.floor ?? {};
  const floorOf = (kase) => floor[kase === 'preflight' ? 'preflight' : 'allowed'];
  for (const row of rows) {
    const key = `${row[0]}|${row[1]}`;
    const f = floorOf(row[1]);
    row.push(row[1] === 'disallowed' ? '—' : r2((cors[key]?.ns - f) / (mod[key].ns - f)));
  }
  const floorNote =
    `Writing the headers of an allowed answer to the plain response, with no decision at all, ` +
    `costs ${num(floor.allowed)} ns for an actual request and ${num(floor.preflight)} ns for a ` +
    'preflight. Both columns include that floor; the last column compares the time above it, ' +
    'i.e. the decisions alone (not for a disallowed origin, which writes only `Vary`).\n\n';
  return (
    floorNote +
    table(
      ['allowed origins', 'request', 'module ns', 'cors ns', 'cors / module', 'above the floor'],
      rows,
    ) +
    '\n\nGrowth with the number of origins (time / time with 1 exact origin):\n\n' +
    table(
      [
        'request',
        'module 100',
        'module 10,000',
        'module 100 patterns',
        'cors 100',
        'cors 10,000',
        'cors 100 patterns',
      ],
      growth,
    )
  );
}

function hostileTables(engine, http) {
  const mod = Object.fromEntries(engine.module.hostile.map((r) => [r.case, r.ns]));
  const cors = Object.fromEntries(engine.cors.hostile.map((r) => [r.case, r.ns]));
  const normal = mod['normal preflight'];
  let out = table(
    ['preflight', 'module ns', 'module / normal', 'cors ns'],
    Object.keys(mod).map((k) => [k, num(mod[k]), r2(mod[k] / normal), num(cors[k])]),
  );
  for (const adapter of ADAPTERS) {
    const h = http[adapter]?.hostile;
    if (!h) continue;
    const variants = [...VARIANTS, ...DIAGNOSTIC_VARIANTS].filter((v) => h[v]);
    const cases = Object.keys(h[variants[0]] ?? {});
    out +=
      `\n\nOver HTTP, ${adapter}: median ms per request (status), one request at a time:\n\n` +
      table(
        ['preflight', ...variants],
        cases.map((c) => [
          c,
          ...variants.map((v) => `${h[v][c].ms.toFixed(2)} (${h[v][c].status})`),
        ]),
      );
  }
  return out;
}

function startupTables(startup) {
  const out = [];
  for (const adapter of ADAPTERS) {
    const rows = startup[adapter];
    if (!rows?.length) continue;
    out.push(
      `### ${adapter}\n\n` +
        table(
          [
            'routes',
            'origins',
            'without ms',
            'with ms',
            'with / without',
            'added ms',
            'heap without MB',
            'heap with MB',
          ],
          rows.map((r) => [
            num(r.routes),
            num(r.origins),
            num(r.withoutMs),
            num(r.withMs),
            r2(r.ratio),
            num(r.addedMs),
            num(r.withoutMB, 1),
            num(r.withMB, 1),
          ]),
        ),
    );
  }
  return out.join('\n\n');
}

const cell = (rows, routes, origins) =>
  rows?.find((r) => r.routes === routes && r.origins === origins);

/** Added time at 5,000 routes over ten times that at 500 (100 origins): 1 is linear. */
function startupGrowth(rows) {
  const small = cell(rows, 500, 100);
  const large = cell(rows, 5000, 100);
  return small && large ? large.addedMs / (10 * Math.max(small.addedMs, 1)) : NaN;
}

/** The realistic app: what share of its time (throughput and CPU) the module takes. */
function realisticRows(http) {
  const rows = [];
  for (const adapter of ADAPTERS) {
    const h = http[adapter];
    if (!h?.samples?.['GET allowed']?.['realistic-module']) continue;
    for (const kind of ['GET allowed', 'preflight POST']) {
      const base = kind === 'GET allowed' ? 'realistic-baseline' : undefined;
      const rps = h.samples[kind]?.['realistic-module'];
      const r = base ? ratio(h.samples, kind, 'realistic-module', base) : NaN;
      const cpuModule = median(h.cpu?.[kind]?.['realistic-module'] ?? []);
      const cpuBase = base ? median(h.cpu?.[kind]?.[base] ?? []) : NaN;
      rows.push({
        adapter,
        kind,
        rps: rps ? median(rps) : NaN,
        ratio: r,
        share: 1 - r,
        cpuBase,
        cpuModule,
        cpuShare: (cpuModule - cpuBase) / cpuModule,
      });
    }
  }
  return rows;
}

function realisticTable(http) {
  const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');
  const us = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
  return table(
    [
      'adapter',
      'request',
      'req/s with the module',
      'with / without',
      'CORS share of throughput',
      'CPU µs without',
      'CPU µs with',
      'CORS share of CPU',
    ],
    realisticRows(http).map((r) => [
      r.adapter,
      r.kind,
      num(r.rps),
      r2(r.ratio).replace('n/a', '—'),
      pct(r.share),
      us(r.cpuBase),
      us(r.cpuModule),
      pct(r.cpuShare),
    ]),
  );
}

/** The target table of the issue, with the measured figures. */
export function targetRows(http, engine, startup) {
  const rows = [];
  const both = (f) => ADAPTERS.map((a) => (http[a] ? f(http[a].samples) : NaN));
  /** The CPU price beside a ratio: µs per request of `a` minus `b`, for each adapter. */
  const cpuOf = (kind, a, b) => ADAPTERS.map((x) => cpuDelta(http[x]?.cpu, kind, a, b));
  let cpuShown;
  const show = (vals) =>
    ADAPTERS.map((a, i) => {
      const d = cpuShown?.[i];
      const extra = Number.isFinite(d) ? ` (${d >= 0 ? '+' : ''}${d.toFixed(1)} µs)` : '';
      return `${a} ${r2(vals[i])}${extra}`;
    }).join(', ');
  const add = (measure, target, values, ok, shown = show(values)) =>
    rows.push([
      measure,
      target,
      shown,
      target === 'report' ? '—' : values.some((v) => !Number.isFinite(v)) ? '?' : ok ? 'yes' : 'no',
    ]);
  const G = 'GET allowed';
  const P = 'preflight POST';

  cpuShown = cpuOf(G, 'module-global', 'static');
  let v = both((s) => ratio(s, G, 'module-global', 'static'));
  add(
    'module-global GET, allowed origin / static',
    '≥ 0.97',
    v,
    v.every((x) => x >= 0.97),
  );
  cpuShown = cpuOf(G, 'module-per-route', 'static');
  v = both((s) => ratio(s, G, 'module-per-route', 'static'));
  add(
    'module-per-route GET, allowed origin / static',
    '≥ 0.97',
    v,
    v.every((x) => x >= 0.97),
  );
  const gets = ['GET allowed', 'GET disallowed', 'GET no Origin'];
  for (const m of ['module-global', 'module-per-route']) {
    cpuShown = undefined;
    const per = both((s) => Math.min(...gets.map((k) => ratio(s, k, m, 'enableCors'))));
    add(
      `${m} GET / enableCors GET (lowest of the 3 GETs)`,
      '≥ 1.0',
      per,
      per.every((x) => x >= 1.0),
    );
  }
  for (const m of ['module-global', 'module-per-route']) {
    cpuShown = cpuOf(P, m, 'enableCors');
    v = both((s) => ratio(s, P, m, 'enableCors'));
    add(
      `${m} preflight / enableCors preflight`,
      '≥ 1.2',
      v,
      v.every((x) => x >= 1.2),
    );
  }
  for (const m of ['module-global', 'module-per-route']) {
    cpuShown = cpuOf(P, m, 'static');
    v = both((s) => ratio(s, P, m, 'static'));
    add(
      `${m} preflight / static preflight`,
      '≥ 1.0',
      v,
      v.every((x) => x >= 1.0),
    );
  }
  for (const m of ['module-global', 'module-per-route']) {
    cpuShown = cpuOf(G, m, 'baseline');
    v = both((s) => ratio(s, G, m, 'baseline'));
    add(`${m} GET allowed / baseline`, 'report', v, true);
  }
  cpuShown = undefined;
  const real = realisticRows(http).filter((r) => r.kind === 'GET allowed');
  if (real.length) {
    const shares = ADAPTERS.map((a) => real.find((r) => r.adapter === a)?.share ?? NaN);
    add(
      'realistic app (guard, ValidationPipe, 200 routes): share of GET allowed time CORS takes',
      '≤ 2%',
      shares,
      shares.every((x) => x <= 0.02),
      ADAPTERS.map((a, i) => {
        const r = real.find((x) => x.adapter === a);
        const cpu = r ? `, CPU ${(r.cpuShare * 100).toFixed(1)}%` : '';
        return `${a} ${Number.isFinite(shares[i]) ? (shares[i] * 100).toFixed(1) : 'n/a'}%${cpu}`;
      }).join(', '),
    );
  }
  if (engine) {
    const find = (impl, set, kase) =>
      engine[impl].rows.find((r) => r.set === set && r.case === kase)?.ns;
    const cases = ['allowed', 'disallowed', 'preflight'];
    const speedup = cases.map((c) => find('cors', '100 exact', c) / find('module', '100 exact', c));
    add(
      'engine decision, 100 origins, cors time / module time',
      '≥ 5',
      speedup,
      speedup.every((x) => x >= 5),
      cases.map((c, i) => `${c} ${r2(speedup[i])}`).join(', '),
    );
    const growth = cases.map(
      (c) => find('module', '10,000 exact', c) / find('module', '1 exact', c),
    );
    add(
      'engine decision, 10,000 origins / 1 origin (module)',
      '≤ 1.5',
      growth,
      growth.every((x) => x <= 1.5),
      cases.map((c, i) => `${c} ${r2(growth[i])}`).join(', '),
    );
    const h = Object.fromEntries(engine.module.hostile.map((r) => [r.case, r.ns]));
    const hostile = Object.keys(h)
      .filter((k) => k !== 'normal preflight')
      .map((k) => [k, h[k] / h['normal preflight']]);
    add(
      'hostile preflight / normal preflight (module)',
      '≤ 10',
      hostile.map(([, x]) => x),
      hostile.every(([, x]) => x <= 10),
      hostile.map(([k, x]) => `${k}: ${r2(x)}`).join(', '),
    );
  }
  if (startup) {
    const per = (f) => ADAPTERS.map((a) => f(startup[a]));
    for (const { routes, origins, limit } of STARTUP_TARGETS) {
      const v = per((rows) => cell(rows, routes, origins)?.ratio ?? NaN);
      add(
        `startup (create + init), ${num(routes)} routes, ${num(origins)} origins: with / without the module`,
        `≤ ${r2(1 + limit)}`,
        v,
        v.every((x) => x <= 1 + limit),
      );
    }
    const g = per(startupGrowth);
    add(
      "startup: the module's added time at 5,000 routes / 10 × at 500 (100 origins)",
      '≤ 1.5 (linear)',
      g,
      g.every((x) => x <= 1.5),
    );
  }
  return rows;
}

export function renderReport({ env, http, engine, startup, failures, notes, quick }) {
  const parts = [];
  parts.push(
    `# Benchmark results\n\n` +
      `${quick ? 'A `--quick` smoke run: too short for its figures to mean anything.' : 'Produced by `npm run bench`.'} ` +
      `Generated ${env.date}.\n`,
  );
  parts.push(
    '## Environment\n\n' +
      [
        `- CPU: ${env.cpu} (${env.cores} logical cores); load average ${env.loadBefore} before, ${env.loadAfter} after`,
        `- OS: ${env.os}`,
        `- Node.js ${env.node}`,
        `- Load driver: ${env.driver}`,
        `- HTTP: ${env.httpSettings}`,
        `- Packages: ${env.packages}`,
      ].join('\n'),
  );
  if (failures.length) {
    parts.push(`## Failures\n\n${failures.map((f) => `- ${f.replace(/\n/g, '\n  ')}`).join('\n')}`);
  }
  parts.push(
    '## Targets\n\n' +
      table(['measure', 'target', 'measured', 'met'], targetRows(http, engine, startup)),
  );
  const httpParts = ADAPTERS.filter((a) => http[a]).map((a) =>
    httpTables(a, http[a].samples, http[a].cpu),
  );
  if (httpParts.length) {
    parts.push(
      '## 1. HTTP throughput\n\n' +
        'Every variant is its own process serving the same 50 controllers; each request kind cycles ' +
        'over all 50 paths. The ratios are the figures to compare: absolute req/s depend on the ' +
        'machine and on its neighbours. `static` sends its headers on every response (it has no ' +
        'matching at all), so it is the limit for the allowed-origin GET and the preflight only. ' +
        'The baseline has no CORS layer and answers a preflight with 404, so it has no preflight figure. ' +
        '`noop-interceptor *` is a diagnostic, not a CORS variant: the baseline plus one global ' +
        'interceptor that only returns `next.handle()`, i.e. what Nest charges for any global ' +
        'interceptor (the module binds none).\n\n' +
        httpParts.join('\n\n'),
    );
    if (realisticRows(http).length) {
      parts.push(
        '## 1b. A realistic app\n\n' +
          'A global guard (an API-key check that reads handler metadata and lets public routes ' +
          'through), a global `ValidationPipe` (`whitelist`, `transform`), JSON bodies validated by ' +
          'class-validator on its writes, and 200 routes across 20 controllers; with the module ' +
          "(`forRoot()` with the 50 origins of the bench) and without any CORS. GETs cycle over the 20 controllers' " +
          'list routes. The share of CORS is 1 − (with / without) for throughput, and ' +
          '(with − without) / with for server CPU per request. The preflight has no figure without ' +
          'CORS (404).\n\n' +
          realisticTable(http),
      );
    }
  }
  if (engine) {
    parts.push(
      '## 2. The policy engine alone\n\n' +
        'Median time per decision, including writing the headers to a plain response object ' +
        '(the same cheap object for both). The module: its compiled policy from `lib/policy`, ' +
        'compiled once, driven as the library drives it per request (minus the route lookup). ' +
        '`cors`: the `cors` package middleware, called directly with plain request and response ' +
        'objects. Patterns: `https://*.tenantN.example.com` for the module, the equivalent anchored ' +
        'RegExps for `cors`.\n\n' +
        engineTables(engine),
    );
    parts.push(
      '## 3. Hostile preflights\n\n' +
        'The 50-origin policy of the HTTP bench. Engine: median ns per preflight. The module ' +
        'must refuse every hostile one (403); the `cors` package reflects what it is sent. Over ' +
        "HTTP the servers raise Node's 16 KiB header limit to 4 MiB: with the default limit Node " +
        'answers 431 to all three before any CORS layer runs.\n\n' +
        hostileTables(engine, http),
    );
  }
  if (startup && Object.keys(startup).length) {
    parts.push(
      '## 4. Startup\n\n' +
        'Time of `NestFactory.create()` + `app.init()` and the heap it leaves (after a GC), each ' +
        'run in a fresh process, median of paired runs (without, then with the module). The app has ' +
        'two routes per controller. With the module, `forRoot()` allows `origins` exact origins and ' +
        'every other controller declares its own list of that size (a new array of the same strings ' +
        'each time, `[...PARTNERS]`), half ' +
        'of those with a handler override; without it, the same controllers carry no decorator. ' +
        'Loading the packages is not timed. The first pair of each cell also checks a few ' +
        'preflight answers after the clock stopped.\n\n' +
        startupTables(startup),
    );
  }
  if (notes) parts.push(notes.trim());
  return `${parts.join('\n\n')}\n`;
}
