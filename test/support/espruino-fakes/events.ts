/** A minimal stand-in for Espruino's `on`/`removeListener` on objects. */

type Listener = (...args: never[]) => void;

export class FakeEmitter {
  listeners: Record<string, Listener[]> = {};

  on(event: string, listener: Listener): void {
    (this.listeners[event] = this.listeners[event] || []).push(listener);
  }

  removeListener(event: string, listener: Listener): void {
    const list = this.listeners[event] || [];
    this.listeners[event] = list.filter((l) => l !== listener);
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of (this.listeners[event] || []).slice()) {
      (listener as (...a: unknown[]) => void)(...args);
    }
  }

  count(event: string): number {
    return (this.listeners[event] || []).length;
  }
}
