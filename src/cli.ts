// The command line: the only module that reads argv, prints errors, and sets the exit code.
import { parseArgs } from 'node:util';
import {
  DataError,
  EXIT,
  PublishFailure,
  UsageError,
  codeOf,
  exitStatus,
  formatProblem,
  isFileSystemError,
  type ExitStatus,
} from './errors.ts';
import type { Command, OptionValues } from './commands/command.ts';
/**
 * The commands, each loaded only when it runs: the server and the importer pull in large libraries
 * that a build does not need, and loading them all made every command start slowly.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  build: {
    summary: 'check the records and publish the dumps into the output directory',
    load: async () => (await import('./commands/build.ts')).buildCommand,
  },
  validate: {
    summary: 'check the records (structure, references, SHACL) and write nothing',
    load: async () => (await import('./commands/validate.ts')).validateCommand,
  },
  import: {
    summary: 'turn wiki pages (rendered text, wikitext, Special:Export XML) into records',
    load: async () => (await import('./commands/import.ts')).importCommand,
  },
  serve: {
    summary: 'serve the SPARQL endpoint, the query page and every published IRI',
    load: async () => (await import('./commands/serve.ts')).serveCommand,
  },
  'export-site': {
    summary: 'write the published build as a static site into a folder, rewriting only the pages that changed',
    load: async () => (await import('./commands/export-site.ts')).exportSiteCommand,
  },
  push: {
    summary: 'send the named graphs of a build to a triple store (Graph Store Protocol), only what changed',
    load: async () => (await import('./commands/push.ts')).pushCommand,
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `projectgraph: publish research and policy projects as Linked Open Data

Usage: projectgraph <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join('\n')}

Run "projectgraph <command> --help" for a command's options.
Exit codes: 0 ok, 1 invalid data, 2 usage error, 3 unexpected fault, 4 store unreachable (try again later).
`;
}

/**
 * Runs one command line and returns its exit status; prints everything itself. The status comes from the code of
 * the failure alone (the catalogue in errors.ts), whether the command reported it or threw it.
 */
export async function run(argv: string[]): Promise<ExitStatus> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(mainHelp());
    return name === undefined ? exitStatus('USAGE') : EXIT.ok;
  }
  const entry = COMMANDS[name];
  const command = entry ? await entry.load() : undefined;
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`Usage: ${command.usage}\n`);
      return EXIT.ok;
    }
    let parsed: { values: OptionValues; positionals: string[] };
    try {
      parsed = parseArgs({
        args: rest,
        options: command.options,
        allowPositionals: command.positionals ?? false,
        strict: true,
      });
    } catch (e) {
      throw new UsageError(parseArgsMessage(e as NodeJS.ErrnoException, name));
    }
    const failed = await command.run(parsed.values, parsed.positionals);
    return failed === undefined ? EXIT.ok : exitStatus(failed);
  } catch (e) {
    process.stderr.write(describe(e, command));
    return exitStatus(codeOf(e));
  }
}

/** What the command line prints for an error that ended a command: the words only, the status is the code's. */
function describe(e: unknown, command: Command | undefined): string {
  if (e instanceof UsageError) {
    const next = command ? `\nUsage: ${command.usage}` : 'Run "projectgraph --help" for the commands.';
    return `projectgraph: ${e.message}\n${next}\n`;
  }
  if (e instanceof DataError) {
    const found = `${e.problems.length} problem${e.problems.length === 1 ? '' : 's'} found`;
    const published = command?.publishes ? '; nothing was published' : '';
    return `${e.problems.map(formatProblem).join('\n')}\nprojectgraph: ${found}${published}\n`;
  }
  // A failed build says what its output is now; other commands publish nothing.
  const state = e instanceof PublishFailure ? `; ${e.state}` : '';
  const cause = e instanceof PublishFailure ? e.cause : e;
  if (isFileSystemError(cause)) {
    // A full disk or a read-only directory is the environment's problem, not a bug: say what and where, no stack.
    const reason = cause.message.replace(/^[A-Z]+: /, '').split(',')[0];
    const where = `${cause.syscall}${cause.path ? ` ${cause.path}` : ''}`;
    return `projectgraph: ${cause.code}: ${reason} (${where})${state}\n`;
  }
  // An error of ours that is not a fault (an output refused, a store that cannot be loaded) is said in its words.
  if (codeOf(cause) !== 'FAULT' && cause instanceof Error) return `projectgraph: ${cause.message}${state}\n`;
  const shown = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
  return `projectgraph: unexpected failure: ${shown}${state}\n`;
}

/** node:util parseArgs' errors in the words of this command line (its own speak of "positional arguments"). */
function parseArgsMessage(e: NodeJS.ErrnoException, command: string): string {
  const quoted = /'([^']*)'/.exec(e.message)?.[1] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const got = `got "${quoted}" (directories are given with their option)`;
    return `"projectgraph ${command}" takes no file or directory names, ${got}`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && / argument missing$/.test(e.message)) {
    return `${quoted.replace(/ <value>$/, '')} needs a value`;
  }
  return e.message;
}

/** The process entry point: runs the command and sets the exit code. */
export async function runMain(argv: string[]): Promise<void> {
  process.exitCode = await run(argv);
}
