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

/** The error a request rejects with. Its `code` is `timeout` or `network`. */
export interface HttpError extends Error {
  code: string;
}

interface HttpErrorClass {
  new (code: string, message: string): HttpError;
  prototype: HttpError;
}

/**
 * A constructor function, not `class extends Error`, because Babel compiles
 * a subclass of `Error` with `_wrapNativeSuper` and four more helpers, which
 * cost variables on Espruino. `new HttpError(...)` returns a real `Error`,
 * with its stack on Node, whose prototype is `HttpError.prototype`.
 */
export const HttpError = function HttpError(code: string, message: string) {
  const err = new Error(message) as HttpError;
  Object.setPrototypeOf(err, HttpError.prototype);
  err.code = code;
  return err;
} as unknown as HttpErrorClass;

HttpError.prototype = Object.create(Error.prototype);
HttpError.prototype.constructor = HttpError;
