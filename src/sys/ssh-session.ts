import type { ConnectConfig } from 'ssh2';
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

export interface SshCommandRequest {
  target: SshTarget;
  credentials: SshCredentials;
  decideHostKey: HostKeyDecision;
  /** Server host-key algorithms to ask for, so a host with a known key presents that key type. */
  hostKeyAlgorithms?: string[] | undefined;
  command: string;
  signal?: AbortSignal | undefined;
  /** @default 20000 */
  readyTimeoutMs?: number;
}

export interface SshCommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
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

/** Runs one command over ssh2 (imported lazily: most rootcast commands never need it). */
export const runSshCommand = async (request: SshCommandRequest): Promise<SshCommandResult> => {
  const { Client } = await import('ssh2');
  const { target } = request;
  return new Promise<SshCommandResult>((resolve, reject) => {
    const client = new Client();
    let hostKeyError: unknown;
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      request.signal?.removeEventListener('abort', onAbort);
      client.end();
      outcome();
    };
    const onAbort = (): void =>
      finish(() => reject(new RootcastError('INTERRUPTED', `SSH session to ${label(target)} was interrupted`)));
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (request.signal?.aborted === true) onAbort();

    client.on('error', (error: Error & { level?: string }) =>
      finish(() => reject(hostKeyError ?? describeConnectError(error, target))),
    );
    client.on('ready', () => {
      client.exec(request.command, (error, stream) => {
        if (error !== undefined && error !== null) {
          finish(() => reject(describeConnectError(error, target)));
          return;
        }
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => stdout.push(chunk));
        stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        stream.on('close', (code: number | null) =>
          finish(() =>
            resolve({
              exitCode: code ?? -1,
              stdout: Buffer.concat(stdout).toString('utf8'),
              stderr: Buffer.concat(stderr).toString('utf8'),
            }),
          ),
        );
      });
    });
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.user,
      readyTimeout: request.readyTimeoutMs ?? 20_000,
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
      finish(() =>
        reject(
          new RootcastError('INVALID_ARGUMENT', `cannot use the SSH credentials for ${label(target)}: ${(error as Error).message}`, {
            hint: 'pass an unencrypted private key with --ssh-key FILE, or load it into ssh-agent',
          }),
        ),
      );
    }
  });
};

/** Whether ssh2 can use a private key as is (encrypted keys need ssh-agent instead). */
export const isUsablePrivateKey = async (key: Buffer): Promise<boolean> => {
  const { utils } = await import('ssh2');
  return !(utils.parseKey(key) instanceof Error);
};
