import { describe, expect, test } from 'vitest';
import { buildHostRow, estimateSeconds, pxeExtras, type HostRow } from '../../../src/monitor/host-row.js';
import { describePxeNext, explainPxeNext, pxeNextByHost, type PxeNext } from '../../../src/monitor/pxe-next.js';
import { formatStatusTable } from '../../../src/monitor/status-table.js';
import type { HostBoot } from '../../../src/pxe/host-boots.js';
import { summariseFleet } from '../../../src/monitor/fleet-summary.js';
import { formatSummaryLine } from '../../../src/monitor/summary-line.js';
import { selectFleetHosts } from '../../../src/monitor/host-spec.js';
import { defaultStallPolicy, isStalled } from '../../../src/monitor/stall.js';
import { layoutTimeline, renderTimeline } from '../../../src/monitor/timeline.js';
import { hostRowHtml } from '../../../src/monitor/host-row-html.js';
import { emptyHostStatus, type HostStatus, type InstallSummary } from '../../../src/state/host-status.js';

const now = new Date('2026-01-02T03:10:00Z');
const at = (secondsAgo: number): string => new Date(now.getTime() - secondsAgo * 1000).toISOString();
const install = (fields: Partial<InstallSummary>): InstallSummary => ({ install: 1, via: 'install', state: 'installing', startedAt: at(600), lastEventAt: at(1), spans: [], ...fields });
const statusWith = (host: string, ...installs: InstallSummary[]): HostStatus => ({ ...emptyHostStatus(host), installs });
const hosts = [
  { name: 'web01', groups: ['web'], imageRef: 'web' },
  { name: 'web02', groups: ['web', 'rack1'], imageRef: 'web' },
  { name: 'db01', groups: ['db'], imageRef: 'db@2' },
];

describe('a host\'s row and the fleet summary', () => {
  test('ETA from the bytes still to go at the current rate', () => {
    expect(estimateSeconds(25, 100, 10)).toBe(30);
    expect(estimateSeconds(0, 0, 10)).toBeNull();
    expect(estimateSeconds(100, 10, 10)).toBeNull();
    expect(estimateSeconds(50, 100, undefined)).toBeNull();
  });

  test('stalled: silent past the runner limit while running, past the installer limit while the installer runs; never when finished', () => {
    expect(isStalled(install({ phase: 'sync-image', lastEventAt: at(121) }), now, defaultStallPolicy)).toBe(true);
    expect(isStalled(install({ phase: 'sync-image', lastEventAt: at(119) }), now, defaultStallPolicy)).toBe(false);
    expect(isStalled(install({ phase: 'installer', lastEventAt: at(1800) }), now, defaultStallPolicy)).toBe(false);
    expect(isStalled(install({ phase: 'installer', lastEventAt: at(3601) }), now, defaultStallPolicy)).toBe(true);
    expect(isStalled(install({ state: 'failed', lastEventAt: at(99_999) }), now, defaultStallPolicy)).toBe(false);
  });

  test('rows and the summary line: counts, reported rate, the slowest phase, stalled hosts', () => {
    const statuses = [
      statusWith('web01', install({ ref: 'web@3', phase: 'sync-image', percent: 50, bytes: 1024 * 1024, rate: 1024 * 1024, spans: [{ phase: 'sync-image', start: at(300), result: 'running' }] })),
      statusWith('web02', install({ state: 'failed', phase: 'preflight', lastEventAt: at(500), failure: { phase: 'preflight', reason: 'no', log: [], at: at(500) }, spans: [{ phase: 'preflight', start: at(510), end: at(500), result: 'failed' }] })),
      statusWith('db01', install({ phase: 'mount', lastEventAt: at(200) })),
    ];
    const rows = hosts.map((host, index) => buildHostRow(host, statuses[index] ?? emptyHostStatus(host.name), now, defaultStallPolicy));
    expect(rows.map((row) => [row.host, row.image, row.state, row.stalled, row.etaSeconds])).toEqual([['web01', 'web@3', 'installing', false, 1], ['web02', 'web', 'failed', false, null], ['db01', 'db@2', 'installing', true, null]]);
    expect(rows[1]?.message).toBe('no');
    const summary = summariseFleet(rows, statuses, now, 3 * 1024 * 1024);
    expect(formatSummaryLine(summary)).toBe('3 hosts: 2 installing, 1 failed · image server 3.0 MiB/s (hosts report 1.0 MiB/s) · slowest phase: sync-image on web01 5m00s (running) · stalled: db01');
  });

  test('HOSTSPEC selects names, ranges, @groups and all, in inventory order', () => {
    const names = (specs: string[]) => selectFleetHosts(hosts, specs, 'inv.yaml').map((host) => host.name);
    expect(names([])).toEqual(['web01', 'web02', 'db01']);
    expect(names(['db01,web[01-02]'])).toEqual(['web01', 'web02', 'db01']);
    expect(names(['@rack1'])).toEqual(['web02']);
    expect(names(['@db', 'web01'])).toEqual(['web01', 'db01']);
    expect(names(['all'])).toHaveLength(3);
    expect(() => names(['web03'])).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => names(['@Bad Group'])).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => names(['web[1-'])).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });

  test('the next PXE boot: from the planned boots, none for a host the plan left out (no MAC); a column only when there is a pxe: block', () => {
    const boots: HostBoot[] = [
      { name: 'web01', macs: ['52:54:00:00:00:01'], next: { kind: 'install', distro: 'debian12', family: 'debian', installer: { kernel: '/k', initrd: '/i' } }, why: 'not deployed yet' },
      { name: 'web02', macs: ['52:54:00:00:00:02'], next: { kind: 'local' }, why: 'deployed', problem: 'pxe.installers has no entry for rocky9' },
    ];
    const next = pxeNextByHost(['web01', 'web02', 'db01'], boots);
    expect([...next.values()].map(describePxeNext)).toEqual(['install debian12', 'local disk (cannot install)', 'none']);
    expect(explainPxeNext(next.get('web02') as PxeNext)).toBe('pxe.installers has no entry for rocky9 (deployed)');
    const rows = hosts.map((host) => buildHostRow(host, emptyHostStatus(host.name), now, defaultStallPolicy, pxeExtras(next, host.name)));
    expect(formatStatusTable(rows).split('\n')[0]).toMatch(/ AGE +PXE +MESSAGE$/);
    expect(hostRowHtml(rows[0] as HostRow)).toContain('<td data-label="next PXE boot" class="pxe"><span class="pxe-install" title="not deployed yet">install debian12</span></td>');
    const withoutPxe = hosts.map((host) => buildHostRow(host, emptyHostStatus(host.name), now, defaultStallPolicy));
    expect(formatStatusTable(withoutPxe).split('\n')[0]).toMatch(/ AGE +MESSAGE$/);
    expect(hostRowHtml(withoutPxe[0] as HostRow)).not.toContain('pxe');
  });

  test('the HTML escapes what hosts say', () => {
    const status = statusWith('web01', install({ message: '<script>alert(1)</script>' }));
    const html = hostRowHtml(buildHostRow(hosts[0] ?? { name: 'web01', groups: [], imageRef: 'web' }, status, now, defaultStallPolicy));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('the timeline', () => {
  test('one bar per phase on one scale for every install; the slowest bar of each is marked; running bars count to now', () => {
    const rows = layoutTimeline([
      install({ install: 2, spans: [{ phase: 'preflight', start: at(100), end: at(90), result: 'succeeded' }, { phase: 'sync-image', start: at(90), result: 'running' }] }),
      install({ install: 1, state: 'done', spans: [{ phase: 'preflight', start: at(500), end: at(490), result: 'succeeded' }, { phase: 'sync-image', start: at(490), end: at(300), result: 'succeeded' }, { phase: 'reboot', start: at(300), result: 'running' }] }),
    ], now);
    expect(rows.map((row) => row.bars.map((bar) => bar.phase))).toEqual([['preflight', 'sync-image'], ['preflight', 'sync-image']]);
    expect(rows[1]?.seconds).toBe(200);
    expect(rows[1]?.bars[1]).toMatchObject({ leftPercent: 5, widthPercent: 95, slowest: true });
    expect(rows[0]?.bars[1]).toMatchObject({ seconds: 90, result: 'running', slowest: true });
    expect((renderTimeline(rows).match(/class="bar /g) ?? []).length).toBe(4);
  });
});
