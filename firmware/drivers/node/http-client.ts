/** HttpClient over node:http; the timeout destroys the socket. */
import http from 'node:http';
import { HttpError, type HttpClient, type HttpResponse } from '../http-client';

const MAX_BODY_BYTES = 64 * 1024;

export function createNodeHttpClient(): HttpClient {
  return {
    request(req) {
      return new Promise<HttpResponse>((resolve, reject) => {
        const url = new URL(req.url);
        const headers: Record<string, string> = { connection: 'close' };
        Object.assign(headers, req.headers);
        if (req.body !== undefined) {
          headers['content-length'] = String(Buffer.byteLength(req.body));
        }
        const out = http.request(
          url,
          { method: req.method, headers, agent: false },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > MAX_BODY_BYTES) {
                out.destroy(
                  new HttpError(
                    'network',
                    'reply over ' + MAX_BODY_BYTES + ' bytes',
                  ),
                );
                return;
              }
              chunks.push(chunk);
            });
            res.on('end', () => {
              clearTimeout(timer);
              const lower: Record<string, string> = {};
              for (const [k, v] of Object.entries(res.headers)) {
                if (v !== undefined)
                  lower[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
              }
              resolve({
                status: res.statusCode || 0,
                headers: lower,
                body: Buffer.concat(chunks).toString('utf8'),
              });
            });
            res.on('error', (err) => fail(err));
          },
        );
        const timer = setTimeout(() => {
          out.destroy(
            new HttpError(
              'timeout',
              req.method +
                ' ' +
                url.pathname +
                ' timed out after ' +
                req.timeoutMs +
                ' ms',
            ),
          );
        }, req.timeoutMs);
        function fail(err: Error): void {
          clearTimeout(timer);
          if (err instanceof HttpError) reject(err);
          else
            reject(
              new HttpError(
                'network',
                req.method + ' ' + url.pathname + ' failed: ' + err.message,
              ),
            );
        }
        out.on('error', fail);
        out.end(req.body);
      });
    },
  };
}
