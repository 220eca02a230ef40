import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createNodeHttpClient } from '../firmware/drivers/node/http-client';
import { sha256hex } from '../firmware/drivers/node/platform';
import { createShellyClient, ShellyError } from '../firmware/lib/shelly-client';
import { startSimulator, type Simulator } from '../sim';

const PASSWORD = 'correct horse';

function client(sim: Simulator, password: string | null, timeoutMs = 2000) {
  return createShellyClient({
    baseUrl: sim.url,
    password,
    timeoutMs,
    http: createNodeHttpClient(),
    sha256hex,
  });
}

async function failure(promise: Promise<unknown>): Promise<ShellyError> {
  try {
    await promise;
  } catch (err) {
    return err as ShellyError;
  }
  throw new Error('expected the call to fail');
}

test('shelly client digest with the right password', async () => {
  const sim = await startSimulator({ password: PASSWORD });
  const c = client(sim, PASSWORD);
  for (let i = 0; i < 3; i++) {
    const status = (await c.call('Switch.GetStatus', { id: 0 })) as {
      id: number;
    };
    assert.is(status.id, 0);
  }
  const set = (await c.call('Switch.Set', { id: 0, on: false })) as {
    was_on: boolean;
  };
  assert.is(set.was_on, true);
  assert.is(sim.state().output, false);
  await sim.stop();
});

test('shelly client wrong password fails with auth', async () => {
  const sim = await startSimulator({ password: PASSWORD });
  const err = await failure(
    client(sim, 'wrong').call('Switch.GetStatus', { id: 0 }),
  );
  assert.instance(err, ShellyError);
  assert.is(err.code, 'auth');
  assert.match(err.message, /wrong plug password/);
  assert.is(sim.state().output, true);
  await sim.stop();
});

test('shelly client without password fails with auth', async () => {
  const sim = await startSimulator({ password: PASSWORD });
  const err = await failure(
    client(sim, null).call('Switch.GetStatus', { id: 0 }),
  );
  assert.is(err.code, 'auth');
  assert.match(err.message, /needs a password/);
  await sim.stop();
});

test('shelly client renews an expired nonce', async () => {
  let now = Date.UTC(2026, 5, 1);
  const sim = await startSimulator({
    password: PASSWORD,
    now: () => now,
    nonceTtlMs: 1000,
  });
  const c = client(sim, PASSWORD);
  await c.call('Switch.GetStatus', { id: 0 });
  now += 5000;
  const status = (await c.call('Switch.GetStatus', { id: 0 })) as {
    id: number;
  };
  assert.is(status.id, 0);
  await sim.stop();
});

test('shelly client device info needs no password', async () => {
  const sim = await startSimulator({ password: PASSWORD });
  const info = await client(sim, null).deviceInfo();
  assert.is(info.auth_en, true);
  assert.is(info.id, sim.deviceId);
  await sim.stop();
});

test('shelly client maps RPC errors', async () => {
  const sim = await startSimulator({});
  const err = await failure(
    client(sim, null).call('Switch.GetStatus', { id: 7 }),
  );
  assert.is(err.code, 'rpc');
  assert.is(err.rpcCode, -105);
  const missing = await failure(client(sim, null).call('Switch.Nope', {}));
  assert.is(missing.rpcCode, 404);
  await sim.stop();
});

test('shelly client maps HTTP 429', async () => {
  const sim = await startSimulator({ faults: { http429: true } });
  const err = await failure(
    client(sim, null).call('Switch.GetStatus', { id: 0 }),
  );
  assert.is(err.code, 'http429');
  await sim.stop();
});

test('shelly client times out on no reply', async () => {
  const sim = await startSimulator({ faults: { noReply: true } });
  const started = Date.now();
  const err = await failure(
    client(sim, null, 300).call('Switch.GetStatus', { id: 0 }),
  );
  assert.is(err.code, 'timeout');
  assert.ok(Date.now() - started < 2000);
  sim.clearFaults();
  await sim.stop();
});

test('shelly client reports a refused connection', async () => {
  const sim = await startSimulator({});
  const c = client(sim, null);
  await sim.stop();
  const err = await failure(c.call('Switch.GetStatus', { id: 0 }));
  assert.is(err.code, 'network');
});

test.run();
