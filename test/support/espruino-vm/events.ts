/**
 * The `on`/`emit` part of Espruino objects: listeners per event name,
 * called with the arguments the interpreter passes.
 */
type Listener = (...args: unknown[]) => void;

export class EspruinoEvents {
  private listeners: Record<string, Listener[]> = {};

  on(event: string, listener: Listener): void {
    (this.listeners[event] = this.listeners[event] || []).push(listener);
  }

  removeListener(event: string, listener: Listener): void {
    const list = this.listeners[event] || [];
    const at = list.indexOf(listener);
    if (at >= 0) list.splice(at, 1);
  }

  removeAllListeners(event?: string): void {
    if (event === undefined) this.listeners = {};
    else delete this.listeners[event];
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of (this.listeners[event] || []).slice())
      listener(...args);
  }
}
