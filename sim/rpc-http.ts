/**
 * The three HTTP forms of an RPC call, with digest authentication:
 *
 * - `POST /rpc` with a JSON-RPC frame `{id, src, method, params}` returns a
 *   frame `{id, src: <device id>, dst: <src>, result | error}` with HTTP 200.
 * - `POST /rpc/<Method>` with the params object as body returns the bare
 *   result or error.
 * - `GET /rpc/<Method>?id=0&on=true` returns the bare result or error.
 *
 * Bare errors come with HTTP 404 for code 404 and HTTP 500 otherwise. A body
 * that is not valid JSON, or a frame without a method, gets HTTP 400 with
 * code -103. Authentication is checked before the body is parsed, because
 * clients such as curl send their first, unauthenticated POST with an empty
 * body. A failed check is HTTP 401 in every form.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DigestVerifier } from './auth';
import type { Device } from './device';
import { BodyTooLargeError, queryToParams, readBody, sendJson } from './http';
import { callMethod, type RpcContext } from './rpc';
import { RpcCode, RpcError } from './rpc-error';

export interface RpcHttpContext {
  device: Device;
  /** Null when no password is set. */
  verifier: DigestVerifier | null;
  rpc: RpcContext;
  log: (message: string) => void;
}

interface ParsedCall {
  method: string;
  params: unknown;
  /** The request frame for `POST /rpc`; undefined for the bare forms. */
  frame?: Record<string, unknown>;
}

type Outcome =
  { result: unknown } | { error: { code: number; message: string } };

/** Handles a request whose path is `/rpc` or starts with `/rpc/`. */
export async function handleRpcRequest(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
  ctx: RpcHttpContext,
): Promise<void> {
  const httpMethod = req.method ?? '';
  const isFrame = path === '/rpc';
  const allowed = isFrame ? ['POST'] : ['GET', 'POST'];
  if (!allowed.includes(httpMethod)) {
    const message = `HTTP method ${httpMethod} not allowed on ${path}`;
    sendJson(
      res,
      405,
      { code: RpcCode.invalidArgument, message },
      {
        Allow: allowed.join(', '),
      },
    );
    return;
  }
  const text = httpMethod === 'POST' ? await readBodyText(req, res) : '';
  if (text === null || !authenticate(req, res, ctx, isFrame, text)) {
    return;
  }
  const call = isFrame
    ? parseFrame(text, res)
    : parseBareCall(path.slice('/rpc/'.length), httpMethod, query, text, res);
  if (!call) {
    return;
  }
  const outcome = runCall(ctx, call);
  if (call.frame) {
    sendJson(res, 200, frameReply(ctx, call.frame, outcome));
  } else if ('error' in outcome) {
    const status = outcome.error.code === RpcCode.noHandler ? 404 : 500;
    sendJson(res, status, outcome.error);
  } else {
    sendJson(res, 200, outcome.result);
  }
}

// Returns false after it has sent the 401 challenge.
function authenticate(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RpcHttpContext,
  isFrame: boolean,
  text: string,
): boolean {
  if (!ctx.verifier) {
    return true;
  }
  const verdict = ctx.verifier.verify(
    req.method ?? '',
    req.url ?? '',
    req.headers.authorization,
  );
  if (verdict === 'ok') {
    return true;
  }
  const challenge = ctx.verifier.challenge(verdict === 'stale');
  const error = { code: RpcCode.unauthorized, message: 'Unauthorized' };
  const frame = isFrame ? parseObject(text) : null;
  const body = frame ? frameReply(ctx, frame, { error }) : error;
  sendJson(res, 401, body, { 'WWW-Authenticate': challenge });
  return false;
}

function runCall(ctx: RpcHttpContext, call: ParsedCall): Outcome {
  try {
    const result = callMethod(ctx.device, call.method, call.params, ctx.rpc);
    return { result };
  } catch (error) {
    if (error instanceof RpcError) {
      return { error: { code: error.code, message: error.message } };
    }
    ctx.log(`RPC ${call.method} failed: ${String(error)}`);
    return { error: { code: RpcCode.internal, message: 'Internal error' } };
  }
}

function frameReply(
  ctx: RpcHttpContext,
  frame: Record<string, unknown>,
  outcome: Outcome,
): Record<string, unknown> {
  const reply: Record<string, unknown> = { id: frame.id ?? null };
  reply.src = ctx.device.id;
  if (typeof frame.src === 'string') {
    reply.dst = frame.src;
  }
  return { ...reply, ...outcome };
}

// Returns null after it has sent HTTP 413.
async function readBodyText(
  req: IncomingMessage,
  res: ServerResponse,
): Promise<string | null> {
  try {
    return await readBody(req);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) {
      throw error;
    }
    const reply = { code: RpcCode.invalidArgument, message: error.message };
    sendJson(res, 413, reply);
    res.on('finish', () => req.destroy());
    return null;
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    const isObject =
      typeof value === 'object' && value !== null && !Array.isArray(value);
    return isObject ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function sendInvalid(res: ServerResponse, message: string): null {
  sendJson(res, 400, { code: RpcCode.invalidArgument, message });
  return null;
}

// Returns null after it has sent HTTP 400.
function parseFrame(text: string, res: ServerResponse): ParsedCall | null {
  const frame = parseObject(text);
  if (!frame) {
    return sendInvalid(res, 'Invalid frame: expected a JSON object');
  }
  if (typeof frame.method !== 'string') {
    return sendInvalid(res, "Invalid frame: missing required 'method'");
  }
  return { method: frame.method, params: frame.params, frame };
}

// Returns null after it has sent HTTP 400. An empty POST body means no
// params.
function parseBareCall(
  method: string,
  httpMethod: string,
  query: URLSearchParams,
  text: string,
  res: ServerResponse,
): ParsedCall | null {
  if (httpMethod === 'GET') {
    return { method, params: queryToParams(query) };
  }
  if (text.trim() === '') {
    return { method, params: {} };
  }
  try {
    return { method, params: JSON.parse(text) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return sendInvalid(res, `Invalid JSON body: ${reason}`);
  }
}
