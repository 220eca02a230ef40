/**
 * A minimal `AbortController`: XState's `fromPromise` creates one per
 * promise actor and aborts it when the actor stops. The signal supports
 * `aborted`, `reason`, `onabort`, `throwIfAborted` and `abort` listeners.
 *
 * Plain constructors with shared prototype methods, and a listener list
 * created on first use, keep each controller to a few variables on the
 * device.
 */
type Listener = (event: { type: string }) => void;

interface SignalState {
  aborted: boolean;
  reason?: unknown;
  onabort: Listener | null;
  listeners?: Listener[];
}

function AbortSignalPolyfill(this: SignalState) {
  this.aborted = false;
  this.onabort = null;
}

const signalMethods = AbortSignalPolyfill.prototype as Record<string, unknown>;

signalMethods.addEventListener = function addEventListener(
  this: SignalState,
  type: string,
  listener: Listener,
): void {
  if (type !== 'abort') return;
  if (!this.listeners) this.listeners = [];
  this.listeners.push(listener);
};

signalMethods.removeEventListener = function removeEventListener(
  this: SignalState,
  type: string,
  listener: Listener,
): void {
  const at = this.listeners ? this.listeners.indexOf(listener) : -1;
  if (type === 'abort' && at >= 0) this.listeners!.splice(at, 1);
};

signalMethods.throwIfAborted = function throwIfAborted(
  this: SignalState,
): void {
  if (this.aborted) throw this.reason;
};

function fire(signal: SignalState, reason: unknown): void {
  if (signal.aborted) return;
  signal.aborted = true;
  signal.reason = reason;
  const event = { type: 'abort' };
  if (signal.onabort) signal.onabort(event);
  const listeners = signal.listeners ? signal.listeners.slice() : [];
  for (let i = 0; i < listeners.length; i++) listeners[i](event);
}

type SignalClass = new () => SignalState;

function AbortControllerPolyfill(this: { signal: SignalState }) {
  this.signal = new (AbortSignalPolyfill as unknown as SignalClass)();
}

(AbortControllerPolyfill.prototype as Record<string, unknown>).abort =
  function abort(this: { signal: SignalState }, reason?: unknown): void {
    fire(this.signal, reason === undefined ? new Error('aborted') : reason);
  };

export const MinimalAbortController =
  AbortControllerPolyfill as unknown as new () => {
    signal: SignalState & {
      addEventListener(type: string, listener: Listener): void;
      removeEventListener(type: string, listener: Listener): void;
      throwIfAborted(): void;
    };
    abort(reason?: unknown): void;
  };
