import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createMeterState,
  restoreMeterState,
  stepMeter,
  type MeterStep,
} from '../firmware/lib/meter';
import { buildReading, createPollSession } from '../firmware/lib/poll-session';
import { realPlusPlugS } from './fixtures/plug-responses';

/** Counter sequences as a plug reports them; null is a reply without energy. */
const SCENARIOS: Record<string, (number | null)[]> = {
  steady: [100, 100.5, 101, 101.25, 102],
  idle: [50, 50, 50, 50],
  resetToZero: [500, 510, 0, 2, 4],
  resetMidway: [500, 510, 3, 6],
  twoResets: [10, 20, 1, 5, 0.5, 7],
  missingFields: [10, null, 12, null, null, 15],
  noise: [100, 100.002, 100.001, 100.5],
  startAfterReset: [0, 0.1, 0.2],
  bigJump: [1, 50000],
};

function runScenario(values: (number | null)[]): MeterStep[] {
  const state = createMeterState();
  return values.map((v) => stepMeter(state, v));
}

for (const name of Object.keys(SCENARIOS)) {
  test('meter invariants: ' + name, () => {
    const steps = runScenario(SCENARIOS[name]);
    let lastTotal: number | null = null;
    let lastSegment = 0;
    for (const step of steps) {
      if (step.intervalWh !== null) {
        assert.ok(
          step.intervalWh >= 0,
          'interval negative: ' + step.intervalWh,
        );
      }
      if (step.totalWh !== null && lastTotal !== null) {
        assert.ok(step.totalWh >= lastTotal, 'total went down');
        if (step.intervalWh !== null) {
          const delta = Math.round((step.totalWh - lastTotal) * 1000) / 1000;
          assert.is(delta, step.intervalWh, 'total change equals interval');
        }
      }
      assert.ok(step.segment >= lastSegment, 'segment went down');
      if (step.totalWh !== null) lastTotal = step.totalWh;
      lastSegment = step.segment;
    }
  });
}

test('meter reset starts a new segment', () => {
  const steps = runScenario(SCENARIOS.resetToZero);
  assert.is(steps[2].reset, true);
  assert.is(steps[2].segment, 1);
  assert.is(steps[2].totalWh, 510);
  assert.is(steps[4].totalWh, 514);
});

test('meter counts two resets', () => {
  const steps = runScenario(SCENARIOS.twoResets);
  assert.is(steps[steps.length - 1].segment, 2);
  assert.is(steps[steps.length - 1].totalWh, 20 + 5 + 7);
});

test('meter first reading has no interval', () => {
  const steps = runScenario([42]);
  assert.is(steps[0].intervalWh, null);
  assert.is(steps[0].totalWh, 42);
});

test('meter missing energy keeps the known total', () => {
  const steps = runScenario(SCENARIOS.missingFields);
  assert.is(steps[1].intervalWh, null);
  assert.is(steps[1].totalWh, 10);
  assert.is(steps[2].intervalWh, 2);
  assert.is(steps[5].intervalWh, 3);
});

test('meter missing energy before any total is null', () => {
  const steps = runScenario([null, 5]);
  assert.is(steps[0].totalWh, null);
  assert.is(steps[1].totalWh, 5);
});

test('meter rounding noise is no reset', () => {
  const steps = runScenario(SCENARIOS.noise);
  assert.is(steps[2].reset, false);
  assert.is(steps[2].intervalWh, 0);
  assert.is(steps[3].segment, 0);
});

test('meter restore continues the logged total', () => {
  const state = restoreMeterState(1500, 200, 3);
  const same = stepMeter(state, 201);
  assert.is(same.totalWh, 1501);
  assert.is(same.intervalWh, 1);
  assert.is(same.segment, 3);
  const reset = stepMeter(state, 0.5);
  assert.is(reset.totalWh, 1501.5);
  assert.is(reset.segment, 4);
});

test('meter with real Plus Plug S reply', () => {
  const session = createPollSession(createMeterState());
  const stamp = { ts: 1707326925000, source: 'plug' as const };
  const first = buildReading(session, realPlusPlugS, 0, stamp);
  assert.is(first.totalWh, 7258.589);
  assert.is(first.plugTotalWh, 7258.589);
  assert.is(first.powerW, 2.7);
  assert.is(first.lastMinuteMWh, 34.786);
  const later = {
    ...realPlusPlugS,
    aenergy: { ...realPlusPlugS.aenergy, total: 7258.634 },
  };
  const second = buildReading(session, later, 1000, stamp);
  assert.is(second.intervalWh, 0.045);
  assert.is(second.gapS, null);
});

test('meter gap is marked on the next reading', () => {
  const session = createPollSession(createMeterState());
  const stamp = { ts: 0, source: 'ntp' as const };
  buildReading(session, realPlusPlugS, 1000, stamp);
  session.inGap = true;
  const later = { ...realPlusPlugS, aenergy: { total: 7260 } };
  const after = buildReading(session, later, 31000, stamp);
  assert.is(after.gapS, 30);
  assert.is(after.intervalWh, 1.411);
  const next = buildReading(session, later, 32000, stamp);
  assert.is(next.gapS, null);
});

test.run();
