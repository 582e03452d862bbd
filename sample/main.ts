// `npm start`: the sample API on http://localhost:3000 and the demo page on http://localhost:4000.
// Env: ADAPTER=express|fastify, API_PORT, DEMO_PORT.
import { startSampleApi } from './bootstrap.js';
import { startDemoServer } from './demo/demo-server.js';
import { corsOriginsForDemo, localDemoOrigins, type SampleAdapter } from './sample-config.js';

const adapter: SampleAdapter = process.env.ADAPTER === 'fastify' ? 'fastify' : 'express';
const apiPort = Number(process.env.API_PORT ?? 3000);
const demoPort = Number(process.env.DEMO_PORT ?? 4000);

const demo = await startDemoServer({ port: demoPort });
const origins = localDemoOrigins(demo.port);
const api = await startSampleApi({ adapter, port: apiPort, origins: corsOriginsForDemo(origins) });
demo.configure({ apiUrl: `http://localhost:${api.port}`, adapter, origins });

console.log(`API (Nest on ${adapter}): http://localhost:${api.port}`);
console.log(`Demo page:                ${origins.app}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([api.close(), demo.close()]).then(() => process.exit(0));
  });
}
