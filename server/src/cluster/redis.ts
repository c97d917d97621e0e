import { createClient, RESP_TYPES } from 'redis';

/** The node-redis client Roundtable uses: strings as strings (the socket.io adapter wants this one). */
export type RedisClient = ReturnType<typeof createClient>;

/** A client whose bulk replies are Buffers: for binary values (Yjs updates). */
export type BinaryRedis = ReturnType<RedisClient['withTypeMapping']>;

/** How Roundtable's keys start, so one Redis can hold other things (or several deployments with distinct prefixes). */
export const keyPrefix = 'rt:';

export function binary(client: RedisClient): BinaryRedis {
  return client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
}

/**
 * The connections of one node to Redis: commands, and one for subscriptions (a subscribed
 * connection can do nothing else). Reconnects on its own with a capped backoff, so a Redis that
 * comes back is used again without a restart; `healthy` says whether commands can run now.
 */
export class RedisLink {
  readonly commands: RedisClient;
  readonly subscriber: RedisClient;
  #ready = false;
  readonly #healthListeners = new Set<(healthy: boolean) => void>();

  constructor(url: string, onError: (error: Error) => void) {
    this.commands = createClient({
      url,
      socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2000), connectTimeout: 5000 },
      // Commands wait for a reconnect rather than failing at once; a command that cannot run in time fails.
      commandOptions: { timeout: 5000 },
    });
    this.subscriber = this.commands.duplicate();
    for (const client of [this.commands, this.subscriber]) client.on('error', onError);
    this.commands.on('ready', () => this.#health(true));
    this.commands.on('end', () => this.#health(false));
    this.commands.on('reconnecting', () => this.#health(false));
  }

  get healthy(): boolean {
    return this.#ready && this.commands.isReady;
  }

  onHealth(listener: (healthy: boolean) => void): () => void {
    this.#healthListeners.add(listener);
    return () => this.#healthListeners.delete(listener);
  }

  #closing = false;

  #health(ready: boolean): void {
    if (ready === this.#ready || this.#closing) return;
    this.#ready = ready;
    for (const listener of this.#healthListeners) listener(ready);
  }

  async connect(): Promise<void> {
    await Promise.all([this.commands.connect(), this.subscriber.connect()]);
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(
      [this.commands, this.subscriber].map(async (client) => {
        if (!client.isOpen) return;
        await client.close().catch(() => client.destroy());
      }),
    );
  }
}
