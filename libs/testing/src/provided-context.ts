/** What the integration globalSetup provides to tests (`inject('redisUrl')`). */
declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
export {};
