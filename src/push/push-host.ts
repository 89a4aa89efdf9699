import { loadHostTrust, type HostTrust } from '../capture/host-trust.js';
import { isRootcastError } from '../errors/rootcast-error.js';
import { buildRemoteCommandLine, type PlannedCommand } from '../sys/planned-command.js';
import type { OpenSsh, SshCommandResult, SshCredentials, SshRunOptions, SshSession } from '../sys/ssh-session.js';
import type { UpdateReport } from '../update/run-update.js';
import { compareRunnerFiles, hashedDigests, planHostPush, recordedDigests, type HostPushPlan, type PushHost, type PushSettings, type RunnerFiles } from './push-plan.js';
import type { HostPushResult, PushStage } from './push-result.js';
import { describeTimeout, parseUpdateLook, type UpdateLook } from './update-look.js';

export interface PushHostDeps {
  openSsh: OpenSsh;
  credentials: SshCredentials;
  knownHostsFile: string;
  files: RunnerFiles;
  monotonicMs: () => number;
  onStage: (host: string, stage: PushStage) => void;
}

/** The update's JSON on stdout, or undefined when it printed none (it failed before). */
const parseReport = (stdout: Buffer | undefined): UpdateReport | undefined => {
  const last = (stdout?.toString('utf8') ?? '').trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last) as UpdateReport;
  } catch {
    return undefined;
  }
};

/** `rootcast update: error [AUTH_FAILED]: …` → code and message (the runner prints errors so on stderr). */
const parseRemoteError = (stderr: string, exitCode: number): { code: string; message: string } => {
  const line = stderr.split('\n').find((text) => /error \[[A-Z_]+\]:/.test(text));
  const match = line === undefined ? null : /error \[([A-Z_]+)\]: (.*)$/.exec(line);
  if (match !== null) return { code: match[1] as string, message: match[2] as string };
  const tail = stderr.trim().split('\n').filter(Boolean).at(-1);
  return { code: exitCode === 127 ? 'REMOTE_TOOL_MISSING' : 'SUBPROCESS_FAILED', message: tail ?? `the update exited with status ${exitCode}` };
};

/** Sends a planned command over the session: exactly the line --dry-run prints. */
const runPlanned = (session: SshSession, command: PlannedCommand, options?: SshRunOptions): Promise<SshCommandResult> => session.run(buildRemoteCommandLine(command), options);

/** The look after a timeout has its own bound, so a host that hangs costs push at most this much more. */
const lookTimeoutMs = 10_000;

/** One short read-only look over a fresh connection: is the update still running, or did it leave its marker? */
const lookAtUpdate = async (plan: HostPushPlan, trust: HostTrust, deps: PushHostDeps): Promise<UpdateLook> => {
  const signal = AbortSignal.timeout(lookTimeoutMs);
  let session: SshSession | undefined;
  try {
    session = await deps.openSsh({ target: plan.target, credentials: deps.credentials, decideHostKey: trust.decide, hostKeyAlgorithms: trust.hostKeyAlgorithms, signal, readyTimeoutMs: lookTimeoutMs });
    const looked = await runPlanned(session, plan.lookCommand);
    return parseUpdateLook(looked.stdout?.toString('utf8') ?? '');
  } catch (error) {
    return { kind: 'unknown', reason: signal.aborted ? `no answer within ${lookTimeoutMs / 1000} s` : error instanceof Error ? error.message : String(error) };
  } finally {
    session?.close();
  }
};

const outcomeOf = (report: UpdateReport, settings: PushSettings): HostPushResult['result'] => {
  const changed = report.summary.files > 0;
  if (settings.mode === 'drift') return changed ? 'drifted' : 'in-sync';
  return changed ? 'updated' : 'unchanged';
};

/**
 * One host, start to end, as its plan says (push-plan.ts): verify its host key against known_hosts, bring node and
 * the runner bundle up to date over SFTP when their digests differ, run `runner.cjs update` with the credential the
 * host already has, and read its JSON report. Every failure becomes this host's result; nothing is thrown.
 */
export const pushHost = async (host: PushHost, settings: PushSettings, deps: PushHostDeps): Promise<HostPushResult> => {
  const started = deps.monotonicMs();
  const base = { host: host.name, from: null, ref: null, files: 0, bytes: 0, rebootNeeded: false, uploaded: [] as string[] };
  const failed = (code: string, message: string): HostPushResult => ({ ...base, result: 'failed', code, message, durationMs: deps.monotonicMs() - started });
  if (host.ip === undefined) return failed('INVALID_DATA', `host ${host.name} has no ip in the inventory: push cannot reach it`);
  const plan = planHostPush({ ...host, ip: host.ip }, settings, deps.files);
  let session: SshSession | undefined;
  let trust: HostTrust | undefined;
  let stage: PushStage = 'connecting';
  const enter = (next: PushStage): void => {
    stage = next;
    deps.onStage(host.name, next);
  };
  const signal = AbortSignal.timeout(settings.timeoutSeconds * 1000);
  try {
    enter('connecting');
    trust = await loadHostTrust(plan.target, { knownHostsFile: deps.knownHostsFile, acceptNew: false, readOnly: true, purpose: 'push' });
    session = await deps.openSsh({ target: plan.target, credentials: deps.credentials, decideHostKey: trust.decide, hostKeyAlgorithms: trust.hostKeyAlgorithms, signal, readyTimeoutMs: Math.min(20_000, settings.timeoutSeconds * 1000) });
    // Recorded digests first (cheap); files changed since are hashed; what still differs is uploaded.
    const known = recordedDigests((await runPlanned(session, plan.stateCommand)).stdout?.toString('utf8') ?? '');
    let { stale, unknown } = compareRunnerFiles(known, deps.files);
    if (unknown.length > 0) {
      const hashed = hashedDigests((await runPlanned(session, plan.digestCommand)).stdout?.toString('utf8') ?? '');
      ({ stale } = compareRunnerFiles(new Map([...known, ...hashed]), deps.files));
      unknown = compareRunnerFiles(new Map([...known, ...hashed]), deps.files).unknown;
    }
    const uploads = [...stale, ...unknown].map((kind) => plan.uploads[kind]);
    if (uploads.length > 0) {
      enter('uploading');
      await runPlanned(session, plan.makeDirCommand);
      for (const upload of uploads) {
        await session.upload(upload.local, upload.remote, upload.mode);
        base.uploaded.push(upload.name);
      }
    }
    if (uploads.length > 0 || known.size < 2) await runPlanned(session, plan.recordCommand);
    enter(settings.mode === 'drift' ? 'checking' : 'updating');
    const outcome = await runPlanned(session, plan.updateCommand, { stdoutLimit: 64 * 1024 * 1024 });
    const report = parseReport(outcome.stdout);
    if (outcome.exitCode !== 0 || report === undefined) {
      const remote = parseRemoteError(outcome.stderr, outcome.exitCode);
      return failed(remote.code, remote.message);
    }
    return {
      ...base,
      result: outcomeOf(report, settings),
      from: report.from,
      ref: report.ref,
      files: report.summary.files,
      bytes: report.bytes,
      rebootNeeded: report.rebootNeeded,
      durationMs: deps.monotonicMs() - started,
    };
  } catch (error) {
    if (signal.aborted) {
      // Only a real update can be left running: before it nothing started, and drift's dry run changes nothing.
      const dry = settings.mode === 'drift';
      const where = stage === 'connecting' || stage === 'uploading' ? 'before-update' : dry ? 'dry-run' : 'updating';
      const look = where === 'updating' && trust !== undefined ? await lookAtUpdate(plan, trust, deps) : undefined;
      return failed('TIMEOUT', describeTimeout({ host: host.name, seconds: settings.timeoutSeconds, lockFile: plan.lockFile }, where, look));
    }
    if (isRootcastError(error)) return failed(error.code, error.message);
    return failed('INTERNAL', error instanceof Error ? error.message : String(error));
  } finally {
    session?.close();
  }
};
