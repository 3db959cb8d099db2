// The shape of a CLI command and the small output helpers commands share; only cli.ts runs them.
import type { ParseArgsConfig } from 'node:util';
import { formatProblem, type Problem } from '../errors.ts';

/**
 * Exit codes: 0 ok, 1 invalid data, 2 usage error, 3 unexpected fault, 4 a store that could not be reached or
 * did not answer in time (the same command may succeed later, so scripts can retry on it alone).
 */
export const EXIT = { ok: 0, invalid: 1, usage: 2, fault: 3, unavailable: 4 } as const;

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Whether the command takes positional arguments (files, directories). */
  positionals?: boolean;
  /** Whether the command publishes into an output directory: only then does a failure say nothing was published. */
  publishes?: boolean;
  run(values: OptionValues, positionals: string[]): Promise<number>;
}

export function printWarnings(warnings: Iterable<Problem>): void {
  for (const w of warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
}

export function warningCount(n: number): string {
  return n === 0 ? '' : ` (${n} warning${n === 1 ? '' : 's'})`;
}

export function elapsedSeconds(started: number): string {
  return ((performance.now() - started) / 1000).toFixed(2);
}
