/**
 * Streaming web app files to a response in chunks, each read from the card
 * after the previous one drained.
 */
import type { ServerResponse } from '../http-server';

/** An open file; `read` returns undefined, null or '' at the end. */
export interface OpenFile {
  size: number;
  read(bytes: number): string | null | undefined;
  close(): void;
}

/** Opens web app files by their path inside the web root. */
export interface FileSource {
  /** The file, or null when it does not exist or cannot be read. */
  open(path: string): OpenFile | null;
}

/** Bytes read per chunk: two of Espruino's 536-byte socket sends. */
export const FILE_CHUNK_BYTES = 1072;

/**
 * Sends the rest of `file` and ends the response. The file is closed at
 * the end, when the client leaves, or when a read fails, which aborts the
 * response, so the browser reports the download as failed.
 */
export function serveFile(
  res: ServerResponse & { destroy?: () => void },
  file: OpenFile,
): void {
  let done = false;

  function finish(): void {
    if (done) return;
    done = true;
    try {
      file.close();
    } catch {
      // The card may be gone; there is nothing left to release.
    }
  }

  function pump(): void {
    while (!done) {
      let chunk: string | null | undefined;
      try {
        chunk = file.read(FILE_CHUNK_BYTES);
      } catch {
        finish();
        if (res.destroy) res.destroy();
        else res.end();
        return;
      }
      if (!chunk) {
        finish();
        res.end();
        return;
      }
      if (!res.write(chunk)) return;
    }
  }

  res.onClose(finish);
  res.onDrain(pump);
  pump();
}
