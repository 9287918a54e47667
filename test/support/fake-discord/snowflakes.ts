// Snowflake ids as Discord makes them (milliseconds since the Discord epoch, shifted, plus a counter), unique per fake.

const DISCORD_EPOCH = 1_420_070_400_000n;

/** Returns a function giving increasing, realistic 18–19 digit ids. */
export function snowflakeFactory(): () => string {
  let increment = 0n;
  return () => {
    increment = (increment + 1n) & 0xfffn;
    const millis = BigInt(Date.now()) - DISCORD_EPOCH;
    return ((millis << 22n) | (1n << 17n) | increment).toString();
  };
}
