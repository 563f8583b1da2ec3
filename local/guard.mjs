#!/usr/bin/env node
// Runs one command and ends it when our parent goes away (its end of our stdin closes), even if
// the parent was killed outright: emulators started by the local mode or tests never outlive it.
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const stop = () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    // A fault test may have frozen it (SIGSTOP): it must still end with us.
    child.kill('SIGCONT');
  }
  setTimeout(() => child.kill('SIGKILL'), 3000).unref();
};
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
