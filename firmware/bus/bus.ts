/**
 * The typed bus: a mitt emitter whose `emit` calls each listener in its own
 * try/catch, so one throwing listener is reported and the others still run.
 * mitt's own emit would stop at the first throw.
 */
import mitt, { type Emitter, type Handler, type WildcardHandler } from 'mitt';
import type { EventName, Events } from './events';
import type { Logger } from '../lib/logger';

export interface Bus {
  on<K extends EventName>(type: K, handler: Handler<Events[K]>): void;
  off<K extends EventName>(type: K, handler: Handler<Events[K]>): void;
  onAny(handler: WildcardHandler<Events>): void;
  offAny(handler: WildcardHandler<Events>): void;
  emit<K extends EventName>(type: K, payload: Events[K]): void;
}

export function createBus(log: Logger): Bus {
  const emitter: Emitter<Events> = mitt<Events>();

  function report(type: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    log.error('listener failed', { event: type, error: message });
    if (type !== 'system.errorReported') {
      emit('system.errorReported', { source: type, message });
    }
  }

  function emit<K extends EventName>(type: K, payload: Events[K]): void {
    const typed = emitter.all.get(type) as Handler<Events[K]>[] | undefined;
    const handlers = typed ? typed.slice() : [];
    for (const handler of handlers) {
      try {
        handler(payload);
      } catch (err) {
        report(type, err);
      }
    }
    const any = emitter.all.get('*') as WildcardHandler<Events>[] | undefined;
    const wildcards = any ? any.slice() : [];
    for (const handler of wildcards) {
      try {
        handler(type, payload);
      } catch (err) {
        report(type, err);
      }
    }
  }

  return {
    on: (type, handler) => emitter.on(type, handler),
    off: (type, handler) => emitter.off(type, handler),
    onAny: (handler) => emitter.on('*', handler),
    offAny: (handler) => emitter.off('*', handler),
    emit,
  };
}
