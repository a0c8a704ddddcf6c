#!/usr/bin/env node
// The atm-rig command. The sources are TypeScript; tsx compiles them on the fly, so a checkout runs as is.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
