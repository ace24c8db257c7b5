/**
 * `phonestream` command-line entry. Each command lives in ./commands/<name>.ts and exports
 * `command: CliCommand`; they are imported lazily so `--help` and small commands stay fast
 * (the learner's TensorFlow.js import alone takes a second).
 */
import type { CliCommand } from './cli-command.ts';
import { formatCliError } from './format-cli-error.ts';

const COMMANDS = ['replay', 'eval', 'serve', 'features', 'stats', 'study', 'gateway', 'worker'] as const;

async function loadCommand(name: string): Promise<CliCommand> {
  const mod = (await import(`./commands/${name}.ts`)) as { command: CliCommand };
  return mod.command;
}

async function usage(): Promise<string> {
  const lines = ['Usage: phonestream <command> [options]   (phonestream <command> --help for details)', '', 'Commands:'];
  for (const name of COMMANDS) {
    const cmd = await loadCommand(name).catch(() => undefined);
    lines.push(`  ${name.padEnd(10)} ${cmd?.summary ?? ''}`);
  }
  lines.push('', 'Global options:', '  --debug    print stack traces on errors', '  --help     show help');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name === undefined ? 1 : 0;
  }
  if (!(COMMANDS as readonly string[]).includes(name)) {
    console.error(`phonestream: unknown command "${name}" (expected one of: ${COMMANDS.join(', ')})`);
    return 2;
  }
  try {
    const cmd = await loadCommand(name);
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(cmd.help);
      return 0;
    }
    return await cmd.run(rest);
  } catch (err) {
    console.error(formatCliError(err, debug));
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
