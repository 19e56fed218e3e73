#!/usr/bin/env node
// amko-fed entry point: reads the environment once and runs the program.
import { runCli } from './program.ts';

const code = await runCli(process.argv.slice(2), {
  KUBECONFIG: process.env['KUBECONFIG'],
  HOME: process.env['HOME'],
  REDIS_URL: process.env['REDIS_URL'],
  KEY_PREFIX: process.env['KEY_PREFIX'],
}, {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
process.exitCode = code;
