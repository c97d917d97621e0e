import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from '../../server/src/config';

describe('configuration from the environment', () => {
  it('keeps invitations 7 days after the session ends and trusts a loopback proxy by default', () => {
    const config = configFromEnv({});
    expect(config.inviteDaysAfterEnd).toBe(7);
    expect(config.trustProxy).toBe('loopback');
  });

  it('reads INVITE_DAYS_AFTER_END and every form of TRUST_PROXY', () => {
    expect(configFromEnv({ INVITE_DAYS_AFTER_END: '30' }).inviteDaysAfterEnd).toBe(30);
    expect(configFromEnv({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(configFromEnv({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(configFromEnv({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.1' }).trustProxy).toBe('10.0.0.0/8, 192.168.1.1');
    expect(() => configFromEnv({ INVITE_DAYS_AFTER_END: '-1' })).toThrow(ConfigError);
  });
});

describe('configuration of several nodes', () => {
  it('reads REDIS_URL, SIGNING_KEY, WORKERS and NODE_ID', () => {
    const config = configFromEnv({ REDIS_URL: 'redis://10.0.0.5:6380', SIGNING_KEY: 'k'.repeat(32), WORKERS: '4', NODE_ID: 'eu-1' });
    expect(config).toMatchObject({ redisUrl: 'redis://10.0.0.5:6380', signingKey: 'k'.repeat(32), workers: 4, nodeId: 'eu-1' });
  });

  it('is one process without Redis by default', () => {
    expect(configFromEnv({})).toMatchObject({ redisUrl: undefined, signingKey: undefined, workers: 1 });
  });

  it.each([
    [{ REDIS_URL: 'http://redis:6379' }, 'REDIS_URL'],
    [{ SIGNING_KEY: 'short' }, 'SIGNING_KEY'],
    [{ WORKERS: '0' }, 'WORKERS'],
    [{ NODE_ID: 'a b' }, 'NODE_ID'],
    [{ WORKERS: '2' }, 'WORKERS above 1 needs REDIS_URL'],
  ])('refuses %o, naming the variable', (env, named) => {
    expect(() => configFromEnv(env)).toThrow(ConfigError);
    expect(() => configFromEnv(env)).toThrow(named);
  });
});
