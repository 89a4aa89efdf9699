/** What a short look at a host after push's --timeout found (push-plan.ts `lookCommand`). */
export type UpdateLook =
  | { kind: 'running'; pid: number; ref: string | undefined }
  | { kind: 'unfinished'; ref: string | undefined }
  | { kind: 'idle' }
  | { kind: 'unknown'; reason: string };

/** Pure: `lookCommand`'s output (`marker {JSON}`, `running PID`, each when so) as what it means. */
export const parseUpdateLook = (output: string): UpdateLook => {
  const lines = output.split('\n').map((line) => line.trim());
  const markerLine = lines.find((line) => line.startsWith('marker '));
  const pid = Number(/^running (\d+)$/.exec(lines.find((line) => line.startsWith('running ')) ?? '')?.[1]);
  let ref: string | undefined;
  try {
    const marker = markerLine === undefined ? undefined : (JSON.parse(markerLine.slice('marker '.length)) as { ref?: unknown });
    ref = typeof marker?.ref === 'string' ? marker.ref : undefined;
  } catch {
    ref = undefined;
  }
  if (Number.isInteger(pid) && pid > 0) return { kind: 'running', pid, ref };
  return markerLine === undefined ? { kind: 'idle' } : { kind: 'unfinished', ref };
};

/** Where push had got to when its --timeout fired. */
export type TimedOutStage = 'before-update' | 'updating' | 'dry-run';

const named = (ref: string | undefined): string => (ref === undefined ? '' : ` to ${ref}`);

/** Which host push gave up on, after how long, and the lock file its update takes there. */
export interface TimedOutHost {
  host: string;
  seconds: number;
  lockFile: string;
}

/**
 * Pure: the timed-out host's message: how long push waited, what it was doing, what the look found
 * and where to see the rest.
 */
export const describeTimeout = ({ host, seconds, lockFile }: TimedOutHost, stage: TimedOutStage, look: UpdateLook | undefined): string => {
  const waited = `no result within --timeout ${seconds} s`;
  if (stage === 'before-update') return `${waited} while connecting and checking the runner on ${host}: the update was not started; re-run push`;
  if (stage === 'dry-run') return `${waited} from the dry run on ${host} (a dry run changes nothing); re-run it with a longer --timeout`;
  const where = `see rootcast host show ${host} (serve records the update's events)`;
  const locked = 're-run push once it has ended (while it runs, a second update is refused with LOCKED)';
  switch (look?.kind) {
    case 'running':
      return `${waited}: the update${named(look.ref)} is still running on ${host} (PID ${look.pid} holds ${lockFile}) and goes on without push; ${where}, or ${locked}`;
    case 'unfinished':
      return `${waited}: the update${named(look.ref)} on ${host} stopped before it finished (its marker /etc/rootcast/update-in-progress is there, no update runs); re-run push to finish it; ${where}`;
    case 'idle':
      return `${waited}: no update runs on ${host} and none is unfinished, so it ended after push stopped waiting (or never started); ${where}`;
    default:
      return `${waited}: the update may still be running on ${host}${look === undefined ? '' : ` (a look at the host failed: ${look.reason})`}; ${where}, or ${locked}`;
  }
};
