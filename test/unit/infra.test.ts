import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// No container engine here: the Compose file is checked as text for what the README promises.
const infra = (name: string) => fileURLToPath(new URL(`../../infra/${name}`, import.meta.url));
const compose = readFileSync(infra('docker-compose.yml'), 'utf8');
const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** The text of one top-level service (two-space indented key under `services:`). */
function service(name: string): string {
  const start = compose.indexOf(`\n  ${name}:\n`);
  expect(start, `service ${name}`).toBeGreaterThan(-1);
  const rest = compose.slice(start + 1);
  const next = rest.slice(1).search(/\n {2}[a-z0-9-]+:\n|\nvolumes:/);
  return next === -1 ? rest : rest.slice(0, next + 1);
}

describe('infra/docker-compose.yml', () => {
  it('runs a load balancer, two Roundtable nodes, Redis with AOF, LiveKit and coturn, each with a health check', () => {
    for (const name of ['balancer', 'node1', 'node2', 'redis', 'livekit', 'coturn']) {
      const text = service(name);
      if (name.startsWith('node')) expect(text).toContain('<<: *roundtable');
      else expect(text, name).toContain('healthcheck:');
    }
    // The nodes' health check is their readiness (503 while Redis is away).
    expect(compose.slice(0, compose.indexOf('\nservices:'))).toContain('/readyz');
    expect(service('redis')).toMatch(/--appendonly", "yes"/);
  });

  it('gives every node the same secrets and Redis, and its own name', () => {
    for (const variable of ['REDIS_URL', 'ADMIN_TOKEN', 'SIGNING_KEY', 'LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET']) {
      expect(compose).toMatch(new RegExp(`\\n\\s+${variable}:`));
    }
    expect(service('node1')).toContain('NODE_ID: node1');
    expect(service('node2')).toContain('NODE_ID: node2');
  });

  it('mounts config files that exist, and the README documents the variables the nodes read', () => {
    for (const file of compose.matchAll(/\.\/([a-z.-]+):\/[^\s"]+/g)) expect(existsSync(infra(file[1]!)), file[1]).toBe(true);
    for (const variable of ['REDIS_URL', 'SIGNING_KEY', 'WORKERS', 'NODE_ID', 'ADMIN_TOKEN']) expect(readme).toContain(`| \`${variable}\` |`);
    expect(readFileSync(infra('haproxy.cfg'), 'utf8')).toMatch(/option httpchk GET \/readyz/);
  });
});
