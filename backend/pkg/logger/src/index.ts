export { createLogger, type Logger, type LoggerOptions } from './logger.js';
export { logProcessWarnings, type KnownWarning } from './process-warnings.js';
export {
  createRedactor,
  DEFAULT_REDACTED_KEYS,
  REDACTED,
  scrubCredentials,
  type Redactor,
} from './redact.js';
