/** How a delivery attempt ended when it did not end in a 2xx. */
export class ThreeRejected extends Error {
  override readonly name = 'ThreeRejected';

  constructor(
    readonly status: number,
    /** 408, 429 and 5xx: the same call may succeed later. */
    readonly retryable: boolean,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`third party answered ${status}`);
  }
}

export const isRetryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;
