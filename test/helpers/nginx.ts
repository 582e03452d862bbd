import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The nginx binary: `$NGINX_BIN` when set (only that), else `/usr/sbin/nginx` or the PATH's. */
export function findNginx(): string | undefined {
  const candidates = process.env.NGINX_BIN
    ? [process.env.NGINX_BIN]
    : [
        '/usr/sbin/nginx',
        ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'nginx')),
      ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

export interface RunningNginx {
  readonly port: number;
  /** Lines of the access log: `<uri> origin=<Origin> cache=<status>`. */
  accessLog(): string[];
  stop(): Promise<void>;
}

/**
 * Starts nginx as a caching reverse proxy in front of `upstreamPort`, on loopback, with every
 * path (config, pid, logs, temp and cache directories) inside a fresh temporary directory, so it
 * needs no root and touches nothing of the system's nginx. `extraLocations` adds `location`
 * blocks to the server. Runs in the foreground with one process (`master_process off`), so that
 * killing the child we spawned stops it, and no worker switches to another user.
 */
export async function startNginx(
  binary: string,
  upstreamPort: number,
  extraLocations = '',
): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'cors-nginx-'));
  const port = await freePort();
  const config = `
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 64; }
http {
  log_format cache_status '$request_uri origin=$http_origin cache=$upstream_cache_status';
  access_log ${dir}/access.log cache_status;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy_temp;
  fastcgi_temp_path ${dir}/fastcgi_temp;
  uwsgi_temp_path ${dir}/uwsgi_temp;
  scgi_temp_path ${dir}/scgi_temp;
  proxy_cache_path ${dir}/cache levels=1:2 keys_zone=cors:1m max_size=10m inactive=10m use_temp_path=off;
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 4; }
  server {
    listen 127.0.0.1:${port};
    # The default cache key is $scheme$proxy_host$request_uri: the Origin is not in it, so
    # only the response's Vary can keep one origin's answer from another.
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache cors;
      add_header X-Cache-Status $upstream_cache_status always;
    }
${extraLocations}
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), config);
  const child = spawn(
    binary,
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    await waitForPort(port, child, () => `${stderr}\n${readLog(join(dir, 'error.log'))}`);
  } catch (error) {
    await stop(child, exited);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    accessLog: () => readLog(join(dir, 'access.log')).split('\n').filter(Boolean),
    stop: async () => {
      await stop(child, exited);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, diagnostics: () => string) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`nginx exited with ${child.exitCode}:\n${diagnostics()}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not listen on ${port} within 10 s:\n${diagnostics()}`);
}
