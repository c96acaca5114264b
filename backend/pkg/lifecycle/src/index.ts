export { runUntilSignal, type LifecycleLogger, type RunUntilSignalOptions } from './run-until-signal.js';
