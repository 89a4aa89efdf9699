/**
 * `rootcast push` as its own process (bundled by esbuild at test time, run in the server's namespace): the real
 * command with a recording ssh2 session. It prints the dry run (text, then JSON), then pushes for real, and writes
 * to $RECORD_FILE what each printed (the push with --json) and every line sent over a session and every file uploaded.
 * argv: rootcast's own (`--home H push HOSTSPEC … --known-hosts F --ssh-key K --target-root R`), without --dry-run.
 */
import { writeFile } from 'node:fs/promises';
import { runCli } from '../../src/cli/main.js';
import { openSshSession, type OpenSsh } from '../../src/sys/ssh-session.js';

export type SentToHost = { host: string; kind: 'run'; line: string } | { host: string; kind: 'upload'; local: string; remote: string; mode: number };

export interface PushRecording {
  dryRun: { status: number; text: string; json: string; stderr: string; contacted: number };
  push: { status: number; stdout: string; stderr: string };
  sent: SentToHost[];
}

const argv = process.argv.slice(2);
const sent: SentToHost[] = [];
let contacted = 0;
const recording: OpenSsh = async (request) => {
  contacted += 1;
  const session = await openSshSession(request);
  const host = request.target.host;
  return {
    run: (line, options) => {
      sent.push({ host, kind: 'run', line });
      return session.run(line, options);
    },
    upload: (local, remote, mode) => {
      sent.push({ host, kind: 'upload', local, remote, mode });
      return session.upload(local, remote, mode);
    },
    close: () => session.close(),
  };
};

/** One invocation with its output captured. */
const run = async (args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> => {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, openSsh: recording });
  return { status, stdout, stderr };
};

const text = await run([...argv, '--dry-run']);
const json = await run([...argv, '--dry-run', '--json']);
const dryRun = { status: Math.max(text.status, json.status), text: text.stdout, json: json.stdout, stderr: text.stderr + json.stderr, contacted };
const push = await run([...argv, '--json']);
const result: PushRecording = { dryRun, push, sent };
await writeFile(process.env['RECORD_FILE'] ?? '', JSON.stringify(result));
