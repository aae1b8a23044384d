/** Spawns the bundled server over stdio and speaks LSP to it, as any editor would. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  ExitNotification,
  ConfigurationRequest,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from './service';

export const SERVER = path.join(ROOT, 'dist', 'server.js');

export interface TestClient {
  connection: ProtocolConnection;
  process: ChildProcess;
  stderr: () => string;
  open(uri: string, languageId: string, text: string, version?: number): void;
  /** Resolves with the next diagnostics published for `uri`. */
  diagnostics(uri: string, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  close(): Promise<void>;
}

/** `settings`: what the client answers for the `statuslens` section (like VS Code's settings.json). */
export async function startServer(rootUri = `file://${ROOT}`, settings?: Record<string, unknown>): Promise<TestClient> {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiting = new Map<string, ((p: PublishDiagnosticsParams) => void)[]>();
  const published = new Map<string, PublishDiagnosticsParams[]>();
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    const w = waiting.get(p.uri);
    if (w?.length) w.shift()!(p);
    else published.set(p.uri, [...(published.get(p.uri) ?? []), p]);
  });
  if (settings) {
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => (item.section === 'statuslens' ? settings : null)));
  }
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri,
    capabilities: { textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] } }, ...(settings ? { workspace: { configuration: true } } : {}) },
    workspaceFolders: [{ uri: rootUri, name: 'root' }],
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    connection,
    process: child,
    stderr: () => stderr,
    open(uri, languageId, text, version = 1) {
      void connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
    },
    diagnostics(uri, timeoutMs = 10_000) {
      const queued = published.get(uri);
      if (queued?.length) return Promise.resolve(queued.shift()!);
      return new Promise((resolve, reject) => {
        const waiter = (p: PublishDiagnosticsParams) => (clearTimeout(timer), resolve(p));
        const timer = setTimeout(() => {
          // A waiter that gave up must not swallow the next publish.
          waiting.set(uri, (waiting.get(uri) ?? []).filter((w) => w !== waiter));
          reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(uri, [...(waiting.get(uri) ?? []), waiter]);
      });
    },
    async close() {
      try {
        await connection.sendRequest(ShutdownRequest.type);
        await connection.sendNotification(ExitNotification.type);
      } catch {
        // already gone
      }
      connection.dispose();
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => (child.kill('SIGKILL'), resolve()), 3000);
          child.once('exit', () => (clearTimeout(t), resolve()));
        });
      }
    },
  };
}
