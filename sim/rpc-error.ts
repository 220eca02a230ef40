/**
 * Error codes of the Shelly Gen2 RPC protocol used by the simulator. The
 * negative codes are -100 minus the gRPC status code of the same name.
 */
export const RpcCode = {
  invalidArgument: -103,
  notFound: -105,
  failedPrecondition: -109,
  unauthorized: 401,
  noHandler: 404,
  internal: -113,
  unavailable: -114,
} as const;

/** An RPC error that the server returns as `{code, message}`. */
export class RpcError extends Error {
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
  }
}
