/**
 * `npm run bench:replicas`: the outbox's promise measured black-box. For each scenario: a PostgreSQL
 * of its own, BENCH_NOTICES due notices over BENCH_CHANNELS channels of a Slack stand-in that allows
 * one message per second per channel (test/support/slack-stand-in.ts), BENCH_REPLICAS real
 * `kigen start` processes, and a fault: none, kill -9 of one replica, a rolling restart of each, a
 * PostgreSQL restart, lost answers + hangs + 5xx. Prints sent, duplicates, lost, throughput against
 * the ceiling (one per second per channel) and the longest pause of a channel (recovery).
 *
 * Knobs (environment): BENCH_NOTICES (10000), BENCH_CHANNELS (200), BENCH_REPLICAS (3),
 * BENCH_SCENARIOS (comma-separated names; all by default), BENCH_LEASE_SECONDS (60: the default lease).
 */
import { runSoak, type SoakContext, type SoakReport } from '../test/support/outbox-soak.ts';

const NOTICES = Number(process.env.BENCH_NOTICES ?? 10_000);
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 200);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 3);
const LEASE_SECONDS = Number(process.env.BENCH_LEASE_SECONDS ?? 60);
/** Enough for the notices at one per second per channel, the faults' waits, and a lease. */
const timeoutMs = () => ((NOTICES / CHANNELS) * 1.1 * 3 + LEASE_SECONDS * 2 + 120) * 1000;

const atShare = (ctx: SoakContext, share: number) => ctx.posted(Math.floor(NOTICES * share));

const scenarios: Record<
  string,
  { faults?: Parameters<typeof runSoak>[0]['faults']; disrupt?: (ctx: SoakContext) => Promise<void> }
> = {
  'no fault': {},
  'kill -9 of one replica': {
    async disrupt(ctx) {
      await atShare(ctx, 0.3);
      ctx.note('kill -9 replica-1');
      await ctx.fleet.kill(0);
    },
  },
  'rolling restart of each': {
    async disrupt(ctx) {
      for (let i = 0; i < ctx.fleet.replicas.length; i++) {
        await atShare(ctx, 0.15 + 0.2 * i);
        ctx.note(`SIGTERM replica-${i + 1}, started again`);
        const code = await ctx.fleet.restart(i);
        ctx.note(`replica-${i + 1} exited ${code} and runs again`);
      }
    },
  },
  'PostgreSQL restart': {
    async disrupt(ctx) {
      await atShare(ctx, 0.3);
      ctx.note('PostgreSQL fast shutdown and start');
      const ms = await ctx.restartDatabase();
      ctx.note(`PostgreSQL back after ${ms} ms`);
    },
  },
  '3 % lost answers + 2 % hangs + 10 % 5xx': {
    faults: { lostAnswer: 0.03, hang: 0.02, serverError: 0.1 },
  },
};

const chosen = process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim()) ?? Object.keys(scenarios);
const rows: [string, SoakReport][] = [];
for (const name of chosen) {
  const scenario = scenarios[name];
  if (!scenario) {
    process.stderr.write(
      `bench:replicas: unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}\n`,
    );
    process.exit(2);
  }
  process.stdout.write(`\n${name}: ${NOTICES} notices, ${CHANNELS} channels, ${REPLICAS} replicas …\n`);
  const report = await runSoak({
    notices: NOTICES,
    channels: CHANNELS,
    replicas: REPLICAS,
    leaseSeconds: LEASE_SECONDS,
    timeoutMs: timeoutMs(),
    ...(scenario.faults ? { faults: scenario.faults } : {}),
    ...(scenario.disrupt ? { disrupt: scenario.disrupt } : {}),
  });
  rows.push([name, report]);
  for (const event of report.events) process.stdout.write(`  ${event}\n`);
  process.stdout.write(
    `  statuses ${JSON.stringify(report.statuses)}; Slack ${JSON.stringify(report.slackCounts)}\n`,
  );
  process.stdout.write(
    `  exit codes ${report.exitCodes.join(', ')}; error lines ${report.errorLines.length}\n`,
  );
  for (const line of report.errorLines.slice(0, 5)) process.stdout.write(`    ${line.slice(0, 300)}\n`);
}

const table = [
  '| scenario | sent | duplicates | lost | throughput | vs ceiling | longest channel pause | CPU busy | exit codes |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ...rows.map(
    ([name, r]) =>
      `| ${name} | ${r.sent} | ${r.duplicates} | ${r.lost} | ${r.perSecond.toFixed(1)}/s | ${((100 * r.perSecond) / r.ceilingPerSecond).toFixed(0)} % of ${r.ceilingPerSecond}/s | ${r.longestChannelGapSeconds.toFixed(1)} s | ${r.cpuBusyPercent === null ? 'n/a' : `${r.cpuBusyPercent.toFixed(0)} %`} | ${r.exitCodes.join(' ')} |`,
  ),
];
process.stdout.write(`\n${table.join('\n')}\n`);
const bad = rows.filter(([, r]) => r.duplicates > 0 || r.lost > 0);
process.exit(bad.length > 0 ? 1 : 0);
