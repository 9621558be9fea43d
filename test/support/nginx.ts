import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/*
 * A real nginx (Debian's nginx-light: `apt-get install nginx-light`) run as a child process with a
 * configuration of its own in a temporary folder, on a free port of 127.0.0.1: for the tests of
 * the gateway check behind `auth_request`. Nothing of the system's nginx is used but the binary.
 */

export const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

export function nginxInstalled(): boolean {
  return existsSync(NGINX);
}

/** What the upstream behind nginx received: one entry per request that got through. */
export interface UpstreamHit {
  path: string;
  headers: IncomingHttpHeaders;
}

/** A small upstream service: answers 200 `{"upstream": true, "path": …}` and remembers each request. */
export class Upstream {
  private constructor(
    private readonly server: Server,
    /** host:port */
    readonly address: string,
    readonly hits: UpstreamHit[],
  ) {}

  static async start(): Promise<Upstream> {
    const hits: UpstreamHit[] = [];
    const server = createServer((request, response) => {
      hits.push({ path: request.url ?? '', headers: request.headers });
      const body = JSON.stringify({ upstream: true, path: request.url });
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new Upstream(server, `127.0.0.1:${port}`, hits);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The `server { … }` block of the README's nginx section, between its markers, with the addresses
 * the README uses replaced by the test's own: the test runs exactly what the README shows.
 */
export function readmeNginxServerBlock(
  readmePath: string,
  addresses: { listen: number; service: string; upstream: string },
): string {
  const readme = readFileSync(readmePath, 'utf8');
  const match =
    /<!-- nginx-config:start -->\s*```nginx\n([\s\S]*?)```\s*<!-- nginx-config:end -->/.exec(
      readme,
    );
  if (!match) {
    throw new Error('The README has no nginx configuration between its nginx-config markers');
  }
  return match[1]
    .replace(/listen 80;/g, `listen 127.0.0.1:${addresses.listen};`)
    .replace(/127\.0\.0\.1:3000/g, addresses.service)
    .replace(/127\.0\.0\.1:8080/g, addresses.upstream);
}

/** nginx with `httpBlock` as its whole `http { … }` content, serving on `port`. */
export class NginxProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly baseUrl: string,
  ) {}

  static async start(port: number, httpBlock: string): Promise<NginxProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'pat-nginx-'));
    for (const temp of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
      mkdirSync(join(dir, temp));
    }
    const config = `
worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 128; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
${httpBlock}
}
`;
    const file = join(dir, 'nginx.conf');
    writeFileSync(file, config);
    const child = spawn(NGINX, ['-p', dir, '-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const nginx = new NginxProcess(child, dir, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) {
        const log = existsSync(join(dir, 'error.log'))
          ? readFileSync(join(dir, 'error.log'), 'utf8')
          : '';
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`nginx exited ${child.exitCode}: ${stderr}${log}`);
      }
      try {
        await fetch(`${nginx.baseUrl}/`, { signal: AbortSignal.timeout(500) });
        return nginx;
      } catch {
        if (Date.now() > deadline) {
          await nginx.stop();
          throw new Error(`nginx did not answer on port ${port} within 10 s: ${stderr}`);
        }
        await sleep(50);
      }
    }
  }

  /** nginx's own error log, to show when a test fails. */
  errorLog(): string {
    const file = join(this.dir, 'error.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** SIGQUIT (graceful), then SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGQUIT');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
