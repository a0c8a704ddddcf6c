// The population worker's entry: TypeScript compiled on the fly, as rig/bin.js does for the command.
import { register } from 'tsx/esm/api';

register();
await import('./population-worker.ts');
