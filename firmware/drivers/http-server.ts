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
  /** Returns false when the socket buffer is full; wait for `onDrain`. */
  write(chunk: string): boolean;
  end(chunk?: string): void;
  onClose(listener: () => void): void;
  onDrain(listener: () => void): void;
}

export type RequestHandler = (req: ServerRequest, res: ServerResponse) => void;

export interface HttpServerDriver {
  /** Start listening; resolves with the URLs the server is reachable at. */
  listen(handler: RequestHandler): Promise<string[]>;
  close(): Promise<void>;
}
