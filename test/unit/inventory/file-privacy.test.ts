import { describe, expect, test } from 'vitest';
import { findSecretSettings, inventoryFileWarnings } from '../../../src/inventory/file-privacy.js';
import { parseInventorySource } from '../../../src/inventory/source.js';

const source = (...lines: string[]) => parseInventorySource(`${lines.join('\n')}\n`);

const everywhere = source(
  'server: {url: "http://10.0.0.1:8780", installTokenLifetime: 24h}',
  'install: {rootPasswordHash: "$6$a$b", sshAuthorizedKeys: ["ssh-ed25519 AAAA admin"]}',
  'images:',
  '  web: {install: {rootPasswordHash: "$6$c$d"}}',
  'groups:',
  '  db: {vars: {db_password: x, apiKey: y, role: db, keyboardLayout: de}}',
  'hosts:',
  '  "web[01-02]": {vars: {vpnSecret: z}, install: {rootPasswordHash: ""}}',
);

describe('secret-looking settings in the inventory', () => {
  test('root password hashes at any level and vars named like secrets; not token lifetimes, public keys or empty hashes', () => {
    expect(findSecretSettings(everywhere)).toEqual([
      ['install', 'rootPasswordHash'],
      ['images', 'web', 'install', 'rootPasswordHash'],
      ['groups', 'db', 'vars', 'db_password'],
      ['groups', 'db', 'vars', 'apiKey'],
      ['hosts', 'web[01-02]', 'vars', 'vpnSecret'],
    ]);
  });

  test('warns only when every user may read (with secrets) or write the file; names three secrets and counts the rest', () => {
    expect(inventoryFileWarnings('/x/rootcast.yaml', 0o600, everywhere)).toEqual([]);
    expect(inventoryFileWarnings('/x/rootcast.yaml', 0o640, everywhere)).toEqual([]);
    expect(inventoryFileWarnings('/x/rootcast.yaml', undefined, everywhere)).toEqual([]);
    expect(inventoryFileWarnings('/x/rootcast.yaml', 0o644, source('hosts: {}'))).toEqual([]);
    expect(inventoryFileWarnings('/x/rootcast.yaml', 0o644, everywhere).map((issue) => issue.message)).toEqual([
      'the inventory /x/rootcast.yaml is readable by every user (mode 0644) and holds secrets: install.rootPasswordHash (line 2), images.web.install.rootPasswordHash (line 4), groups.db.vars.db_password (line 6) and 2 more; run "chmod 600 /x/rootcast.yaml"',
    ]);
    expect(inventoryFileWarnings('/x/rootcast.yaml', 0o602, source('hosts: {}')).map((issue) => issue.message)).toEqual([
      'the inventory /x/rootcast.yaml can be changed by every user (mode 0602): they decide what every host installs; run "chmod 600 /x/rootcast.yaml"',
    ]);
  });
});
