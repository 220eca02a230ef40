/**
 * Admission of device requests: the concurrency limit and the transport
 * faults (no reply, HTTP 429, slow reply).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultSettings } from './faults';
import { sendJson } from './http';
import { RpcCode } from './rpc-error';

export class RequestGate {
  /** Device requests being handled now, hung `noReply` requests included. */
  inFlight = 0;
  /** Device requests received since the start, rejected ones included. */
  requestCount = 0;
  private lastAcceptedMs = -Infinity;
  private readonly sleeps = new Set<NodeJS.Timeout>();
  private readonly maxConcurrent: number;
  private readonly faults: FaultSettings;
  private readonly now: () => number;

  constructor(maxConcurrent: number, faults: FaultSettings, now: () => number) {
    this.maxConcurrent = maxConcurrent;
    this.faults = faults;
    this.now = now;
  }

  /**
   * Returns true when the request should be handled. Returns false after it
   * has replied with 503 or 429 itself, or when the `noReply` fault keeps
   * the request open until the client or `close()` drops the connection.
   */
  async admit(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    this.requestCount += 1;
    if (this.inFlight >= this.maxConcurrent) {
      const message = `Too many concurrent requests (limit ${this.maxConcurrent})`;
      sendJson(res, 503, { code: RpcCode.unavailable, message });
      return false;
    }
    this.inFlight += 1;
    res.once('close', () => {
      this.inFlight -= 1;
    });
    if (this.faults.noReply) {
      // Reading the body keeps Node's request timeout from sending 408.
      req.resume();
      return false;
    }
    const nowMs = this.now();
    const tooSoon = nowMs - this.lastAcceptedMs < this.faults.minIntervalMs;
    if (this.faults.http429 || tooSoon) {
      // NOTE: the body of a real 429 reply is not documented; this one
      // follows the bare error shape of the other replies.
      sendJson(res, 429, { code: 429, message: 'Too many requests' });
      return false;
    }
    this.lastAcceptedMs = nowMs;
    if (this.faults.delayMs > 0) {
      await this.sleep(this.faults.delayMs);
    }
    return !res.destroyed;
  }

  /** Cancels pending delays; their requests never get a reply. */
  close(): void {
    for (const timer of this.sleeps) {
      clearTimeout(timer);
    }
    this.sleeps.clear();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeps.delete(timer);
        resolve();
      }, ms);
      this.sleeps.add(timer);
    });
  }
}
