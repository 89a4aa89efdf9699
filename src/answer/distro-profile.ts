import { z } from 'zod';
import { kickstartDialects } from './kickstart-check/dialect.js';
import { diskPlaceholder, type PostDeploy } from '../protocol/deploy-protocol.js';

const absolutePath = z.string().regex(/^\/\S*$/, 'must be an absolute path without spaces');
const httpUrl = z.string().regex(/^(https?|ftp):\/\/[^\s"']+$/, 'must be an http(s):// or ftp:// URL');
const shellCommand = z.string().min(1).refine((text) => !text.includes('\n'), 'must be one line');
const withoutDisk = shellCommand.refine((text) => !text.includes(diskPlaceholder), `names ${diskPlaceholder}, which only bootloader.bios commands get`);

const sourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('media') }).strict(),
  z.object({ kind: z.literal('url'), url: httpUrl }).strict(),
  z.object({ kind: z.literal('mirrorlist'), url: httpUrl }).strict(),
  z.object({ kind: z.literal('debian-mirror'), url: httpUrl }).strict(),
]);

/** A distro profile after `extends` is resolved: the per-distro facts, as data (kickstart/<id>.yaml). */
export const distroProfileSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9]*$/, 'must be lowercase letters and digits'),
    name: z.string().min(1),
    family: z.enum(['rhel', 'debian']),
    /** Which column of the kickstart syntax table applies (Anaconda family only). */
    kickstartDialect: z.enum(kickstartDialects).optional(),
    /** d-i suite (Debian family only). */
    suite: z.string().regex(/^[a-z]+$/).optional(),
    /** Where the installer mounts the target while %post --nochroot / late_command runs. */
    sysroot: absolutePath,
    source: sourceSchema,
    /** Extra repositories the installer always adds (kickstart `repo`). */
    repos: z.array(z.object({ name: z.string().regex(/^[A-Za-z0-9_.-]+$/), baseurl: httpUrl }).strict()).default([]),
    /** Minimal package set; must include rsync and curl (the runner and the bootstrap need them). */
    packages: z
      .array(z.string().regex(/^[@^A-Za-z0-9_.+:-]+$/, 'must be a package or @group name'))
      .refine((list) => list.includes('rsync') && list.includes('curl'), 'must include rsync and curl'),
    /** Automatic layout scheme when the host has no declarative layout. */
    autoScheme: z.enum(['lvm', 'plain']).default('lvm'),
    /** Commands the runner runs chrooted into the deployed target, in order (docs/answer-files.md; src/runner/plan-boot.ts). */
    postDeploy: z
      .object({
        initramfs: z.array(withoutDisk).min(1),
        bootloader: z
          .object({
            /** Once per boot disk, `{disk}` replaced by it. */
            bios: z.array(shellCommand.refine((text) => text.includes(diskPlaceholder), `must name the boot disk as ${diskPlaceholder}`)).min(1),
            efi: z.array(withoutDisk),
            config: z.array(withoutDisk).min(1),
          })
          .strict(),
        relabel: z.array(withoutDisk),
      })
      .strict() satisfies z.ZodType<PostDeploy>,
    /** Target paths the image sync must leave alone (a trailing "/" keeps a whole directory). */
    keepPaths: z.array(absolutePath).min(1),
  })
  .strict()
  .superRefine((profile, ctx) => {
    if (profile.family === 'rhel' && profile.kickstartDialect === undefined) {
      ctx.addIssue({ code: 'custom', path: ['kickstartDialect'], message: 'is required for the rhel family' });
    }
    if (profile.family === 'debian') {
      if (profile.suite === undefined) ctx.addIssue({ code: 'custom', path: ['suite'], message: 'is required for the debian family' });
      if (profile.source.kind !== 'debian-mirror') {
        ctx.addIssue({ code: 'custom', path: ['source', 'kind'], message: 'must be debian-mirror for the debian family' });
      }
      if (profile.repos.length > 0) ctx.addIssue({ code: 'custom', path: ['repos'], message: 'is not supported for the debian family' });
    } else if (profile.source.kind === 'debian-mirror') {
      ctx.addIssue({ code: 'custom', path: ['source', 'kind'], message: 'debian-mirror is for the debian family only' });
    }
  });

export type DistroProfile = z.infer<typeof distroProfileSchema>;

/** Every loaded profile, by id. */
export type DistroCatalog = ReadonlyMap<string, DistroProfile>;
