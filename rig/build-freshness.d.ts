/** Is dist/ newer than every source it was built from (rig/bin.js runs it then)? */
export function buildIsFresh(): boolean;
