// The largest kind of request POST /one accepts in practice: a 4,000-character prompt and 50 data
// items of 1,000 characters, ≈ 55 KB of JSON. A backlog of these is what overran a single Kafka
// send (issue 11); component scenarios and fault drills post them.
export function largeRequest(userId: string, seed = 0): Record<string, unknown> {
  const filler = (length: number, salt: number) =>
    `${userId}-${seed}-${salt}-`.padEnd(length, 'abcdefghijklmnopqrstuvwxyz0123456789');
  return {
    user_id: userId,
    prompt: filler(4_000, 0),
    data: Array.from({ length: 50 }, (_, index) => ({ key: `k${index}`, value: filler(1_000, index + 1) })),
  };
}
