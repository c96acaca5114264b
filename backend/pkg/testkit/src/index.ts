export {
  databaseUrl,
  infrastructureEnv,
  infrastructureFromEnv,
  selectInfrastructure,
  INFRASTRUCTURE_ENV,
  MISSING_INFRASTRUCTURE_MESSAGE,
  type Env,
  type Infrastructure,
  type InfrastructureSource,
} from './infrastructure.js';
export { eventually, uniqueId, type EventuallyOptions } from './eventually.js';
export { parseVersionsEnv, pinnedImage, VERSIONS_FILE } from './versions.js';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
export {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedLog,
  type ReceivedSpan,
} from './otlp-receiver.js';
export { ScopedWireMock, sequenceStates, type ScopedRequest, type SequenceState } from './scoped-wiremock.js';
export { acceptedRequestEvent, acceptedRequestMessage, type AcceptedRequestFields } from './messages.js';
export { largeRequest } from './large-request.js';
export { setTopicMaxMessageBytes } from './topic-config.js';
