import { z } from 'zod';
import { transportModes } from '../protocol/transport-modes.js';

// A single string where a list is expected is accepted as a one-item list (`dns: 10.0.0.1`).
const stringList = z.preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(z.string()));

// Any YAML value but null: templates may read lists and maps, but an empty var is almost always a mistake.
const varValue = z.custom<NonNullable<unknown>>((value) => value !== null && value !== undefined, {
  message: 'a var needs a value',
});
const vars = z.record(z.string(), varValue);

export const networkSchema = z
  .object({
    subnet: z.string(),
    gateway: z.string().optional(),
    dns: stringList.optional(),
    domain: z.string().optional(),
    description: z.string().optional(),
  })
  .strict();

// A size: whole MiB, or text such as "512MiB", "20GiB" (the answer-file renderer checks the unit).
const size = z.union([z.number(), z.string()]);

const autoPartitioningSchema = z
  .object({ mode: z.literal('auto'), scheme: z.enum(['lvm', 'plain']).optional(), disks: stringList.optional() })
  .strict();

/** A declarative layout's shape; its rules (one "/", one grow per disk...) are checked when answer files render. */
const layoutPartitioningSchema = z
  .object({
    mode: z.literal('layout'),
    disks: stringList,
    platformPartitions: z.boolean().optional(),
    partitions: z.array(
      z
        .object({
          disk: z.string().optional(),
          size,
          grow: z.boolean().optional(),
          fs: z.string().optional(),
          mount: z.string().optional(),
          raid: z.string().optional(),
          vg: z.string().optional(),
        })
        .strict(),
    ),
    raids: z
      .array(z.object({ name: z.string(), level: z.number(), fs: z.string().optional(), mount: z.string().optional(), vg: z.string().optional() }).strict())
      .optional(),
    volumeGroups: z.array(z.object({ name: z.string() }).strict()).optional(),
    logicalVolumes: z
      .array(
        z
          .object({ vg: z.string(), name: z.string(), size, grow: z.boolean().optional(), fs: z.string(), mount: z.string().optional() })
          .strict(),
      )
      .optional(),
  })
  .strict();

/** How a host is installed (answer files). */
export const installSchema = z
  .object({
    distro: z.string().optional(),
    partitioning: z.discriminatedUnion('mode', [autoPartitioningSchema, layoutPartitioningSchema]).optional(),
    repos: z
      .object({
        url: z.string().optional(),
        extra: z.array(z.object({ name: z.string(), baseurl: z.string() }).strict()).optional(),
        /** EL only: add EPEL (where aria2 lives) to the kickstart; true for Fedora's EPEL mirrors, or a mirror's baseurl. */
        epel: z.union([z.boolean(), z.string()]).optional(),
      })
      .strict()
      .optional(),
    timezone: z.string().optional(),
    keyboard: z.string().optional(),
    lang: z.string().optional(),
    rootPasswordHash: z.string().optional(),
    sshAuthorizedKeys: stringList.optional(),
    /** How the first install moves the image: rsync, torrent, or auto (torrent from torrentMinHosts hosts on). @default "rsync" */
    transport: z.enum(transportModes).optional(),
    /** `auto` uses the torrent when at least this many hosts install the same image. @default 20 */
    torrentMinHosts: z.number().int().min(1).max(1_000_000).optional(),
    /** How long a runner keeps seeding after its download completed, at most. @default 60 */
    torrentSeedSeconds: z.number().int().min(0).max(86_400).optional(),
  })
  .strict();

/** How a deployed host gets its own identity: network mode and card settings (src/identity, docs/identity.md). */
export const identitySchema = z
  .object({
    /** @default static when the host has an ip and a network, else dhcp */
    network: z.enum(['dhcp', 'static', 'keep']).optional(),
    interface: z.string().optional(),
    mtu: z.number().optional(),
    searchDomains: stringList.optional(),
  })
  .strict();

/** serve's monitor: how much event history a host keeps, when a silent host counts as stalled (docs/monitor.md). */
export const monitorSettingsSchema = z
  .object({
    /** Installs (and updates) whose event logs and summaries a host keeps. @default 10 */
    keepInstalls: z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').optional(),
    /** MiB of event logs per host. @default 4 */
    hostLogMiB: z.number().int().min(1, 'must be at least 1 (MiB)').max(1024, 'must be at most 1024 (MiB)').optional(),
    /** A host whose runner or update is silent this long is stalled (`120s`, `5m`). @default "120s" */
    stalledAfter: z.string().optional(),
    /** The same while the installer runs, which reports nothing until the runner starts. @default "60m" */
    installerStalledAfter: z.string().optional(),
  })
  .strict();

/** How installing hosts reach `rootcast serve`. */
export const serverSchema = z
  .object({
    url: z.string().regex(/^https?:\/\/[^/\s]+\/?$/, 'must be a base URL such as http://10.0.0.1:8780'),
    /** How long an answer file's install token works if its install never finishes (`24h`). */
    installTokenLifetime: z.string().optional(),
    /** Who may fetch answer files (they carry install tokens): IPv4 addresses and CIDRs, or "any". @default the subnets under networks: */
    answerFileClients: z.union([z.literal('any'), stringList]).optional(),
    monitor: monitorSettingsSchema.optional(),
    description: z.string().optional(),
  })
  .strict();

/** One installer's netboot kernel and initrd: an absolute path on the server or an http(s) URL. */
export const pxeInstallerSchema = z
  .object({ kernel: z.string(), initrd: z.string(), args: z.string().optional() })
  .strict();

/** The optional PXE boot path (docs/pxe.md). */
export const pxeSchema = z
  .object({
    /** The network DHCP serves. @default the only network under networks: */
    network: z.string().optional(),
    /** Interface dnsmasq binds to under `serve --pxe`. */
    interface: z.string().optional(),
    /** @default "dhcp" */
    mode: z.enum(['dhcp', 'proxy']).optional(),
    /** Addresses for machines without a reservation (full DHCP): `10.0.0.100-10.0.0.199`. */
    pool: z.string().optional(),
    /** @default "1h" */
    leaseTime: z.string().optional(),
    /** @default "native": pxelinux for BIOS, shim + grub for UEFI; "ipxe": iPXE for both */
    loader: z.enum(['native', 'ipxe']).optional(),
    /** @default "rootcast": the TFTP server inside serve */
    tftp: z.enum(['rootcast', 'dnsmasq']).optional(),
    /** @default [bios, x64-uefi] */
    architectures: stringList.optional(),
    /** TFTP and DHCP next-server address. @default the address in server.url */
    serverAddress: z.string().optional(),
    installers: z.record(z.string(), pxeInstallerSchema).optional(),
    description: z.string().optional(),
  })
  .strict();

export const imageSchema = z
  .object({ description: z.string().optional(), vars: vars.optional(), install: installSchema.optional(), identity: identitySchema.optional() })
  .strict();

export const groupSchema = z
  .object({
    image: z.string().optional(),
    network: z.string().optional(),
    vars: vars.optional(),
    install: installSchema.optional(),
    identity: identitySchema.optional(),
    description: z.string().optional(),
  })
  .strict();

export const hostSchema = z
  .object({
    mac: z.string().optional(),
    macs: stringList.optional(),
    ip: z.string().optional(),
    image: z.string().optional(),
    network: z.string().optional(),
    groups: stringList.optional(),
    vars: vars.optional(),
    install: installSchema.optional(),
    identity: identitySchema.optional(),
    description: z.string().optional(),
  })
  .strict();

// Each entry is checked on its own so one bad entry does not hide the errors of the others.
const section = z.record(z.string(), z.unknown()).nullable().optional();

/** The top level of rootcast.yaml; entries are parsed one by one with the schemas above. */
export const inventoryFileSchema = z
  .object({ server: z.unknown().optional(), install: z.unknown().optional(), pxe: z.unknown().optional(), networks: section, images: section, groups: section, hosts: section })
  .strict()
  .nullable();

export type RawSections = NonNullable<z.infer<typeof inventoryFileSchema>>;
export type RawImage = z.infer<typeof imageSchema>;
export type RawNetwork = z.infer<typeof networkSchema>;
export type RawGroup = z.infer<typeof groupSchema>;
export type RawHost = z.infer<typeof hostSchema>;
export type InstallSettings = z.infer<typeof installSchema>;
export type IdentitySettings = z.infer<typeof identitySchema>;
export type ServerSettings = z.infer<typeof serverSchema>;
export type RawMonitorSettings = z.infer<typeof monitorSettingsSchema>;
export type RawPxe = z.infer<typeof pxeSchema>;

/** Every key each object accepts, to suggest the closest one for a typo. */
export const knownKeys = {
  top: Object.keys(inventoryFileSchema.unwrap().shape),
  networks: Object.keys(networkSchema.shape),
  images: Object.keys(imageSchema.shape),
  groups: Object.keys(groupSchema.shape),
  hosts: Object.keys(hostSchema.shape),
  install: Object.keys(installSchema.shape),
  identity: Object.keys(identitySchema.shape),
  server: Object.keys(serverSchema.shape),
  monitor: Object.keys(monitorSettingsSchema.shape),
  pxe: Object.keys(pxeSchema.shape),
  pxeInstaller: Object.keys(pxeInstallerSchema.shape),
} as const;
