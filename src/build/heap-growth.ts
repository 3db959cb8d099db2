// How far V8 lets the heap of a build grow past what it holds alive before collecting: a build makes garbage
// fast while what it keeps grows slowly, and V8's own choice let the heap reach several times that.
import v8 from 'node:v8';

/** The heap may grow half again over what the last full collection kept. */
const GROWING_PERCENT = 50;

/**
 * Makes V8 collect once the heap has grown by half over what it kept, for the rest of this process (V8's flags
 * are the process's): the CLI's build and the bench's build child call it, a library caller need not.
 */
export function collectSoonerForBuilds(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${GROWING_PERCENT}`);
}
