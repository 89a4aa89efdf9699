#!/usr/bin/env node
import { guardClosedOutput } from '../sys/closed-output.js';
import { runCli } from './main.js';

// `rootcast logs web07 | head -1`: a reader that goes away ends us quietly (141), not with an EPIPE stack trace.
const closedOutput = guardClosedOutput([process.stdout, process.stderr], (status) => process.exit(status));
process.exitCode = await runCli(process.argv.slice(2), { closedOutput });
