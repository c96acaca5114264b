export { configOrExit, loadConfig, type ExitIo, type LoadConfigOptions } from './load-config.js';
export { ConfigError, type ConfigIssue } from './errors.js';
export type { DeepReadonly } from './paths.js';
