import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import RateLimiterMemory from 'rate-limiter-flexible/lib/RateLimiterMemory';
import RateLimiterRedis from 'rate-limiter-flexible/lib/RateLimiterRedis';
import type Redis from 'ioredis';
import { ServiceError } from './ServiceError';

/**
 * Counts events per key in a fixed window; `exceeded(key)` once `max` of them happened in the current window.
 * The counts live in rate-limiter-flexible: in this process (RateLimiterMemory), or in Redis (RateLimiterRedis,
 * one atomic script per count) so that every server process sharing the Redis counts the same events.
 * When Redis cannot answer, the counter fails closed: the request is refused (ERR_RATE_LIMITED) and the outage
 * logged, since letting it through would let guesses past the limit.
 */
export class WindowCounter {
  private constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly max: number,
    private readonly unavailable: (err: unknown) => void = () => undefined,
  ) {}

  /** Counts in this process only. */
  static local(name: string, max: number, windowMs: number): WindowCounter {
    return new WindowCounter(new RateLimiterMemory({ keyPrefix: name, points: max, duration: seconds(windowMs) }), max);
  }

  /** Counts across every process sharing `redis`; `unavailable` hears of each failed count. */
  static shared(redis: Redis, name: string, max: number, windowMs: number, unavailable: (err: unknown) => void): WindowCounter {
    // not ready (reconnecting): fail at once rather than queue the count behind the outage
    const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: `ra:l:${name}`, points: max, duration: seconds(windowMs), rejectIfRedisNotReady: true });
    return new WindowCounter(limiter, max, unavailable);
  }

  async exceeded(key: string): Promise<boolean> {
    try {
      const counted = await this.limiter.get(key);
      return counted !== null && counted.consumedPoints >= this.max;
    } catch (err) {
      throw this.refuse(err);
    }
  }

  async record(key: string): Promise<void> {
    try {
      await this.limiter.penalty(key, 1);
    } catch (err) {
      throw this.refuse(err);
    }
  }

  private refuse(err: unknown): ServiceError {
    this.unavailable(err);
    return new ServiceError('ERR_RATE_LIMITED', 'the server cannot count attempts right now; try again shortly');
  }
}

/** rate-limiter-flexible's windows are whole seconds (Redis expiries). */
function seconds(windowMs: number): number {
  return Math.max(1, Math.ceil(windowMs / 1000));
}

