/**
 * `phonestream` command-line entry. Each command lives in ./commands/<name>.ts and exports
 * `command: CliCommand`; they are imported lazily so `--help` and small commands stay fast
 * (the learner's TensorFlow.js import alone takes a second). The imports are spelled out, one per
 * command, so that the build rewrites each `.ts` specifier to `.js` (a template string would not be).
 */
import type { CliCommand } from './cli-command.ts';
import { formatCliError } from './format-cli-error.ts';
import { packageVersion } from '../package-root.ts';

const LOADERS = {
  replay: () => import('./commands/replay.ts'),
  eval: () => import('./commands/eval.ts'),
  serve: () => import('./commands/serve.ts'),
  features: () => import('./commands/features.ts'),
  stats: () => import('./commands/stats.ts'),
  study: () => import('./commands/study.ts'),
  ceilings: () => import('./commands/ceilings.ts'),
  gateway: () => import('./commands/gateway.ts'),
  worker: () => import('./commands/worker.ts'),
  trainer: () => import('./commands/trainer.ts'),
  static: () => import('./commands/static.ts'),
} satisfies Record<string, () => Promise<{ command: CliCommand }>>;

type CommandName = keyof typeof LOADERS;
const COMMANDS = Object.keys(LOADERS) as CommandName[];

async function loadCommand(name: CommandName): Promise<CliCommand> {
  return (await LOADERS[name]()).command;
}

async function usage(): Promise<string> {
  const lines = ['Usage: phonestream <command> [options]   (phonestream <command> --help for details)', '', 'Commands:'];
  for (const name of COMMANDS) {
    const cmd = await loadCommand(name).catch(() => undefined);
    lines.push(`  ${name.padEnd(10)} ${cmd?.summary ?? ''}`);
  }
  lines.push('', 'Global options:', '  --debug    print stack traces on errors', '  --help     show help', '  --version  print the version');
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
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(packageVersion());
    return 0;
  }
  if (!(COMMANDS as string[]).includes(name)) {
    console.error(`phonestream: unknown command "${name}" (expected one of: ${COMMANDS.join(', ')})`);
    return 2;
  }
  try {
    const cmd = await loadCommand(name as CommandName);
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
