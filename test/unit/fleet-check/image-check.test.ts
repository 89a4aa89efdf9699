import { describe, expect, it } from 'vitest';
import { imagelessHostIssues } from '../../../src/fleet-check/image-check.js';
import { formatIssue } from '../../../src/inventory/issue.js';
import { resolveHosts } from '../../../src/inventory/resolve.js';
import { validateInventoryText } from '../../../src/inventory/validate.js';

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

/** The imageless-host errors of an inventory text, as `inventory check` prints them (without lines). */
const issuesOf = (text: string): string[] => {
  const validation = validateInventoryText(text, { storeImages: ['web'] });
  expect(validation.errors).toEqual([]);
  return imagelessHostIssues(resolveHosts(validation.inventory)).map((issue) => {
    expect(issue.severity).toBe('error');
    return formatIssue(issue);
  });
};

describe('imagelessHostIssues', () => {
  it('finds nothing when every host gets an image from its entry or a group', () => {
    expect(issuesOf(lines('groups:', '  a: {}', '  b: {image: web}', 'hosts:', '  n01: {groups: [a, b]}', '  n02: {image: web@1}'))).toEqual([]);
  });

  it('reports hosts once per group that would give them one, naming them as ranges', () => {
    const text = lines('groups:', '  a: {}', '  b: {}', 'hosts:', '  "n[01-05]": {groups: [a, b]}', '  n07: {groups: [a]}', '  m1: {groups: [b, a]}');
    expect(issuesOf(text)).toEqual([
      'groups.a: n[01-05], n07 have no image, and neither has their group a, so no answer file can be made for them; give the group one: rootcast group set a --image NAME (or per host: rootcast host set HOST --image NAME)',
      'groups.b: m1 has no image, and neither has its group b, so no answer file can be made for it; give the group one: rootcast group set b --image NAME (or per host: rootcast host set m1 --image NAME)',
    ]);
  });

  it('hosts in no group: at their one entry (a range key quoted for the shell), else at the hosts section', () => {
    expect(issuesOf(lines('hosts:', '  "web[1-3]": {}'))).toEqual([
      "hosts.web[1-3]: web[1-3] have no image, so no answer file can be made for them; give them one: rootcast host set 'web[1-3]' --image NAME (or put them in a group that has one: rootcast host set 'web[1-3]' --group G)",
    ]);
    expect(issuesOf(lines('hosts:', '  web1: {}', '  web2: {}', '  web3: {}', '  db: {}'))).toEqual([
      'hosts: web[1-3], db have no image, so no answer file can be made for them; give each one: rootcast host set HOST --image NAME (or put them in a group that has one: rootcast host set HOST --group G)',
    ]);
  });
});
