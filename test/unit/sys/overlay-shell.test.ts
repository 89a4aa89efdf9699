import { describe, expect, test } from 'vitest';
import { unsafeOverlayPath } from '../../../src/sys/overlay-shell.js';

describe('overlay mount paths', () => {
  test('paths that would break overlay mount options are refused', () => {
    expect(unsafeOverlayPath('/a,b')).toBe(true);
    expect(unsafeOverlayPath('/a:b')).toBe(true);
    expect(unsafeOverlayPath('/var/lib/rootcast/images/web/3/root')).toBe(false);
  });
});
