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
  headersSent(): boolean;
  /** True once the connection closed or a write found it closed. */
  isClosed(): boolean;
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

export function wrapResponse(
  req: HttpServerRequest,
  res: HttpServerResponse,
): EspruinoResponse {
  let closed = false;
  let headersSent = false;

  res.on('close', () => {
    closed = true;
  });

  /** Runs one socket call; a closed socket throws, which marks it closed. */
  function attempt(call: () => void): boolean {
    if (closed) return false;
    try {
      call();
      return true;
    } catch {
      closed = true;
      return false;
    }
  }

  return {
    writeHead(status, headers) {
      headersSent = true;
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
      closed = true;
    },
    onClose(listener) {
      res.on('close', listener);
    },
    onDrain(listener) {
      res.on('drain', listener);
    },
    headersSent: () => headersSent,
    isClosed: () => closed,
  };
}
