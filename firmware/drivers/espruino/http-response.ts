/**
 * Wraps Espruino's `httpSRq`/`httpSRs` pair as a driver-neutral
 * `ServerResponse`.
 *
 * Espruino appends every `write()` to the socket's send buffer, sends at
 * most 536 bytes of it per idle pass, and fires `drain` once the buffer is
 * empty. Its `write()` always returns false, so callers wait for `onDrain`
 * after each write, and a client that stops reading never makes the buffer
 * grow past one write.
 */
import type { HttpServerRequest, HttpServerResponse } from '../espruino';
import type { ServerResponse } from '../http-server';

export interface EspruinoResponse extends ServerResponse {
  destroy(): void;
  /** True once `writeHead` ran. */
  readonly headersSent: boolean;
  /** True once the connection closed or a write found it closed. */
  readonly closed: boolean;
}

/**
 * Converts bytes to a string with one character per byte, which Espruino
 * sends unchanged; it would send a Uint8Array as "1,2,3".
 */
export function bytesToString(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    text += String.fromCharCode(bytes[i]);
  }
  return text;
}

function asString(chunk: string | Uint8Array): string {
  return typeof chunk === 'string' ? chunk : bytesToString(chunk);
}

/**
 * Wraps one request's response. The two flags are fields, not getters,
 * because each closure here is kept for as long as the request is open.
 */
export function wrapResponse(
  req: HttpServerRequest,
  res: HttpServerResponse,
): EspruinoResponse {
  const wrapped: EspruinoResponse & { headersSent: boolean; closed: boolean } =
    {
      headersSent: false,
      closed: false,
      writeHead(status, headers) {
        wrapped.headersSent = true;
        attempt(() => res.writeHead(status, headers));
      },
      write(chunk) {
        attempt(() => res.write(asString(chunk)));
        // The chunk waits in the send buffer until `drain`.
        return false;
      },
      end(chunk) {
        attempt(() => {
          if (chunk === undefined) res.end();
          else res.end(asString(chunk));
        });
      },
      destroy() {
        // Espruino closes the connection on its next idle pass, unsent data
        // included.
        req.clsNow = true;
        wrapped.closed = true;
      },
      onClose(listener) {
        res.on('close', listener);
      },
      onDrain(listener) {
        res.on('drain', listener);
      },
    };

  /** Runs one socket call; a closed socket throws, which marks it closed. */
  function attempt(call: () => void): void {
    if (wrapped.closed) return;
    try {
      call();
    } catch {
      wrapped.closed = true;
    }
  }

  res.on('close', () => {
    wrapped.closed = true;
  });
  return wrapped;
}
