import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DemoOrigins, SampleAdapter } from '../sample-config.js';
import { corsOriginsForDemo } from '../sample-config.js';
import { demoScenarios, type DemoScenario } from './scenarios.js';

/** What the page needs to know; injected into the HTML as JSON. */
export interface DemoPageConfig {
  apiUrl: string;
  adapter: SampleAdapter;
  origins: DemoOrigins;
  scenarios: DemoScenario[];
}

export interface DemoServerOptions {
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  /** Interface to listen on. Default: Node's default (all interfaces). */
  host?: string;
}

/** Which API the page talks to, and from which origins. */
export interface DemoTarget {
  apiUrl: string;
  adapter: SampleAdapter;
  origins: DemoOrigins;
}

export interface RunningDemoServer {
  port: number;
  /**
   * Points the page at an API. Separate from starting, because the API's CORS origins contain the
   * demo server's port, which is known only once it listens.
   */
  configure(target: DemoTarget): void;
  close(): Promise<void>;
}

const PUBLIC_DIR = new URL('./public/', import.meta.url);
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
/** The whole site: the page, the frame that runs requests from the other origins, and their assets. */
const FILES = new Set(['index.html', 'frame.html', 'demo.js', 'frame.js', 'runner.js', 'demo.css']);

/**
 * Serves the demo page on every host name it is reached by. The page is opened on the app's origin;
 * the same server answers for the partner, look-alike and outsider origins, which the page embeds
 * as frames to send requests from there.
 */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<RunningDemoServer> {
  let configJson: string | undefined;

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://placeholder').pathname;
    const file = path === '/' ? 'index.html' : path.slice(1);
    if (request.method !== 'GET' || !FILES.has(file)) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    if (configJson === undefined) {
      response.writeHead(503, { 'Content-Type': 'text/plain' }).end('The demo is starting');
      return;
    }
    const pageConfig = configJson;
    readFile(new URL(file, PUBLIC_DIR), 'utf8').then(
      (text) => {
        const body = file.endsWith('.html')
          ? text.replace('__DEMO_CONFIG__', () => pageConfig)
          : text;
        response
          .writeHead(200, {
            'Content-Type': CONTENT_TYPES[file.slice(file.lastIndexOf('.'))],
            'Cache-Control': 'no-store',
          })
          .end(body);
      },
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    configure(target) {
      const config: DemoPageConfig = {
        ...target,
        scenarios: demoScenarios(corsOriginsForDemo(target.origins)),
      };
      // `<` escaped so no value can close the script element it is embedded in.
      configJson = JSON.stringify(config).replace(/</g, '\\u003c');
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
