/** The SMS PDU codec (3GPP TS 23.040, 23.038; 27.005 PDU mode): one concept per file, re-exported here. */
export * from './address.ts';
export * from './concat.ts';
export * from './deliver.ts';
export * from './gsm7.ts';
export * from './reader.ts';
export * from './septets.ts';
export * from './split.ts';
export * from './submit.ts';
export * from './timestamp.ts';
export * from './ucs2.ts';
export * from './udh.ts';
export * from './user-data.ts';
