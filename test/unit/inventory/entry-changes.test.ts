import { describe, expect, it } from 'vitest';
import { applyListChange, parseListChange, parseVarChanges } from '../../../src/inventory/entry-changes.js';

describe('list changes of host set', () => {
  it('replaces, or adds and removes single items keeping the order', () => {
    expect(applyListChange(['a', 'b'], parseListChange('group', ['c', 'a', 'c'], [], []))).toEqual(['c', 'a']);
    expect(applyListChange(['a', 'b', 'c'], parseListChange('group', [], ['d', 'a'], ['b']))).toEqual(['a', 'c', 'd']);
    expect(applyListChange(['a'], parseListChange('group', [], [], []))).toEqual(['a']);
  });

  it('refuses mixing the two ways and contradictions (usage, 64)', () => {
    expect(() => parseListChange('group', ['a'], ['b'], [])).toThrow(/--group replaces the whole list/);
    expect(() => parseListChange('mac', [], ['x'], ['x'])).toThrow(/--add-mac and --remove-mac both name x/);
    expect(() => parseVarChanges(['a=1'], ['a'])).toThrow(/contradict/);
    expect(() => parseVarChanges([], ['1a'])).toThrow(/var name "1a"/);
    expect(parseVarChanges(['a=1', 'b=x=y'], ['c', 'c'])).toEqual({ set: { a: '1', b: 'x=y' }, unset: ['c'] });
  });
});
