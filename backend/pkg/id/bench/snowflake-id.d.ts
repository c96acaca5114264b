// The `snowflake-id` package ships no types; this covers the part the benchmark uses.
declare module 'snowflake-id' {
  interface SnowflakeIdOptions {
    /** "Machine id"; the package stores `(mid || 1) % 1023`. */
    mid?: number;
    /** Epoch in ms. */
    offset?: number;
  }
  interface SnowflakeId {
    generate(): string;
  }
  const module: { default: new (options?: SnowflakeIdOptions) => SnowflakeId };
  export default module;
}
