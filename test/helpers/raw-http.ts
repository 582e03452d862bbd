import { connect } from 'node:net';

/** A response as it came off the wire: status, lower-case headers (repeats kept), head, body. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string[]>;
  readonly head: string;
  /** The body as received (chunked framing left in place). */
  readonly body: string;
}

/**
 * Sends one request over a plain TCP socket, byte for byte, with `Connection: close`, and reads
 * the response until the server closes the connection. HTTP clients (supertest, fetch) refuse
 * CR, LF and other control characters in header values, repeated Origin headers and bare
 * methods, which is exactly what the hostile-input tests must send.
 *
 * `headers` is a list so that a name may repeat. Header values are sent as latin1 when every
 * character fits (so the server sees the same string), otherwise as UTF-8.
 */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: ReadonlyArray<readonly [string, string]>,
  timeoutMs = 10_000,
): Promise<RawResponse> {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  const text = `${lines.join('\r\n')}\r\n\r\n`;
  // eslint-disable-next-line no-control-regex
  const bytes = Buffer.from(text, /^[\u0000-\u00ff]*$/.test(text) ? 'latin1' : 'utf8');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may answer (431, 400) and close before it has read everything we send.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const end = raw.indexOf('\r\n\r\n');
      if (end === -1) {
        reject(new Error(`no HTTP response head, got ${JSON.stringify(raw.slice(0, 200))}`));
        return;
      }
      const head = raw.slice(0, end);
      const [statusLine, ...fields] = head.split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
      const parsed: Record<string, string[]> = {};
      for (const field of fields) {
        const colon = field.indexOf(':');
        const name = field.slice(0, colon).trim().toLowerCase();
        (parsed[name] ??= []).push(field.slice(colon + 1).trim());
      }
      resolve({ status, headers: parsed, head, body: raw.slice(end + 4) });
    });
    // Written, not ended: Node's HTTP server aborts a request whose client half-closes the
    // connection before the response is ready. `Connection: close` makes the server close it.
    socket.write(bytes);
  });
}

/** The `Access-Control-*` headers of a raw response. */
export function rawCorsHeaders(response: RawResponse): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(response.headers).filter(([name]) => name.startsWith('access-control-')),
  );
}
