/** "90s", "3m" or a plain number of seconds → milliseconds; undefined when not a positive duration. */
export function parseSeconds(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Math.round(Number(match[1]) * (match[2] === 'm' ? 60_000 : 1_000));
  return ms > 0 ? ms : undefined;
}
