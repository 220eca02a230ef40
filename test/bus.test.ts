import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createBus } from '../firmware/bus/bus';
import type { EventName, Events } from '../firmware/bus/events';
import { silentLogger } from '../firmware/lib/logger';
import { createCapturingLogger, recordEvents } from './support/actors-helpers';

const Bus = suite('bus');

Bus('emit reaches typed listeners', () => {
  const bus = createBus(silentLogger);
  const seen: boolean[] = [];
  const other: unknown[] = [];
  bus.on('shelly.setOutput', (payload) => seen.push(payload.on));
  bus.on('log.setEnabled', (payload) => other.push(payload));

  bus.emit('shelly.setOutput', { on: true });
  bus.emit('shelly.setOutput', { on: false });

  assert.equal(seen, [true, false]);
  assert.equal(other, []);
});

Bus('throwing listener does not stop the next', () => {
  const { log, records } = createCapturingLogger();
  const bus = createBus(log);
  const errors = recordEvents(bus, 'system.errorReported');
  const after: boolean[] = [];
  bus.on('shelly.setOutput', () => {
    throw new Error('listener broke');
  });
  bus.on('shelly.setOutput', (payload) => after.push(payload.on));

  bus.emit('shelly.setOutput', { on: true });

  assert.equal(after, [true]);
  assert.is(errors.length, 1);
  assert.equal(errors[0], {
    source: 'shelly.setOutput',
    message: 'listener broke',
  });
  const logged = records.filter((r) => r.level === 'error');
  assert.is(logged.length, 1);
  assert.equal(logged[0].fields, {
    event: 'shelly.setOutput',
    error: 'listener broke',
  });
});

Bus('non-Error throw is reported as text', () => {
  const bus = createBus(silentLogger);
  const errors = recordEvents(bus, 'system.errorReported');
  bus.on('log.setEnabled', () => {
    throw 'plain string';
  });

  bus.emit('log.setEnabled', { enabled: true });

  assert.is(errors.length, 1);
  assert.is(errors[0].message, 'plain string');
});

Bus('onAny receives type and payload', () => {
  const bus = createBus(silentLogger);
  const seen: [EventName, unknown][] = [];
  bus.onAny((type, payload) => seen.push([type, payload]));

  bus.emit('shelly.setOutput', { on: true });
  bus.emit('server.clientsChanged', { sse: 2 });

  assert.equal(seen, [
    ['shelly.setOutput', { on: true }],
    ['server.clientsChanged', { sse: 2 }],
  ]);
});

Bus('wildcard runs after typed listeners', () => {
  const bus = createBus(silentLogger);
  const order: string[] = [];
  bus.onAny(() => order.push('any'));
  bus.on('log.setEnabled', () => order.push('typed'));

  bus.emit('log.setEnabled', { enabled: false });

  assert.equal(order, ['typed', 'any']);
});

Bus('throwing wildcard is reported', () => {
  const bus = createBus(silentLogger);
  const errors = recordEvents(bus, 'system.errorReported');
  const failing = (type: EventName) => {
    if (type === 'log.setEnabled') throw new Error('wildcard broke');
  };
  bus.onAny(failing);

  bus.emit('log.setEnabled', { enabled: true });

  assert.equal(errors, [
    { source: 'log.setEnabled', message: 'wildcard broke' },
  ]);
});

Bus('off removes a listener', () => {
  const bus = createBus(silentLogger);
  const seen: number[] = [];
  const handler = (payload: Events['server.clientsChanged']) =>
    seen.push(payload.sse);
  bus.on('server.clientsChanged', handler);
  bus.emit('server.clientsChanged', { sse: 1 });

  bus.off('server.clientsChanged', handler);
  bus.emit('server.clientsChanged', { sse: 2 });

  assert.equal(seen, [1]);
});

Bus('offAny removes a wildcard', () => {
  const bus = createBus(silentLogger);
  const seen: string[] = [];
  const handler = (type: EventName) => seen.push(type);
  bus.onAny(handler);
  bus.emit('server.clientsChanged', { sse: 1 });

  bus.offAny(handler);
  bus.emit('server.clientsChanged', { sse: 2 });

  assert.equal(seen, ['server.clientsChanged']);
});

Bus('listener removed during emit still runs once', () => {
  const bus = createBus(silentLogger);
  const calls: string[] = [];
  const second = () => calls.push('second');
  bus.on('log.setEnabled', () => {
    calls.push('first');
    bus.off('log.setEnabled', second);
  });
  bus.on('log.setEnabled', second);

  bus.emit('log.setEnabled', { enabled: true });
  bus.emit('log.setEnabled', { enabled: true });

  assert.equal(calls, ['first', 'second', 'first']);
});

Bus('throwing errorReported listener does not recurse', () => {
  const { log, records } = createCapturingLogger();
  const bus = createBus(log);
  let reports = 0;
  bus.on('system.errorReported', () => {
    reports++;
    throw new Error('reporter broke');
  });
  bus.on('log.setEnabled', () => {
    throw new Error('listener broke');
  });

  bus.emit('log.setEnabled', { enabled: true });

  assert.is(reports, 1);
  const messages = records.map((r) => r.fields?.error);
  assert.equal(messages, ['listener broke', 'reporter broke']);
});

Bus('throwing wildcard does not recurse', () => {
  const bus = createBus(silentLogger);
  let calls = 0;
  bus.onAny(() => {
    calls++;
    throw new Error('wildcard broke');
  });

  bus.emit('log.setEnabled', { enabled: true });

  // Once for the event itself, once for the system.errorReported it caused.
  assert.is(calls, 2);
});

Bus.run();
