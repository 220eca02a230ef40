/**
 * A minimal `AbortController`: XState's `fromPromise` creates one per
 * promise actor and aborts it when the actor stops. The signal supports
 * `aborted`, `reason`, `onabort`, `throwIfAborted` and `abort` listeners.
 */
type Listener = (event: { type: string }) => void;

export class MinimalAbortSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: Listener | null = null;
  private listeners: Listener[] = [];

  addEventListener(type: string, listener: Listener): void {
    if (type === 'abort') this.listeners.push(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    const at = this.listeners.indexOf(listener);
    if (type === 'abort' && at >= 0) this.listeners.splice(at, 1);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  fire(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const event = { type: 'abort' };
    if (this.onabort) this.onabort(event);
    const listeners = this.listeners.slice();
    for (let i = 0; i < listeners.length; i++) listeners[i](event);
  }
}

export class MinimalAbortController {
  signal = new MinimalAbortSignal();

  abort(reason?: unknown): void {
    this.signal.fire(reason === undefined ? new Error('aborted') : reason);
  }
}
