/**
 * Rollup plugin that trims the object XState's `setup()` returns to
 * `assign`, `sendTo`, `createStateConfig`, `createAction`, `createMachine`
 * and `extend`. The device machines only call `createMachine` on it. They
 * import action creators such as `raise` or `emit` from `xstate` when they
 * need them.
 *
 * Without the references from `setup`, Rollup leaves out `log`,
 * `enqueueActions`, `emit`, `sendParent` and their helpers: 9 top-level
 * functions in XState 5.33, 59 variables of Espruino at load (measured).
 * `raise`, `cancel`, `stopChild` and `spawnChild` stay, because XState
 * itself uses them.
 *
 * The build fails if XState's code no longer matches.
 */
const XSTATE = /node_modules[\\/]xstate[\\/]dist[\\/]/;

const MEMBERS_FROM = `  return {
    assign,
    sendTo,
    raise,
    log,
    cancel,
    stopChild,
    enqueueActions,
    emit,
    spawnChild,
    createStateConfig: config => config,`;
const MEMBERS_TO = `  return {
    assign,
    sendTo,
    createStateConfig: config => config,`;

export default function trimXstateSetup() {
  return {
    name: 'trim-xstate-setup',
    transform(code, id) {
      if (!XSTATE.test(id) || !code.includes('function setup(')) return null;
      const at = code.indexOf(MEMBERS_FROM);
      if (at < 0 || code.indexOf(MEMBERS_FROM, at + 1) >= 0) {
        throw new Error(
          `trim-xstate-setup: expected one setup() result in ${id}. ` +
            'Update the plugin for the installed XState version.',
        );
      }
      const out =
        code.slice(0, at) + MEMBERS_TO + code.slice(at + MEMBERS_FROM.length);
      return { code: out, map: null };
    },
  };
}
