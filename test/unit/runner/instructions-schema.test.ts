import { describe, expect, test } from 'vitest';
import { deployInstructionsSchema } from '../../../src/runner/instructions-schema.js';

const valid = {
  host: 'web07',
  image: 'web',
  version: 3,
  ref: 'web@3',
  rsync: { url: 'rsync://install.web07@10.0.0.1:8873/img.web.3/', user: 'install.web07' },
  keepPaths: ['/etc/fstab'],
  family: 'rhel',
};

describe('deploy instructions', () => {
  test('the server\'s form parses: the daemon user is in the URL, as serve writes it', () => {
    expect(deployInstructionsSchema.safeParse(valid).success).toBe(true);
  });

  test('an rsync URL without the daemon user, or naming another, is malformed (the runner uses the URL as given)', () => {
    for (const url of ['rsync://10.0.0.1:8873/img.web.3/', 'rsync://install.web08@10.0.0.1:8873/img.web.3/', 'not a url/x/']) {
      const parsed = deployInstructionsSchema.safeParse({ ...valid, rsync: { ...valid.rsync, url } });
      expect(parsed.success, url).toBe(false);
      expect(parsed.error?.issues.map((issue) => issue.path.join('.')), url).toContain('rsync.url');
    }
  });

  test('boot commands and the image\'s mount points parse; a command over two lines or a relative mount point does not', () => {
    const postDeploy = { initramfs: ['dracut -f'], bootloader: { bios: ['grub2-install {disk}'], efi: [], config: ['grub2-mkconfig -o /boot/grub2/grub.cfg'] }, relabel: [] };
    expect(deployInstructionsSchema.safeParse({ ...valid, postDeploy, imageMountPoints: ['/', '/var'] }).success).toBe(true);
    const twoLines = deployInstructionsSchema.safeParse({ ...valid, postDeploy: { ...postDeploy, initramfs: ['dracut -f\nreboot'] } });
    expect(twoLines.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['postDeploy.initramfs.0']);
    const relative = deployInstructionsSchema.safeParse({ ...valid, imageMountPoints: ['var'] });
    expect(relative.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['imageMountPoints.0']);
  });
});
