/** Outgoing HTTP requests, used to reach the plug. */

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Absolute URL; on the device the host must be an IP address. */
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** Rejects with an `HttpError` whose code is `timeout` or `network`. */
export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
}

export class HttpError extends Error {
  code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}
