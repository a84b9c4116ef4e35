/**
 * Random and mutated messages for the fuzz suite, built with fast-check from valid messages of a seam: a
 * field dropped, retyped, set to a hostile value (huge, negative, NaN-ish, deeply nested, control and bidi
 * characters), an extra field, another message's `type`, and whole random values, texts and bytes. Runs are
 * reproducible: FUZZ_SEED replays one (each suite prints its seed when an assertion fails).
 */
import fc from 'fast-check';

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const hostileString = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', '\u202e', '\u2028', '\ud800', '../../etc/passwd', 'CON', '__proto__', 'constructor', '%s%n', '<script>'),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.integer({ min: 1, max: 200_000 }).map((n) => 'x'.repeat(n)),
);

const hostileNumber = fc.oneof(
  fc.constantFrom(-1, 0, 0.5, -0.0, 1e308, -1e308, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 65_536, 32_768),
  fc.integer(),
  fc.double({ noNaN: true }),
);

/** {"a":{"a":…}} or [[[…]]] deep enough to trouble a recursive validator. */
const deep = fc.tuple(fc.integer({ min: 50, max: 1000 }), fc.boolean()).map(([depth, array]) => {
  let value: Json = 1;
  for (let i = 0; i < depth; i++) value = array ? [value] : { a: value };
  return value;
});

export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, false, [], {}) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: deep },
);

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Paths to every value inside a message (so nested fields are mutated too). */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const out: string[][] = prefix.length ? [prefix] : [];
  for (const [key, child] of Object.entries(value)) out.push(...paths(child, [...prefix, key]));
  return out;
}

function setAt(root: Record<string, unknown>, path: string[], value: unknown, remove = false): void {
  let node = root as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1];
  if (remove) delete node[last];
  else node[last] = value;
}

/** Objects derived from `valid` by one or two mutations each (some stay valid: the oracle decides). */
export function mutatedObjects(valid: readonly object[]): fc.Arbitrary<unknown> {
  const types = [...new Set(valid.map((v) => (v as { type?: unknown }).type).filter((t): t is string => typeof t === 'string'))];
  const one = (base: fc.Arbitrary<Record<string, unknown>>) =>
    fc.oneof(
      // replace one value, anywhere in the message
      fc.tuple(base, fc.nat(), hostileValue).map(([m, i, v]) => {
        const all = paths(m);
        if (all.length) setAt(m, all[i % all.length], v);
        return m;
      }),
      // drop one field
      fc.tuple(base, fc.nat()).map(([m, i]) => {
        const all = paths(m);
        if (all.length) setAt(m, all[i % all.length], undefined, true);
        return m;
      }),
      // an extra field
      fc.tuple(base, fc.oneof(fc.constantFrom('__proto__', 'constructor', 'extra', 'type2'), fc.string({ maxLength: 12 })), hostileValue).map(([m, k, v]) => {
        Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
        return m;
      }),
      // another message's type, or one no seam knows
      fc.tuple(base, fc.oneof(fc.constantFrom(...(types.length ? types : ['x'])), fc.string({ maxLength: 20 }), hostileValue)).map(([m, t]) => {
        m.type = t;
        return m;
      }),
    );
  const base = fc.constantFrom(...valid).map((v) => clone(v) as Record<string, unknown>);
  return fc.oneof(
    { weight: 6, arbitrary: one(base) },
    { weight: 3, arbitrary: one(one(base)) },
    { weight: 1, arbitrary: base },
    { weight: 1, arbitrary: hostileValue },
  );
}

/** JSON texts: mutated objects, plus texts that are not JSON (cut short, trailing garbage, random). */
export function mutatedTexts(valid: readonly object[]): fc.Arbitrary<string> {
  const texts = fc.constantFrom(...valid).map((v) => JSON.stringify(v));
  return fc.oneof(
    { weight: 8, arbitrary: mutatedObjects(valid).map((v) => JSON.stringify(v) ?? 'undefined') },
    { weight: 1, arbitrary: fc.tuple(texts, fc.nat()).map(([t, n]) => t.slice(0, n % t.length)) },
    { weight: 1, arbitrary: fc.tuple(texts, fc.string({ maxLength: 8 })).map(([t, s]) => `${t}${s}x`) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  );
}

/** Bytes derived from valid binary messages: flipped bytes, cut short, extended, or random. */
export function mutatedBytes(valid: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const base = fc.constantFrom(...valid).map((v) => new Uint8Array(v));
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.tuple(base, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 })).map(([bytes, flips]) => {
        for (const [at, value] of flips) if (bytes.length) bytes[at % bytes.length] = value;
        return bytes;
      }),
    },
    { weight: 2, arbitrary: fc.tuple(base, fc.nat()).map(([bytes, n]) => bytes.slice(0, n % Math.max(1, bytes.length))) },
    { weight: 1, arbitrary: fc.tuple(base, fc.uint8Array({ maxLength: 64 })).map(([bytes, tail]) => new Uint8Array([...bytes, ...tail])) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
  );
}

/** `count` values of `arbitrary`, the same ones for the same seed. */
export function sample<T>(arbitrary: fc.Arbitrary<T>, count: number, salt: number): T[] {
  return fc.sample(arbitrary, { numRuns: count, seed: (FUZZ_SEED + salt) | 0 });
}

/** Appended to assertion messages so a failing run can be replayed. */
export const replay = () => ` (replay with FUZZ_SEED=${FUZZ_SEED})`;
