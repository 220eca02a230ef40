/**
 * A fake of Espruino's `http` module over node:http, as the interpreter
 * behaves (2v29, read from libs/network/http/jswrap_http.c and
 * socketserver.c, and run in the Linux build):
 *
 * - Client: `request(options, callback)` with `host`, `port`, `path`,
 *   `method`, `headers`. `res.statusCode` is a string; `res` emits `data`
 *   with string chunks, then `end`, then `close`. `req` emits `error` with
 *   `{ code, message }`. Without a `Content-Length` header the body is sent
 *   unframed, so a Node server receives none; the fake drops it too.
 * - Server: `createServer(callback).listen(port)`. `req` has `method`,
 *   `url` and `headers`, and emits `data`, `end`, `close`. `res.write`
 *   always returns false and `drain` follows once the data left;
 *   `Connection: close` is added to every response.
 *
 * Only loopback hosts are allowed.
 */
import http from 'node:http';
import { EspruinoEvents } from './events';

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

interface RequestOptions {
  host: string;
  port?: number;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
}

function hasContentLength(headers: Record<string, string>): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === 'content-length');
}

class ClientRequest extends EspruinoEvents {
  clsNow = false;
  private body = '';
  constructor(private start: (body: string) => void) {
    super();
  }
  write(data: string): boolean {
    this.body += data;
    return false;
  }
  end(data?: string): void {
    if (data !== undefined) this.body += data;
    this.start(this.body);
  }
}

function request(options: RequestOptions, callback: (res: unknown) => void) {
  if (!LOOPBACK.includes(options.host))
    throw new Error('fake http only reaches loopback, got ' + options.host);
  const headers = Object.assign({}, options.headers || {});
  const req: ClientRequest = new ClientRequest((body) => {
    const out = http.request(
      {
        host: options.host,
        port: options.port || 80,
        path: options.path || '/',
        method: options.method || 'GET',
        headers: Object.assign({ Connection: 'close' }, headers),
        agent: false,
      },
      (incoming) => {
        const res = Object.assign(new EspruinoEvents(), {
          statusCode: String(incoming.statusCode),
          statusMessage: incoming.statusMessage,
          httpVersion: incoming.httpVersion,
          headers: incoming.headers,
        });
        callback(res);
        incoming.setEncoding('latin1');
        incoming.on('data', (chunk: string) => {
          if (!req.clsNow) res.emit('data', chunk);
        });
        incoming.on('end', () => res.emit('end'));
        incoming.on('close', () => res.emit('close', false));
      },
    );
    out.on('error', (err: NodeJS.ErrnoException) => {
      req.emit('error', { code: err.code || -1, message: err.message });
      req.emit('close', true);
    });
    out.end(hasContentLength(headers) ? body : undefined);
  });
  return req;
}

function serverResponse(res: http.ServerResponse) {
  const events = new EspruinoEvents();
  res.on('close', () => events.emit('close'));
  const drain = () => setImmediate(() => events.emit('drain'));
  return Object.assign(events, {
    headers: {} as Record<string, string>,
    setHeader(name: string, value: string) {
      this.headers[name] = value;
    },
    writeHead(status: number, headers?: Record<string, string>) {
      const all = Object.assign({}, this.headers, headers || {});
      all['Connection'] = 'close';
      res.writeHead(status, 'OK', all);
    },
    write(data: string | Uint8Array): boolean {
      if (res.destroyed) throw new Error('This socket is closed.');
      if (!res.headersSent) this.writeHead(200);
      res.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
      drain();
      return false;
    },
    end(data?: string | Uint8Array) {
      if (data !== undefined) this.write(data);
      else if (!res.headersSent) this.writeHead(200);
      res.end();
    },
  });
}

export interface FakeHttp {
  module: Record<string, unknown>;
  /** Ports the fake servers listen on. */
  ports: number[];
  close(): Promise<void>;
}

export function createFakeHttp(): FakeHttp {
  const servers: http.Server[] = [];
  const ports: number[] = [];

  function createServer(callback: (req: unknown, res: unknown) => void) {
    const server = http.createServer((incoming, outgoing) => {
      const req = Object.assign(new EspruinoEvents(), {
        method: incoming.method,
        url: incoming.url,
        headers: incoming.headers,
      });
      const res = serverResponse(outgoing);
      callback(req, res);
      incoming.setEncoding('latin1');
      incoming.on('data', (chunk: string) => req.emit('data', chunk));
      incoming.on('end', () => req.emit('end'));
      outgoing.on('close', () => req.emit('close'));
    });
    servers.push(server);
    return {
      listen(port: number) {
        server.listen(port, '127.0.0.1', () => {
          ports.push((server.address() as { port: number }).port);
        });
        return this;
      },
      close() {
        server.close();
      },
    };
  }

  return {
    module: { request, createServer },
    ports,
    async close() {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(() => resolve(null)));
      }
    },
  };
}
