import type { AnswerFileInput, InstallInput } from './answer-file-input.js';
import type { DistroCatalog, DistroProfile } from './distro-profile.js';
import { createProblemSink, type InputProblem, type ProblemSink } from './input-problem.js';
import { buildLayout } from './layout.js';
import { buildNetwork } from './network.js';
import { timeZoneProblem } from './time-zone.js';
import type { HostRenderContext, InstallSourceContext, PartitioningContext } from '../render/host-render-context.js';
import { imageNameProblem } from '../image/name.js';
import { normaliseMac } from '../inventory/mac.js';
import { domainProblem, hostNameProblem } from '../inventory/names.js';

export type RenderContextBuild = { ok: true; context: HostRenderContext } | { ok: false; problems: InputProblem[] };

const httpUrl = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~%/-]*)?$/;
const repoUrl = /^(https?|ftp):\/\/[^\s"'\\]+$/;
// The token travels inside shell words and kickstart/preseed lines: keep it to URL-safe characters.
const installToken = /^[A-Za-z0-9_-]{16,128}$/;
const keymapName = /^[a-z][a-z0-9_-]*$/;
const localeName = /^[a-z]{2,3}(_[A-Z]{2})?(\.[A-Za-z0-9-]+)?(@[a-z]+)?$/;
const cryptHash = /^\$[0-9a-z]+\$[./A-Za-z0-9$=,]+$/;
const sshPublicKey = /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/=]+( [^"'\\\n]*)?$/;
const repoName = /^[A-Za-z0-9_.-]+$/;

/**
 * Validates one host's answer-file input against the distro catalog and builds its render context.
 * Pure: every problem is collected (with its path) instead of stopping at the first.
 */
export const buildRenderContext = (input: AnswerFileInput, catalog: DistroCatalog): RenderContextBuild => {
  const sink = createProblemSink();
  const { host, image, server, install } = input;
  const nameProblem = hostNameProblem(host.name);
  if (nameProblem !== undefined) sink.add('host.name', nameProblem);
  const domain = host.domain === undefined || host.domain === '' ? null : host.domain;
  const domainIssue = domain === null ? undefined : domainProblem(domain);
  if (domainIssue !== undefined) sink.add('host.domain', domainIssue);
  const macs = [...(host.macs ?? [])];
  macs.forEach((mac, index) => {
    // The inventory's rule, and already in its one spelling: anything else was never normalised.
    const parsed = normaliseMac(mac);
    if (!parsed.ok || parsed.mac !== mac) sink.add(`host.macs[${index}]`, `"${mac}" is not a normalised MAC address (52:54:00:12:34:56)`);
  });
  const imageProblem = imageNameProblem(image.name);
  if (imageProblem !== undefined) sink.add('image.name', `"${image.name}" is not an image name: it ${imageProblem}`);
  if (!image.ref.startsWith(`${image.name}@`) || image.ref.length <= image.name.length + 1) {
    sink.add('image.ref', `"${image.ref}" is not a reference to image ${image.name} (like ${image.name}@3)`);
  }
  const httpBase = server.httpUrl.replace(/\/+$/, '');
  if (!httpUrl.test(httpBase)) sink.add('server.httpUrl', `"${server.httpUrl}" is not an http:// or https:// URL`);

  const profile = install.distro === undefined ? undefined : catalog.get(install.distro);
  if (install.distro === undefined) sink.add('install.distro', 'no distro given (set it, or pass --distro)');
  else if (profile === undefined) {
    sink.add('install.distro', `unknown distro "${install.distro}" (known: ${[...catalog.keys()].sort().join(', ')})`);
  }
  const network = buildNetwork(input.network, macs, sink);
  const installContext = profile === undefined ? undefined : buildInstall(install, profile, sink);
  if (sink.problems.length > 0 || installContext === undefined) return { ok: false, problems: sink.problems };
  return {
    ok: true,
    context: {
      host: { name: host.name, fqdn: domain === null ? host.name : `${host.name}.${domain}`, domain, macs },
      network,
      image: { name: image.name, ref: image.ref },
      server: { httpUrl: httpBase, bootstrapUrl: `${httpBase}/boot/bootstrap.sh` },
      install: installContext,
      vars: { ...(input.vars ?? {}) },
    },
  };
};

const buildInstall = (install: InstallInput, profile: DistroProfile, sink: ProblemSink): HostRenderContext['install'] => {
  if (!installToken.test(install.token)) sink.add('install.token', 'must be 16-128 characters of A-Z, a-z, 0-9, "_" and "-"');
  const timezone = install.timezone ?? 'Etc/UTC';
  const keyboard = install.keyboard ?? 'us';
  const lang = install.lang ?? 'en_US.UTF-8';
  const zoneProblem = timeZoneProblem(timezone);
  if (zoneProblem !== undefined) sink.add('install.timezone', zoneProblem);
  if (!keymapName.test(keyboard)) sink.add('install.keyboard', `"${keyboard}" is not a keymap name like us or de`);
  if (!localeName.test(lang)) sink.add('install.lang', `"${lang}" is not a locale like en_US.UTF-8`);
  const hash = install.rootPasswordHash;
  if (hash !== undefined && !cryptHash.test(hash)) sink.add('install.rootPasswordHash', 'is not a crypt(3) hash like $6$salt$... (never a plain password)');
  const keys = install.sshAuthorizedKeys ?? [];
  keys.forEach((key, index) => {
    if (!sshPublicKey.test(key)) sink.add(`install.sshAuthorizedKeys[${index}]`, 'is not a one-line OpenSSH public key (type, base64, optional comment)');
  });
  return {
    token: install.token,
    distro: {
      id: profile.id,
      name: profile.name,
      family: profile.family,
      sysroot: profile.sysroot,
      packages: installPackages(install, profile),
      suite: profile.suite ?? null,
      kickstartDialect: profile.kickstartDialect ?? null,
    },
    source: buildSource(install, profile, sink),
    repos: buildRepos(install, profile, sink),
    epel: buildEpel(install, profile, sink),
    partitioning: buildPartitioning(install, profile, sink),
    timezone,
    keyboard,
    lang,
    rootPassword: hash === undefined ? { policy: 'locked' } : { policy: 'crypted', hash },
    sshAuthorizedKeys: [...keys],
  };
};

const buildSource = (install: InstallInput, profile: DistroProfile, sink: ProblemSink): InstallSourceContext => {
  const override = install.repos?.url;
  if (override !== undefined && !repoUrl.test(override)) sink.add('install.repos.url', `"${override}" is not an http(s):// or ftp:// URL`);
  const url = override ?? (profile.source.kind === 'media' ? undefined : profile.source.url);
  if (profile.family === 'debian') return splitDebianMirror(url ?? '');
  if (url === undefined) return { kind: 'media' };
  return { kind: override === undefined && profile.source.kind === 'mirrorlist' ? 'mirrorlist' : 'url', url };
};

const splitDebianMirror = (url: string): InstallSourceContext => {
  const match = /^(https?|ftp):\/\/([^/]+)(\/.*)?$/.exec(url);
  const protocol = (match?.[1] ?? 'http') as 'http' | 'https' | 'ftp';
  return { kind: 'debian-mirror', url, protocol, hostname: match?.[2] ?? '', directory: (match?.[3] ?? '/').replace(/\/+$/, '') || '/' };
};

const buildRepos = (install: InstallInput, profile: DistroProfile, sink: ProblemSink): HostRenderContext['install']['repos'] => {
  const extra = install.repos?.extra ?? [];
  if (profile.family === 'debian' && extra.length > 0) {
    sink.add('install.repos.extra', 'extra repositories are supported for kickstart distros only');
    return [];
  }
  extra.forEach((repo, index) => {
    if (!repoName.test(repo.name)) sink.add(`install.repos.extra[${index}].name`, `"${repo.name}" is not a repo name (A-Z a-z 0-9 . _ -)`);
    if (!repoUrl.test(repo.baseurl)) sink.add(`install.repos.extra[${index}].baseurl`, `"${repo.baseurl}" is not an http(s):// or ftp:// URL`);
  });
  // A host's repo replaces the profile's repo of the same name.
  const names = new Set(extra.map((repo) => repo.name));
  return [...profile.repos.filter((repo) => !names.has(repo.name)), ...extra.map((repo) => ({ name: repo.name, baseurl: repo.baseurl }))];
};

/** The minimal set, plus aria2 and zstd when the install may fetch the image by BitTorrent. */
const installPackages = (install: InstallInput, profile: DistroProfile): string[] =>
  (install.transport ?? 'rsync') === 'rsync' ? [...profile.packages] : [...new Set([...profile.packages, ...profile.torrentPackages])];

const buildEpel = (install: InstallInput, profile: DistroProfile, sink: ProblemSink): HostRenderContext['install']['epel'] => {
  const asked = install.repos?.epel ?? false;
  const torrent = (install.transport ?? 'rsync') !== 'rsync';
  if (asked === false) {
    if (torrent && profile.epelRelease !== null) {
      sink.add('install.transport', `${install.transport} installs need aria2, which ${profile.name} has only in EPEL ${profile.epelRelease}; set install.repos.epel: true (or a mirror's URL), or install.transport: rsync`);
    }
    return null;
  }
  if (profile.epelRelease === null) {
    sink.add('install.repos.epel', `EPEL is for Enterprise Linux; ${profile.name} carries aria2 in its own repositories`);
    return null;
  }
  if (asked === true) return { option: 'metalink', url: `https://mirrors.fedoraproject.org/metalink?repo=epel-${profile.epelRelease}&arch=x86_64` };
  if (!repoUrl.test(asked)) sink.add('install.repos.epel', `"${asked}" is not an http(s):// or ftp:// URL (or true for Fedora's EPEL mirrors)`);
  return { option: 'baseurl', url: asked };
};

const buildPartitioning = (install: InstallInput, profile: DistroProfile, sink: ProblemSink): PartitioningContext => {
  const input = install.partitioning;
  if (input === undefined) return { kind: 'auto', scheme: profile.autoScheme, disks: [] };
  if (input.mode === 'layout') return buildLayout(input, profile.family, sink, 'install.partitioning');
  const disks = (input.disks ?? []).map((disk) => disk.replace(/^\/dev\//, ''));
  disks.forEach((disk, index) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/.test(disk)) sink.add(`install.partitioning.disks[${index}]`, `"${disk}" is not a disk name like sda`);
  });
  if (profile.family === 'debian' && disks.length > 1) {
    sink.add('install.partitioning.disks', 'debian-installer automatic layouts use one disk (name at most one)');
  }
  return { kind: 'auto', scheme: input.scheme ?? profile.autoScheme, disks };
};
