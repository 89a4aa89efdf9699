import { posix } from 'node:path';
import type { PxeEntryContext } from '../render/pxe-render-context.js';
import type { PxeTemplates } from '../render/pxe-templates.js';
import type { HostBoot, HostBootInstall } from './host-boots.js';

/** A file of the boot tree rendered from templates/pxe/. */
export interface GeneratedFile {
  /** Relative to the boot tree. */
  path: string;
  content: string;
}

/** Directories that hold one generated file per MAC; files there that no host owns any more are removed. */
export const perMacDirs = ['pxelinux.cfg', 'grub/hosts', 'ipxe'] as const;

const dashed = (mac: string): string => mac.replaceAll(':', '-');

/** Where each loader looks for a machine's own config (pxelinux: `01-` = Ethernet). */
export const entryPaths = (mac: string | 'default'): { pxelinux: string; grub: string; ipxe: string } =>
  mac === 'default'
    ? { pxelinux: 'pxelinux.cfg/default', grub: 'grub/hosts/default.cfg', ipxe: 'ipxe/default.ipxe' }
    : { pxelinux: `pxelinux.cfg/01-${dashed(mac)}`, grub: `grub/hosts/${mac}.cfg`, ipxe: `ipxe/${dashed(mac)}.ipxe` };

/** The file name an installer file gets in the tree: the source's own (`linux`, `initrd.gz`, `vmlinuz`). */
export const installerTreePath = (distro: string, source: string): string => {
  const name = posix.basename(source.startsWith('/') ? source : new URL(source).pathname) || 'file';
  return `installers/${distro}/${name}`;
};

/** The answer file URL by host name, and the one by MAC that iPXE fills in itself. */
const answerUrls = (serverUrl: string, host: string, family: 'rhel' | 'debian'): { byName: string; byMac: string } => {
  const prefix = family === 'rhel' ? 'ks' : 'preseed';
  return { byName: `${serverUrl}/${prefix}/${host}`, byMac: `${serverUrl}/${prefix}/mac/\${net0/mac}` };
};

/** The installer's own words for "install from this answer file, ask nothing". */
const installerArgs = (family: 'rhel' | 'debian', url: string, extra: string | undefined): string =>
  [family === 'rhel' ? `inst.ks=${url} ip=dhcp` : `auto=true priority=critical url=${url} interface=auto`, extra ?? ''].join(' ').trim();

const installEntry = (host: HostBoot, next: HostBootInstall, serverUrl: string): Omit<PxeEntryContext, 'title'> => {
  const urls = answerUrls(serverUrl, host.name, next.family);
  const initrd = installerTreePath(next.distro, next.installer.initrd);
  return {
    message: `rootcast: installing ${host.name} with ${next.distro} (answer file ${urls.byName})`,
    install: true,
    kernel: installerTreePath(next.distro, next.installer.kernel),
    initrd,
    initrdName: posix.basename(initrd),
    args: installerArgs(next.family, urls.byName, next.installer.args),
    ipxeArgs: installerArgs(next.family, urls.byMac, next.installer.args),
    httpBase: serverUrl,
  };
};

const localEntry = (message: string, serverUrl: string): Omit<PxeEntryContext, 'title'> => ({
  message,
  install: false,
  kernel: '',
  initrd: '',
  initrdName: '',
  args: '',
  ipxeArgs: '',
  httpBase: serverUrl,
});

const render = (templates: PxeTemplates, mac: string | 'default', context: PxeEntryContext): GeneratedFile[] => {
  const paths = entryPaths(mac);
  return [
    { path: paths.pxelinux, content: templates.pxelinuxEntry(context) },
    { path: paths.grub, content: templates.grubEntry(context) },
    { path: paths.ipxe, content: templates.ipxeEntry(context) },
  ];
};

/** Every generated file of the tree: the dispatchers, the unknown-machine default and each host's entries per MAC (pure). */
export const planBootEntries = (hosts: readonly HostBoot[], serverUrl: string, templates: PxeTemplates): GeneratedFile[] => [
  { path: 'grub/grub.cfg', content: templates.grubDispatch({ httpBase: serverUrl }) },
  { path: 'boot.ipxe', content: templates.ipxeDispatch({ httpBase: serverUrl }) },
  ...render(templates, 'default', { title: 'unknown machines', ...localEntry('rootcast: unknown machine: booting from the local disk', serverUrl) }),
  ...hosts.flatMap((host) =>
    host.macs.flatMap((mac) => {
      const entry = host.next.kind === 'install'
        ? installEntry(host, host.next, serverUrl)
        : localEntry(`rootcast: ${host.name} boots from its local disk (${host.problem ?? host.why})`, serverUrl);
      return render(templates, mac, { title: `${host.name} (${mac})`, ...entry });
    }),
  ),
];
