import { describe, expect, test } from 'vitest';
import { timeZoneProblem } from '../../../src/answer/time-zone.js';

describe('timeZoneProblem', () => {
  test('IANA zones and links are valid, whether or not Intl.supportedValuesOf lists them', () => {
    // supportedValuesOf gives ICU's canonical IDs only (on Node 20 not UTC, Etc/UTC, Asia/Kolkata or US/Eastern).
    const good = ['Etc/UTC', 'Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kyiv', 'US/Eastern', 'Etc/GMT+5', 'EST', 'America/Port_of_Spain', 'America/Argentina/Buenos_Aires'];
    expect(good.map((name) => [name, timeZoneProblem(name)])).toEqual(good.map((name) => [name, undefined]));
    const listed = Intl.supportedValuesOf('timeZone');
    expect(listed.length).toBeGreaterThan(300);
    expect(listed.filter((name) => timeZoneProblem(name) !== undefined)).toEqual([]);
  });

  test('an unknown zone is refused, with a close match when there is one', () => {
    expect(timeZoneProblem('Mars/Olympus')).toBe('"Mars/Olympus" is not an IANA time zone name like Europe/Berlin or Etc/UTC');
    expect(timeZoneProblem('Europe/Berln')).toBe('"Europe/Berln" is not an IANA time zone name like Europe/Berlin or Etc/UTC; did you mean Europe/Berlin?');
    expect(timeZoneProblem('Europe Paris')).toMatch(/; did you mean Europe\/Paris\?$/);
    expect(timeZoneProblem('')).toBeDefined();
    expect(timeZoneProblem('+01:00')).toBeDefined();
    expect(timeZoneProblem('Europe/Berlin ')).toMatch(/did you mean Europe\/Berlin\?$/);
  });

  test('the installers match zone files by name: a wrong case is refused and the right spelling suggested', () => {
    expect(timeZoneProblem('europe/berlin')).toMatch(/did you mean Europe\/Berlin\?$/);
    expect(timeZoneProblem('etc/utc')).toMatch(/did you mean Etc\/UTC\?$/);
    expect(timeZoneProblem('utc')).toMatch(/did you mean UTC\?$/);
    expect(timeZoneProblem('asia/kolkata')).toMatch(/did you mean Asia\/Kolkata\?$/);
  });

  test("ICU's own IDs that have no zone file on the installed system are refused", () => {
    for (const name of ['PST', 'IST', 'JST', 'pst', 'SystemV/EST5']) expect(timeZoneProblem(name), name).toMatch(/is not an IANA time zone name/);
  });
});
