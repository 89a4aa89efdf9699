import { describe, expect, test } from 'vitest';
import { resolveHomePaths } from '../../../src/home/paths.js';
import { hidePathsInErrorReply, hideServerPaths, jsonReply, textReply } from '../../../src/server/reply.js';

describe('error bodies name no server path', () => {
  const explicit = resolveHomePaths({ home: '/srv/rootcast' });
  const system = resolveHomePaths({});

  test('paths under the home become home-relative, the inventory its file name, the home itself "<home>"', () => {
    expect(hideServerPaths('/srv/rootcast/images/web/2/manifest.json is bad; see /srv/rootcast/overrides/group/wbe', explicit))
      .toBe('images/web/2/manifest.json is bad; see overrides/group/wbe');
    expect(hideServerPaths('the inventory /srv/rootcast/rootcast.yaml has 2 problems (home /srv/rootcast)', explicit)).toBe('the inventory rootcast.yaml has 2 problems (home <home>)');
    expect(hideServerPaths('the inventory /etc/rootcast/rootcast.yaml (line 3): bad; "/var/lib/rootcast/state/x"', system)).toBe('the inventory rootcast.yaml (line 3): bad; "state/x"');
  });

  test('only whole path components: a sibling that starts with the same letters, or a path that merely ends with it, is left alone', () => {
    expect(hideServerPaths('/srv/rootcast2/x and /mnt/srv/rootcast/y and /etc/fstab', explicit)).toBe('/srv/rootcast2/x and /mnt/srv/rootcast/y and /etc/fstab');
    expect(hideServerPaths('/srv/rootcast.old/images', explicit)).toBe('/srv/rootcast.old/images');
  });

  test('only error replies are rewritten; the text as written is returned for the log', () => {
    const error = textReply(409, 'web@2\'s manifest is not valid JSON (/srv/rootcast/images/web/2/manifest.json)');
    expect(hidePathsInErrorReply(error, explicit)).toEqual({
      reply: { ...error, body: 'web@2\'s manifest is not valid JSON (images/web/2/manifest.json)\n' },
      full: 'web@2\'s manifest is not valid JSON (/srv/rootcast/images/web/2/manifest.json)\n',
    });
    const answer = textReply(200, '# kickstart naming /srv/rootcast on purpose');
    expect(hidePathsInErrorReply(answer, explicit)).toEqual({ reply: answer });
    const clean = jsonReply(404, { error: 'no host' });
    expect(hidePathsInErrorReply(clean, explicit)).toEqual({ reply: clean });
  });
});
