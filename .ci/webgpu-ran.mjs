// Reads a vitest JSON report and checks that the webgpu suites ran: they skip as a whole where
// Dawn finds no WebGPU adapter, which must not pass unseen once CI has installed a Vulkan driver.
// A single test skipped inside a suite that ran (a known gap of tfjs-backend-webgpu) is fine.
// Prints what ran; exits 1 when a webgpu suite skipped all its tests, or no webgpu test ran.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const suites = new Map();
for (const file of report.testResults ?? []) {
  for (const test of file.assertionResults ?? []) {
    const suite = `${file.name} > ${test.ancestorTitles.join(' > ')}`;
    if (!/webgpu/i.test(suite)) continue;
    const counts = suites.get(suite) ?? { ran: 0, skipped: 0 };
    if (test.status === 'passed' || test.status === 'failed') counts.ran++;
    else counts.skipped++;
    suites.set(suite, counts);
  }
}
const all = [...suites.values()];
const ran = all.reduce((n, c) => n + c.ran, 0);
const skipped = all.reduce((n, c) => n + c.skipped, 0);
console.log(`webgpu tests: ${ran} ran, ${skipped} skipped, in ${suites.size} suites`);
// The suites put the reason they skipped in their titles.
const unrun = [...suites].filter(([, c]) => c.ran === 0).map(([suite]) => suite);
for (const suite of unrun) console.log(`  did not run: ${suite}`);
process.exit(ran === 0 || unrun.length > 0 ? 1 : 0);
