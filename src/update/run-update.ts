import { randomBytes } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { release } from 'node:os';
import { dirname } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import type { RunnerPhase } from '../protocol/deploy-protocol.js';
import { deployedStatePath, recordDelivery } from '../protocol/deployed-state.js';
import { deliveryOf, formatDeployedState } from '../runner/plan-deployed-state.js';
import { updateLockFile, updateMarkerPath, type UpdateInstructions } from '../protocol/update-protocol.js';
import { commandEnvironmentValues } from '../runner/command-environment.js';
import { buildEvent, buildRunnerStarted } from '../runner/events.js';
import { createEventReporter } from '../runner/event-reporter.js';
import { createLineTail } from '../runner/line-tail.js';
import { progressReporter, type RsyncProgress } from '../runner/progress.js';
import { describeError } from '../errors/format-error.js';
import { hostEventLimits } from '../protocol/host-event.js';
import { defaultRetryPolicy, retryWithBackoff, type RetryHooks } from '../runner/retry-policy.js';
import { classifyRsyncExit, noSpaceHints } from '../runner/rsync-exit.js';
import { execPlanned, streamPlanned } from '../runner/run-planned.js';
import { createServerApi, type ServerApi } from '../runner/server-api.js';
import { writeFileAtomic } from '../sys/atomic-write.js';
import type { Exec } from '../sys/exec.js';
import type { MountNamespace, NamespaceHolderCommand } from '../sys/mount-namespace.js';
import { tryLockFile, type FileLock } from '../sys/lock-file.js';
import { parseMountinfo } from '../sys/mount-table.js';
import { parseSizedItemizedChanges } from '../sys/rsync-output.js';
import { parseRsyncStats } from '../sys/rsync-stats.js';
import type { StreamRequest, StreamResult } from '../sys/stream-process.js';
import { hostPath, readHostUpdateFacts, type HostUpdateFacts, type UpdateMarker } from './host-facts.js';
import { chooseUpdateRef, planUpdate, updateNamespaceHolder, type PlannedPass, type UpdatePlan } from './plan-update.js';
import { changedUnits, describeChanges, needsReboot, summariseChanges, type UpdateChange } from './update-changes.js';
import type { UpdateOptions } from './update-options.js';
import { runSweep } from './sweep.js';
import { formatUpdateCommand, listUpdateCommands, type UpdateCommand } from './update-commands.js';
import { updateTextDiffs } from './text-diffs.js';
import type { TextDiff } from '../image/text-diff.js';
import { prepareResumeAtBoot, type SelfBundle } from './resume-at-boot.js';
import { droppedAccounts, droppedAccountsNote, renumberedAccounts, renumberedAccountsNote } from './dropped-accounts.js';

export interface UpdateEffects {
  exec: Exec;
  stream: (request: StreamRequest) => Promise<StreamResult>;
  fetch: typeof fetch;
  now: () => Date;
  sleep: RetryHooks['sleep'];
  readMountinfo: () => Promise<string>;
  /** Starts the plan's holder of the private mount+PID namespace the passes run in (src/sys/mount-namespace.ts), closed when the update ends. */
  enterNamespace: (holder: NamespaceHolderCommand) => Promise<MountNamespace>;
  /** Progress lines for a person (stderr). */
  note: (line: string) => void;
  /** The bundle this update runs from, kept on the host for the first-boot unit (bundle runs only). */
  self?: SelfBundle | undefined;
}

/** What an update did (or, dry, would do): printed as text or JSON, and what push and drift read back. */
export interface UpdateReport {
  host: string;
  from: string | null;
  ref: string;
  dryRun: boolean;
  /** The version an interrupted update was applying, finished by this run. */
  resumed: string | null;
  changes: UpdateChange[];
  summary: ReturnType<typeof summariseChanges>;
  /** Bytes rsync sent for changed files (both passes). */
  bytes: number;
  rebootNeeded: boolean;
  /** Dry runs: every command the update would run, in order, shell-quoted, each with its condition (`    # only …`). */
  commands: string[];
  /** Dry runs: the same commands as the plan holds them (program, argv, environment names, where, success codes). */
  plan?: UpdateCommand[];
  notes: string[];
  /** `--dry-run --text`: unified diffs of the changed text files (or why one is not shown). */
  diffs?: TextDiff[];
}

const phaseOfPass: Record<PlannedPass['name'], RunnerPhase> = { image: 'sync-image', overrides: 'overrides' };

/** Units whose files changed: named, never restarted (an image-level update cannot know what a restart breaks). */
const unitNotes = (changes: readonly UpdateChange[], verb: string): string[] => {
  const units = changedUnits(changes);
  return units.length === 0 ? [] : [`systemd units ${verb}: ${units.join(', ')}; rootcast restarts nothing: systemctl daemon-reload and restart them, or reboot`];
};

/** Minimum time between two progress events of a pass (as the deploy's --progress-interval default). */
const progressIntervalMs = 2000;
/** How long an update waits for its events to reach serve before it reports (serve records the version once it has `done`). */
const eventFlushMs = 5 * 60_000;

interface PassRun {
  credential: string;
  retries: number;
  root: string;
  /** Where the commands and retries are told. @default effects.note */
  log?: (line: string) => void;
  /** rsync's progress, at most every 2 s (a dry run has none). */
  onProgress?: (progress: RsyncProgress) => void;
}

/** Runs one pass, retrying what the install retries (a restarting server, a busy daemon); never gives up on a bad credential silently. */
const runPass = async (pass: PlannedPass, effects: UpdateEffects, { credential, retries, root, log = effects.note, onProgress }: PassRun, namespace: MountNamespace): Promise<StreamResult> => {
  const runner = { stream: effects.stream, environment: commandEnvironmentValues(credential), log };
  const progress = () => (onProgress === undefined ? {} : { onStdoutLine: progressReporter(progressIntervalMs, () => effects.now().getTime(), onProgress) });
  return retryWithBackoff(
    { ...defaultRetryPolicy, attempts: retries },
    { sleep: effects.sleep, onRetry: (reason, tries, delay) => log(`${pass.what}: ${reason}; try ${tries + 1} in ${Math.round(delay / 1000)} s`) },
    async () => classifyRsyncExit(await streamPlanned(runner, pass.command, namespace, progress()), pass.what, pass.command.okExitCodes, { credential: 'host credential', destination: root }),
    (reason) => new RootcastError('UNREACHABLE', `the image server did not complete ${pass.what} after ${retries} tries (${reason})`, { hint: 're-run rootcast update once the server is back; the update converges' }),
  );
};

/** Sizes of regular files on the host now (for a dry run's size column). */
const currentSize = (root: string) => (path: string): number => {
  try {
    const stats = lstatSync(hostPath(root, path));
    return stats.isFile() ? stats.size : 0;
  } catch {
    return 0;
  }
};

const queryFor = (ref: string | undefined, options: UpdateOptions): string => {
  const params = new URLSearchParams({ ...(ref === undefined ? {} : { ref }), via: options.via, ...(options.dryRun ? { dry: '1' } : {}) });
  return `?${params.toString()}`;
};

/**
 * The update's events, as the deploy sends them (src/runner/event-reporter.ts): in order, one at a time, while
 * the update goes on, a running phase heard from at least every 2 s; a failure carries the update's last
 * lines (its commands, retries, events and the error's details). A server that cannot take them is noted.
 */
const updateEvents = (api: ServerApi, effects: UpdateEffects) => {
  const tail = createLineTail(hostEventLimits.logLines);
  const log = (line: string): void => tail.push(/^\d{4}-\d\d-\d\dT/.test(line) ? line : `${effects.now().toISOString()} ${line}`);
  const reporter = createEventReporter({
    api: { postEvent: async (event) => {
      const problem = await api.postEvent(event);
      if (problem !== undefined) effects.note(`note: the server did not take the ${event.kind} event (${problem})`);
      return problem;
    } },
    log: { write: log },
    now: effects.now,
    recentLines: () => tail.lines(),
  });
  return {
    reporter,
    /** A line for the person (stderr) that a failure's log lines carry too. */
    say: (line: string): void => {
      log(line);
      effects.note(line);
    },
    /** A line only the failure's log lines carry (the CLI prints the error's details itself). */
    log,
  };
};

const updateLocked = (holder: number | undefined, host: string): RootcastError =>
  new RootcastError('LOCKED', `another rootcast update (PID ${holder ?? '?'}) is updating ${host}`, { hint: 'wait for it to end, then re-run' });

/** What one update did (or, dry, would do), and the plan it ran (its `--reboot` is run after the report is printed). */
export interface UpdateRun {
  report: UpdateReport;
  plan: UpdatePlan;
}

/** Read → plan → apply for one update of this host (docs/update.md). */
export const runUpdate = async (options: UpdateOptions, effects: UpdateEffects): Promise<UpdateRun> => {
  const readFacts = async (): Promise<HostUpdateFacts> => readHostUpdateFacts(options.targetRoot, parseMountinfo(await effects.readMountinfo()), release());
  // Before the host's state is read (another update may be about to change deployed.json) and before serve is
  // asked (serve records the attempt): two updates starting at once must not both get that far.
  const lock = options.dryRun ? undefined : await takeUpdateLock(options.targetRoot, readFacts);
  try {
    const facts = await readFacts();
    const ref = chooseUpdateRef(options, facts);
    if (options.rollback && ref === undefined) {
      throw new RootcastError('NOT_FOUND', `${facts.client.host} has no earlier version to roll back to (${hostPath(facts.root, deployedStatePath)} has no history)`, {
        hint: 'name the version instead: rootcast update --image IMAGE@VERSION',
      });
    }
    const server = options.server ?? facts.client.server;
    const api = createServerApi({ server, host: facts.client.host, token: facts.credential, retry: { ...defaultRetryPolicy, attempts: options.retries }, hooks: { sleep: effects.sleep }, fetch: effects.fetch });
    return await askAndRun(ref, facts, options, effects, api);
  } finally {
    await lock?.release();
  }
};

/** A second update of the same root is refused naming the first (the host's name read, read only, for the message). */
const takeUpdateLock = async (root: string, readFacts: () => Promise<HostUpdateFacts>): Promise<FileLock> => {
  const lockFile = updateLockFile(root);
  await mkdir(dirname(lockFile), { recursive: true, mode: 0o700 });
  const attempt = await tryLockFile(lockFile);
  if (!attempt.acquired) throw updateLocked(attempt.holder, (await readFacts()).client.host);
  return attempt.lock;
};

/** Asks serve for the instructions, plans, then runs the dry run or the update. */
const askAndRun = async (ref: string | undefined, facts: HostUpdateFacts, options: UpdateOptions, effects: UpdateEffects, api: ServerApi): Promise<UpdateRun> => {
  // The namespace holder starts while serve answers (it costs a fork and an unshare, not a round trip).
  const pendingNamespace = effects.enterNamespace(updateNamespaceHolder);
  let instructions: UpdateInstructions;
  try {
    instructions = await api.fetchUpdateInstructions(queryFor(ref, options));
  } catch (error) {
    await (await pendingNamespace).close();
    throw error;
  }
  const namespace = await pendingNamespace;
  const plan = planUpdate(instructions, facts, options);
  const report = (changes: UpdateChange[], bytes: number, rebootNeeded: boolean, notes: string[]): UpdateReport => ({
    host: plan.host,
    from: plan.from ?? null,
    ref: plan.ref,
    dryRun: plan.dryRun,
    resumed: plan.resuming ?? null,
    changes,
    summary: summariseChanges(changes),
    bytes,
    rebootNeeded,
    commands: plan.dryRun ? listUpdateCommands(plan).map(formatUpdateCommand) : [],
    ...(plan.dryRun ? { plan: listUpdateCommands(plan) } : {}),
    notes,
  });
  try {
    if (plan.dryRun) {
      const changes: UpdateChange[] = [];
      // The passes' own dry runs list the changes; the plan printed is what a real update would run.
      for (const pass of plan.passes) {
        const result = await runPass({ ...pass, command: pass.preview }, effects, { credential: facts.credential, retries: options.retries, root: plan.root }, namespace);
        changes.push(...describeChanges(pass.name, parseSizedItemizedChanges(result.stdout), plan.owners, currentSize(plan.root)));
      }
      const dry = report(changes, 0, needsReboot(changes), [...linkedDirsNote(facts), ...unitNotes(changes, 'would change')]);
      if (!options.text) return { report: dry, plan };
      const runner = { exec: effects.exec, environment: commandEnvironmentValues(facts.credential), log: (line: string) => effects.note(line) };
      return { report: { ...dry, diffs: await updateTextDiffs(plan, changes, runner, namespace) }, plan };
    }
    return { report: await applyUpdate(plan, instructions, facts, options, { effects, api, namespace }, report), plan };
  } finally {
    await namespace.close();
  }
};

/** The image's initrd was built on the golden client (its disks, its crypttab): unfit to boot this host until rebuilt here. */
const noBootloaderNote = (instructions: UpdateInstructions): string => {
  const lines = instructions.postDeploy === undefined ? [] : [...instructions.postDeploy.initramfs, ...instructions.postDeploy.bootloader.config];
  const how = lines.length === 0 ? 'rebuild the initramfs and boot loader configuration' : `run ${lines.join(' && ')}`;
  return `a kernel or /boot changed and --no-bootloader left the initramfs and boot loader configuration as the image brought them (made on the golden client): ${how} on this host before rebooting`;
};

/** Data directories the host links elsewhere are left alone: said, so an admin knows the image's files there did not land. */
const linkedDirsNote = (facts: HostUpdateFacts): string[] =>
  facts.linkedDataDirs.length === 0 ? [] : [`left as they are, being symlinks on this host (the image's files for them are not applied): ${facts.linkedDataDirs.join(', ')}`];

const readPasswd = (root: string): Promise<string> => readFile(hostPath(root, '/etc/passwd'), 'utf8').catch(() => '');

const applyUpdate = async (
  plan: UpdatePlan,
  instructions: UpdateInstructions,
  facts: HostUpdateFacts,
  options: UpdateOptions,
  { effects, api, namespace }: { effects: UpdateEffects; api: ServerApi; namespace: MountNamespace },
  report: (changes: UpdateChange[], bytes: number, rebootNeeded: boolean, notes: string[]) => UpdateReport,
): Promise<UpdateReport> => {
  const run = randomBytes(4).toString('hex');
  const events = updateEvents(api, effects);
  const post = events.reporter.report;
  const passRun = (phase: RunnerPhase): PassRun => ({
    credential: facts.credential,
    retries: options.retries,
    root: plan.root,
    log: events.say,
    onProgress: (progress) => post(buildEvent(plan.host, phase, 'progress', effects.now(), progress, run)),
  });
  let phase: RunnerPhase = 'preflight';
  try {
    const marker: UpdateMarker = { ref: plan.ref, ...(plan.from === undefined ? {} : { from: plan.from }), via: options.via, since: effects.now().toISOString() };
    await mkdir(dirname(hostPath(plan.root, updateMarkerPath)), { recursive: true, mode: 0o755 });
    await writeFileAtomic(hostPath(plan.root, updateMarkerPath), `${JSON.stringify(marker)}\n`, { mode: 0o644 });
    for (const line of await prepareResumeAtBoot(plan.root, effects.self)) effects.note(line);
    post({ ...buildRunnerStarted(plan.host, effects.now(), run), via: options.via, message: `${plan.from ?? '?'} → ${plan.ref}` });
    const passwdBefore = await readPasswd(plan.root);
    const changes: UpdateChange[] = [];
    let bytes = 0;
    for (const pass of plan.passes) {
      phase = phaseOfPass[pass.name];
      post(buildEvent(plan.host, phase, 'started', effects.now(), {}, run));
      const result = await runPass(pass, effects, passRun(phase), namespace);
      const passChanges = describeChanges(pass.name, parseSizedItemizedChanges(result.stdout), plan.owners, () => 0);
      changes.push(...passChanges);
      bytes += parseRsyncStats(result.stdout).transferredSizeBytes;
      post(buildEvent(plan.host, phase, 'succeeded', effects.now(), { message: `${passChanges.length} changes`, bytes }, run));
    }
    const passwdAfter = await readPasswd(plan.root);
    const notes: string[] = [
      ...linkedDirsNote(facts),
      ...droppedAccountsNote(droppedAccounts(passwdBefore, passwdAfter)),
      ...renumberedAccountsNote(renumberedAccounts(passwdBefore, passwdAfter)),
    ];
    // An interrupted run leaves rsync's .~tmp~ directories whether this run finishes it or replaces it (a rollback).
    if (facts.marker !== undefined && plan.sweep !== undefined) {
      phase = 'cleanup';
      // The sweep walks the whole root: heard from while it runs, like every phase.
      post(buildEvent(plan.host, phase, 'started', effects.now(), {}, run));
      const runner = { exec: effects.exec, environment: commandEnvironmentValues(facts.credential), log: events.say };
      const swept = await runSweep(runner, plan.sweep, { root: plan.root, excludes: plan.excludes, owners: plan.owners });
      post(buildEvent(plan.host, phase, 'succeeded', effects.now(), { message: `${swept} leftover .~tmp~ directories removed` }, run));
      const leftovers = swept > 0 ? ` (removed ${swept} leftover .~tmp~ director${swept === 1 ? 'y' : 'ies'})` : '';
      notes.push(plan.resuming !== undefined ? `finished the interrupted update to ${plan.resuming}${leftovers}` : `replaced the interrupted update to ${facts.marker.ref} with ${plan.ref}${leftovers}`);
    }
    const rebootNeeded = needsReboot(changes);
    notes.push(...unitNotes(changes, 'changed'));
    if (rebootNeeded && plan.bootCommands.length > 0) {
      phase = 'bootloader';
      post(buildEvent(plan.host, phase, 'started', effects.now(), {}, run));
      const runner = { exec: effects.exec, environment: commandEnvironmentValues(facts.credential), log: events.say };
      for (const command of plan.bootCommands) await execPlanned(runner, command, namespace);
      post(buildEvent(plan.host, phase, 'succeeded', effects.now(), {}, run));
    }
    if (rebootNeeded) {
      notes.push(!options.bootloader
        ? noBootloaderNote(instructions)
        : plan.bootCommands.length === 0
          ? 'a kernel or /boot changed; the server sent no boot commands for this host (no kickstart/ profile): rebuild the initramfs and boot loader configuration, then reboot'
          : 'a kernel or /boot changed: initramfs and boot loader configuration rebuilt; reboot to run it');
    }
    const at = effects.now();
    const state = recordDelivery(facts.deployed, plan.host, plan.server, { ...deliveryOf(instructions, options.via), at: at.toISOString() });
    await writeFileAtomic(hostPath(plan.root, deployedStatePath), formatDeployedState(state), { mode: 0o644 });
    await rm(hostPath(plan.root, updateMarkerPath), { force: true });
    phase = 'done';
    post({ ...buildEvent(plan.host, 'done', 'succeeded', effects.now(), { message: `${plan.from ?? '?'} → ${plan.ref}` }, run), result: { files: changes.length, bytes, rebootNeeded } });
    // The server records the version once it has `done`: the result is reported after that.
    await events.reporter.flush(eventFlushMs);
    return report(changes, bytes, rebootNeeded, notes);
  } catch (caught) {
    const error = noSpaceError(caught, plan.root) ?? caught;
    const message = error instanceof Error ? error.message : String(error);
    // Logged first, so the failed event's lines end with what rsync or the boot command said.
    for (const detail of describeError(error).details) events.log(`${phase}: ${detail}`);
    post(buildEvent(plan.host, phase, 'failed', effects.now(), { message }, run));
    await events.reporter.flush(eventFlushMs);
    throw error;
  }
};

/** A full disk while the update writes its own files (the marker, the kept node): the same NO_SPACE as rsync's. */
const noSpaceError = (error: unknown, root: string): RootcastError | undefined => {
  const failure = error as { code?: string; path?: string; dest?: string } | undefined;
  if (failure?.code !== 'ENOSPC') return undefined;
  return new RootcastError('NO_SPACE', `${root === '/' ? 'this machine\'s root' : root} ran out of space while the update wrote ${failure.dest ?? failure.path ?? 'its files'}`, {
    hint: noSpaceHints['host credential'],
  });
};
