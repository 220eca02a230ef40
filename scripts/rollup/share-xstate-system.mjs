/**
 * Rollup plugin that lets root actors share one XState system, because on
 * Espruino each system costs about 220 variables (measured with the device
 * entry, XState 5.33): its closures, scheduler and four collections.
 *
 * It makes two changes to XState's `Actor` and `createSystem`:
 * - `createActor(logic, { system })` joins that system instead of
 *   creating one (`firmware/lib/run-actor.ts` passes it when
 *   `RunOptions.system` is set);
 * - `system.start()` runs once, so a later root actor does not schedule
 *   the delayed events of the actors already running a second time.
 *
 * The build fails if XState's code no longer matches.
 */
const XSTATE = /node_modules[\\/]xstate[\\/]dist[\\/]/;

const JOIN_FROM = 'this.system = parent ? parent.system : createSystem(this, {';
const JOIN_TO =
  'this.system = parent ? parent.system : resolvedOptions.system || ' +
  'createSystem(this, {';
const START_FROM = `    start: () => {
      const scheduledEvents = system._snapshot._scheduledEvents;`;
const START_TO = `    start: () => {
      if (system._started) return;
      system._started = true;
      const scheduledEvents = system._snapshot._scheduledEvents;`;

function replaceOnce(code, from, to, id) {
  const at = code.indexOf(from);
  if (at < 0 || code.indexOf(from, at + 1) >= 0) {
    throw new Error(
      `share-xstate-system: expected one "${from.trim()}" in ${id}. ` +
        'Update the plugin for the installed XState version.',
    );
  }
  return code.slice(0, at) + to + code.slice(at + from.length);
}

export default function shareXstateSystem() {
  return {
    name: 'share-xstate-system',
    transform(code, id) {
      if (!XSTATE.test(id) || !code.includes('function createSystem(')) {
        return null;
      }
      let out = replaceOnce(code, JOIN_FROM, JOIN_TO, id);
      out = replaceOnce(out, START_FROM, START_TO, id);
      return { code: out, map: null };
    },
  };
}
