import { Injectable } from '@nestjs/common';
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';

/** One request that reached the API server, and the CORS-related part of the answer. */
export interface Exchange {
  method: string;
  path: string;
  /** The `exchange` query parameter: the demo page tags each scenario's requests with it. */
  tag: string | undefined;
  origin: string | undefined;
  status: number;
  /** `Access-Control-*`, `Vary` and `Set-Cookie` as sent, names lower-cased. */
  headers: Record<string, string>;
}

const KEPT_HEADERS = /^(access-control-|vary$|set-cookie$)/;
const CAPACITY = 2000;

/**
 * Records what reached the server, below Nest and the CORS module, so the demo page and the browser
 * tests can tell how many preflights the browser really sent and what was answered.
 */
@Injectable()
export class ExchangeLog {
  private readonly exchanges: Exchange[] = [];

  /** Listens before the framework does, so even responses that end early are recorded. */
  attach(server: Server): void {
    server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
      const url = new URL(request.url ?? '/', 'http://placeholder');
      const writtenHeaders = captureWriteHeadHeaders(response);
      response.once('finish', () => {
        this.exchanges.push({
          method: request.method ?? '',
          path: url.pathname,
          tag: url.searchParams.get('exchange') ?? undefined,
          origin: request.headers.origin,
          status: response.statusCode,
          headers: corsHeaders({ ...response.getHeaders(), ...writtenHeaders }),
        });
        if (this.exchanges.length > CAPACITY) this.exchanges.shift();
      });
    });
  }

  all(): readonly Exchange[] {
    return this.exchanges;
  }

  withTag(tag: string): Exchange[] {
    return this.exchanges.filter((exchange) => exchange.tag === tag);
  }
}

/**
 * Headers passed straight to `writeHead()` (Fastify does this) never show up in `getHeaders()`,
 * so they are copied on the way through.
 */
function captureWriteHeadHeaders(response: ServerResponse): OutgoingHttpHeaders {
  const written: OutgoingHttpHeaders = {};
  const writeHead = response.writeHead;
  response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const headers = [args[1], args[2]].find((arg) => typeof arg === 'object' && arg !== null);
    if (Array.isArray(headers)) {
      // A flat [name, value, name, value] list.
      for (let i = 0; i + 1 < headers.length; i += 2) {
        written[String(headers[i]).toLowerCase()] = headers[i + 1] as string;
      }
    } else if (headers) {
      for (const [name, value] of Object.entries(headers)) written[name.toLowerCase()] = value;
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
  return written;
}

function corsHeaders(headers: OutgoingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || !KEPT_HEADERS.test(name)) continue;
    kept[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return kept;
}
