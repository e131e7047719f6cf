// The command line of every `npm run` script: `--help` prints the usage, a mistake prints one
// line saying what is wrong and how to see the usage, never a stack trace.
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

export interface CommandLine<O extends ParseArgsOptionsConfig> {
  /** The npm script, e.g. `webhook`: prefixes every message. */
  name: string;
  /** Printed by `--help`: the first line is the synopsis. */
  usage: string;
  options: O;
  allowPositionals?: boolean;
  allowNegative?: boolean;
}

export function parseCommandLine<O extends ParseArgsOptionsConfig>(
  command: CommandLine<O>,
  args: string[] = process.argv.slice(2),
) {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(command.usage.trim());
    process.exit(0);
  }
  try {
    return parseArgs({
      args,
      options: command.options,
      allowPositionals: command.allowPositionals ?? false,
      allowNegative: command.allowNegative ?? false,
      strict: true,
    });
  } catch (error) {
    return usageError(command.name, error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}

/** A mistake in the command line: one line, the way to the usage, exit 2. */
export function usageError(name: string, message: string): never {
  console.error(`${name}: ${message}\nRun \`npm run ${name} -- --help\` for the usage.`);
  process.exit(2);
}

/** A failure the user can act on: one line (plus an optional hint), exit 1. */
export function fail(name: string, message: string): never {
  console.error(`${name}: ${message}`);
  process.exit(1);
}

/** A positive integer option, or a usage error naming it. */
export function positiveInteger(name: string, option: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    usageError(name, `--${option} must be a positive integer, not "${value}"`);
  return number;
}
