/* global document, window, location, fetch -- browser code, served to the demo page */
// The demo page: runs every scenario in order, from the origin each one names, and shows what the
// browser did next to what was expected.
import { runRequest } from './runner.js';

const config = JSON.parse(document.getElementById('demo-config').textContent);
// Tags are unique per page load, so no row meets a preflight cached by an earlier visit.
const runId = Math.random().toString(36).slice(2, 8);

document.getElementById('page-origin').textContent = location.origin;
document.getElementById('api-url').textContent = config.apiUrl;
document.getElementById('adapter').textContent =
  config.adapter === 'fastify' ? 'Nest on Fastify' : 'Nest on Express';

/** Frames on the other origins, created on first use; resolves once the frame says it is ready. */
const frames = new Map();
const pending = new Map();
let nextMessageId = 0;

window.addEventListener('message', (event) => {
  if (!Object.values(config.origins).includes(event.origin)) return;
  if (event.data?.ready) frames.get(event.origin)?.ready();
  else pending.get(event.data?.id)?.(event.data.result);
});

function frameFor(origin) {
  if (!frames.has(origin)) {
    let ready;
    const isReady = new Promise((resolve) => (ready = resolve));
    const frame = document.createElement('iframe');
    frame.src = `${origin}/frame.html`;
    frame.title = `requests from ${origin}`;
    frames.set(origin, { frame, ready, isReady });
    document.getElementById('frames').append(frame);
  }
  return frames.get(origin);
}

async function send(role, request, tag, headerNames) {
  if (role === 'app') return runRequest(config.apiUrl, request, tag, headerNames);
  const origin = config.origins[role];
  const { frame, isReady } = frameFor(origin);
  await isReady;
  const id = nextMessageId++;
  const result = new Promise((resolve) => pending.set(id, resolve));
  frame.contentWindow.postMessage({ id, request, tag, headerNames }, origin);
  return result.finally(() => pending.delete(id));
}

/** What went differently from the expectation; empty when the row passes. */
function differences(expect, results, exchanges) {
  const problems = [];
  results.forEach((result, i) => {
    const which = results.length > 1 ? ` (request ${i + 1})` : '';
    if (result.outcome !== expect.outcome) {
      problems.push(`expected ${expect.outcome}, browser ${describeOutcome(result)}${which}`);
    } else if (expect.status !== undefined && result.status !== expect.status) {
      problems.push(`expected status ${expect.status}, got ${result.status}${which}`);
    }
  });
  const last = results[results.length - 1];
  if (last.outcome === 'response') {
    for (const name of expect.readable ?? []) {
      if (last.headers[name] === null) problems.push(`${name} is not readable`);
    }
    for (const name of expect.unreadable ?? []) {
      if (last.headers[name] !== null) problems.push(`${name} should not be readable`);
    }
    if (expect.bodyIncludes !== undefined && !last.body.includes(expect.bodyIncludes)) {
      problems.push(`body lacks ${expect.bodyIncludes}`);
    }
  }
  if (expect.preflights !== undefined) {
    const preflights = exchanges?.filter((exchange) => exchange.method === 'OPTIONS').length;
    if (preflights !== expect.preflights) {
      problems.push(`expected ${expect.preflights} preflight(s) at the server, saw ${preflights}`);
    }
  }
  return problems;
}

function describeOutcome(result) {
  return result.outcome === 'response' ? `allowed · ${result.status}` : 'blocked';
}

function describeExpectation(expect) {
  const parts = [expect.outcome === 'response' ? `allowed · ${expect.status}` : 'blocked'];
  for (const name of expect.readable ?? []) parts.push(`${name} readable`);
  for (const name of expect.unreadable ?? []) parts.push(`${name} hidden`);
  if (expect.bodyIncludes) parts.push(`body has ${expect.bodyIncludes}`);
  if (expect.preflights !== undefined) parts.push(`${expect.preflights} preflight(s)`);
  return parts;
}

function describeRequest(scenario) {
  const { request } = scenario;
  const lines = [`${request.method} ${request.path}`, `from ${config.origins[scenario.from]}`];
  for (const [name, value] of Object.entries(request.headers ?? {}))
    lines.push(`${name}: ${value}`);
  if (request.credentials) lines.push(`credentials: '${request.credentials}'`);
  if (scenario.repeat) lines.push(`sent ${scenario.repeat} times`);
  return lines.join('\n');
}

function describeExchanges(exchanges) {
  if (!exchanges) return 'could not read the server log';
  if (exchanges.length === 0) return 'nothing reached the server';
  return exchanges
    .map((exchange) => {
      const headers = Object.entries(exchange.headers)
        .map(
          ([name, value]) => `  ${name}: ${name === 'set-cookie' ? hideCookieValue(value) : value}`,
        )
        .join('\n');
      const lines = [`${exchange.method} → ${exchange.status}`];
      if (headers) lines.push(headers);
      if (!exchange.headers['access-control-allow-origin']) {
        lines.push('  (no Access-Control-Allow-Origin)');
      }
      return lines.join('\n');
    })
    .join('\n');
}

function hideCookieValue(value) {
  return value.replace(/=([^;]{8})[^;]*/, '=$1…');
}

function cell(row, text, className) {
  const td = document.createElement('td');
  setText(td, text);
  if (className) td.className = className;
  row.append(td);
  return td;
}

/**
 * Shows text in a cell, each word in a `.word` span that never wraps, so lines break between
 * words and never inside a header name or value (browsers would break after any hyphen).
 */
function setText(element, text) {
  element.replaceChildren(
    ...text.split(/(\s+)/).map((part) => {
      if (part === '' || /^\s+$/.test(part)) return document.createTextNode(part);
      const word = document.createElement('span');
      word.className = 'word';
      word.textContent = part;
      return word;
    }),
  );
}

function renderRows() {
  const tbody = document.getElementById('rows');
  return config.scenarios.map((scenario) => {
    const row = document.createElement('tr');
    row.dataset.scenario = scenario.id;
    row.dataset.verdict = 'pending';
    cell(row, scenario.name, 'name');
    cell(row, scenario.policy, 'code');
    cell(row, describeRequest(scenario), 'code');
    cell(row, describeExpectation(scenario.expect).join('\n'), 'expected');
    const actual = cell(row, '…', 'actual');
    const server = cell(row, '', 'code server');
    tbody.append(row);
    return { scenario, row, actual, server };
  });
}

async function runScenario({ scenario, row, actual, server }) {
  const tag = `${runId}-${scenario.id}`;
  const headerNames = [...(scenario.expect.readable ?? []), ...(scenario.expect.unreadable ?? [])];
  const results = [];
  for (let i = 0; i < (scenario.repeat ?? 1); i++) {
    results.push(await send(scenario.from, scenario.request, tag, headerNames));
  }
  const exchanges = await fetch(`${config.apiUrl}/demo/exchanges/${tag}`)
    .then((response) => response.json())
    .catch(() => undefined);
  const problems = differences(scenario.expect, results, exchanges);

  const last = results[results.length - 1];
  const seen = [describeOutcome(last)];
  for (const [name, value] of Object.entries(last.headers ?? {})) {
    seen.push(value === null ? `${name} hidden` : `${name}: ${value}`);
  }
  if (last.outcome === 'blocked') seen.push(last.error);
  if (results.length > 1)
    seen.push(`(all ${results.length}: ${results.map(describeOutcome).join(', ')})`);
  seen.push(problems.length === 0 ? '✓ as expected' : `✗ ${problems.join('; ')}`);
  setText(actual, seen.join('\n'));
  actual.classList.add(last.outcome === 'response' ? 'allowed' : 'blocked');
  setText(server, describeExchanges(exchanges));
  row.dataset.verdict = problems.length === 0 ? 'pass' : 'fail';
  row.dataset.outcome = last.outcome;
  return problems.length === 0;
}

const rows = renderRows();
const summary = document.getElementById('summary');
const failed = [];
for (const [index, row] of rows.entries()) {
  summary.textContent = `Running… ${index} of ${rows.length} rows done.`;
  if (!(await runScenario(row))) failed.push(row.scenario.name);
}
summary.textContent =
  failed.length === 0
    ? `All ${rows.length} rows as expected.`
    : `${rows.length - failed.length} of ${rows.length} rows as expected; not as expected: ${failed.join(', ')}.`;
summary.className = failed.length === 0 ? 'pass' : 'fail';
summary.dataset.done = 'true';
