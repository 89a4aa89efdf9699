import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseInspection, splitInspectionOutput } from '../../../src/capture/inspection.js';
import { buildChangedNamesList, changedSinceSeconds, planChangeListing, selectChangedNames, settleMarginSeconds } from '../../../src/capture/settle-window.js';

const bytes = (text: string): Buffer => Buffer.from(text);
const nul = (...names: string[]): Buffer => Buffer.concat(names.flatMap((name) => [bytes(name), Buffer.from([0])]));

describe('the window settling looks at', () => {
  test('the source clock at the pull\'s start, from a reading taken after it (beside the pull) or before it, less the margin, never later', () => {
    // Read 300 ms after the pull began: the golden client said 1000.5 s, printed before we received it.
    expect(changedSinceSeconds({ sourceSeconds: 1000.5, ourMs: 5300 }, 5000)).toBe('1000.150');
    // Read 2 s before the pull began (an unknown host is inspected first).
    expect(changedSinceSeconds({ sourceSeconds: 1000, ourMs: 3000 }, 5000)).toBe('1001.950');
    expect(settleMarginSeconds).toBeLessThan(1);
    // Rounded down to the millisecond, never up.
    expect(changedSinceSeconds({ sourceSeconds: 1000.0509999, ourMs: 0 }, 0)).toBe('1000.000');
  });

  test('the golden client\'s clock and GNU find are read by the inspection; without either, nothing is assumed', () => {
    const sections = (clock: string, find: string) => `@@rootcast:clock\n${clock}\n@@rootcast:find\n${find}\n@@rootcast:end\n`;
    const parse = (output: string) => parseInspection(splitInspectionOutput(output) as Map<string, string>);
    expect(parse(sections('1700000000.123456789', 'yes'))).toMatchObject({ clockSeconds: 1700000000.123456789, findsChanges: true });
    // A date without %N (it prints the letter) still gives whole seconds, a lower bound.
    expect(parse(sections('1700000000.N', ''))).toMatchObject({ clockSeconds: 1700000000, findsChanges: false });
    expect(parse(sections('', ''))).not.toHaveProperty('clockSeconds');
  });

  test('find\'s names → image paths, each once, nothing below a listed name, in walk order; "." for the root', () => {
    const output = nul('/srv/roots/web/var/log', '/srv/roots/web/var/log/syslog', '/srv/roots/web/etc/a\nb', '/srv/roots/web/var/log-old', '/srv/roots/web/etc/a\nb');
    const names = selectChangedNames(output, '/srv/roots/web/');
    expect(names).toEqual([bytes('/etc/a\nb'), bytes('/var/log'), bytes('/var/log-old')]);
    expect(buildChangedNamesList(names)).toEqual(nul('etc/a\nb', 'var/log', 'var/log-old'));
    // Over SSH the names are the golden client's own; the root itself changed: compare everything.
    expect(selectChangedNames(nul('/boot', '/', '/etc/x', '/boot'), '/')).toEqual([bytes('/')]);
    expect(buildChangedNamesList([bytes('/')])).toEqual(nul('.'));
    expect(selectChangedNames(nul('/srv/roots/web'), '/srv/roots/web')).toEqual([bytes('/')]);
    expect(selectChangedNames(Buffer.alloc(0), '/')).toEqual([]);
  });

  test('the planned find, run for real: names whose inode changed since the time on stdin, even with an old mtime, and no other', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rootcast-window-'));
    try {
      mkdirSync(join(dir, 'etc'));
      writeFileSync(join(dir, 'etc/old'), 'old');
      writeFileSync(join(dir, 'etc/new\nline'), 'first');
      const command = planChangeListing({ kind: 'dir', path: dir }, []);
      const run = (since: string): Buffer => execFileSync(command.program, command.args, { input: `${since}\n` });
      // ctime comes from a clock that may lag a tick: leave a gap on both sides of `since`.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const since = (Date.now() / 1000).toFixed(3);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // A rewrite that puts the old mtime back (touch -r, tar, cp -p) still moves ctime, which no one can set.
      writeFileSync(join(dir, 'etc/new\nline'), 'second');
      utimesSync(join(dir, 'etc/new\nline'), new Date(2001, 0, 1), new Date(2001, 0, 1));
      expect(selectChangedNames(run(since), dir)).toEqual([bytes('/etc/new\nline')]);
      expect(selectChangedNames(run((Date.now() / 1000 + 60).toFixed(3)), dir)).toEqual([]);
      expect(selectChangedNames(run('0'), dir)).toEqual([bytes('/')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
