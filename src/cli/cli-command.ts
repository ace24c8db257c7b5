/** One `phonestream <name>` command: its help text and its entry point. */
export interface CliCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full `--help` text: usage, options with defaults and units, an example. */
  help: string;
  /** Runs with the arguments after the command name; resolves to the process exit status. */
  run(argv: string[]): Promise<number>;
}
