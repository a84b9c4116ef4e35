/**
 * simple-peer's stream dependencies call `process.nextTick` (on destroy and errors), which browsers lack;
 * give them the minimum before simple-peer loads, without touching a real `process` if one exists.
 */
const scope = globalThis as unknown as { process?: { env?: Record<string, string>; nextTick?: unknown } };
if (!scope.process) scope.process = { env: {} };
scope.process.env ??= {};
scope.process.nextTick ??= (fn: (...args: unknown[]) => void, ...args: unknown[]) => queueMicrotask(() => fn(...args));

export {};
