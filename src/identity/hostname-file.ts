import type { DistroHint, FileOp, IdentityInput } from './identity-input.js';

// Red Hat's tools (anaconda, hostnamectl as documented there) write the FQDN; Debian, Ubuntu and systemd's hostname(5) a single label.
const fqdnFamilies = ['rhel', 'fedora', 'centos'];

export type HostnameStyle = 'short' | 'fqdn';

/** The family convention for /etc/hostname, from the image's os-release ID and ID_LIKE. */
export const hostnameStyle = (distro: DistroHint | undefined): HostnameStyle =>
  distro !== undefined && [distro.id, ...distro.idLike].some((id) => fqdnFamilies.includes(id)) ? 'fqdn' : 'short';

/** `/etc/hostname`: the short name, or the FQDN on Red Hat family images when the host has one. */
export const planHostnameFile = (input: IdentityInput): FileOp => {
  const style = hostnameStyle(input.distro);
  const name = style === 'fqdn' && input.fqdn !== undefined ? input.fqdn : input.hostname;
  return { op: 'write', path: 'etc/hostname', content: `${name}\n`, mode: 0o644, why: `host name (${style === 'fqdn' ? 'Red Hat family: FQDN' : 'single label'})` };
};
