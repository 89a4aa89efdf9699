import { describe, expect, test } from 'vitest';
import { formatIssue } from '../../../src/inventory/issue.js';
import { interfaceNameProblem } from '../../../src/inventory/names.js';
import { validateInventoryText } from '../../../src/inventory/validate.js';
import { pxeInventory } from '../pxe/pxe-fixture-inventory.js';

// Refused by the kernel's dev_valid_name (too long, ".", "..", "/", ":", whitespace) or by ip/dnsmasq reading an option ("-x").
const refused = ['eth0:1', '-x', '..', '.', 'a/b', 'eth 0', 'this-name-is-16b', ''];
const accepted = ['eth0', 'enp3s0f1', 'br-lan.10', 'bond0.100', 'lan_0', 'a..b', 'fifteen-bytes15'];

/** The inventory's `pxe.interface` and a host's `identity.interface` set to `name`: the problems validation reports for it. */
const pxeProblems = (name: string): string[] =>
  validateInventoryText(pxeInventory().replace('  interface: eth1', `  interface: ${JSON.stringify(name)}`), { storeImages: ['web'] }).errors.map(formatIssue);
const identityProblems = (name: string): string[] =>
  validateInventoryText(['images:', '  web: {}', 'hosts:', `  web01: {image: web, identity: {interface: ${JSON.stringify(name)}}}`, ''].join('\n'), { storeImages: ['web'] }).errors.map(formatIssue);

describe('one rule for network interface names (pxe.interface and identity.interface alike)', () => {
  test.each(refused)('%j is refused by both, with the same reason', (name) => {
    const problem = interfaceNameProblem(name);
    expect(problem).toBeDefined();
    expect(pxeProblems(name)).toEqual([`pxe.interface (line 8): ${problem}`]);
    expect(identityProblems(name)).toEqual([`hosts.web01.identity.interface (line 4): ${problem}`]);
  });

  test.each(accepted)('%j is accepted by both', (name) => {
    expect(interfaceNameProblem(name)).toBeUndefined();
    expect(pxeProblems(name)).toEqual([]);
    expect(identityProblems(name)).toEqual([]);
  });
});
