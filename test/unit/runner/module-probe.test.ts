import { describe, expect, test } from 'vitest';
import { commandEnvironmentValues } from '../../../src/runner/command-environment.js';
import { startModuleProbe } from '../../../src/runner/module-probe.js';
import { planModuleProbeCommand } from '../../../src/runner/plan-commands.js';
import { sleepUnlessAborted } from '../../../src/runner/retry-policy.js';
import { streamProcess } from '../../../src/sys/stream-process.js';
import { freePort } from '../../../src/sys/free-port.js';

// A real rsync against a port nobody listens on: connection refused is transient, so the probe retries.
describe('an early module probe', () => {
  test('retries a refused connection, and cancel() ends the retry loop at once instead of after the backoff', async () => {
    const port = await freePort('127.0.0.1');
    const retries: string[] = [];
    const killed: number[] = [];
    const started = startModuleProbe(
      { command: planModuleProbeCommand(`rsync://web07@127.0.0.1:${port}/img.web.1/`), what: 'image web@1' },
      {
        stream: streamProcess,
        environment: commandEnvironmentValues('tok'),
        log: () => undefined,
        retry: { attempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
        hooks: { sleep: sleepUnlessAborted, onRetry: (reason) => void retries.push(reason) },
      },
      (pid) => void killed.push(pid),
    );
    // The first try fails quickly and the loop then sleeps for a minute.
    for (let wait = 0; wait < 200 && retries.length === 0; wait += 1) await sleepUnlessAborted(25);
    expect(retries).toHaveLength(1);
    started.cancel();
    await expect(started.settled).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect(retries).toHaveLength(1);
    expect(killed).toEqual([]); // no rsync was running while it slept
  });
});
