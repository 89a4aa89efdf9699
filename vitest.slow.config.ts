import { defineConfig } from 'vitest/config';

// The slow tier: whole-system tests that boot QEMU (software emulation) and build disk images.
// Run with `npm run test:slow`; every test is skipped unless ROOTCAST_SLOW=1.
export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    // One VM at a time: two TCG guests on a 2-core machine would each take twice as long.
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 20 * 60_000,
    hookTimeout: 20 * 60_000,
  },
});
