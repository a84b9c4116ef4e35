// The two limiters WindowCounter uses, imported by file: the package's index pulls every store's limiter
// (Mongo, MySQL, DynamoDB, Prisma, …) into the bundle, about 60 KB of minified code the extension never runs.
declare module 'rate-limiter-flexible/lib/RateLimiterMemory' {
  import { RateLimiterMemory } from 'rate-limiter-flexible';
  export = RateLimiterMemory;
}
declare module 'rate-limiter-flexible/lib/RateLimiterRedis' {
  import { RateLimiterRedis } from 'rate-limiter-flexible';
  export = RateLimiterRedis;
}
