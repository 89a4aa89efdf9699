import { describe, expect, test } from 'vitest';
import { matchRoute } from '../../../src/server/routes.js';

describe('matchRoute', () => {
  test.each([
    ['GET', '/ks/web07', { kind: 'answer-by-host', answer: 'kickstart', host: 'web07' }],
    ['GET', '/preseed/db-1', { kind: 'answer-by-host', answer: 'preseed', host: 'db-1' }],
    ['GET', '/ks/mac/52:54:00:12:34:56', { kind: 'answer-by-mac', answer: 'kickstart', mac: '52:54:00:12:34:56' }],
    ['GET', '/preseed/mac/52-54-00-AB-CD-EF', { kind: 'answer-by-mac', answer: 'preseed', mac: '52:54:00:ab:cd:ef' }],
    ['GET', '/ks/mac/5254.00ab.cdef', { kind: 'answer-by-mac', answer: 'kickstart', mac: '52:54:00:ab:cd:ef' }],
    ['GET', '/ks/mac/525400abcdef?x=1', { kind: 'answer-by-mac', answer: 'kickstart', mac: '52:54:00:ab:cd:ef' }],
    ['GET', '/boot/bootstrap.sh', { kind: 'bootstrap' }],
    ['HEAD', '/runner/runner.cjs', { kind: 'runner-bundle' }],
    ['GET', '/runner/node', { kind: 'node-binary' }],
    ['GET', '/api/v1/hosts/web07/deploy', { kind: 'deploy', host: 'web07' }],
    ['POST', '/api/v1/hosts/web07/events', { kind: 'post-event', host: 'web07' }],
    ['GET', '/api/v1/hosts/web07/events', { kind: 'list-events', host: 'web07', page: {} }],
    ['GET', '/api/v1/hosts/web07/events?install=2&after=10&limit=50', { kind: 'list-events', host: 'web07', page: { install: 2, after: 10, limit: 50 } }],
    ['GET', '/', { kind: 'dashboard', filter: {} }],
    ['GET', '/?group=web&state=failed', { kind: 'dashboard', filter: { group: 'web', state: 'failed' } }],
    ['GET', '/?group=&state=', { kind: 'dashboard', filter: {} }],
    ['GET', '/hosts/web07', { kind: 'dashboard-host', host: 'web07' }],
    ['GET', '/hosts/web07?install=3', { kind: 'dashboard-host', host: 'web07', install: 3 }],
    ['GET', '/dashboard/app.js', { kind: 'dashboard-script' }],
    ['GET', '/dashboard/fleet.json', { kind: 'dashboard-fleet' }],
    ['GET', '/dashboard/stream?host=web07', { kind: 'dashboard-stream', host: 'web07' }],
    ['GET', '/dashboard/hosts/web07/events?after=3', { kind: 'dashboard-events', host: 'web07', page: { after: 3 } }],
    ['GET', '/healthz', { kind: 'health' }],
  ])('%s %s', (method, target, route) => {
    expect(matchRoute(method, target)).toEqual({ ok: true, route });
  });

  test.each([
    ['/ks/../etc/passwd', '".." are not allowed'],
    ['/ks/%2e%2e/etc', 'encoded dots'],
    ['/ks/%2E%2e', 'encoded dots'],
    ['/ks/web07%2fx', 'encoded dots, slashes'],
    ['/ks/web07%5c', 'backslashes'],
    ['/boot/./bootstrap.sh', '".." are not allowed'],
    ['/ks/Web07', 'not a DNS label'],
    ['/ks/-web', 'not a DNS label'],
    ['/ks/web_07', 'not a DNS label'],
    ['/ks/web%20x', 'not a DNS label'],
    ['/ks/%zz', 'percent-encoding'],
    ['/ks/mac/52:54:00:12:34', 'not a MAC address'],
    ['/api/v1/hosts/a..b/deploy', 'not a DNS label'],
    ['//ks/web07', 'empty path segments'],
    ['http://evil/ks/web07', 'absolute path'],
  ])('%s is a 400 (%s)', (target, reason) => {
    const match = matchRoute('GET', target);
    expect(match).toMatchObject({ ok: false, status: 400 });
    expect(match.ok ? '' : match.reason).toContain(reason);
  });

  test.each([
    ['/api/v1/hosts/web07/events?limit=0', 'limit'],
    ['/api/v1/hosts/web07/events?after=-1', 'after'],
    ['/api/v1/hosts/web07/events?install=1&install=2', 'given twice'],
    ['/api/v1/hosts/web07/events?order=desc', 'unknown query parameter "order"'],
    ['/?state=sleeping', 'state'],
    ['/?group=Bad_Group', 'group name'],
    ['/hosts/Web07', 'not a DNS label'],
    ['/dashboard/stream?host=a..b', 'not a DNS label'],
  ])('%s is a 400 (%s)', (target, reason) => {
    const match = matchRoute('GET', target);
    expect(match).toMatchObject({ ok: false, status: 400 });
    expect(match.ok ? '' : match.reason).toContain(reason);
  });

  test('unknown paths are 404, wrong methods 405 with Allow', () => {
    expect(matchRoute('GET', '/ks')).toMatchObject({ ok: false, status: 404 });
    expect(matchRoute('GET', '/ks/web07/extra')).toMatchObject({ ok: false, status: 404 });
    expect(matchRoute('GET', '/api/v1/hosts/web07/other')).toMatchObject({ ok: false, status: 404 });
    expect(matchRoute('GET', '/etc/passwd')).toMatchObject({ ok: false, status: 404 });
    expect(matchRoute('POST', '/ks/web07')).toMatchObject({ ok: false, status: 405, allow: 'GET' });
    expect(matchRoute('DELETE', '/api/v1/hosts/web07/events')).toMatchObject({ ok: false, status: 405, allow: 'GET, POST' });
    expect(matchRoute('POST', '/')).toMatchObject({ ok: false, status: 405, allow: 'GET' });
    expect(matchRoute('GET', '/hosts')).toMatchObject({ ok: false, status: 404 });
  });
});
