#!/usr/bin/env node
// The atm-rig command. The sources are TypeScript; tsx compiles them on the fly, so a checkout runs as is.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('./cli.ts');
await runCli(process.argv.slice(2));
