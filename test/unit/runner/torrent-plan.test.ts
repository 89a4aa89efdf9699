import { deployFacts, deployInstructions, stepOf } from './deploy-fixtures.js';
import { describe, expect, test } from 'vitest';
import type { DeployInstructions, DeployPayload } from '../../../src/protocol/deploy-protocol.js';
import type { DeployFacts } from '../../../src/runner/facts.js';
import { memoryMarginBytes, planDeploy, runnerOwnedPaths, toolboxSizeBytes, type PlanSettings } from '../../../src/runner/plan.js';
import { identityKeptPaths } from '../../../src/runner/plan-identity.js';
import { formatPlan } from '../../../src/runner/print-plan.js';
import { commandsOfStep } from '../../../src/runner/steps.js';
import { buildAria2Args } from '../../../src/sys/aria2.js';
import { buildTarExtractArgs } from '../../../src/sys/tar-archive.js';

const mib = 1024 * 1024;
const payload: DeployPayload = {
  torrentPath: '/api/v1/hosts/web07/payload/web@3.torrent',
  file: 'web@3.tar.zst',
  bytes: 300 * mib,
  sha256: 'a'.repeat(64),
  infoHash: 'b'.repeat(40),
  imageBytes: 800 * mib,
  seedSeconds: 60,
  trackerOrigin: 'http://10.0.0.1:8781',
};
const instructions = (transport: DeployInstructions['transport']): DeployInstructions =>
  deployInstructions({
    rsync: { url: 'rsync://install.web07@10.0.0.1:8873/img.web.3/', user: 'install.web07' },
    ...(transport === undefined ? {} : { transport }),
  });
const facts = (overrides: Partial<DeployFacts> = {}): DeployFacts =>
  deployFacts({ target: '/target', rootCopy: { files: 10_000, bytes: 200 * mib }, torrent: { missingTools: [], targetFreeBytes: 20_000 * mib }, ...overrides });
const settings: PlanSettings = { workDir: '/run/rootcast', ioTimeoutSeconds: 60, server: 'http://10.0.0.1:8780/', boot: { enabled: false } };
const torrentOffer = { setting: 'torrent' as const, reason: 'install.transport is torrent', payload };

describe('the sync step\'s transport', () => {
  test('rsync alone when the server offers no payload, saying why', () => {
    const sync = stepOf(planDeploy(instructions({ setting: 'auto', reason: 'install.transport is auto and only 3 host(s) install web (fewer than 20)' }), facts(), settings), 'sync-image');
    expect(sync.transport).toEqual({ kind: 'rsync', reason: 'install.transport is auto and only 3 host(s) install web (fewer than 20)' });
    expect(stepOf(planDeploy(instructions(undefined), facts(), settings), 'sync-image').transport).toEqual({ kind: 'rsync', reason: 'the server offers no payload' });
  });

  test('the payload in RAM when it fits beside the toolbox: the tmpfs grows by it; the unpack keeps what the rsync pass keeps', () => {
    const steps = planDeploy(instructions(torrentOffer), facts(), settings);
    const sync = stepOf(steps, 'sync-image');
    const staged = '/run/rootcast-payload/web@3.tar.zst';
    const chrooted = { where: 'namespace', chroot: '/run/rootcast/toolbox.42', env: ['PATH', 'LC_ALL', 'HOME'] };
    expect(sync.transport).toEqual({
      kind: 'torrent',
      reason: 'install.transport is torrent',
      fetch: {
        torrentUrl: 'http://10.0.0.1:8780/api/v1/hosts/web07/payload/web@3.torrent',
        origins: ['http://10.0.0.1:8780', 'http://10.0.0.1:8781'],
        paths: ['/api/v1/hosts/web07/payload/web@3.torrent', '/api/v1/hosts/web07/payload/web@3.tar.zst', '/api/v1/hosts/web07/announce'],
        file: 'web@3.tar.zst',
        bytes: 300 * mib,
        sha256: 'a'.repeat(64),
        staging: 'ram',
        stagingDir: '/run/rootcast-payload',
        seedSeconds: 60,
        commands: {
          makeStaging: { ...chrooted, program: 'mkdir', args: ['-p', '-m', '700', '/run/rootcast-payload'], okExitCodes: [0] },
          fetch: { ...chrooted, program: 'aria2c', args: buildAria2Args({ torrentUrl: 'http://10.0.0.1:8780/api/v1/hosts/web07/payload/web@3.torrent', dir: '/run/rootcast-payload', seedSeconds: 60 }), env: ['PATH', 'LC_ALL', 'HOME', 'http_proxy'], okExitCodes: [0] },
          digest: { ...chrooted, program: 'sha256sum', args: [staged], okExitCodes: [0] },
          unpack: { ...chrooted, program: 'tar', args: buildTarExtractArgs(staged, '/target', ['/etc/fstab', '/boot/efi/', ...runnerOwnedPaths, ...identityKeptPaths, '/swapfile', '/swap.img']), okExitCodes: [0, 1, 2] },
        },
      },
    });
    // The dry-run lists them in the order they run: the torrent's four, then the rsync pass (RAM staging: nothing to remove).
    expect(commandsOfStep(sync).map((command) => command.program)).toEqual(['mkdir', 'aria2c', 'sha256sum', 'tar', 'rsync']);
    expect(stepOf(steps, 'ram-copy').tmpfsBytes).toBe(toolboxSizeBytes({ files: 10_000, bytes: 200 * mib }) + 300 * mib);
    expect(formatPlan(steps)).toContain('transport: torrent (install.transport is torrent): aria2c fetches web@3.tar.zst (300.0 MiB)');
  });

  test('on the target\'s disk when RAM is short but the disk has room for image and payload', () => {
    const ram = toolboxSizeBytes({ files: 10_000, bytes: 200 * mib }) + memoryMarginBytes + 100 * mib;
    const sync = stepOf(planDeploy(instructions(torrentOffer), facts({ memAvailableBytes: ram }), settings), 'sync-image');
    expect(sync.transport?.kind === 'torrent' && [sync.transport.fetch.staging, sync.transport.fetch.stagingDir]).toEqual(['disk', '/target/run/rootcast/payload']);
    // The staging directory on the target is removed after the rsync pass.
    expect(commandsOfStep(sync).map((command) => `${command.program} ${command.args.at(-1) ?? ''}`)).toEqual([
      'mkdir /target/run/rootcast/payload',
      'aria2c http://10.0.0.1:8780/api/v1/hosts/web07/payload/web@3.torrent',
      'sha256sum /target/run/rootcast/payload/web@3.tar.zst',
      'tar --directory=/target',
      expect.stringMatching(/^rsync /),
      'rm /target/run/rootcast/payload',
    ]);
  });

  test('neither fits, or the disk cannot take the image: preflight fails NO_SPACE before anything is written', () => {
    const ram = toolboxSizeBytes({ files: 10_000, bytes: 200 * mib }) + memoryMarginBytes + 100 * mib;
    const noRoom = stepOf(planDeploy(instructions(torrentOffer), facts({ memAvailableBytes: ram, torrent: { missingTools: [], targetFreeBytes: 900 * mib } }), settings), 'preflight');
    expect(noRoom.checks.find((check) => check.name === 'payload-space')).toMatchObject({ ok: false, failure: { code: 'NO_SPACE', message: expect.stringContaining('neither RAM nor the target\'s disk can hold the 300.0 MiB payload of web@3') } });
    const tiny = stepOf(planDeploy(instructions(torrentOffer), facts({ torrent: { missingTools: [], targetFreeBytes: 500 * mib } }), settings), 'preflight');
    expect(tiny.checks.find((check) => check.name === 'payload-space')?.failure?.message).toBe('the target\'s filesystem is too small for web@3: 856.0 MiB needed beside what is installed, 500.0 MiB free');
  });

  test('without aria2c on the installed system the image moves by rsync, saying what is missing', () => {
    const sync = stepOf(planDeploy(instructions(torrentOffer), facts({ torrent: { missingTools: ['aria2c', 'zstd'], targetFreeBytes: 20_000 * mib } }), settings), 'sync-image');
    expect(sync.transport).toEqual({ kind: 'rsync', reason: 'install.transport is torrent, but the installed system lacks aria2c, zstd (the answer files install aria2 and zstd for install.transport torrent)' });
  });
});
