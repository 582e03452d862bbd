// autocannon in its own process (used when wrk is not installed). Prints one JSON result line.
import autocannon from 'autocannon';

const { port, kind, seconds, connections, controllers } = JSON.parse(process.argv[2]);
const requests = Array.from({ length: controllers }, (_, i) => ({
  method: kind.method,
  path: `/c${i}/items`,
  headers: kind.headers,
}));
const result = await autocannon({
  url: `http://127.0.0.1:${port}`,
  connections,
  duration: seconds,
  requests,
});
process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.total / (result.duration || seconds),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  })}\n`,
);
