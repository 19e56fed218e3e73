/** What the integration globalSetup provides to tests (`inject('redisUrl')`). */
import type {} from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
export {};
