import type { ClientChannel, ConnectConfig } from 'ssh2';
import { RootcastError } from '../errors/rootcast-error.js';

export interface SshTarget {
  user: string;
  host: string;
  port: number;
}

export interface SshCredentials {
  /** Private key contents (--ssh-key, or the user's default key). */
  privateKey?: Buffer | undefined;
  /** ssh-agent socket (SSH_AUTH_SOCK). */
  agent?: string | undefined;
}

/** Decides about the key the server offered: resolve to accept, reject with the error to report. */
export type HostKeyDecision = (blob: Buffer) => Promise<void>;

export interface SshSessionRequest {
  target: SshTarget;
  credentials: SshCredentials;
  decideHostKey: HostKeyDecision;
  /** Server host-key algorithms to ask for, so a host with a known key presents that key type. */
  hostKeyAlgorithms?: string[] | undefined;
  /** Ends the session (and every command on it) when aborted. */
  signal?: AbortSignal | undefined;
  /** @default 20000 */
  readyTimeoutMs?: number;
}

export interface SshCommandResult {
  exitCode: number;
  /** What the command printed, as bytes; undefined when it printed more than the run's `stdoutLimit`. */
  stdout: Buffer | undefined;
  stderr: string;
}

export interface SshRunOptions {
  /** Written to the command's stdin, which is then closed. */
  input?: Buffer | undefined;
  /** Keep at most this many bytes of stdout. @default 4 MiB */
  stdoutLimit?: number;
}

/** One authenticated connection; commands run on it one channel each, without a new handshake. */
export interface SshSession {
  run(command: string, options?: SshRunOptions): Promise<SshCommandResult>;
  /** Copies a local file over SFTP to `remotePath` atomically (a temporary name, then posix-rename), with `mode`. */
  upload(localPath: string, remotePath: string, mode: number): Promise<void>;
  /** Ends the connection; a command still running on it ends too. */
  close(): void;
}

const label = (target: SshTarget): string => `${target.user}@${target.host}:${target.port}`;

/** Maps ssh2's connection errors (by their `level`) to errors a user can act on. */
const describeConnectError = (error: Error & { level?: string; code?: string }, target: SshTarget): RootcastError => {
  if (error.level === 'client-authentication') {
    return new RootcastError('AUTH_FAILED', `SSH authentication to ${label(target)} was refused`, {
      hint: `pass the right key with --ssh-key FILE (its public half must be in ${target.user}'s authorized_keys on the golden client)`,
      cause: error,
    });
  }
  return new RootcastError('UNREACHABLE', `cannot reach ${label(target)} over SSH: ${error.message}`, {
    hint: 'check the host name and port, that sshd runs there and that no firewall blocks it',
    cause: error,
  });
};

/** Seconds between keepalives: a session idle for a long pull must not be dropped by a NAT or firewall. */
const keepaliveMs = 15_000;

export type OpenSsh = (request: SshSessionRequest) => Promise<SshSession>;

/** Opens one SSH connection over ssh2 (imported lazily: most rootcast commands never need it). */
export const openSshSession: OpenSsh = async (request) => {
  const { Client } = await import('ssh2');
  const { target } = request;
  const client = new Client();
  /** Why the connection is unusable now (closed, failed, interrupted); undefined while it works. */
  let broken: unknown;
  const pending = new Set<(error: unknown) => void>();
  /** Ends the commands still running with `error` (a lost connection ends them itself: ssh2 closes their channels). */
  const breakWith = (error: unknown): void => {
    broken ??= error;
    for (const reject of pending) reject(broken);
    pending.clear();
  };
  const onAbort = (): void => {
    breakWith(new RootcastError('INTERRUPTED', `SSH session to ${label(target)} was interrupted`));
    client.end();
  };
  const close = (): void => {
    request.signal?.removeEventListener('abort', onAbort);
    breakWith(new RootcastError('INTERNAL', `the SSH session to ${label(target)} was already closed`));
    client.end();
  };

  await new Promise<void>((resolve, reject) => {
    let hostKeyError: unknown;
    let ready = false;
    client.on('error', (error: Error & { level?: string }) => {
      const described = hostKeyError ?? describeConnectError(error, target);
      if (ready) broken ??= described;
      else reject(described);
    });
    client.on('close', () => {
      if (ready) broken ??= new RootcastError('UNREACHABLE', `the SSH session to ${label(target)} was closed`);
      else reject(hostKeyError ?? new RootcastError('UNREACHABLE', `the SSH session to ${label(target)} closed before it was ready`));
    });
    client.on('ready', () => {
      ready = true;
      resolve();
    });
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (request.signal?.aborted === true) {
      reject(new RootcastError('INTERRUPTED', `SSH session to ${label(target)} was interrupted`));
      return;
    }
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.user,
      readyTimeout: request.readyTimeoutMs ?? 20_000,
      keepaliveInterval: keepaliveMs,
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        request.decideHostKey(key).then(
          () => verify(true),
          (error: unknown) => {
            hostKeyError = error;
            verify(false);
          },
        );
      },
      ...(request.credentials.privateKey === undefined ? {} : { privateKey: request.credentials.privateKey }),
      ...(request.credentials.agent === undefined ? {} : { agent: request.credentials.agent }),
      ...(request.hostKeyAlgorithms === undefined || request.hostKeyAlgorithms.length === 0
        ? {}
        : { algorithms: { serverHostKey: request.hostKeyAlgorithms as never } }),
    };
    try {
      client.connect(config);
    } catch (error) {
      reject(
        new RootcastError('USAGE', `cannot use the SSH credentials for ${label(target)}: ${(error as Error).message}`, {
          hint: 'pass an unencrypted private key with --ssh-key FILE, or load it into ssh-agent',
        }),
      );
    }
  }).catch((error: unknown) => {
    close();
    throw error;
  });

  const run = (command: string, options: SshRunOptions = {}): Promise<SshCommandResult> =>
    new Promise<SshCommandResult>((resolve, reject) => {
      if (broken !== undefined) {
        reject(broken);
        return;
      }
      pending.add(reject);
      const done = (outcome: () => void): void => {
        if (!pending.delete(reject)) return;
        outcome();
      };
      const limit = options.stdoutLimit ?? 4 * 1024 * 1024;
      const started = (error: Error | undefined, stream: ClientChannel): void => {
        if (error !== undefined && error !== null) {
          done(() => reject(describeConnectError(error, target)));
          return;
        }
        const stdout: Buffer[] = [];
        let stdoutBytes = 0;
        const stderr: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => {
          stdoutBytes += chunk.length;
          if (stdoutBytes <= limit) stdout.push(chunk);
        });
        stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        stream.on('close', (code: number | null) =>
          done(() =>
            resolve({
              exitCode: code ?? -1,
              stdout: stdoutBytes <= limit ? Buffer.concat(stdout) : undefined,
              stderr: Buffer.concat(stderr).toString('utf8'),
            }),
          ),
        );
        // Input the command never read (it exited first) must not become an unhandled error: its exit says what happened.
        stream.on('error', () => undefined);
        stream.end(options.input);
      };
      try {
        client.exec(command, started);
      } catch (error) {
        done(() => reject(describeConnectError(error as Error, target)));
      }
    });

  const upload = (localPath: string, remotePath: string, mode: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (broken !== undefined) {
        reject(broken);
        return;
      }
      const failed = (what: string) => (error: Error): void =>
        reject(new RootcastError('UNAVAILABLE', `cannot ${what} ${remotePath} on ${label(target)} over SFTP: ${error.message}`, {
          hint: 'check that the directory is writable and the disk has room, and that sshd offers the sftp subsystem',
          cause: error,
        }));
      client.sftp((error, sftp) => {
        if (error !== undefined && error !== null) {
          failed('open an SFTP session to write')(error);
          return;
        }
        const temporary = `${remotePath}.rootcast-upload`;
        sftp.fastPut(localPath, temporary, { mode }, (putError) => {
          if (putError !== undefined && putError !== null) {
            sftp.end();
            failed('write')(putError);
            return;
          }
          // OpenSSH's rename extension replaces the old file in one step (plain SFTP rename refuses an existing name).
          sftp.ext_openssh_rename(temporary, remotePath, (renameError) => {
            sftp.end();
            if (renameError !== undefined && renameError !== null) failed('rename into place')(renameError);
            else resolve();
          });
        });
      });
    });

  return { run, upload, close };
};

/** Whether ssh2 can use a private key as is (encrypted keys need ssh-agent instead). */
export const isUsablePrivateKey = async (key: Buffer): Promise<boolean> => {
  const { utils } = await import('ssh2');
  return !(utils.parseKey(key) instanceof Error);
};
