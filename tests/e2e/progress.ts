// Durations, parsed from the command line and printed in progress lines.

/** "90s", "15m", "1h", "1m30s" or plain seconds, as seconds. */
export function parseDuration(text: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/.exec(text.trim());
  const seconds = match ? Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0) : 0;
  if (!match || seconds <= 0) throw new Error(`"${text}" is not a duration such as 90s, 15m or 1h`);
  return seconds;
}

/** 0.4s, 12.3s, 2m05s, 1h02m. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const total = Math.round(ms / 1000);
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h${pad(m)}m` : `${m}m${pad(s)}s`;
}

export type Outcome = 'ok' | 'FAILED' | 'SKIPPED';

/** The line printed when a step ends: "[3/9] wait for the release to be ready: ok (2m14s)". */
export const stepLine = (index: number, total: number, title: string, outcome: Outcome, ms: number): string =>
  `[${index}/${total}] ${title}: ${outcome} (${formatDuration(ms)})`;
