import { Counter, Gauge, Registry } from 'prom-client';

/** What /metrics reads from the running node when it is scraped. */
export interface MetricSources {
  nodeId: string;
  liveConnections: () => number;
  /** Sessions with at least one client on this node. */
  liveSessions: () => number;
  notesConnections: () => number;
  notesDocuments: () => number;
  /** Updates applied from this node's clients, since start. */
  notesUpdates: () => number;
  /** Null when there is no Redis (one process). */
  redisUp: () => boolean | null;
}

/**
 * This node's metrics in Prometheus' text format, every series labelled with the node so a
 * scrape of several nodes adds up. A registry of its own (no process-wide default): two servers
 * in one test process keep their counts apart.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly #committedBytes: Counter;
  readonly #commits: Counter;
  readonly #deliveries: Counter<'event'>;
  readonly #notesFromNodes: Counter<'kind'>;

  constructor(sources: MetricSources) {
    const registry = this.registry;
    registry.setDefaultLabels({ node: sources.nodeId });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    gauge('roundtable_live_connections', 'Live-session sockets connected to this node.', sources.liveConnections);
    gauge('roundtable_live_sessions', 'Sessions with at least one client on this node.', sources.liveSessions);
    gauge('roundtable_notes_connections', 'Notes connections open on this node.', sources.notesConnections);
    gauge('roundtable_notes_documents', 'Notes documents this node holds open.', sources.notesDocuments);
    let counted = 0;
    new Counter({
      name: 'roundtable_notes_updates_total',
      help: "Notes updates applied from this node's clients.",
      registers: [registry],
      collect() {
        const now = sources.notesUpdates();
        this.inc(now - counted);
        counted = now;
      },
    });
    gauge('roundtable_redis_up', 'Whether this node can reach Redis now (1), cannot (0), or has none (-1).', () => {
      const up = sources.redisUp();
      return up === null ? -1 : up ? 1 : 0;
    });
    this.#commits = new Counter({ name: 'roundtable_commits_total', help: 'Session changes this node committed (rate() gives commits per second).', registers: [registry] });
    this.#committedBytes = new Counter({
      name: 'roundtable_committed_bytes_total',
      help: 'Bytes of session data (changed parts, members, audit) this node wrote to the store.',
      registers: [registry],
    });
    this.#deliveries = new Counter({
      name: 'roundtable_fanout_deliveries_total',
      help: 'Messages this node sent to its own clients after a change, by event.',
      labelNames: ['event'],
      registers: [registry],
    });
    this.#notesFromNodes = new Counter({
      name: 'roundtable_notes_heard_total',
      help: 'Notes messages heard from other nodes, by kind.',
      labelNames: ['kind'],
      registers: [registry],
    });
  }

  committed(bytes = 0): void {
    this.#commits.inc();
    if (bytes > 0) this.#committedBytes.inc(bytes);
  }

  delivered(event: string, sockets: number): void {
    if (sockets > 0) this.#deliveries.inc({ event }, sockets);
  }

  heardNotes(kind: 'update' | 'awareness'): void {
    this.#notesFromNodes.inc({ kind });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
