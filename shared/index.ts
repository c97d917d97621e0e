export * from './agenda';
export * from './commands';
export * from './errors';
export * from './notes';
export * from './protocol';
export * from './roster';
export * from './session';
export * from "./api";
