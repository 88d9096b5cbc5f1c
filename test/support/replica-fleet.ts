import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { type KigenRun, startKigen } from './kigen-process.ts';

/**
 * Replicas of the real `kigen start` (HTTP receiver) on one PostgreSQL and one Slack stand-in, for
 * black-box tests and benchmarks of the outbox: started, killed with SIGKILL, stopped with SIGTERM
 * and started again, as production does to them.
 */
export type Replica = {
  readonly name: string;
  run: KigenRun;
  readonly port: number;
};

export type Fleet = {
  readonly replicas: Replica[];
  /** SIGKILL: no drain, no release; its lanes come back after the lease. */
  kill(index: number): Promise<void>;
  /** SIGTERM, wait for its exit (code returned), then start it again and wait until it runs. */
  restart(index: number): Promise<number | null>;
  /** Every replica's exit code, after SIGTERM to those still running. */
  stopAll(): Promise<(number | null)[]>;
  /** Lines that report a crash or an error (for the report, and for asserts). */
  errorLines(): string[];
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitForLine(run: KigenRun, pattern: RegExp, ms = 60_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const line = run.lines.find((l) => pattern.test(l));
    if (line) return line;
    if (run.child.exitCode !== null) {
      throw new Error(`kigen exited (${run.child.exitCode}) before ${pattern}:\n${run.lines.join('\n')}`);
    }
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms:\n${run.lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Until the replica's /healthz answers 200 (it serves Slack's requests and delivers). */
export async function waitForHealthy(run: KigenRun, port: number, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (run.child.exitCode !== null) {
      throw new Error(`kigen exited (${run.child.exitCode}) before it was healthy:\n${run.lines.join('\n')}`);
    }
    const status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`not healthy within ${ms} ms:\n${run.lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startFleet(o: {
  readonly count: number;
  readonly databaseUrl: string;
  readonly slackApiUrl: string;
  readonly env?: Record<string, string>;
}): Promise<Fleet> {
  const secret = randomBytes(16).toString('hex');
  const envOf = (port: number): Record<string, string> => ({
    DATABASE_URL: o.databaseUrl,
    SLACK_API_URL: o.slackApiUrl,
    SLACK_BOT_TOKEN: `xoxb-fleet-${secret}`,
    SLACK_SIGNING_SECRET: secret,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ...o.env,
  });
  const exited: KigenRun[] = [];
  const launch = async (name: string, port: number): Promise<Replica> => {
    const run = startKigen(envOf(port));
    await waitForHealthy(run, port);
    return { name, run, port };
  };
  const replicas = await Promise.all(
    Array.from({ length: o.count }, async (_, i) => launch(`replica-${i + 1}`, await freePort())),
  );
  const stopOne = async (r: Replica, signal: NodeJS.Signals) => {
    if (r.run.child.exitCode === null && r.run.child.signalCode === null) r.run.child.kill(signal);
    const code = await r.run.exited;
    exited.push(r.run);
    return code;
  };
  return {
    replicas,
    async kill(index) {
      await stopOne(replicas[index] as Replica, 'SIGKILL');
    },
    async restart(index) {
      const r = replicas[index] as Replica;
      const code = await stopOne(r, 'SIGTERM');
      r.run = (await launch(r.name, r.port)).run;
      return code;
    },
    async stopAll() {
      return Promise.all(replicas.map((r) => stopOne(r, 'SIGTERM')));
    },
    errorLines() {
      return [...exited, ...replicas.map((r) => r.run)]
        .filter((run, i, all) => all.indexOf(run) === i)
        .flatMap((run) => run.lines)
        .filter((l) => /"level":(50|60)|Unhandled|uncaught|ECONNREFUSED.*exit|TypeError/.test(l));
    },
  };
}
