// Runs every test/*.test.ts with uvu, then the machine tests a second time
// against machines compacted the way the device entry compacts them
// (`test/support/compact-machines.ts`). Passes uvu's output through and
// ends with one summary line `N passed, N failed, N skipped` that CI reads.
import { spawn } from 'node:child_process';
import path from 'node:path';

const pattern = process.argv[2] || '.test.ts$';
const MACHINE_TESTS =
  '^(clock|display|led|log-queue|server|shelly|wifi-device)\\.test\\.ts$';
const compact = path.resolve('test/support/compact-machines.ts');

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['node_modules/uvu/bin.js', '-r', 'tsx', ...args],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, NODE_DISABLE_COLORS: '1' },
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('exit', (code) => {
      const count = (label) => {
        const match = new RegExp(label + ':\\s+(\\d+)').exec(output);
        return match ? Number(match[1]) : 0;
      };
      const total = count('Total');
      const passed = count('Passed');
      const skipped = count('Skipped');
      const left = total - passed - skipped;
      const failed = code === 0 ? left : Math.max(1, left);
      resolve({ passed, failed, skipped, code: code === null ? 1 : code });
    });
  });
}

const runs = [await run(['test', pattern])];
if (!process.argv[2]) {
  console.log('\nMachine tests again, with compacted machines:');
  runs.push(await run(['-r', compact, 'test', MACHINE_TESTS]));
}
const sum = (key) => runs.reduce((n, r) => n + r[key], 0);
console.log(
  `\n${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`,
);
process.exit(runs.find((r) => r.code !== 0)?.code ?? 0);
