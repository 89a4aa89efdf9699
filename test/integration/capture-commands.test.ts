import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CapturePlan } from '../../src/capture/plan.js';
import { runCapture, type CaptureEffects, type CaptureRequest } from '../../src/capture/run-capture.js';
import { formatCapturePlan } from '../../src/capture/summary.js';
import { resolveHomePaths } from '../../src/home/paths.js';
import { unmadeStagingName } from '../../src/image/shell-plan.js';
import type { ExecRequest } from '../../src/sys/exec.js';
import { formatPlannedCommand, formatPlannedCommandLines, type PlannedCommand } from '../../src/sys/planned-command.js';
import { openSshSession, type OpenSsh } from '../../src/sys/ssh-session.js';
import { runInProcess } from '../helpers/cli.js';
import { buildMinimalRoot, goldenClientPrograms } from '../helpers/minimal-root.js';
import { fillPlanned, recordingExec, spawnedLine } from '../helpers/recording-exec.js';
import { makeChrootDir, startSshd, type TestSshd } from '../helpers/sshd.js';

/** Every command a plan can run (the check only follows a change listing). */
const plannedCommands = (plan: CapturePlan): PlannedCommand[] =>
  [plan.inspection, ...plan.pull, ...(plan.settle.changed === undefined ? [] : [plan.settle.changed, plan.settle.check]), ...plan.settle.list, plan.settle.repull].filter(
    (command): command is PlannedCommand => command !== undefined,
  );

/** The name of the staging directory a run made, read from what it spawned. */
const stagingNameIn = (requests: readonly ExecRequest[]): string => /\/\.staging\/([^/]+)\/root\//.exec(requests.map((request) => request.args.join(' ')).join(' '))?.[1] ?? '';

/** The dry run's text shows each planned command exactly: its prompt and line, then its notes. */
const expectPrinted = (text: string, plan: CapturePlan): void => {
  const lines = text.split('\n').map((line) => line.trim());
  for (const command of plannedCommands(plan)) {
    const [first = '', notes] = formatPlannedCommandLines(command, '');
    const at = lines.indexOf(first);
    expect(at, first).toBeGreaterThan(0);
    if (notes !== undefined) expect(lines[at + 1]).toBe(notes.trim());
  }
};

/** Records what a real run spawns, and rewrites `file` once the pull's first pass has read it (so settling has work). */
const recordRun = (file: string) =>
  recordingExec((_request, index) => {
    if (index === 0) writeFileSync(file, 'rewritten after the pull read it\n');
  });

describe('capture --from-dir: --dry-run prints exactly the commands the capture spawns', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'rootcast-capture-commands-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test('pull, change listing, check and re-pull, byte for byte; the dry run spawns nothing', async () => {
    const source = join(scratch, "golden root's");
    mkdirSync(join(source, 'etc'), { recursive: true });
    writeFileSync(join(source, 'etc/os-release'), 'ID=testos\n');
    writeFileSync(join(source, 'etc/app.conf'), 'first\n');
    const home = join(scratch, 'home');
    const args = ['--home', home, 'capture', '--from-dir', source, '--image', 'web', '--exclude', '/var/log/*'];

    const dryRecorder = recordingExec();
    const text = await runInProcess([...args, '--dry-run'], { exec: dryRecorder.exec });
    const json = await runInProcess(['--json', ...args, '--dry-run'], { exec: dryRecorder.exec });
    expect(text.status, text.stderr).toBe(0);
    expect(dryRecorder.requests).toEqual([]);
    const plan = (JSON.parse(json.stdout) as { plan: CapturePlan }).plan;
    expect(plan.settle.changed).toBeDefined();
    expect(text.stdout).toContain(`staging: ${join(home, 'images/web/.staging', unmadeStagingName, 'root')}`);
    expectPrinted(text.stdout, plan);

    const recorder = recordRun(join(source, 'etc/app.conf'));
    const run = await runInProcess(['--json', ...args], { exec: recorder.exec });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { settle: unknown; manifest: { version: number } };
    expect(result.settle).toEqual({ status: 'stable', repulls: 1, listings: 2, repulledFiles: 1 });
    expect(readFileSync(join(home, 'images/web/1/root/etc/app.conf'), 'utf8')).toBe('rewritten after the pull read it\n');
    const staging = stagingNameIn(recorder.requests);
    expect(staging).toMatch(/^\d+-[0-9a-f]{8}$/);
    const expected = [plan.pull[0], plan.settle.changed, plan.settle.check, plan.settle.repull, plan.settle.changed, plan.settle.check] as PlannedCommand[];
    expect(recorder.requests.map(spawnedLine)).toEqual(expected.map((command) => fillPlanned(command, unmadeStagingName, staging)));
    // Every one dies with us, and only the commands that read stdin get it.
    expect(recorder.requests.map((request) => request.command)).toEqual(expected.map(() => 'setpriv'));
    expect(recorder.requests.map((request) => request.input !== undefined)).toEqual(expected.map((command) => command.stdin !== undefined));
    expect(readdirSync(join(home, 'images/web')).filter((name) => !name.startsWith('.'))).toEqual(['1']);
  });
});

describe('capture over SSH: --dry-run prints exactly what is spawned here and sent over the inspection\'s session', () => {
  let scratch: string;
  const golden: { root: string; sshd: TestSshd }[] = [];

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'rootcast-capture-commands-ssh-'));
    // One golden client with find and date (settling lists changed names there), one without (settling lists everything).
    for (const programs of [[...goldenClientPrograms(), 'find', 'date'], goldenClientPrograms()]) {
      const root = makeChrootDir();
      buildMinimalRoot(root, programs);
      mkdirSync(join(root, 'srv'), { recursive: true });
      writeFileSync(join(root, 'srv/app.conf'), 'first\n');
      writeFileSync(join(root, 'etc/os-release'), 'ID=testos\n');
      golden.push({ root, sshd: await startSshd(root) });
    }
  });
  afterAll(async () => {
    for (const { root, sshd } of golden) {
      await sshd.stop();
      rmSync(root, { recursive: true, force: true });
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  test.each([
    ['with GNU find and a clock: find over the session, rsync over just its names', 0],
    ['without them: the full itemized listing', 1],
  ])('%s', async (_name, which) => {
    const { root, sshd } = golden[which] as { root: string; sshd: TestSshd };
    const knownHosts = join(scratch, `known_hosts-${which}`);
    writeFileSync(knownHosts, `${sshd.hostKeyLine}\n`);
    const sent: string[] = [];
    const openSsh: OpenSsh = async (request) => {
      const session = await openSshSession(request);
      return { ...session, run: (command, options) => (sent.push(command), session.run(command, options)) };
    };
    const paths = resolveHomePaths({ home: join(scratch, `home-${which}`) });
    const request: CaptureRequest = {
      image: 'web',
      source: { kind: 'ssh', user: 'root', host: '127.0.0.1', port: sshd.port },
      userExcludes: [],
      includes: [],
      useDefaultExcludes: true,
      knownHostsFile: knownHosts,
      sshKey: sshd.clientKeyPath,
      acceptNewHostKey: false,
      dryRun: true,
      progress: false,
      settleRepulls: 1,
    };
    const effects = (exec: CaptureEffects['exec']): CaptureEffects => ({ paths, exec, env: process.env, now: () => new Date(), monotonicMs: () => performance.now(), openSsh });

    const dryRecorder = recordingExec();
    const dry = await runCapture(request, effects(dryRecorder.exec));
    if (dry.kind !== 'dry-run') throw new Error('expected a dry run');
    const text = formatCapturePlan(dry.plan, dry.inspection);
    expect(dryRecorder.requests).toEqual([]);
    expect(dry.plan.settle.changed === undefined).toBe(which === 1);
    expectPrinted(text, dry.plan);
    expect(sent).toEqual([formatPlannedCommand(dry.plan.inspection as PlannedCommand)]);

    sent.length = 0;
    const recorder = recordRun(join(root, 'srv/app.conf'));
    const run = await runCapture({ ...request, dryRun: false }, effects(recorder.exec));
    if (run.kind !== 'captured') throw new Error('expected a capture');
    expect(run.settle).toEqual({ status: 'stable', repulls: 1, listings: 2, repulledFiles: 1 });
    const staging = stagingNameIn(recorder.requests);
    const { settle } = dry.plan;
    const listing = settle.changed === undefined ? settle.list : [settle.check];
    const spawned = [...dry.plan.pull, ...listing, settle.repull, ...listing];
    expect(recorder.requests.map(spawnedLine)).toEqual(spawned.map((command) => fillPlanned(command, unmadeStagingName, staging)));
    // Over the session: the inspection (beside the pull: the host is known), then find once per listing.
    const overSsh = [dry.plan.inspection, ...(settle.changed === undefined ? [] : [settle.changed, settle.changed])] as PlannedCommand[];
    expect(sent).toEqual(overSsh.map(formatPlannedCommand));
    expect(readFileSync(join(paths.imagesDir, 'web/1/root/srv/app.conf'), 'utf8')).toBe('rewritten after the pull read it\n');
  });
});
