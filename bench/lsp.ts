/** A minimal LSP client over stdio for the benchmarks: spawn, initialize, open, edit, time. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { SERVER_NODE_OPTIONS } from '../server/src/protocol';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

export interface BenchServer {
  process: ChildProcess;
  pid: number;
  connection: ProtocolConnection;
  /** performance.now() when the process was spawned. */
  spawnedAt: number;
  open(uri: string, text: string, languageId?: string, version?: number): void;
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void;
  closeDocument(uri: string): void;
  /** The next diagnostics for `uri` (with `version` when given), and when they arrived. */
  diagnostics(uri: string, version?: number, timeoutMs?: number): Promise<{ params: PublishDiagnosticsParams; at: number }>;
  stop(): Promise<void>;
}

interface Waiter {
  uri: string;
  version: number | undefined;
  resolve: (v: { params: PublishDiagnosticsParams; at: number }) => void;
}

/** Spawns `node <serverJs> --stdio` and initializes it; resolves once `initialized` is sent. */
export async function startBenchServer(serverJs: string, rootUri: string): Promise<BenchServer> {
  const spawnedAt = performance.now();
  // As the VS Code client starts it (client/src/languageClient.ts).
  const child = spawn(process.execPath, [...SERVER_NODE_OPTIONS, serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiters: Waiter[] = [];
  const seen: { params: PublishDiagnosticsParams; at: number }[] = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    const at = performance.now();
    const i = waiters.findIndex((w) => w.uri === params.uri && (w.version === undefined || w.version === params.version));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve({ params, at });
    else seen.push({ params, at });
  });
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri,
    capabilities: { textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] }, publishDiagnostics: { versionSupport: true } } },
    workspaceFolders: [{ uri: rootUri, name: 'bench' }],
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    process: child,
    pid: child.pid!,
    connection,
    spawnedAt,
    open(uri, text, languageId = 'nginx', version = 1) {
      void connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
    },
    change(uri, version, contentChanges) {
      void connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
    },
    closeDocument(uri) {
      void connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    },
    diagnostics(uri, version, timeoutMs = 120_000) {
      const i = seen.findIndex((s) => s.params.uri === uri && (version === undefined || s.params.version === version));
      if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0]!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri}@${version ?? 'any'} within ${timeoutMs} ms; server stderr: ${stderr}`)), timeoutMs);
        waiters.push({ uri, version, resolve: (v) => (clearTimeout(timer), resolve(v)) });
      });
    },
    async stop() {
      try {
        await Promise.race([connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
        await connection.sendNotification(ExitNotification.type);
      } catch {
        // already gone
      }
      connection.dispose();
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => (child.kill('SIGKILL'), resolve()), 3000);
          child.once('exit', () => (clearTimeout(t), resolve()));
        });
      }
    },
  };
}

/** Resident set size of a process in bytes (Linux /proc), or undefined elsewhere. */
export function rssOf(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
