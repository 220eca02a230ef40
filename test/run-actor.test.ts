import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setup } from 'xstate';
import { createBus } from '../firmware/bus/bus';
import { createFakeTimers } from '../firmware/drivers/fake/timers';
import {
  createActorSystem,
  runMachine,
  stateString,
} from '../firmware/lib/run-actor';
import {
  createCapturingLogger,
  last,
  recordEvents,
} from './support/actors-helpers';

const RESTART_MS = 2000;

/** Machine with a nested state, a delayed transition and a failing action. */
const sampleMachine = setup({
  actions: {
    explode: () => {
      throw new Error('action broke');
    },
  },
}).createMachine({
  id: 'sample',
  initial: 'idle',
  on: { BOOM: { actions: 'explode' } },
  states: {
    idle: { on: { GO: 'online', SLEEP: 'sleeping' } },
    online: {
      initial: 'polling',
      states: {
        polling: { on: { WAIT: 'waiting' } },
        waiting: {},
      },
    },
    sleeping: { after: { 1000: 'idle' } },
  },
});

function startSample() {
  const timers = createFakeTimers();
  const { log, records } = createCapturingLogger();
  const bus = createBus(log);
  const transitions = recordEvents(bus, 'machine.transitioned');
  const running = runMachine('sample', sampleMachine, undefined, {
    bus,
    log,
    timers,
    restartMs: RESTART_MS,
    clock: timers,
  });
  return { timers, transitions, records, running };
}

const Run = suite('runMachine');

Run('initial state is reported', () => {
  const { transitions, running } = startSample();

  assert.equal(transitions, [
    { machine: 'sample', state: 'idle', event: 'xstate.init' },
  ]);
  assert.is(running.name, 'sample');
  assert.is(running.state(), 'idle');

  running.stop();
});

Run('nested states flattened with event', () => {
  const { transitions, running } = startSample();

  running.send({ type: 'GO' });
  running.send({ type: 'WAIT' });

  assert.equal(transitions.slice(1), [
    { machine: 'sample', state: 'online.polling', event: 'GO' },
    { machine: 'sample', state: 'online.waiting', event: 'WAIT' },
  ]);
  assert.is(running.state(), 'online.waiting');

  running.stop();
});

Run('event without transition is not reported', () => {
  const { transitions, running } = startSample();

  running.send({ type: 'WAIT' });

  assert.is(transitions.length, 1);

  running.stop();
});

Run('delayed transition runs on the given clock', async () => {
  const { timers, transitions, running } = startSample();
  running.send({ type: 'SLEEP' });

  await timers.advance(999);
  assert.is(running.state(), 'sleeping');

  await timers.advance(1);
  assert.is(running.state(), 'idle');
  assert.is(last(transitions).state, 'idle');
  assert.match(last(transitions).event, /^xstate\.after\./);

  running.stop();
});

Run('failed actor restarts after restartMs', async () => {
  const { timers, transitions, records, running } = startSample();
  running.send({ type: 'GO' });

  running.send({ type: 'BOOM' });

  assert.equal(last(transitions), {
    machine: 'sample',
    state: 'failed',
    event: 'error',
  });
  assert.is(running.state(), 'failed');
  const failure = records.find((r) => r.msg === 'actor failed, restarting');
  assert.ok(failure, 'failure is logged');
  assert.equal(failure.fields, {
    actor: 'sample',
    error: 'action broke',
    restartMs: RESTART_MS,
  });

  await timers.advance(RESTART_MS - 1);
  assert.is(running.state(), 'failed');

  await timers.advance(1);
  assert.equal(last(transitions), {
    machine: 'sample',
    state: 'idle',
    event: 'xstate.init',
  });

  running.send({ type: 'GO' });
  assert.is(running.state(), 'online.polling');

  running.stop();
});

Run('repeated failures restart each time', async () => {
  const { timers, transitions, running } = startSample();

  for (let i = 0; i < 3; i++) {
    running.send({ type: 'BOOM' });
    await timers.advance(RESTART_MS);
  }

  const states = transitions.map((t) => t.state);
  assert.equal(states, [
    'idle',
    'failed',
    'idle',
    'failed',
    'idle',
    'failed',
    'idle',
  ]);

  running.stop();
});

Run('stop during restart wait stays stopped', async () => {
  const { timers, transitions, running } = startSample();
  running.send({ type: 'BOOM' });

  running.stop();
  await timers.advance(RESTART_MS);

  try {
    assert.equal(
      transitions.map((t) => t.state),
      ['idle', 'failed'],
    );
    assert.is(timers.pendingCount(), 0);
  } finally {
    // Stops the actor that a pending restart may have started after stop().
    running.stop();
  }
});

Run('stop ends reports and timers', async () => {
  const { timers, transitions, records, running } = startSample();
  running.send({ type: 'SLEEP' });

  running.stop();
  running.send({ type: 'GO' });
  await timers.advance(5000);

  assert.is(transitions.length, 2);
  assert.is(timers.pendingCount(), 0);
  assert.ok(records.some((r) => r.msg === 'actor stopped'));
});

Run('actors sharing a system report own events', () => {
  const timers = createFakeTimers();
  const { log } = createCapturingLogger();
  const bus = createBus(log);
  const transitions = recordEvents(bus, 'machine.transitioned');
  const run = { bus, log, timers, clock: timers, system: createActorSystem() };
  const first = runMachine('first', sampleMachine, undefined, run);
  const second = runMachine('second', sampleMachine, undefined, run);

  first.send({ type: 'GO' });
  second.send({ type: 'SLEEP' });
  second.stop();

  assert.equal(transitions.slice(2), [
    { machine: 'first', state: 'online.polling', event: 'GO' },
    { machine: 'second', state: 'sleeping', event: 'SLEEP' },
  ]);
  assert.is(run.system.lastEvents.size, 1);
  first.stop();
  assert.is(run.system.lastEvents.size, 0);
});

/** Bridge that sends GO on `bus` event `clock.set` and counts connections. */
function goBridge() {
  const calls = { connected: 0, disconnected: 0 };
  const bridge = (
    _context: unknown,
    send: (event: { type: 'GO' }) => void,
  ): (() => void) => {
    calls.connected += 1;
    const onSet = () => send({ type: 'GO' });
    bridgeBus.on('clock.set', onSet);
    return () => {
      calls.disconnected += 1;
      bridgeBus.off('clock.set', onSet);
    };
  };
  return { calls, bridge };
}

const bridgeBus = createBus(createCapturingLogger().log);

Run('bridge forwards bus events', () => {
  const timers = createFakeTimers();
  const { log } = createCapturingLogger();
  const { calls, bridge } = goBridge();
  const running = runMachine(
    'sample',
    sampleMachine,
    undefined,
    { bus: createBus(log), log, timers, clock: timers },
    bridge as never,
  );

  bridgeBus.emit('clock.set', { unixMs: 1, source: 'browser' });

  assert.is(running.state(), 'online.polling');
  assert.is(calls.connected, 1);
  running.stop();
  assert.is(calls.disconnected, 1);
});

Run('bridge reconnects after a restart', async () => {
  const timers = createFakeTimers();
  const { log } = createCapturingLogger();
  const { calls, bridge } = goBridge();
  const run = { bus: createBus(log), log, timers, clock: timers };
  const running = runMachine(
    'sample',
    sampleMachine,
    undefined,
    { ...run, restartMs: RESTART_MS },
    bridge as never,
  );

  running.send({ type: 'BOOM' });
  assert.is(calls.disconnected, 1);
  bridgeBus.emit('clock.set', { unixMs: 1, source: 'browser' });
  assert.is(running.state(), 'failed');

  await timers.advance(RESTART_MS);
  assert.is(calls.connected, 2);
  bridgeBus.emit('clock.set', { unixMs: 2, source: 'browser' });
  assert.is(running.state(), 'online.polling');

  running.stop();
  assert.is(calls.disconnected, 2);
});

const StateString = suite('stateString');

StateString('table', () => {
  const cases: [unknown, string][] = [
    ['idle', 'idle'],
    [{ online: 'polling' }, 'online.polling'],
    [{ a: { b: 'c' } }, 'a.b.c'],
    [{ a: 'x', b: { c: 'y' } }, 'a.x,b.c.y'],
    [{ a: {} }, 'a'],
    [{}, ''],
    [null, ''],
    [undefined, ''],
    [42, ''],
  ];
  for (const [value, expected] of cases) {
    assert.is(stateString(value), expected, JSON.stringify(value));
  }
});

Run.run();
StateString.run();
