import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PageServer {
  port: number;
  close(): Promise<void>;
}

/**
 * An empty page on any host name that reaches it: the browser tests open it on each origin they
 * send requests from.
 */
export async function startPageServer(): Promise<PageServer> {
  const server = createServer((request, response) => {
    const host = (request.headers.host ?? '').replace(/[^\w.:-]/g, '');
    response
      .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><title>${host}</title>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
