import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/inventory/issue.js';
import { formatOrigin, resolveHosts } from '../../../src/inventory/resolve.js';
import { validateInventoryText } from '../../../src/inventory/validate.js';

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

const fleet = lines(
  'server: {url: "http://10.0.0.1:8780"}',
  'install: {distro: rhel9, timezone: Etc/UTC, sshAuthorizedKeys: "ssh-ed25519 AAAA admin"}',
  'images:',
  '  web: {install: {distro: rocky9}}',
  'groups:',
  '  web: {image: web, install: {timezone: Europe/Berlin, keyboard: de}}',
  '  eu: {install: {timezone: Europe/Paris}}',
  'hosts:',
  '  web01: {groups: [web, eu], install: {keyboard: fr}}',
  '  web02: {groups: [eu, web]}',
  '  db01: {image: web@1}',
);

describe('install settings in the inventory', () => {
  it('merge key by key along all → image → groups in listed order → host', () => {
    const result = validateInventoryText(fleet, { storeImages: [] });
    expect(result.errors.map(formatIssue)).toEqual([]);
    expect(result.inventory.server).toEqual({ url: 'http://10.0.0.1:8780' });
    const [web01, web02, db01] = resolveHosts(result.inventory);
    expect(web01?.install).toEqual({ distro: 'rocky9', timezone: 'Europe/Paris', keyboard: 'fr', sshAuthorizedKeys: ['ssh-ed25519 AAAA admin'] });
    expect(web02?.install.timezone).toBe('Europe/Berlin');
    expect(db01?.install).toEqual({ distro: 'rocky9', timezone: 'Etc/UTC', sshAuthorizedKeys: ['ssh-ed25519 AAAA admin'] });
  });

  it('says which layer set each install setting', () => {
    const [web01] = resolveHosts(validateInventoryText(fleet).inventory);
    const from = Object.fromEntries(Object.entries(web01?.installFrom ?? {}).map(([key, origin]) => [key, formatOrigin(origin)]));
    expect(from).toEqual({
      distro: 'image web',
      timezone: 'group eu',
      keyboard: 'host',
      sshAuthorizedKeys: 'inventory install defaults',
    });
  });

  it('reports bad install and server settings with path, line and a suggestion', () => {
    const text = lines(
      'server: {url: "10.0.0.1:8780"}',
      'install: {distr: rhel9}',
      'groups:',
      '  web:',
      '    install: {partitioning: auto}',
      'hosts:',
      '  web01: {groups: [web], install: {repos: {url: 5}}}',
    );
    expect(validateInventoryText(text).errors.map(formatIssue)).toEqual([
      'server.url (line 1): must be a base URL such as http://10.0.0.1:8780',
      'install.distr (line 2): unknown key "distr" (did you mean "distro"?)',
      'groups.web.install.partitioning (line 5): expected a map, got string \"auto\"',
      'hosts.web01.install.repos.url (line 7): expected a string, got number 5; quote it',
    ]);
  });
});
