/**
 * A scripted ShellyClient: each call takes the next scripted outcome for its
 * method, or the method's default. Records every call in order.
 */
import {
  ShellyError,
  type ShellyClient,
} from '../../firmware/lib/shelly-client';
import { realPlusPlugS } from '../fixtures/plug-responses';

export type Outcome = { result: unknown } | { error: ShellyError };

export interface FakeShellyClient extends ShellyClient {
  calls: { method: string; params: Record<string, unknown> }[];
  script: Record<string, Outcome[]>;
  /** Returned when a method's script is empty; change to simulate outages. */
  defaults: Record<string, Outcome>;
  total: number;
  inFlight: number;
  maxInFlight: number;
}

export function failure(code: string): Outcome {
  return { error: new ShellyError(code, 'scripted ' + code) };
}

export function createFakeShellyClient(): FakeShellyClient {
  const fake: FakeShellyClient = {
    calls: [],
    script: {},
    total: 100,
    inFlight: 0,
    maxInFlight: 0,
    defaults: {
      'Switch.Set': { result: { was_on: false } },
      'Sys.GetStatus': { result: { unixtime: 1780000000 } },
    },
    async call(method, params) {
      fake.calls.push({ method, params });
      fake.inFlight += 1;
      fake.maxInFlight = Math.max(fake.maxInFlight, fake.inFlight);
      await Promise.resolve();
      fake.inFlight -= 1;
      const queue = fake.script[method];
      let outcome =
        queue && queue.length > 0 ? queue.shift() : fake.defaults[method];
      if (!outcome && method === 'Switch.GetStatus') {
        fake.total += 0.5;
        outcome = {
          result: { ...realPlusPlugS, aenergy: { total: fake.total } },
        };
      }
      if (!outcome)
        throw new ShellyError('rpc', 'No handler for ' + method, 404);
      if ('error' in outcome) throw outcome.error;
      return outcome.result;
    },
    async deviceInfo() {
      fake.calls.push({ method: 'GET /shelly', params: {} });
      const queue = fake.script['GET /shelly'];
      const outcome = queue && queue.length > 0 ? queue.shift() : undefined;
      if (outcome && 'error' in outcome) throw outcome.error;
      return {
        id: 'shellyplusplugs-aabbcc',
        model: 'SNPL-00112EU',
        gen: 2,
        ver: '1.1.0',
        auth_en: false,
      };
    },
  };
  return fake;
}
