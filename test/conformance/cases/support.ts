/**
 * What a conformance case is, and the helpers cases use to run a server around their checks.
 * A case's id is a ground-truth id (N4b, A5a: ../shared/ground-truth/table.md) or a
 * conformance id (C-nginx-…, C-apache-…) that knowledge-base pages cite as evidence.
 */
import { strict as assert } from 'node:assert';
import {
  type ApacheSkeletonOptions,
  apacheSkeleton,
  apacheTest,
  check,
  checkConfigTest,
  type Expectation,
  nginxSkeleton,
  nginxTest,
  type Observed,
  type RequestSpec,
  type ResultTable,
  type RunningServer,
  type Sandbox,
  type ServerKind,
  startApache,
  startNginx,
} from '../harness';

export interface ConformanceCase {
  id: string;
  server: ServerKind;
  /** The configuration in one line, as in table.md. */
  essence: string;
  run(ctx: CaseContext): Promise<void>;
}

export class CaseContext {
  constructor(
    readonly sandbox: Sandbox,
    readonly table: ResultTable,
    readonly id: string,
  ) {}

  /** Requests `spec`, records a row under this case's id, fails on any mismatch. */
  check(server: RunningServer, spec: RequestSpec, expected: Expectation): Promise<Observed> {
    return check(this.table, this.id, server, spec, expected);
  }

  /** Waits (bounded) for `pattern` in the server's error log; records a row and fails without it. */
  async expectLog(server: RunningServer, pattern: RegExp): Promise<void> {
    const until = Date.now() + 2000;
    let log = server.errorLog();
    while (!pattern.test(log) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      log = server.errorLog();
    }
    const hit = log.split('\n').find((l) => pattern.test(l));
    this.table.add({
      scenario: this.id,
      server: server.kind,
      request: 'error log',
      expected: `/${pattern.source}/`,
      observed: hit ? hit.replace(/^.*?\] (?=[^[])/, '').slice(0, 140) : '(no such line)',
      ok: !!hit,
    });
    assert.ok(hit, `${this.id}: error log has no line matching ${pattern}:\n${log.slice(-2000)}`);
  }

  /** Records a free-form observation (sequences of statuses and the like) and asserts it. */
  record(server: ServerKind, request: string, expected: string, observed: string): void {
    this.table.add({ scenario: this.id, server, request, expected, observed, ok: expected === observed });
    assert.equal(observed, expected, `${this.id}: ${request}`);
  }

  /**
   * nginx with the ground truth's skeleton: `server { listen …; root <www>; <serverBody> }`.
   * `listenSuffix` is appended to the listen address (e.g. ' ssl').
   */
  async nginx(
    serverBody: string | ((port: number) => string),
    fn: (server: RunningServer) => Promise<unknown>,
    options: { http?: string; name?: string; listenSuffix?: string } = {},
  ): Promise<void> {
    const name = options.name ?? this.id;
    const server = await startNginx(this.sandbox, name, (port) =>
      nginxSkeleton(
        this.sandbox,
        name,
        `${options.http ?? ''}\nserver {\n    listen 127.0.0.1:${port}${options.listenSuffix ?? ''};\n    root ${this.sandbox.www};\n${typeof serverBody === 'string' ? serverBody : serverBody(port)}\n}`,
      ),
    );
    try {
      await fn(server);
    } finally {
      await server.stop();
    }
  }

  /** `nginx -t` must reject the config, with `output` in its message. */
  nginxRejects(serverBody: string, output: RegExp, options: { http?: string } = {}): Promise<void> {
    return this.nginxConfigTest(serverBody, { ok: false, output }, options);
  }

  /** Runs `nginx -t` on the skeleton around `serverBody` (a row labelled `label`) and asserts the outcome. */
  async nginxConfigTest(serverBody: string, expected: { ok: boolean; output?: RegExp }, options: { http?: string; label?: string } = {}): Promise<void> {
    const config = nginxSkeleton(this.sandbox, this.id, `${options.http ?? ''}\nserver {\n    listen 127.0.0.1:9;\n    root ${this.sandbox.www};\n${serverBody}\n}`);
    checkConfigTest(this.table, this.id, 'nginx', await nginxTest(this.sandbox, this.id, config), expected, options.label);
  }

  /** Apache with the ground truth's skeleton and `body` after it. */
  async apache(body: string | ((port: number) => string), fn: (server: RunningServer) => Promise<unknown>, options: ApacheSkeletonOptions & { name?: string; testOutput?: RegExp } = {}): Promise<void> {
    const name = options.name ?? this.id;
    const config = (port: number) => apacheSkeleton(this.sandbox, name, port, typeof body === 'string' ? body : body(port), options);
    if (options.testOutput) {
      checkConfigTest(this.table, this.id, 'apache', await apacheTest(this.sandbox, name, config(9)), { ok: true, output: options.testOutput });
    }
    const server = await startApache(this.sandbox, name, config);
    try {
      await fn(server);
    } finally {
      await server.stop();
    }
  }

  /** `apache2 -t` must reject the config, with `output` in its message. */
  async apacheRejects(body: string, output: RegExp, options: ApacheSkeletonOptions = {}): Promise<void> {
    const config = apacheSkeleton(this.sandbox, this.id, 9, body, options);
    checkConfigTest(this.table, this.id, 'apache', await apacheTest(this.sandbox, this.id, config), { ok: false, output });
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Ids listed in one place so a case cannot be registered twice. */
export function assertUniqueIds(cases: readonly ConformanceCase[]): void {
  const seen = new Set<string>();
  for (const c of cases) {
    assert.ok(!seen.has(c.id), `conformance case ${c.id} is defined twice`);
    seen.add(c.id);
  }
}
