// The shape of a CLI command and the small output helpers commands share; only cli.ts runs them.
import type { ParseArgsConfig } from 'node:util';
import { formatProblem, type ErrorCode, type Problem } from '../errors.ts';

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Whether the command takes positional arguments (files, directories). */
  positionals?: boolean;
  /** Whether the command publishes into an output directory: only then does a failure say nothing was published. */
  publishes?: boolean;
  /**
   * Runs the command. It resolves to nothing when it succeeded, or to the code of why it failed once it has said so
   * itself (cli.ts turns the code into the exit status); other failures it throws, as errors with a code.
   */
  run(values: OptionValues, positionals: string[]): Promise<ErrorCode | undefined>;
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
