/** The host's own line in /etc/hosts: its address, then its canonical name (FQDN first), then the short name. */
export interface OwnHostsLine {
  address: string;
  names: string[];
}

/** Debian's convention for a host without a fixed address: its names on 127.0.1.1, so `hostname -f` resolves offline. */
export const dynamicHostAddress = '127.0.1.1';

const emptyHosts = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];

const fieldsOf = (line: string): { fields: string[]; comment: string } => {
  const hash = line.indexOf('#');
  const body = hash === -1 ? line : line.slice(0, hash);
  return { fields: body.trim().split(/\s+/).filter((field) => field !== ''), comment: hash === -1 ? '' : line.slice(hash) };
};

/**
 * The image's /etc/hosts with the host's own line in place: it replaces the first line for the
 * host's address or for 127.0.1.1 (the golden client's own name), later such lines go, and the
 * host's names are taken off any other line. With no such line it goes after 127.0.0.1. Every
 * other line is kept as written, so applying it twice gives the same file.
 */
export const mergeHostsFile = (existing: string | undefined, own: OwnHostsLine): string => {
  const ownLine = `${own.address}\t${own.names.join(' ')}`;
  const lines = existing === undefined ? emptyHosts : existing.replace(/\n$/, '').split('\n');
  const result: string[] = [];
  let placed = false;
  for (const line of lines) {
    const { fields, comment } = fieldsOf(line);
    const [address, ...names] = fields;
    if (address === undefined) {
      result.push(line);
    } else if (address === own.address || address === dynamicHostAddress) {
      if (!placed) result.push(ownLine);
      placed = true;
    } else if (names.some((name) => own.names.includes(name))) {
      const rest = names.filter((name) => !own.names.includes(name));
      if (rest.length > 0) result.push(`${address}\t${rest.join(' ')}${comment === '' ? '' : ` ${comment}`}`);
    } else {
      result.push(line);
    }
  }
  if (!placed) {
    const loopback = result.findIndex((line) => fieldsOf(line).fields[0] === '127.0.0.1');
    result.splice(loopback + 1, 0, ownLine);
  }
  return `${result.join('\n')}\n`;
};
