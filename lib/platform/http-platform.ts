import type { IncomingHttpHeaders } from 'node:http';
import type { HeaderWriter } from '../policy/decide.js';
import { mergeVary } from '../policy/vary.js';

/**
 * Everything that differs between Express and Fastify, in one place: reading the request,
 * writing headers and ending a preflight. Both request objects expose Node's `headers`,
 * `method` and `url`; the responses differ.
 */
export interface HttpPlatform<Req = any, Res = any> extends HeaderWriter<Res> {
  readonly name: string;
  /** Writes the headers of a response the hook sends itself (a preflight answer). */
  readonly preflight: HeaderWriter<Res>;
  remove(response: Res, name: string): void;
  /** Ends the response with `status` and no body. */
  end(response: Res, status: number): void;
  headersOf(request: Req): IncomingHttpHeaders;
  methodOf(request: Req): string;
  urlOf(request: Req): string;
}

interface NodeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  getHeader(name: string): string | string[] | number | undefined;
  removeHeader(name: string): unknown;
  end(): unknown;
}

interface FastifyReply {
  header(name: string, value: string): unknown;
  getHeader(name: string): string | string[] | number | undefined;
  removeHeader(name: string): unknown;
  code(status: number): { send(): unknown };
  raw: NodeResponse;
}

interface NodeLikeRequest {
  headers: IncomingHttpHeaders;
  method?: string;
  url?: string;
}

const expressWriter: HeaderWriter<NodeResponse> = {
  set: (res, name, value) => res.setHeader(name, value),
  appendVary(res, names) {
    const merged = mergeVary(res.getHeader('vary'), names);
    if (merged !== undefined) res.setHeader('Vary', merged);
  },
};

const expressPlatform: HttpPlatform<NodeLikeRequest, NodeResponse> = {
  name: 'express',
  ...expressWriter,
  preflight: expressWriter,
  remove: (res, name) => res.removeHeader(name),
  end(res, status) {
    res.statusCode = status;
    res.setHeader('Content-Length', '0');
    res.end();
  },
  headersOf: (req) => req.headers,
  methodOf: (req) => req.method ?? '',
  urlOf: (req) => req.url ?? '',
};

/** A preflight answer is sent through the same reply: `reply.header()` is enough, and cheapest. */
const fastifyReplyWriter: HeaderWriter<FastifyReply> = {
  set: (reply, name, value) => reply.header(name, value),
  appendVary(reply, names) {
    const merged = mergeVary(reply.getHeader('vary'), names);
    if (merged !== undefined) reply.header('Vary', merged);
  },
};

const fastifyPlatform: HttpPlatform<NodeLikeRequest, FastifyReply> = {
  name: 'fastify',
  preflight: fastifyReplyWriter,
  // On the Node.js response: Fastify merges those headers into every response it sends, even
  // the error response of a throwing middleware, which goes through a new reply.
  set: (reply, name, value) => reply.raw.setHeader(name, value),
  appendVary(reply, names) {
    // `getHeader` reads the reply's own value (from `@Header()`) first, then the raw one. Where
    // there is a value, it may be the reply's own, which would win: update both then.
    const current = reply.getHeader('vary');
    const merged = mergeVary(current, names);
    if (merged === undefined) return;
    reply.raw.setHeader('Vary', merged);
    if (current !== undefined) reply.header('Vary', merged);
  },
  remove(reply, name) {
    reply.raw.removeHeader(name);
    reply.removeHeader(name);
  },
  end(reply, status) {
    reply.header('Content-Length', '0');
    reply.code(status).send();
  },
  headersOf: (req) => req.headers,
  methodOf: (req) => req.method ?? '',
  urlOf: (req) => req.url ?? '',
};

/** The platform of a Nest HTTP adapter, from `httpAdapter.getType()`. */
export function platformOf(adapterType: string): HttpPlatform | undefined {
  if (adapterType === 'express') return expressPlatform;
  if (adapterType === 'fastify') return fastifyPlatform;
  return undefined;
}

/** The path of a request target, without the query string. */
export function pathnameOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
