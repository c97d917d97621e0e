import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { notesCloseCodes } from '../../../shared/notes';
import { DomainError } from '../domain/errors';
import type { NotesConnection } from '../notes/notes-room';
import type { NotesService } from '../notes/notes-service';
import { httpStatusOf, isUnexpected, toErrorBody } from './errors';

export interface YjsTransportDeps {
  notes: NotesService;
  logger: Logger;
  /** Where the notes are served: `/yjs/<docName>?token=…`. */
  path?: string;
  /** A connection that has not answered a ping in this long is dropped. */
  pingIntervalMs?: number;
}

/**
 * The groups' notes over the y-websocket protocol, on the same HTTP server as everything else:
 * upgrades under `/yjs/` are checked (token, access) before the WebSocket exists — a refusal is a
 * plain HTTP 401/403/404 with the usual JSON error body — and every other upgrade is left alone.
 * The protocol itself is the notes room's; this only moves bytes.
 */
export function attachYjs(httpServer: HttpServer, deps: YjsTransportDeps): { close: () => Promise<void>; readonly connections: number } {
  const prefix = `${(deps.path ?? '/yjs').replace(/\/+$/, '')}/`;
  const limits = deps.notes.limits;
  // A message past maxMessageBytes is refused by the room with its own code; far larger frames are cut off by ws (1009).
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes * 2 + 64 * 1024, perMessageDeflate: false });
  const alive = new WeakMap<WebSocket, boolean>();
  const batcher = new TurnBatcher();
  let closing = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(prefix)) return; // socket.io's, or someone else's
    socket.on('error', () => socket.destroy());
    if (closing) {
      refuse(socket, 503, { code: 'CONFLICT', message: 'Roundtable is restarting; try again in a moment.' });
      return;
    }
    let docName: string;
    try {
      docName = decodeURIComponent(url.pathname.slice(prefix.length));
    } catch {
      refuse(socket, 404, { code: 'NOT_FOUND', message: 'There are no such notes.' });
      return;
    }
    deps.notes.admit(docName, url.searchParams.get('token') ?? '').then(
      (admission) => {
        if (socket.destroyed || closing) {
          deps.notes.abandon(admission);
          if (!socket.destroyed) refuse(socket, 503, { code: 'CONFLICT', message: 'Roundtable is restarting; try again in a moment.' });
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          alive.set(ws, true);
          ws.on('pong', () => alive.set(ws, true));
          ws.on('error', () => undefined);
          const session = deps.notes.connect(admission, connectionOf(ws, socket, batcher));
          ws.on('message', (data: RawData, isBinary: boolean) => {
            if (!isBinary) {
              ws.close(notesCloseCodes.malformed, 'notes messages are binary');
              return;
            }
            session.receive(bytesOf(data));
          });
          ws.on('close', () => session.leave());
        });
      },
      (error: unknown) => {
        deps.notes.stats.upgradesRefused++;
        if (isUnexpected(error)) deps.logger.error({ err: error, docName }, 'opening notes failed');
        const body = toErrorBody(error);
        refuse(socket, error instanceof DomainError ? httpStatusOf[body.code] : 500, body);
      },
    );
  };
  httpServer.on('upgrade', onUpgrade);

  // Connections that vanished without a close (a laptop lid) are found by ping.
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, deps.pingIntervalMs ?? 30_000);
  pinger.unref();

  return {
    get connections() {
      return wss.clients.size;
    },
    async close() {
      closing = true;
      httpServer.off('upgrade', onUpgrade);
      clearInterval(pinger);
      const open = [...wss.clients];
      await Promise.all(
        open.map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === WebSocket.CLOSED) return resolve();
              const timer = setTimeout(() => ws.terminate(), 2000);
              ws.once('close', () => {
                clearTimeout(timer);
                resolve();
              });
              ws.close(notesCloseCodes.goingAway, 'Roundtable is restarting');
            }),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/**
 * Frames for one socket sent close together leave in one write: under load a socket gets several
 * peers' keystrokes per turn of the event loop, and one system call per frame is what a busy notes
 * server would otherwise spend most of its time on. A frame is held until the turn ends, but never
 * more than `maxHoldMs`: when hundreds of keystrokes wait to be read after a pause, holding every
 * relay until all of them are handled made the first ones wait for the last (that, not the CPU,
 * was much of the notes' p99).
 */
class TurnBatcher {
  readonly #corked = new Set<Duplex>();
  #scheduled = false;
  /** When the oldest frame still held was held. */
  #since = 0;

  constructor(private readonly maxHoldMs = 1) {}

  hold(socket: Duplex): void {
    if (this.#corked.size > 0 && performance.now() - this.#since >= this.maxHoldMs) this.#release();
    if (this.#corked.has(socket)) return;
    if (this.#corked.size === 0) this.#since = performance.now();
    socket.cork();
    this.#corked.add(socket);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#release();
    });
  }

  #release(): void {
    for (const s of this.#corked) s.uncork();
    this.#corked.clear();
  }
}

function connectionOf(ws: WebSocket, socket: Duplex, batcher: TurnBatcher): NotesConnection {
  return {
    send(message) {
      if (ws.readyState !== WebSocket.OPEN) return;
      batcher.hold(socket);
      ws.send(message, { binary: true });
    },
    close(code, reason) {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
    },
  };
}

function bytesOf(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A refused upgrade: an HTTP response with the JSON error body, then the socket is closed. */
function refuse(socket: Duplex, status: number, error: { code: string; message: string }): void {
  const body = JSON.stringify({ error });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n' +
      '\r\n' +
      body,
  );
}
