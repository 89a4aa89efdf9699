import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { bundleEntry, type TestBundle } from './bundle-entry.js';

export interface Churn {
  /** SIGTERM, then SIGKILL if it lingers; safe to call twice. */
  stop(): Promise<void>;
}

/** Bundles the churn process once per test file. */
export const bundleChurn = (): Promise<TestBundle> => bundleEntry(join(import.meta.dirname, 'churn-entry.ts'));

/** Starts churning below `root` (as root owns it: it may be a chroot) and resolves once it is under way. */
export const startChurn = async (bundle: TestBundle, root: string, maxSeconds = 120): Promise<Churn> => {
  const child = spawn(process.execPath, [bundle.file, root, String(maxSeconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const lingering = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(lingering);
  };
  const ready = await new Promise<boolean>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('ready') && resolve(true));
    void exited.then(() => resolve(false));
  });
  if (!ready) {
    await stop();
    throw new Error(`the churn process exited before it was under way:\n${stderr}`);
  }
  return { stop };
};
