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
