/**
 * Incoming HTTP. The driver reads and caps the request body before calling
 * the handler, so handlers never see a stream.
 */
export interface ServerRequest {
  method: string;
  /** Path and query, e.g. `/api/logs?day=2026-01-01`. */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
  remoteAddress: string;
}

export interface ServerResponse {
  writeHead(status: number, headers: Record<string, string>): void;
  /**
   * Returns false when the socket buffer is full; wait for `onDrain`.
   * Strings are sent as UTF-8 on Node and as bytes on Espruino, whose
   * strings are byte strings; binary files go as a Uint8Array.
   */
  write(chunk: string | Uint8Array): boolean;
  end(chunk?: string | Uint8Array): void;
  /** Drop the connection without finishing the response, where supported. */
  destroy?(): void;
  onClose(listener: () => void): void;
  onDrain(listener: () => void): void;
}

export type RequestHandler = (req: ServerRequest, res: ServerResponse) => void;

export interface HttpServerDriver {
  /** Start listening; resolves with the URLs the server is reachable at. */
  listen(handler: RequestHandler): Promise<string[]>;
  close(): Promise<void>;
}
