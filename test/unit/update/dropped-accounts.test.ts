import { describe, expect, test } from 'vitest';
import { droppedAccounts, droppedAccountsNote, parsePasswdAccounts, renumberedAccounts, renumberedAccountsNote } from '../../../src/update/dropped-accounts.js';

describe('accounts an update drops from /etc/passwd', () => {
  test('the host\'s accounts the new file lacks, by name; comments, NIS and malformed lines are not accounts', () => {
    const before = ['root:x:0:0:root:/root:/bin/bash', '# local', 'alice:x:1001:1001::/home/alice:/bin/bash', '+@netgroup', 'broken line', 'svc:x:998:998::/:/usr/sbin/nologin', ''].join('\n');
    const after = ['root:x:0:0:root:/root:/bin/bash', 'svc:x:997:997::/:/usr/sbin/nologin', 'newuser:x:1002:1002::/home/n:/bin/sh'].join('\n');
    expect(parsePasswdAccounts(before).map((account) => account.name)).toEqual(['root', 'alice', 'svc']);
    expect(droppedAccounts(before, after)).toEqual([{ name: 'alice', uid: 1001 }]);
    expect(droppedAccounts(after, after)).toEqual([]);
    expect(droppedAccountsNote([])).toEqual([]);
    expect(droppedAccountsNote([{ name: 'alice', uid: 1001 }])[0]).toMatch(/no account alice \(uid 1001\).*update\.exclude/);
    // svc went from 998 to 997: its data on the host still belongs to 998.
    expect(renumberedAccounts(before, after)).toEqual([{ name: 'svc', from: 998, to: 997 }]);
    expect(renumberedAccounts(after, after)).toEqual([]);
    expect(renumberedAccountsNote(renumberedAccounts(before, after))[0]).toMatch(/^the image gives svc uid 997 \(was 998\): .*chown/);
  });
});
