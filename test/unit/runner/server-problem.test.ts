import { describe, expect, test } from 'vitest';
import { overrideProblemsError } from '../../../src/overrides/override-problem.js';
import { parseServerProblem } from '../../../src/runner/server-problem.js';
import { replyForError } from '../../../src/server/reply.js';

const bodyOf = (error: unknown): string => {
  const reply = replyForError(error);
  if (reply?.kind !== 'body') throw new Error('expected a body reply');
  return reply.body.toString();
};

describe('reading serve\'s error body', () => {
  test('the message, every problem serve listed and its hint come back as serve made them', () => {
    const error = overrideProblemsError('web07', [
      { file: '/srv/home/overrides/host/web07/etc/issue.hbs', line: 2, message: 'unknown variable host.nmae' },
      { file: '/srv/home/overrides/group/wbe', message: 'no group "wbe" in the inventory' },
    ]);
    expect(parseServerProblem(bodyOf(error), 'fallback')).toEqual({
      message: 'the override layers of web07 have 2 problems',
      details: ['/srv/home/overrides/host/web07/etc/issue.hbs:2: unknown variable host.nmae', '/srv/home/overrides/group/wbe: no group "wbe" in the inventory'],
      hint: error.hint,
    });
  });

  test('a one-line body is the message alone; an empty one the fallback; a long list is bounded and says how many more', () => {
    expect(parseServerProblem('host web08: identity cannot be planned\n', 'fallback')).toEqual({ message: 'host web08: identity cannot be planned', details: [] });
    expect(parseServerProblem('  \n', 'the server answered HTTP 409')).toEqual({ message: 'the server answered HTTP 409', details: [] });
    const many = ['too many', ...Array.from({ length: 80 }, (_, index) => `  /o/all/f${index}.hbs:1: unknown variable x`)].join('\n');
    const parsed = parseServerProblem(many, 'fallback');
    expect(parsed.details).toHaveLength(50);
    expect(parsed.details[0]).toBe('/o/all/f0.hbs:1: unknown variable x');
    expect(parsed.details.at(-1)).toBe('… and 31 more');
  });
});
