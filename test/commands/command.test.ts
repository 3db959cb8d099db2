// The shared command helpers: progress appears only after the first second of a run.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { progress } from '../../src/commands/command.ts';

describe('progress', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stays quiet during the first second and reports stages after it', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    progress(performance.now())('map');
    expect(write).not.toHaveBeenCalled();
    progress(performance.now() - 1500)('validate');
    expect(write).toHaveBeenCalledWith('… validate\n');
  });
});
