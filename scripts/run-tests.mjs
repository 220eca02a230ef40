// Runs every test/*.test.ts with uvu, passes its output through, and ends
// with one summary line `N passed, N failed, N skipped` that CI can read.
import { spawn } from 'node:child_process';

const pattern = process.argv[2] || '.test.ts$';
const child = spawn(
  process.execPath,
  ['node_modules/uvu/bin.js', '-r', 'tsx', 'test', pattern],
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
  const failed =
    code === 0
      ? total - passed - skipped
      : Math.max(1, total - passed - skipped);
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code === null ? 1 : code);
});
