import { Command, CommanderError } from 'commander';
import { isInputError } from '../params/index.js';
import { TOOLKIT_VERSION } from '../version.js';
import { registerCompareCommand } from './commands/compare.js';
import { registerInitCommand } from './commands/init.js';
import { registerListCommand } from './commands/list.js';
import { registerReproduceCommand } from './commands/reproduce.js';
import { registerRunCommand } from './commands/run.js';
import { registerSweepCommands } from './commands/sweep.js';

/** Exit codes of the contract: 0 completed (also with a false invariant), 1 internal error, 2 bad input. */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;

export function buildProgram(out: (s: string) => void = (s) => process.stdout.write(s.endsWith('\n') ? s : s + '\n')): Command {
  const program = new Command('vmft')
    .description('virtualization-based fault tolerance: emulated VMs, live migration, Remus, sweeps')
    .version(TOOLKIT_VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerRunCommand(program, out);
  registerListCommand(program, out);
  registerSweepCommands(program);
  registerCompareCommand(program, out);
  registerReproduceCommand(program);
  registerInitCommand(program, out);
  return program;
}

/** Run the CLI; resolves to the exit code (never calls process.exit itself). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are successes; every usage error is bad input.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      return EXIT_BAD_INPUT;
    }
    if (isInputError(e)) {
      process.stderr.write(`vmft: ${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`vmft: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_INTERNAL;
  }
}
