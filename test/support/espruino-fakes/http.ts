/**
 * A fake of Espruino's `http` module that follows its socket code
 * (libs/network/socketserver.c, 2v29):
 *
 * - Server responses append to a send buffer. Each idle pass (`tick()`)
 *   sends at most 536 bytes of it per socket and fires `drain` when the
 *   buffer empties, unless the response ended. An ended response closes
 *   once its buffer is empty. `write` returns false and throws "This socket is
 *   closed" after the close. A request whose `clsNow` is set closes on the
 *   next pass, unsent data included.
 * - Client requests connect on `end()`, which may throw; `statusCode`
 *   arrives as a string; a set `clsNow` closes the socket on the next pass.
 */
import type {
  HttpClientResponse,
  HttpModule,
  HttpRequestOptions,
  HttpServerRequest,
  HttpServerResponse,
} from '../../../firmware/drivers/espruino';
import { FakeEmitter } from './events';

/** Bytes Espruino's ESP32 and Linux network layers send per idle pass. */
export const CHUNK_SIZE = 536;

export class FakeServerRequest
  extends FakeEmitter
  implements HttpServerRequest
{
  clsNow?: boolean;
  constructor(
    public method: string,
    public url: string,
    public headers: Record<string, string>,
  ) {
    super();
  }
}

export class FakeServerResponse
  extends FakeEmitter
  implements HttpServerResponse
{
  /** What reached the client so far: status line, headers and body. */
  received = '';
  sendBuffer: string | null = null;
  ended = false;
  closed = false;
  /** Bytes sent in each idle pass. */
  sends: number[] = [];
  status: number | null = null;
  headers: Record<string, string> = {};

  writeHead(status: number, headers: Record<string, string>): void {
    if (this.sendBuffer !== null)
      throw new Error('Headers have already been sent');
    this.status = status;
    this.headers = Object.assign({ Connection: 'close' }, headers);
    let head = 'HTTP/1.1 ' + status + ' OK\r\nServer: Espruino 2v29\r\n';
    for (const name of Object.keys(this.headers)) {
      head += name + ': ' + this.headers[name] + '\r\n';
    }
    this.sendBuffer = head + '\r\n';
  }

  write(data: string): boolean {
    if (this.closed) throw new Error('This socket is closed');
    if (this.sendBuffer === null) this.writeHead(200, {});
    // Espruino converts anything else with toString, e.g. "1,2,3".
    this.sendBuffer += String(data);
    return false;
  }

  end(data?: string): void {
    if (data !== undefined) this.write(data);
    else if (this.sendBuffer === null) this.writeHead(200, {});
    this.ended = true;
  }

  /** Returns the body that reached the client. */
  body(): string {
    const split = this.received.indexOf('\r\n\r\n');
    return split < 0 ? '' : this.received.slice(split + 4);
  }
}

export interface Connection {
  req: FakeServerRequest;
  res: FakeServerResponse;
}

export class FakeClientRequest extends FakeEmitter {
  clsNow?: boolean;
  ended = false;
  body: string | undefined;
  /** True once a pass closed the socket because `clsNow` was set. */
  closedByFlag = false;
  res: (FakeEmitter & HttpClientResponse) | null = null;
  constructor(
    public http: FakeHttp,
    public options: HttpRequestOptions,
    public callback: (res: HttpClientResponse) => void,
  ) {
    super();
  }

  write(): boolean {
    return false;
  }

  /** Connects and sends; throws while `endThrows` is set. */
  end(data?: string): void {
    if (this.http.endThrows) throw new Error(this.http.endThrows);
    this.body = data;
    this.ended = true;
  }
}

export class FakeHttp implements HttpModule {
  connections: Connection[] = [];
  clientRequests: FakeClientRequest[] = [];
  handler: ((req: HttpServerRequest, res: HttpServerResponse) => void) | null =
    null;
  listening: number | null = null;
  /** Message thrown by `request()` while set. */
  requestThrows: string | null = null;
  /** Message thrown by `req.end()` while set, like a refused connection. */
  endThrows: string | null = null;

  createServer(
    callback: (req: HttpServerRequest, res: HttpServerResponse) => void,
  ) {
    this.handler = callback;
    const http = this;
    return {
      listen(port: number) {
        http.listening = port;
        return this;
      },
      close() {
        http.listening = null;
      },
    };
  }

  /** A client connects and sends a request; the body arrives with it. */
  connect(o: {
    method?: string;
    url: string;
    headers?: Record<string, string>;
    body?: string;
    complete?: boolean;
  }): Connection {
    const req = new FakeServerRequest(
      o.method || 'GET',
      o.url,
      o.headers || {},
    );
    const res = new FakeServerResponse();
    const connection = { req, res };
    this.connections.push(connection);
    (this.handler as NonNullable<FakeHttp['handler']>)(req, res);
    if (o.body) req.emit('data', o.body);
    if (o.complete !== false) req.emit('end');
    return connection;
  }

  request(
    options: HttpRequestOptions,
    callback: (res: HttpClientResponse) => void,
  ) {
    if (this.requestThrows) throw new Error(this.requestThrows);
    const req = new FakeClientRequest(this, options, callback);
    this.clientRequests.push(req);
    return req;
  }

  /** Sends the plug's reply to `req`: headers first, then the body chunks. */
  reply(
    req: FakeClientRequest,
    statusCode: string,
    headers: Record<string, string>,
    chunks: string[],
  ): void {
    const res = Object.assign(new FakeEmitter(), { statusCode, headers });
    req.res = res;
    req.callback(res);
    for (const chunk of chunks) res.emit('data', chunk);
    res.emit('end');
    res.emit('close', false);
  }

  /** Runs one pass of Espruino's idle loop over every socket. */
  tick(): void {
    for (const req of this.clientRequests) {
      if (!req.clsNow || req.closedByFlag) continue;
      req.closedByFlag = true;
      if (req.res) req.res.emit('close', false);
    }
    for (const c of this.connections) this.pass(c);
  }

  private pass(c: Connection): void {
    const res = c.res;
    if (res.closed) return;
    if (c.req.clsNow) {
      this.close(c);
      return;
    }
    const buffer = res.sendBuffer || '';
    if (buffer.length > 0) {
      const sent = buffer.slice(0, CHUNK_SIZE);
      res.received += sent;
      res.sends.push(sent.length);
      res.sendBuffer = buffer.slice(sent.length);
      if (res.sendBuffer === '' && !res.ended) res.emit('drain');
    } else if (res.ended) {
      this.close(c);
    }
  }

  private close(c: Connection): void {
    c.res.closed = true;
    c.res.sendBuffer = '';
    c.req.emit('close', false);
    c.res.emit('close', false);
  }

  /** Runs idle passes until nothing is left to send, at most `max`. */
  drainAll(max = 1000): number {
    let passes = 0;
    while (passes < max && this.connections.some((c) => this.busy(c))) {
      this.tick();
      passes++;
    }
    return passes;
  }

  private busy(c: Connection): boolean {
    if (c.res.closed) return false;
    return !!c.res.sendBuffer || c.res.ended || !!c.req.clsNow;
  }
}
