import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../../db/server/connection.ts';
import { ensureDatabase } from '../../../db/server/database-server.ts';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../../db/server/embedded-postgres.ts';
import { migrateDatabase } from '../../../db/server/migrate.ts';
import { planRenewals } from '../../../db/stores/renewal-planning.ts';
import { seedContracts } from '../../scheduler/notice-fixtures.ts';
import { type KigenRun, startKigen } from '../../support/kigen-process.ts';
import {
  eventually,
  exitWithin,
  health,
  healthPort,
  messageOf,
  problemLines,
  waitForLine,
} from '../../support/kigen-watch.ts';
import { type SlackStandIn, startSlackStandIn } from '../../support/socket-mode-stand-in.ts';

// A PostgreSQL of this file's own, on a fixed port, to stop and start under a running Kigen.
let root: string;
let postgres: EmbeddedPostgres;
let run: KigenRun | undefined;
let slack: SlackStandIn | undefined;
const settings = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'kigen-restart-'));
  await chmod(root, 0o755); // as root, PostgreSQL runs as another user (see global-setup.ts)
  postgres = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), settings });
}, 120_000);

afterAll(async () => {
  if (run && run.child.exitCode === null) run.child.kill('SIGKILL');
  await slack?.close();
  await postgres?.stop();
  if (postgres && postgres.clusterDir !== postgres.dataDir) {
    await rm(path.dirname(postgres.clusterDir), { recursive: true, force: true });
  }
  await rm(root, { recursive: true, force: true, maxRetries: 10 });
});

/** A fast shutdown (SIGINT), as a restart of the server does: every session ends with 57P01. */
async function stopPostgres() {
  const pid = Number.parseInt(
    (await readFile(path.join(postgres.clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '',
    10,
  );
  process.kill(pid, 'SIGINT');
  await postgres.stop();
}

describe('PostgreSQL restarted under a running kigen start', () => {
  it('the process survives; /healthz says database down, then ok again; a notice due after the restart is delivered', async () => {
    const url = await ensureDatabase(postgres.url, 'kigen');
    await migrateDatabase(url);
    const seeding = connect(url, { max: 2 });
    let noticeId: string;
    try {
      const { contractIds } = await seedContracts(seeding.db, {
        count: 1,
        category: 'byo',
        notAfter: new Date(Date.now() + 400 * 86_400_000),
        channel: () => 'C0RESTART1',
      });
      await planRenewals(seeding.db, contractIds, { now: new Date(), actor: 'system:test' });
      const [first] = (await seeding.db.execute(
        sql`select id from notices order by due_at limit 1`,
      )) as unknown as { id: string }[];
      noticeId = (first as { id: string }).id;
    } finally {
      await seeding.close();
    }

    slack = await startSlackStandIn();
    const dataDir = path.join(root, 'kigen');
    run = startKigen({
      DATABASE_URL: url,
      KIGEN_DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: 'xoxb-restart-test',
      SLACK_APP_TOKEN: 'xapp-1-restart-test',
      SLACK_API_URL: slack.url,
      KIGEN_HTTP_PORT: '0',
      LOG_LEVEL: 'info',
    });
    await waitForLine(run, /^Kigen is running/);
    const port = await healthPort(run);
    expect(await health(port)).toMatchObject({ status: 200, body: { status: 'ok', database: 'ok' } });

    await stopPostgres();
    const down = await eventually(
      () => health(port),
      (h) => h.status === 503,
    );
    expect(down).toMatchObject({ status: 503, body: { status: 'unavailable', database: 'down' } });

    // Down for a while: the outbox worker and Agenda keep trying (and failing) meanwhile.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(run.child.exitCode).toBeNull();

    postgres = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), port: postgres.port, settings });
    const up = await eventually(
      () => health(port),
      (h) => h.status === 200,
    );
    expect(up).toEqual({
      status: 200,
      body: { status: 'ok', database: 'ok', scheduler: 'ok', slack: 'ok' },
    });

    // Due now, after the restart: the worker delivers it.
    const after = connect(url, { max: 1 });
    try {
      await after.db.execute(sql`update notices set due_at = now() where id = ${noticeId}`);
      const status = await eventually(
        async () =>
          (
            (await after.db.execute(sql`select status from notices where id = ${noticeId}`)) as unknown as {
              status: string;
            }[]
          )[0]?.status,
        (s) => s === 'sent',
      );
      expect(status).toBe('sent');
    } finally {
      await after.close();
    }
    expect(slack.posts).toEqual(['C0RESTART1']);

    run.child.kill('SIGTERM');
    expect(await exitWithin(run, 10_000), run.lines.join('\n')).toBe(0);
    const messages = run.lines.map(messageOf);
    expect(messages.filter((m) => m === 'Shutting down')).toHaveLength(1);
    // Nothing crashed, nothing stopped Kigen on an error; the lost connections were warnings.
    expect(problemLines(run), run.lines.join('\n')).toEqual([]);
    expect(run.lines.join('\n')).not.toMatch(/Kigen stops:|Unhandled|\n\s+at /);
  }, 120_000);
});
