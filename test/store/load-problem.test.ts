// What the operator reads when the in-process store cannot load a build: a WebAssembly trap is named as the
// store's memory limit, with the way out; any other failure keeps its own message.
import { describe, expect, it } from 'vitest';
import { loadProblem } from '../../src/store/embedded.ts';
import { StoreLoadFailure } from '../../src/store/store.ts';
import { remoteError } from '../../src/workers/task-worker.ts';

describe('a failed load of the embedded store', () => {
  it("names Oxigraph's memory limit and the external store when the WebAssembly module traps", () => {
    const text = loadProblem(new WebAssembly.RuntimeError('unreachable'), 1_870_000_000, 2_318_134_273);
    expect(text).toContain('(unreachable)');
    expect(text).toContain('after 1,870 MB of 2,318 MB');
    expect(text).toContain('4 GiB');
    expect(text).toContain('projectgraph push --store URL');
    expect(text).toContain('projectgraph serve --store URL');
  });

  it('keeps the message of any other failure', () => {
    expect(loadProblem(new SyntaxError('Unexpected token at line 3'), 10, 20)).toBe('Unexpected token at line 3');
    expect(loadProblem('a string thrown', 0, 0)).toBe('a string thrown');
  });

  it('crosses from the worker with its file, its detail and whether building again helps', () => {
    const trap = new WebAssembly.RuntimeError('unreachable');
    const failure = new StoreLoadFailure('/b/dataset.nq', loadProblem(trap, 1, 2), trap, false);
    expect(failure.message).toBe(`cannot load /b/dataset.nq: ${loadProblem(trap, 1, 2)}`);
    expect(remoteError(failure).details).toMatchObject({
      code: 'STORE_LOAD',
      file: '/b/dataset.nq',
      detail: loadProblem(trap, 1, 2),
      rebuildHelps: false,
    });
    expect(remoteError(new StoreLoadFailure('/b/dataset.nq', 'bad line', undefined)).details.rebuildHelps).toBe(true);
  });
});
