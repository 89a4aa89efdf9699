import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectSerialConsole, consoleCommandOf, parseConsoleResult, stripTerminalCodes } from './serial-console.js';

test('a command is typed between markers the echo of the typed line cannot contain', () => {
  const typed = consoleCommandOf('uname -r', 'abc');
  expect(typed).not.toContain('__rootcast_begin_abc');
  expect(typed).not.toContain('__rootcast_end_abc');
  expect(typed).toContain('\n{ uname -r\n} </dev/null\n');
});

test('the result is what lies between the markers, without terminal codes; no end marker, no result', () => {
  const received = "\x1b[?2004hroot@h:~# printf '%s%s\\n' __rootcast_begin_ n1\r\n__rootcast_begin_n1\r\n6.1.0\r\n\x1b[?2004l\r__rootcast_end_n1:0\r\n";
  expect(parseConsoleResult(received, 'n1')).toEqual({ output: '6.1.0\n', exitCode: 0 });
  expect(parseConsoleResult('__rootcast_begin_n1\n__rootcast_end_n1:2\n', 'n1')).toEqual({ output: '', exitCode: 2 });
  expect(parseConsoleResult('__rootcast_begin_n1\nhalf', 'n1')).toBeUndefined();
  expect(parseConsoleResult('__rootcast_begin_n1\n__rootcast_end_n1:0\n', 'n2')).toBeUndefined();
  expect(stripTerminalCodes('\x1b[0;32m  OK  \x1b[0m\r\n')).toBe('  OK  \n');
});

// A real shell behind a Unix socket, as QEMU serves a guest's ttyS0 (no getty: run() only).
let work: string;
let server: Server;
const shells: ChildProcess[] = [];
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rootcast-console-'));
  server = createServer((connection) => {
    // One stream for stdout and stderr, as on a terminal.
    const shell = spawn('sh', ['-c', 'exec 2>&1; exec sh'], { stdio: ['pipe', 'pipe', 'ignore'] });
    shells.push(shell);
    connection.pipe(shell.stdin);
    shell.stdout.pipe(connection);
    connection.on('close', () => shell.kill());
  });
  await new Promise<void>((resolve) => server.listen(join(work, 'console.sock'), resolve));
});
afterAll(async () => {
  for (const shell of shells) shell.kill();
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

test('run() returns output and exit status from a real shell; stdin is not the console', async () => {
  const console = await connectSerialConsole(join(work, 'console.sock'), 5_000);
  try {
    expect(await console.run('echo hello; echo oops >&2')).toEqual({ output: 'hello\noops\n', exitCode: 0 });
    expect(await console.run('cat; echo "after cat"\nfalse')).toEqual({ output: 'after cat\n', exitCode: 1 });
    expect(await console.run('(exit 7)')).toEqual({ output: '', exitCode: 7 });
    await expect(console.run('sleep 5', 300)).rejects.toThrow(/no exit status within 300 ms for: sleep 5/);
  } finally {
    console.close();
  }
});

test('a console that is not there is reported within the bound', async () => {
  await expect(connectSerialConsole(join(work, 'missing.sock'), 500)).rejects.toThrow(/cannot connect to the serial console .*missing.sock within 500 ms/);
});
