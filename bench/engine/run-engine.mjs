// The policy engines alone, in their own process (one process per engine, so that neither
// engine's JIT state colours the other's):
//   node bench/engine/run-engine.mjs '{"impl":"module"|"cors","distUrl":"file:///.../dist/","quick":false}'
// Prints one JSON line: { rows: [{ set, case, ns, rme }], hostile: [...], failures: [...] }.
import { Bench } from 'tinybench';
import { corsEngine } from './cors-engine.mjs';
import {
  DISALLOWED,
  PlainResponse,
  actualRequest,
  hostilePreflights,
  originSets,
  preflightRequest,
} from './fixtures.mjs';
import { loadModuleEngine } from './module-engine.mjs';

const { impl, distUrl, quick } = JSON.parse(process.argv[2]);
const failures = [];
const makeEngine = impl === 'module' ? await loadModuleEngine(distUrl) : corsEngine;

/** Decisions per timed call: one decision is far below the timer's resolution. */
const BATCH = 64;
const HOSTILE_BATCH = 4;
let sink = 0;

function check(label, res, expected) {
  const acao = res.headers['access-control-allow-origin'];
  const ok =
    expected === 'allowed'
      ? acao !== undefined && res.statusCode === 200
      : expected === 'preflight'
        ? acao !== undefined && res.ended && res.statusCode === 204
        : expected === 'denied-preflight'
          ? acao === undefined && res.ended && res.statusCode === 403
          : acao === undefined;
  if (!ok) {
    failures.push(
      `${impl} ${label}: expected ${expected}, got status ${res.statusCode}, ` +
        `Access-Control-Allow-Origin ${String(acao).slice(0, 60)}`,
    );
  }
  return ok;
}

function addTask(bench, name, decide, req, batch) {
  bench.add(name, () => {
    for (let i = 0; i < batch; i++) sink += decide(req).statusCode;
  });
}

async function time(tasks, batch) {
  const bench = new Bench({
    time: quick ? 25 : 400,
    warmupTime: quick ? 10 : 100,
  });
  for (const [name, decide, req] of tasks) addTask(bench, name, decide, req, batch);
  await bench.run();
  return bench.tasks.map((task) => {
    const r = task.result;
    if (!r || r.state !== 'completed') {
      failures.push(`${impl} ${task.name}: ${r?.state ?? 'no result'} ${r?.error ?? ''}`);
      return { name: task.name, ns: NaN, rme: NaN };
    }
    return { name: task.name, ns: (r.latency.p50 * 1e6) / batch, rme: r.latency.rme };
  });
}

const rows = [];
for (const [setName, set] of Object.entries(originSets())) {
  const decide = makeEngine(set[impl]);
  const cases = {
    allowed: [actualRequest(set.allowed), 'allowed'],
    disallowed: [actualRequest(DISALLOWED), 'disallowed'],
    preflight: [preflightRequest(set.allowed), 'preflight'],
  };
  const tasks = [];
  for (const [caseName, [req, expected]] of Object.entries(cases)) {
    if (check(`${setName} ${caseName}`, decide(req), expected)) {
      tasks.push([`${setName}|${caseName}`, decide, req]);
    }
  }
  for (const t of await time(tasks, BATCH)) {
    const [setLabel, caseLabel] = t.name.split('|');
    rows.push({ set: setLabel, case: caseLabel, ns: t.ns, rme: t.rme });
  }
}

// Hostile preflights, with the 50-origin policy of the HTTP bench.
const hostile = [];
{
  const origins = Array.from({ length: 50 }, (_, i) => `https://app${i}.example.com`);
  const decide = makeEngine(origins);
  const tasks = [];
  for (const [name, req] of Object.entries(hostilePreflights(origins[24]))) {
    // The module must refuse every hostile preflight (403); the cors package reflects them.
    const expected =
      name === 'normal preflight' ? 'preflight' : impl === 'module' ? 'denied-preflight' : null;
    if (!expected || check(name, decide(req), expected)) tasks.push([name, decide, req]);
  }
  for (const t of await time(tasks, HOSTILE_BATCH)) {
    hostile.push({ case: t.name, ns: t.ns, rme: t.rme });
  }
}

// The floor: writing the headers of an allowed answer to the plain response, with no decision
// at all. Both engines pay it; what is above it is the decision.
const floor = {};
if (impl === 'module') {
  const origin = 'https://app24.example.com';
  const writes = {
    allowed: () => {
      const res = new PlainResponse();
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Expose-Headers', 'x-request-id');
      return res;
    },
    preflight: () => {
      const res = new PlainResponse();
      res.setHeader(
        'Vary',
        'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      );
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, x-request-id');
      res.setHeader('Access-Control-Max-Age', '600');
      res.statusCode = 204;
      res.setHeader('Content-Length', '0');
      res.end();
      return res;
    },
  };
  for (const t of await time(
    Object.entries(writes).map(([name, write]) => [name, write, undefined]),
    BATCH,
  )) {
    floor[t.name] = t.ns;
  }
}

process.stdout.write(
  `${JSON.stringify({ impl, rows, hostile, floor, failures, sink: sink > 0 })}\n`,
);
