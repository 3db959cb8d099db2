// Records what each hostile test tried and what happened, for RELIABILITY.md (written by `npm run test:hostile`).
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Outcome {
  /** build, import, server, load … */
  area: string;
  attack: string;
  tries: number;
  outcome: string;
}

/** Where outcomes go: RELIABILITY_LOG when `npm run test:hostile` sets it, otherwise a throwaway file. */
export const LOG_FILE =
  process.env.RELIABILITY_LOG ?? path.join(tmpdir(), `projectgraph-reliability-${process.pid}.jsonl`);

/** Call only after the test's assertions passed, so the table never claims what a failed test did not show. */
export function recordOutcome(o: Outcome): void {
  appendFileSync(LOG_FILE, `${JSON.stringify(o)}\n`);
}
