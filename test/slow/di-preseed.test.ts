import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { AnswerFileInput } from '../../src/answer/answer-file-input.js';
import { buildRenderContext } from '../../src/answer/build-render-context.js';
import { loadDistroProfiles } from '../../src/answer/load-distro-profiles.js';
import { loadAnswerTemplates } from '../../src/render/answer-templates.js';
import { findPackageRoot } from '../../src/package/package-root.js';
import { renderAnswerFile } from '../../src/render/render-answer-file.js';
import { buildPreseedCpio, debianInstaller, listCpio, preseedBootArgs, writePreseededInitrd } from '../helpers/d-i.js';
import { startQemu } from '../helpers/qemu.js';

const slow = process.env.ROOTCAST_SLOW === '1';
// d-i reached the marker in ~35 s on these machines; the bound leaves room for a loaded CI machine.
const markerTimeoutMs = 5 * 60_000;
const marker = /rootcast: preseed read for (\S+?)\r?$/m;

const demoInput = (host: string): AnswerFileInput => ({
  host: { name: host, domain: 'example.test', macs: ['52:54:00:12:34:56'] },
  network: { mode: 'static', ip: '10.213.0.17', prefix: 24, gateway: '10.213.0.1', dns: ['10.213.0.1'] },
  image: { name: 'web', ref: 'web@3' },
  server: { httpUrl: 'http://10.213.0.1:8080' },
  install: { token: 'demo-install-token-0123456789', distro: 'debian12' },
});

/** The preseed `rootcast preseed HOST` would print, through the real templates and distro profiles. */
const renderPreseed = async (host: string): Promise<string> => {
  const assets = findPackageRoot();
  const built = buildRenderContext(demoInput(host), await loadDistroProfiles(join(assets, 'kickstart')));
  if (!built.ok) throw new Error(`demo input rejected: ${JSON.stringify(built.problems)}`);
  return renderAnswerFile(await loadAnswerTemplates(join(assets, 'templates')), built.context).content;
};

/** Boots the stock d-i netboot kernel with `preseed` appended to its initrd; returns the serial log once `until` shows. */
const bootInstaller = async (preseed: string, until: RegExp, work: string): Promise<{ serial: string; seconds: number }> => {
  const initrd = join(work, 'initrd.gz');
  writePreseededInitrd(preseed, initrd);
  const vm = startQemu({ serialLog: join(work, 'serial.log'), args: ['-kernel', debianInstaller.kernel, '-initrd', initrd, '-append', preseedBootArgs] });
  try {
    const found = await vm.waitForText(until, markerTimeoutMs);
    return { serial: vm.readSerial(), seconds: found.elapsedMs / 1000 };
  } finally {
    await vm.stop();
  }
};

describe.skipIf(!slow)('the real debian-installer reads the preseed rootcast renders', () => {
  test('the appended cpio carries exactly /preseed.cfg, and the rendered preseed passes debconf-set-selections -c', async () => {
    const preseed = await renderPreseed('web07');
    expect(listCpio(buildPreseedCpio(preseed))).toEqual(['preseed.cfg']);
    const work = mkdtempSync(join(tmpdir(), 'rootcast-di-'));
    try {
      writeFileSync(join(work, 'preseed.cfg'), preseed);
      const check = execFileSync('debconf-set-selections', ['-c', join(work, 'preseed.cfg')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(check).toBe('');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('booting d-i with the rendered preseed runs its early_command: the host marker reaches the serial console', async () => {
    const work = mkdtempSync(join(tmpdir(), 'rootcast-di-'));
    try {
      const { serial, seconds } = await bootInstaller(await renderPreseed('web07'), marker, work);
      console.info(`di-preseed: marker after ${seconds.toFixed(1)} s`);
      expect(marker.exec(serial)?.[1]).toBe('web07');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('a preseed d-i cannot parse is reported by the installer and its early_command never runs', async () => {
    const work = mkdtempSync(join(tmpdir(), 'rootcast-di-'));
    try {
      // One line without a type or value: debconf-set-selections rejects the whole file.
      const rendered = await renderPreseed('web08');
      const broken = rendered.replace(/^(d-i debian-installer\/locale)/m, 'd-i broken/line\n$1');
      expect(broken).not.toBe(rendered);
      const failure = /Failed to process the preconfiguration file/;
      const { serial } = await bootInstaller(broken, new RegExp(`${failure.source}|${marker.source}`, 'm'), work);
      expect(serial).toMatch(failure);
      expect(serial).not.toMatch(/rootcast: preseed read for/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
