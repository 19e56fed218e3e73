import { describe, expect, it } from 'vitest';
import { InvalidRedisUrlError } from './errors/invalid-redis-url-error.ts';
import { parseRedisTarget, parseRedisUrl, redactRedisUrl, redisUrlProblem } from './redis-url.ts';

describe('redactRedisUrl', () => {
  describe('when the URL holds a password', () => {
    it.each([
      ['redis://:s3cret@redis:6379/0', 'redis://:***@redis:6379/0'],
      ['redis://default:s3cret@redis:6379', 'redis://default:***@redis:6379'],
      ['rediss://user:p%40ss%2Fw@redis.example.com:6380', 'rediss://user:***@redis.example.com:6380'],
      ['redis://user:p@ss/w?rd@redis:6379', 'redis://user:***@redis:6379'],
      ['redis://s3cret@redis:6379', 'redis://***@redis:6379'],
      ['redis-sentinel://:s3cret@s1:26379,s2:26379/mymaster', 'redis-sentinel://:***@s1:26379,s2:26379/mymaster'],
      ['redis-sentinel://s1,s2/mymaster?sentinelPassword=s3cret&db=2', 'redis-sentinel://s1,s2/mymaster?sentinelPassword=***&db=2'],
      ['redis://redis:6379?password=s3cret', 'redis://redis:6379?password=***'],
      ['redis-cluster://app:s3cret@n1:7000,n2:7001', 'redis-cluster://app:***@n1:7000,n2:7001'],
    ])('redacts %s', (url, expected) => {
      const redacted = redactRedisUrl(url);
      expect(redacted).toBe(expected);
      expect(redacted).not.toContain('s3cret');
      expect(redacted).not.toContain('ss/w');
    });
  });

  describe('when the URL holds no password', () => {
    it('leaves it unchanged', () => {
      expect(redactRedisUrl('redis://127.0.0.1:6379/2')).toBe('redis://127.0.0.1:6379/2');
    });
  });
});

describe('parseRedisUrl', () => {
  describe('when given redis:// or rediss://', () => {
    it('parses host, port, credentials and db', () => {
      expect(parseRedisUrl('redis://app:p%40ss@redis.svc:6380/3')).toEqual({
        host: 'redis.svc', port: 6380, username: 'app', password: 'p@ss', db: 3,
      });
    });

    it('defaults the port and enables TLS with SNI for rediss', () => {
      expect(parseRedisUrl('rediss://:pw@cache.example.com')).toEqual({
        host: 'cache.example.com', port: 6379, password: 'pw', tls: { servername: 'cache.example.com' },
      });
    });

    it('parses IPv6 hosts', () => {
      expect(parseRedisUrl('redis://[::1]:7000')).toMatchObject({ host: '::1', port: 7000 });
    });
  });

  describe('when given a Sentinel URL', () => {
    it('parses the sentinels, master name, db and sentinel credentials', () => {
      expect(
        parseRedisUrl('redis-sentinel://:pw@s1:26380,s2,[fe80::1]:26381/mymaster/2?sentinelPassword=sp&sentinelUsername=su'),
      ).toEqual({
        sentinels: [
          { host: 's1', port: 26380 },
          { host: 's2', port: 26379 },
          { host: 'fe80::1', port: 26381 },
        ],
        name: 'mymaster',
        password: 'pw',
        db: 2,
        sentinelUsername: 'su',
        sentinelPassword: 'sp',
      });
    });

    it('enables TLS everywhere for rediss-sentinel', () => {
      expect(parseRedisUrl('rediss-sentinel://s1/m')).toMatchObject({ tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true });
    });
  });

  describe('when the URL is unusable', () => {
    it.each([
      ['http://redis:6379'],
      ['redis:6379'],
      ['redis://:s3cret@redis:99999'],
      ['redis-sentinel://:s3cret@s1:26379'],
      ['redis://:s3cret@redis/x'],
    ])('rejects %s without leaking the password', (url) => {
      let caught: unknown;
      try {
        parseRedisUrl(url);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidRedisUrlError);
      expect((caught as InvalidRedisUrlError).code).toBe('INVALID_REDIS_URL');
      expect((caught as Error).message).not.toContain('s3cret');
    });
  });
});

describe('parseRedisTarget', () => {
  describe('when given a Cluster URL', () => {
    it.each([
      ['redis-cluster://app:p%40ss@n1:7000,n2,[::1]:7002', undefined],
      ['redis+cluster://app:p%40ss@n1:7000,n2,[::1]:7002/0', undefined],
      ['rediss-cluster://app:p%40ss@n1:7000,n2,[::1]:7002', {}],
    ])('parses the seed nodes and node credentials of %s', (url, tls) => {
      expect(parseRedisTarget(url)).toEqual({
        topology: 'cluster',
        nodes: [{ host: 'n1', port: 7000 }, { host: 'n2', port: 6379 }, { host: '::1', port: 7002 }],
        nodeOptions: { username: 'app', password: 'p@ss', ...(tls ? { tls } : {}) },
      });
    });
  });

  describe('when given a standalone or Sentinel URL', () => {
    it.each([
      ['redis://r:6379', 'standalone'],
      ['redis-sentinel://s1,s2/m', 'sentinel'],
      ['redis+sentinel://s1,s2/m', 'sentinel'],
    ])('names %s %s and parses it as parseRedisUrl does', (url, topology) => {
      expect(parseRedisTarget(url)).toEqual({ topology, options: parseRedisUrl(url) });
    });
  });

  describe('when the URL is unusable', () => {
    it.each([
      ['redis-cluster://:s3cret@n1:7000/2', 'Redis Cluster has only database 0'],
      ['redis-cluster://:s3cret@', 'no seed node'],
      ['redis-cluster://:s3cret@n1:7000?db=1', 'unsupported parameter'],
      ['redis-cluster://:s3cret@n1:0', 'is not 1-65535'],
      ['http://:s3cret@n1', 'expected redis://'],
    ])('rejects %s, saying what is wrong without the password', (url, reason) => {
      let caught: unknown;
      try {
        parseRedisTarget(url);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidRedisUrlError);
      expect(redisUrlProblem(caught)).toContain(reason);
      expect((caught as Error).message).not.toContain('s3cret');
    });
  });

  describe('when parseRedisUrl gets a Cluster URL', () => {
    it('refuses it: a Cluster is not one server', () => {
      expect(() => parseRedisUrl('redis-cluster://n1:7000')).toThrow(InvalidRedisUrlError);
    });
  });
});
