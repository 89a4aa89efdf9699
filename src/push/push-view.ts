import { formatBytes, formatTable } from '../text/format.js';
import type { HostPushResult, PushStage } from './push-result.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** One plain line per event (not a terminal): `web07 connecting`, `web07 updated web@7 -> web@8, 12 files, 3.1 KiB, 1.2 s`. */
export const formatStageLine = (host: string, stage: PushStage): string => `${host} ${stage}`;

export const formatResultLine = (result: HostPushResult): string =>
  result.result === 'failed'
    ? `${result.host} failed [${result.code ?? 'ERROR'}]: ${result.message ?? ''}`
    : `${result.host} ${result.result} ${result.from ?? '?'} -> ${result.ref ?? '?'}, ${result.files} file${result.files === 1 ? '' : 's'}, ${formatBytes(result.bytes)}, ${seconds(result.durationMs)}${result.rebootNeeded ? ', reboot needed' : ''}${result.uploaded.length === 0 ? '' : ` (uploaded ${result.uploaded.join(', ')})`}`;

/** The final table: host, result, files, bytes, duration, reboot needed; failures' reasons below it. */
export const formatPushTable = (results: readonly HostPushResult[]): string => {
  const table = formatTable(
    ['HOST', 'RESULT', 'VERSION', 'FILES', 'BYTES', 'DURATION', 'REBOOT'],
    results.map((result) => [
      result.host,
      result.result,
      result.ref === null ? '-' : `${result.from ?? '?'} -> ${result.ref}`,
      String(result.files),
      formatBytes(result.bytes),
      seconds(result.durationMs),
      result.rebootNeeded ? 'needed' : '-',
    ]),
  );
  const failures = results.filter((result) => result.result === 'failed').map((result) => `${result.host}: [${result.code ?? 'ERROR'}] ${result.message ?? ''}`);
  const counts = new Map<string, number>();
  for (const result of results) counts.set(result.result, (counts.get(result.result) ?? 0) + 1);
  const summary = `${results.length} host${results.length === 1 ? '' : 's'}: ${[...counts].map(([result, count]) => `${count} ${result}`).join(', ')}`;
  return [table, ...(failures.length === 0 ? [] : ['', ...failures]), '', summary].join('\n');
};

/** The live multi-host view on a terminal: one line per host, redrawn in place. */
export const createLiveView = (hosts: readonly string[], write: (text: string) => void): { stage(host: string, stage: PushStage): void; result(result: HostPushResult): void; end(): void } => {
  const lines = new Map(hosts.map((host) => [host, 'waiting']));
  const width = Math.max(...hosts.map((host) => host.length), 4);
  let drawn = 0;
  const draw = (): void => {
    // Up to the first line we drew, then every line again (cleared to the end of each).
    const up = drawn > 0 ? `\x1b[${drawn}F` : '';
    write(`${up}${[...lines].map(([host, text]) => `\x1b[2K${host.padEnd(width)}  ${text}`).join('\n')}\n`);
    drawn = lines.size;
  };
  return {
    stage: (host, stage) => {
      lines.set(host, `${stage}...`);
      draw();
    },
    result: (result) => {
      lines.set(result.host, formatResultLine(result).slice(result.host.length + 1));
      draw();
    },
    end: () => undefined,
  };
};
