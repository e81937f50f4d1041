// The errors the CLI reports to a person: each says what is wrong and how to fix it in one line,
// and main.ts turns any of them into that line on stderr and exit code 1. Anything else that
// escapes is a bug and is printed with its stack.

export class CliError extends Error {
  override readonly name: string = 'CliError';
  /** Process exit code; 1 for every user-facing failure. */
  readonly exitCode: number = 1;
}

/** A command-line value that does not parse (commander shows it with the option name). */
export class OptionError extends CliError {
  override readonly name = 'OptionError';
}

export class DataDirError extends CliError {
  override readonly name = 'DataDirError';
  constructor(readonly dir: string, reason: string) {
    super(`cannot use data directory ${dir}: ${reason} (fix its permissions or choose another with --data-dir)`);
  }
}

export class ClusterRunningError extends CliError {
  override readonly name = 'ClusterRunningError';
  constructor(readonly cluster: string, readonly pid: number) {
    super(`cluster ${cluster} is already running (pid ${pid}): stop it with \`skiff down --cluster ${cluster}\` or pick another --cluster`);
  }
}

export class UnknownClusterError extends CliError {
  override readonly name = 'UnknownClusterError';
  constructor(readonly cluster: string, readonly dir: string) {
    super(`unknown cluster ${cluster}: no data directory at ${dir} (start it with \`skiff up --cluster ${cluster}\`, or pass its --data-dir)`);
  }
}

export class ClusterNotRunningError extends CliError {
  override readonly name = 'ClusterNotRunningError';
  constructor(readonly cluster: string) {
    super(`cluster ${cluster} is not running (start it with \`skiff up --cluster ${cluster}\`)`);
  }
}

export class NatsUnreachableError extends CliError {
  override readonly name = 'NatsUnreachableError';
  constructor(urls: readonly string[], reason: string) {
    super(`cannot reach NATS at ${urls.join(',')}: ${reason} (check that the server runs, or leave out --nats to let skiff start one)`);
  }
}

export class StartError extends CliError {
  override readonly name = 'StartError';
}
