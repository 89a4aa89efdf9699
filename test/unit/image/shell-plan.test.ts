import { describe, expect, test } from 'vitest';
import { planShell } from '../../../src/image/shell-plan.js';
import { renderOverlayShellScript } from '../../../src/sys/overlay-shell.js';

const base = { image: 'web', version: 3, ref: 'web@3', dir: '/h/images/web/3', root: '/h/images/web/3/root' };

describe('planShell', () => {
  test('lays upper, work, merged and the new root side by side in the staging dir', () => {
    const plan = planShell({ base, stagingDir: '/h/images/web/.staging/1-ab', command: 'touch /x', term: 'xterm' });
    expect(plan.spec).toMatchObject({
      lower: '/h/images/web/3/root',
      upper: '/h/images/web/.staging/1-ab/upper',
      work: '/h/images/web/.staging/1-ab/work',
      merged: '/h/images/web/.staging/1-ab/merged',
      syncTarget: '/h/images/web/.staging/1-ab/root',
      command: 'touch /x',
    });
    expect(plan.spec.env).toEqual({ PATH: expect.stringContaining('/usr/sbin'), HOME: '/root', TERM: 'xterm', HISTFILE: '/dev/null' });
  });

  test('the script mounts the overlay, runs the command in a clean chroot, and mirrors only on success', () => {
    const script = renderOverlayShellScript(planShell({ base, stagingDir: '/s', command: "echo 'hi' > /etc/motd", term: undefined }).spec);
    const lines = script.split('\n');
    // Ctrl-C ends the chroot's command but not the script, which still unmounts and reports the status.
    expect(lines[0]).toBe('trap : INT QUIT');
    expect(lines[1]).toBe('set -eu');
    expect(lines[2]).toBe("mount -t overlay overlay -o lowerdir=/h/images/web/3/root,upperdir=/s/upper,workdir=/s/work /s/merged");
    expect(script).toContain('mount --rbind /proc /s/merged/proc');
    expect(script).toContain(`env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb HISTFILE=/dev/null chroot /s/merged /bin/sh -c 'echo '\\''hi'\\'' > /etc/motd'`);
    expect(script.indexOf('umount -R /s/merged/dev')).toBeLessThan(script.indexOf('umount -R /s/merged/proc'));
    expect(script).toContain('if [ "$status" -eq 0 ] && [ -n "$(ls -A /s/upper)" ]; then');
    expect(script).toMatch(/rsync -aHAXS --numeric-ids --delete .*--link-dest=\/h\/images\/web\/3\/root -- \/s\/merged\/ \/s\/root\//);
  });

  test('without a command the chroot runs an interactive /bin/sh', () => {
    const script = renderOverlayShellScript(planShell({ base, stagingDir: '/s', command: undefined }).spec);
    expect(script).toMatch(/chroot \/s\/merged \/bin\/sh\n/);
  });
});
