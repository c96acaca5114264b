export { createMetrics, type Metrics, type MetricsOptions } from './metrics.js';
export { startTelemetry, type Telemetry, type TelemetryOptions } from './sdk.js';
export { extractContext, injectContext, type Carrier } from './propagation.js';
