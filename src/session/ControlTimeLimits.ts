/**
 * The time limits the sharer is offered when the helper asks for control (setting
 * `remoteAssist.controlTimeLimits`): each becomes an "Allow for …" answer beside "Allow Until Stopped".
 */
import { z } from 'zod';

/** Minutes offered when the setting is absent or bad. */
export const DEFAULT_CONTROL_TIME_LIMITS: readonly number[] = [5, 15, 30];

/** Minutes, from a quarter of a minute to a day; at most four, so the question keeps few answers. */
export const ControlTimeLimits = z.array(z.number().finite().min(0.25).max(1440)).min(1).max(4);

/** The setting's value checked: whole seconds, no repeats, shortest first; `problem` says why a bad one was ignored. */
export function controlTimeLimits(value: unknown): { limits: readonly number[]; problem?: string } {
  if (value === undefined) return { limits: DEFAULT_CONTROL_TIME_LIMITS };
  const parsed = ControlTimeLimits.safeParse(value);
  if (!parsed.success) return { limits: DEFAULT_CONTROL_TIME_LIMITS, problem: parsed.error.issues[0]?.message ?? 'invalid' };
  const seconds = [...new Set(parsed.data.map((m) => Math.round(m * 60)))].sort((a, b) => a - b);
  return { limits: seconds.map((s) => s / 60) };
}

/** "30 Seconds", "1 Minute", "90 Seconds", "2 Hours": a limit as the sharer's answer names it. */
export function timeLimitText(minutes: number): string {
  const seconds = Math.round(minutes * 60);
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'Hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'Minute');
  return plural(seconds, 'Second');
}
