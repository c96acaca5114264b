export { DEFAULT_EPOCH_MS, MAX_NODE_ID, MAX_SEQUENCE } from './layout.js';
export { ClockMovedBackwardsError, Snowflake, type IdGenerator, type SnowflakeOptions } from './snowflake.js';
export { decode, isSnowflakeId, type DecodedSnowflake } from './decode.js';
export { nodeIdFromIPv4, resolveNodeId } from './node-id.js';
