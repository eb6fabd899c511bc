/** What every `wxpay` command shares: its exit codes, and how a bad command line is told apart. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes: success, a failure while running, a bad command line. */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2 } as const;

/** A bad command line: the command prints its usage and exits {@link EXIT.USAGE}. */
export class UsageError extends Error {}

/** The options a command declares, as node:util `parseArgs` takes them. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseCommandLine} gives for a command's options. */
export type ParsedCommandLine<O extends CommandOptions> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: O }>>;

/**
 * Parses a command's arguments strictly (positionals allowed); a bad one is a {@link UsageError}.
 * Only a plausible option name is repeated in it: any other text might be a key misplaced on the command line.
 */
export function parseCommandLine<O extends CommandOptions>(argv: string[], options: O): ParsedCommandLine<O> {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError('bad arguments');
    // A short lowercase name is an option mistyped; anything else (`--<APIv3 key>`) is not repeated.
    const option = /'(-[^']*)'/.exec((error as Error).message)?.[1];
    throw new UsageError(option && /^--?[a-z][a-z0-9-]{0,24}$/.test(option) ? `unknown option '${option}'` : 'an unknown option');
  }
}
