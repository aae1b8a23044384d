/**
 * The other ends of the status-page cases (statusPages.ts), all in this node process and all on
 * 127.0.0.1 or a Unix socket in the sandbox: upstreams for nginx/Apache to proxy to (silent,
 * closing, resetting, raw bytes, HTTP, FastCGI) and clients that the harness's `request` cannot
 * play (a request sent in pieces, TLS with or without a client certificate, HTTP/2).
 * Every listener is closed by the case that opened it (`close()` also destroys its sockets).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';

export const TLS_DIR = path.join(__dirname, '..', 'tls');
/** A file of test/conformance/tls/ as text. */
export const tlsFile = (name: string): string => fs.readFileSync(path.join(TLS_DIR, name), 'utf8');

// ------------------------------------------------------------------ upstreams

export interface Peer {
  /** TCP port on 127.0.0.1 (0 for a Unix-socket peer). */
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections the other side closed before this peer closed them. */
  readonly closedByClient: number;
  close(): Promise<void>;
}

/** Where a peer listens: a free TCP port on 127.0.0.1 (default), a given port, or a Unix socket path. */
export type ListenAt = { port?: number } | { unix: string; mode?: number };

/** A TCP/Unix listener that hands each accepted socket to `onSocket`. */
export function listenPeer(onSocket: (socket: net.Socket) => void, at: ListenAt = {}): Promise<Peer> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let closedByClient = 0;
  let closing = false;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('end', () => {
      if (!closing) closedByClient++;
    });
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const ready = () => {
      if ('unix' in at && at.mode !== undefined) fs.chmodSync(at.unix, at.mode);
      const address = server.address();
      const peer: Peer = {
        port: typeof address === 'object' && address ? address.port : 0,
        get connections() {
          return connections;
        },
        get closedByClient() {
          return closedByClient;
        },
        close: () =>
          new Promise<void>((done) => {
            closing = true;
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      };
      resolve(peer);
    };
    if ('unix' in at) server.listen({ path: at.unix }, ready);
    else server.listen({ host: '127.0.0.1', port: at.port ?? 0, exclusive: true }, ready);
  });
}

/** Accepts, reads whatever comes, never answers (a hung backend, for HTTP and FastCGI alike). */
export const silentPeer = (at?: ListenAt) => listenPeer((socket) => socket.resume(), at);

/** Accepts and never reads a byte: whatever is sent fills the socket buffers, then stalls. */
export const deafPeer = (at?: ListenAt) => listenPeer(() => undefined, at);

/** Reads the request head, then closes the connection without a byte (`reset`: with a TCP RST). */
export function hangUpPeer(how: 'close' | 'reset', at?: ListenAt): Promise<Peer> {
  return listenPeer((socket) => {
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (!seen.includes('\r\n\r\n')) return;
      if (how === 'reset') socket.resetAndDestroy();
      else socket.destroy();
    });
  }, at);
}

/** Reads the request head, writes `bytes` and (unless `keepOpen`) closes. */
export function rawPeer(bytes: string, options: { keepOpen?: boolean } = {}, at?: ListenAt): Promise<Peer> {
  return listenPeer((socket) => {
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (!seen.includes('\r\n\r\n') || socket.writableEnded) return;
      if (options.keepOpen) socket.write(bytes, 'latin1');
      else socket.end(bytes, 'latin1');
    });
  }, at);
}

/** A real HTTP/1.1 server (node's http) behind the peer interface. */
export function httpPeer(handler: http.RequestListener, at: ListenAt = {}): Promise<Peer> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 500;
  return listenPeer((socket) => server.emit('connection', socket), at);
}

/** HTTPS with the test-only certificate (test/conformance/tls/test-only.*). */
export function httpsPeer(handler: http.RequestListener, at: ListenAt = {}): Promise<Peer> {
  const server = https.createServer({ cert: tlsFile('test-only.crt'), key: tlsFile('test-only.key') }, handler);
  server.on('tlsClientError', () => undefined);
  return listenPeer((socket) => server.emit('connection', socket), at);
}

/**
 * A listener in a child node process (`backlog` pending connections) that is stopped (SIGSTOP)
 * once listening, so nothing is ever accepted. On a Unix socket, connections beyond the backlog
 * are refused with EAGAIN; on TCP, the kernel drops their SYNs, so they time out while
 * connecting. The queued ones wait. `close()` kills the child by its PID.
 */
export function stoppedListener(at: { unix: string } | { port: number }, backlog: number): Promise<{ pid: number; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const target = 'unix' in at ? `{ path: ${JSON.stringify(at.unix)}, backlog: ${backlog} }` : `{ host: '127.0.0.1', port: ${at.port}, backlog: ${backlog} }`;
    const chmod = 'unix' in at ? `require('node:fs').chmodSync(${JSON.stringify(at.unix)}, 0o666);` : '';
    const code = `require('node:net').createServer().listen(${target}, () => { ${chmod} process.stdout.write('ready'); });`;
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = child.pid;
    if (pid === undefined) return reject(new Error('could not start the listener process'));
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const timer = setTimeout(() => {
      process.kill(pid, 'SIGKILL');
      reject(new Error('listener process did not report ready within 3 s'));
    }, 3000);
    child.stdout.once('data', () => {
      clearTimeout(timer);
      process.kill(pid, 'SIGSTOP');
      resolve({
        pid,
        close: async () => {
          if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
          await exited;
          if ('unix' in at) fs.rmSync(at.unix, { force: true });
        },
      });
    });
    child.once('error', reject);
  });
}

// ------------------------------------------------------------------ FastCGI (responder role)

const FCGI = { BEGIN_REQUEST: 1, END_REQUEST: 3, PARAMS: 4, STDIN: 5, STDOUT: 6, STDERR: 7 } as const;

function fcgiRecord(type: number, requestId: number, content: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt8(1, 0);
  header.writeUInt8(type, 1);
  header.writeUInt16BE(requestId, 2);
  header.writeUInt16BE(content.length, 4);
  return Buffer.concat([header, content]);
}

export interface FastCgiAnswer {
  /** CGI-style response: `Status: 500 …\r\nContent-Type: …\r\n\r\nbody`. */
  stdout: string;
  /** Written to FCGI_STDERR first (PHP-FPM sends `PHP message: …` lines there). */
  stderr?: string;
}

/** A FastCGI responder: waits for the end of FCGI_STDIN, then answers every request with `answer`. */
export function fastcgiPeer(answer: FastCgiAnswer, at?: ListenAt): Promise<Peer> {
  return listenPeer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 8) {
        const type = buffer.readUInt8(1);
        const requestId = buffer.readUInt16BE(2);
        const length = buffer.readUInt16BE(4) + buffer.readUInt8(6);
        if (buffer.length < 8 + length) return;
        const empty = buffer.readUInt16BE(4) === 0;
        buffer = buffer.subarray(8 + length);
        if (type !== FCGI.STDIN || !empty) continue;
        const out: Buffer[] = [];
        if (answer.stderr) out.push(fcgiRecord(FCGI.STDERR, requestId, Buffer.from(answer.stderr)), fcgiRecord(FCGI.STDERR, requestId, Buffer.alloc(0)));
        out.push(fcgiRecord(FCGI.STDOUT, requestId, Buffer.from(answer.stdout)), fcgiRecord(FCGI.STDOUT, requestId, Buffer.alloc(0)));
        out.push(fcgiRecord(FCGI.END_REQUEST, requestId, Buffer.alloc(8)));
        socket.end(Buffer.concat(out));
      }
    });
  }, at);
}

// ------------------------------------------------------------------ clients

export interface Exchange {
  /** Everything the server sent, latin1. */
  data: string;
  /** How the connection ended: closed by the server, our own timeout, or an error code. */
  end: 'closed' | 'timeout' | string;
  /** Milliseconds from connecting to the end. */
  ms: number;
  /** Milliseconds from connecting to the first byte received (undefined: nothing came). */
  firstByteMs?: number;
  /** TLS only: the server's certificate subject CN, when a handshake completed. */
  peerCN?: string;
}

export interface ExchangeOptions {
  /** Byte strings to send, each after waiting `afterMs` since the connection was made. */
  send: { bytes: string; afterMs?: number }[];
  timeoutMs?: number;
  /** Connect with TLS (test certificate accepted as is); `pem` holds a client certificate and key. */
  tls?: { pem?: string; servername?: string };
  /** Destroy the connection ourselves after this many ms (a client that gives up). */
  abortAfterMs?: number;
}

/** One connection to 127.0.0.1:`port`, timed: sends the pieces, collects the answer until close. */
export function exchange(port: number, options: ExchangeOptions): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const timers: NodeJS.Timeout[] = [];
    let peerCN: string | undefined;
    let firstByteMs: number | undefined;
    let settled = false;
    const socket: net.Socket = options.tls
      ? tls.connect({
          host: '127.0.0.1',
          port,
          rejectUnauthorized: false,
          // SNI must be a host name; the servers here do not look at it unless told.
          servername: options.tls.servername ?? 'statuslens-conformance.invalid',
          ...(options.tls.pem ? { cert: options.tls.pem, key: options.tls.pem } : {}),
        })
      : net.connect({ host: '127.0.0.1', port });
    const finish = (end: string) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      socket.destroy();
      resolve({
        data: Buffer.concat(chunks).toString('latin1'),
        end,
        ms: Date.now() - started,
        ...(firstByteMs !== undefined ? { firstByteMs } : {}),
        ...(peerCN !== undefined ? { peerCN } : {}),
      });
    };
    socket.on(options.tls ? 'secureConnect' : 'connect', () => {
      if (socket instanceof tls.TLSSocket) {
        const cn = socket.getPeerCertificate().subject?.CN;
        peerCN = Array.isArray(cn) ? cn.join(',') : cn;
      }
      for (const piece of options.send) {
        const write = () => {
          if (!socket.destroyed) socket.write(piece.bytes, 'latin1');
        };
        if (piece.afterMs) timers.push(setTimeout(write, piece.afterMs));
        else write();
      }
    });
    socket.on('data', (chunk: Buffer) => {
      firstByteMs ??= Date.now() - started;
      chunks.push(chunk);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    socket.on('close', () => finish('closed'));
    timers.push(setTimeout(() => finish('timeout'), options.timeoutMs ?? 3000));
    if (options.abortAfterMs !== undefined) timers.push(setTimeout(() => finish('aborted'), options.abortAfterMs));
  });
}

/** `GET <path>` with Host and Connection: close, as raw bytes. */
export const rawGet = (target: string, extra = ''): string => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}Connection: close\r\n\r\n`;

export type H2Outcome = { kind: 'response'; status: number } | { kind: 'error'; stream: string; session: string; goaway?: number };

/**
 * One HTTP/2 request over TLS (ALPN h2, test certificate accepted) with `headers`; reports the
 * response status, or how the stream and the session ended when no response came.
 */
export function h2Request(port: number, headers: http2.OutgoingHttpHeaders, timeoutMs = 3000): Promise<H2Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    let sessionEnd = '';
    let goaway: number | undefined;
    const session = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false, servername: 'statuslens-conformance.invalid' });
    const done = (o: H2Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({ kind: 'error', stream: 'timeout', session: sessionEnd || 'open' }), timeoutMs);
    session.on('goaway', (code: number) => {
      goaway = code;
    });
    session.on('error', (error: NodeJS.ErrnoException) => {
      sessionEnd = error.code ?? error.message;
    });
    session.on('close', () => {
      sessionEnd ||= 'closed';
    });
    const stream = session.request({ ':path': '/', ...headers });
    stream.on('response', (h) => done({ kind: 'response', status: Number(h[':status']) }));
    stream.on('error', (error: NodeJS.ErrnoException) => {
      // Let the session report its own end first (GOAWAY arrives before the stream error).
      setTimeout(() => done({ kind: 'error', stream: error.code ?? error.message, session: sessionEnd || 'open', ...(goaway !== undefined ? { goaway } : {}) }), 50);
    });
    stream.on('close', () => {
      setTimeout(() => done({ kind: 'error', stream: `closed (rst ${stream.rstCode ?? '-'})`, session: sessionEnd || 'open', ...(goaway !== undefined ? { goaway } : {}) }), 50);
    });
    stream.end();
  });
}
