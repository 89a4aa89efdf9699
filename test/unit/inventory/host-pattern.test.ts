import { describe, expect, it } from 'vitest';
import { compressHostNames, expandHostPattern, isHostPattern, maxPatternHosts } from '../../../src/inventory/host-pattern.js';
import { hostNameProblem } from '../../../src/inventory/names.js';

const names = (pattern: string): string[] => {
  const result = expandHostPattern(pattern);
  if (!result.ok) throw new Error(result.problem);
  return result.names;
};

const problem = (pattern: string): string => {
  const result = expandHostPattern(pattern);
  if (result.ok) throw new Error(`${pattern} unexpectedly expanded to ${result.names.join(',')}`);
  return result.problem;
};

describe('expandHostPattern', () => {
  it('keeps zero padding from the pattern', () => {
    expect(names('web[01-03]')).toEqual(['web01', 'web02', 'web03']);
    expect(names('web[098-101]')).toEqual(['web098', 'web099', 'web100', 'web101']);
  });

  it('does not pad an unpadded range', () => {
    expect(names('n[8-11]')).toEqual(['n8', 'n9', 'n10', 'n11']);
  });

  it('expands several bracket groups as a cartesian product, in order', () => {
    expect(names('rack[1-2]-n[01-02]')).toEqual(['rack1-n01', 'rack1-n02', 'rack2-n01', 'rack2-n02']);
  });

  it('keeps text after the last group and allows a one-element range', () => {
    expect(names('[1-2]x')).toEqual(['1x', '2x']);
    expect(names('web[5-5]')).toEqual(['web5']);
  });

  it('returns a plain name as itself', () => {
    expect(names('db01')).toEqual(['db01']);
    expect(isHostPattern('db01')).toBe(false);
    expect(isHostPattern('web[01-02]')).toBe(true);
  });

  it.each([
    ['web[5-1]', '"web[5-1]": range [5-1] runs backwards (5 > 1)'],
    ['web[01-', '"web[01-": has "[" without a closing "]"'],
    ['web01]', '"web01]": has "]" without a matching "["'],
    ['web[a-z]', '"web[a-z]": "[a-z]" is not a numeric range like [01-99]'],
    ['web[]', '"web[]": "[]" is not a numeric range like [01-99]'],
    ['web[7]', '"web[7]": "[7]" is not a numeric range like [01-99]'],
    ['web[1-[2]]', '"web[1-[2]]": has a "[" inside brackets'],
    ['web[01-100]', '"web[01-100]": range [01-100] mixes paddings; write both ends with the same number of digits'],
  ])('rejects %s', (pattern, message) => {
    expect(problem(pattern)).toBe(message);
  });

  it(`rejects more than ${maxPatternHosts} hosts, also across groups`, () => {
    expect(problem('web[1-10001]')).toBe('"web[1-10001]" expands to 10001 hosts; at most 10000 are allowed');
    expect(problem('r[1-101]n[1-100]')).toBe('"r[1-101]n[1-100]" expands to 10100 hosts; at most 10000 are allowed');
    expect(names('web[1-10000]')).toHaveLength(10_000);
  });
});

describe('compressHostNames', () => {
  const names = (pattern: string): string[] => {
    const expansion = expandHostPattern(pattern);
    if (!expansion.ok) throw new Error(expansion.problem);
    return expansion.names;
  };

  it('turns runs of three or more into ranges that expand back to the same names', () => {
    for (const pattern of ['web[01-10]', 'web[1-12]', 'n[098-102]', 'rack[7-9]']) {
      expect(compressHostNames(names(pattern))).toEqual([pattern]);
    }
    const mixed = [...names('web[01-09]'), 'web10', 'web11', 'db1', 'db2', 'lonely', 'web13'];
    const compressed = compressHostNames(mixed);
    expect(compressed).toEqual(['web[01-11]', 'db1', 'db2', 'lonely', 'web13']);
    expect(compressed.flatMap((part) => names(part)).sort()).toEqual([...mixed].sort());
  });

  it('keeps short runs, gaps, unpadded and padded numbers apart, and drops repeats', () => {
    expect(compressHostNames(['web01', 'web02'])).toEqual(['web01', 'web02']);
    expect(compressHostNames(['web1', 'web2', 'web3', 'web5', 'web6', 'web7', 'web9'])).toEqual(['web[1-3]', 'web[5-7]', 'web9']);
    expect(compressHostNames(['a1', 'a01', 'a2', 'a02', 'a3', 'a03', 'a1'])).toEqual(['a[1-3]', 'a[01-03]']);
    expect(compressHostNames(['web03', 'web01', 'web02'])).toEqual(['web[01-03]']);
    expect(compressHostNames([])).toEqual([]);
  });
});

describe('hostNameProblem', () => {
  it('accepts RFC 1123 labels', () => {
    for (const name of ['web01', '1rack', 'a', 'a-b', 'x'.repeat(63)]) expect(hostNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', 'host name is empty'],
    ['-web', 'host name "-web" is not a DNS label (a-z, 0-9 and "-", not starting or ending with "-")'],
    ['web-', 'host name "web-" is not a DNS label (a-z, 0-9 and "-", not starting or ending with "-")'],
    ['Web01', 'host name "Web01" is not a DNS label (a-z, 0-9 and "-", not starting or ending with "-")'],
    ['web_01', 'host name "web_01" is not a DNS label (a-z, 0-9 and "-", not starting or ending with "-")'],
    ['web.lab', 'host name "web.lab" is not a DNS label (a-z, 0-9 and "-", not starting or ending with "-")'],
    ['x'.repeat(64), `host name "${'x'.repeat(64)}" is longer than 63 characters`],
  ])('rejects %j', (name, message) => {
    expect(hostNameProblem(name)).toBe(message);
  });
});
