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
    ['GET', '/api/v1/hosts/web07/events', { kind: 'list-events', host: 'web07' }],
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

  test('unknown paths are 404, wrong methods 405 with Allow', () => {
    expect(matchRoute('GET', '/ks')).toMatchObject({ ok: false, status: 404 });
    expect(matchRoute('GET', '/ks/web07/extra')).toMatchObject({ ok: false, status: 404 });
    expect(matchRoute('GET', '/api/v1/hosts/web07/other')).toMatchObject({ ok: false, status: 404 });
    expect(matchRoute('GET', '/etc/passwd')).toMatchObject({ ok: false, status: 404 });
    expect(matchRoute('POST', '/ks/web07')).toMatchObject({ ok: false, status: 405, allow: 'GET' });
    expect(matchRoute('DELETE', '/api/v1/hosts/web07/events')).toMatchObject({ ok: false, status: 405, allow: 'GET, POST' });
  });
});
