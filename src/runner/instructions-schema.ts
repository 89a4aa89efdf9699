import { z } from 'zod';
import type { DeployInstructions, HostEnrolment } from '../protocol/deploy-protocol.js';
import { transportModes } from '../protocol/transport-modes.js';
import type { UpdateInstructions } from '../protocol/update-protocol.js';

/** A command the runner runs in the target: one line (kickstart/*.yaml validates the rest). */
const commandLine = z.string().min(1).regex(/^[^\n\r\0]+$/, 'one line');

/** Parses the server's answer at the edge; nothing downstream sees raw JSON. */
const deployInstructionsObject = z.object({
  host: z.string().min(1),
  image: z.string().min(1),
  version: z.number().int().positive(),
  ref: z.string().min(1),
  rsync: z.object({
    url: z.string().regex(/^rsync:\/\/[^/]+\/[^/]+\/$/, 'an rsync:// URL of a module, ending in "/"'),
    user: z.string().min(1),
  }),
  keepPaths: z.array(z.string().regex(/^\/[^\0]*$/, 'an absolute, rsync-anchored path')),
  family: z.enum(['rhel', 'debian']),
  overrides: z
    .object({
      url: z.string().regex(/^rsync:\/\/[^/]+\/[^/]+\/$/, 'an rsync:// URL of a module, ending in "/"'),
      imageFilters: z.array(z.string().regex(/^[-H] \/[^\n\r]*$/, 'an image-pass rule "- /path" or "H /path"')),
      overridesFilters: z.array(z.string().regex(/^[PR] [^\n\r]+$/, 'an overrides-pass rule "P pattern" or "R pattern"')),
      layers: z.array(z.object({ layer: z.string().min(1), digest: z.string().regex(/^sha256:[0-9a-f]{64}$/) })),
      treeDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    })
    .optional(),
  transport: z
    .object({
      setting: z.enum(transportModes),
      reason: z.string(),
      payload: z
        .object({
          torrentPath: z.string().regex(/^\/[A-Za-z0-9._~%/@-]+\.torrent$/, 'a path on the server ending in .torrent'),
          file: z.string().regex(/^[A-Za-z0-9._@-]+\.tar\.zst$/, 'a payload file name'),
          bytes: z.number().int().positive(),
          sha256: z.string().regex(/^[0-9a-f]{64}$/),
          infoHash: z.string().regex(/^[0-9a-f]{40}$/),
          imageBytes: z.number().int().nonnegative(),
          seedSeconds: z.number().int().nonnegative(),
          trackerOrigin: z.string().regex(/^https?:\/\/[^/\s]+$/, 'an http origin'),
        })
        .optional(),
    })
    .optional(),
  postDeploy: z
    .object({
      initramfs: z.array(commandLine),
      bootloader: z.object({ bios: z.array(commandLine), efi: z.array(commandLine), config: z.array(commandLine) }),
      relabel: z.array(commandLine),
    })
    .optional(),
  imageMountPoints: z.array(z.string().regex(/^\/[^\0\n]*$/, 'an absolute path')).optional(),
});

// The server writes the daemon user into the URL; the runner uses the URL as given (only the address is replaced).
const namesDaemonUser = (instructions: { rsync: { url: string; user: string } }): boolean =>
  URL.canParse(instructions.rsync.url) && decodeURIComponent(new URL(instructions.rsync.url).username) === instructions.rsync.user;
const daemonUserRule = { message: 'the rsync URL must name the daemon user (rsync.user) before "@"', path: ['rsync', 'url'] };

export const deployInstructionsSchema = deployInstructionsObject.refine(namesDaemonUser, daemonUserRule) satisfies z.ZodType<DeployInstructions>;

/** An update's instructions: a deploy's, plus the inventory's reference and each overridden path's layer. */
export const updateInstructionsSchema = deployInstructionsObject
  .extend({
    assigned: z.string().min(1),
    owners: z.array(z.object({ path: z.string().regex(/^\/[^\0]*$/), layer: z.string().min(1), kind: z.enum(['provides', 'removes']) }).strict()),
    captureExcludes: z.array(z.string().regex(/^[^\0\n\r]+$/, 'one rsync pattern')).optional(),
    captureIncludes: z.array(z.string().regex(/^[^\0\n\r]+$/, 'one rsync pattern')).optional(),
    imageRemovals: z.array(z.string().regex(/^\/[^\0\n\r]+$/, 'an absolute path')).optional(),
  })
  .refine(namesDaemonUser, daemonUserRule) satisfies z.ZodType<UpdateInstructions>;

export const hostEnrolmentSchema = z
  .object({ host: z.string().min(1), credential: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/), rsyncUser: z.string().min(1) })
  .strict() satisfies z.ZodType<HostEnrolment>;

/** Every problem at once, each with its field path. */
export const describeSchemaIssues = (error: z.ZodError): string[] =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
