#!/usr/bin/env node
// Runs one command and ends it when our parent goes away (its end of our stdin closes), even if
// the parent was killed outright: emulators started by the local mode or tests never outlive it.
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
/** @type {import('node:child_process').ChildProcess | undefined} */
let child;
const stop = () => {
  // Signal and stream handlers run from the event loop, after the spawn below: child is set.
  if (child === undefined) return;
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    // A fault test may have frozen it (SIGSTOP): it must still end with us.
    child.kill('SIGCONT');
  }
  setTimeout(() => child?.kill('SIGKILL'), 3000).unref();
};
// Our handlers before the command: a stop that comes as soon as the command runs (a parent that
// read the command's first output and stops at once) must not find us with SIGTERM's default
// action, which would end us and leave the command running without its guard.
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
