/**
 * Runs a device bundle in a Node `vm` context shaped like the Espruino
 * interpreter built for Linux. The built-ins it lacks are deleted, and its
 * own globals (`getTime`, `E`, `process.memory`, `url`, `require` of its
 * modules) are fakes. Time runs `clock.scale` times faster.
 */
import crypto from 'node:crypto';
import vm from 'node:vm';
import type { ScaledClock } from './clock';
import { createFakeFs, createFakeStorage, createOpenFile } from './files';
import { createFakeHttp } from './http';

/** Built-ins the interpreter lacks (2v29, measured), removed in the context. */
const REMOVE = `
for (const name of ['Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'Proxy',
  'Reflect', 'WeakRef', 'FinalizationRegistry', 'RangeError', 'EvalError'])
  delete globalThis[name];
const strip = (owner, names) => names.forEach((n) => delete owner[n]);
strip(Array, ['from', 'of']);
strip(Array.prototype, ['at', 'flat', 'flatMap', 'findLast',
  'findLastIndex', 'toReversed', 'toSorted', 'toSpliced', 'with']);
strip(Number, ['isFinite', 'isNaN', 'isInteger', 'isSafeInteger',
  'parseFloat', 'parseInt', 'EPSILON']);
strip(Math, ['trunc', 'log2', 'log10', 'cbrt', 'hypot']);
strip(Object, ['freeze', 'seal', 'is', 'getOwnPropertySymbols', 'hasOwn']);
strip(Promise, ['allSettled', 'any', 'race']);
strip(Promise.prototype, ['finally']);
strip(String.prototype, ['at', 'trimStart', 'trimEnd', 'matchAll']);
`;

/** A Date whose clock is the scaled one, and without Date.UTC. */
const SCALED_DATE = `
(function (now) {
  const Base = Date;
  delete Base.UTC;
  function ScaledDate(...args) {
    if (!new.target) return new Base(now()).toString();
    return args.length === 0 ? new Base(now()) : new Base(...args);
  }
  ScaledDate.prototype = Base.prototype;
  ScaledDate.now = now;
  ScaledDate.parse = Base.parse;
  globalThis.Date = ScaledDate;
})
`;

export interface EspruinoVm {
  context: vm.Context;
  /** Lines the bundle printed. */
  output: string[];
  /** Ports of the servers the bundle listens on. */
  ports: number[];
  run(code: string, filename: string): void;
  stop(): Promise<void>;
}

export interface EspruinoVmOptions {
  clock: ScaledClock;
  /** Folder standing in for the SD card and the working directory. */
  root: string;
  /** Files in Storage, e.g. `secrets.json`. */
  storage: Record<string, string>;
}

function parseUrl(href: string) {
  const u = new URL(href);
  return {
    protocol: u.protocol,
    method: 'GET',
    host: u.hostname,
    path: u.pathname + u.search,
    pathname: u.pathname,
    search: u.search || null,
    port: u.port ? Number(u.port) : 80,
    query: u.search ? u.search.slice(1) : null,
  };
}

export function createEspruinoVm(options: EspruinoVmOptions): EspruinoVm {
  const { clock } = options;
  const output: string[] = [];
  const timers = new Map<number, NodeJS.Timeout>();
  let nextTimer = 1;
  let stopped = false;
  const http = createFakeHttp();

  function addTimer(fn: () => void, ms: number, repeat: boolean): number {
    const id = nextTimer++;
    // Callbacks still in flight at stop() must not start new timers.
    if (stopped) return id;
    const wall = clock.toWall(ms);
    const handle = repeat
      ? setInterval(fn, wall)
      : setTimeout(() => {
          timers.delete(id);
          fn();
        }, wall);
    timers.set(id, handle);
    return id;
  }
  const clearTimer = (id: number) => {
    clearTimeout(timers.get(id));
    timers.delete(id);
  };

  const print = (...args: unknown[]) => output.push(args.map(String).join(' '));
  const modules: Record<string, unknown> = {
    http: http.module,
    fs: createFakeFs(options.root),
    Storage: createFakeStorage(options.storage),
    TelnetServer: { setOptions: () => undefined },
    crypto: {
      SHA256: (text: string) => {
        const digest = crypto
          .createHash('sha256')
          .update(text, 'latin1')
          .digest();
        return new Uint8Array(digest).buffer;
      },
    },
    neopixel: { write: () => undefined },
  };

  const context = vm.createContext({
    setTimeout: (fn: () => void, ms?: number) => addTimer(fn, ms || 0, false),
    setInterval: (fn: () => void, ms?: number) => addTimer(fn, ms || 0, true),
    clearTimeout: clearTimer,
    clearInterval: clearTimer,
    getTime: () => clock.now() / 1000,
    print,
    console: { log: print, warn: print, error: print, info: print },
    url: { parse: parseUrl },
    process: {
      env: { BOARD: 'LINUX', VERSION: '2v29' },
      memory: () => ({ free: 16383, usage: 0, total: 16383 }),
    },
    E: {
      openFile: createOpenFile(options.root),
      connectSDCard: () => undefined,
      setFlags: () => undefined,
      getSizeOf: () => 0,
    },
    require(name: string) {
      if (!(name in modules))
        throw new Error('Module "' + name + '" not found');
      return modules[name];
    },
  });
  vm.runInContext(REMOVE, context);
  vm.runInContext(SCALED_DATE, context)(() => clock.now());
  vm.runInContext('globalThis.global = globalThis;', context);

  return {
    context,
    output,
    ports: http.ports,
    run(code, filename) {
      vm.runInContext(code, context, { filename });
    },
    async stop() {
      stopped = true;
      for (const id of [...timers.keys()]) clearTimer(id);
      await http.close();
    },
  };
}
