// `skiff`: wiring only. Parses the command line and exits with the command's code.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { components } from './components.js';
import { buildProgram, reportError } from './program.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

let exitCode = 0;
const program = buildProgram(
  {
    version: pkg.version,
    home: homedir(),
    cwd: process.cwd(),
    self: { execPath: process.execPath, args: [...process.execArgv, process.argv[1]!] },
    components,
    out: process.stdout,
    err: process.stderr,
  },
  (code) => (exitCode = code),
);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  exitCode = reportError(err, process.stderr);
}
// Explicit: NATS connections and timers of stopped components must not keep the process alive.
// Exit only once stdout and stderr are flushed: a pipe takes 64 KiB at a time, and `inspect --json`
// prints more than that.
const flushed = (stream: NodeJS.WriteStream): Promise<void> => new Promise((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(exitCode);
