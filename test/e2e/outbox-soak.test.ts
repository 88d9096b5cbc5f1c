import { describe, expect, it } from 'vitest';
import { runSoak } from '../support/outbox-soak.ts';

/**
 * The short soak of the outbox (the long one is `npm run bench:replicas`): two real replicas deliver
 * due notices to a Slack stand-in with one message per second per channel, while answers get lost
 * after Slack stored the message, posts hang past the time-out and 5xx come back, and the fleet is
 * restarted, killed and cut off from its database. Timing is reported by the benchmark, not asserted.
 */
describe('the outbox under routine faults (soak)', () => {
  it('R-NOTICE-4: a rolling restart, a kill -9, a PostgreSQL restart and lost, hanging and failed posts: every notice is posted exactly once and no replica crashes', async () => {
    const report = await runSoak({
      notices: 120,
      channels: 12,
      replicas: 2,
      leaseSeconds: 5,
      timeoutMs: 120_000,
      faults: { lostAnswer: 0.03, hang: 0.02, serverError: 0.1 },
      seed: 7,
      async disrupt(ctx) {
        await ctx.posted(30);
        ctx.note('rolling restart of replica-1');
        await ctx.fleet.restart(0);
        await ctx.posted(60);
        ctx.note('kill -9 of replica-2');
        await ctx.fleet.kill(1);
        await ctx.posted(80);
        ctx.note('PostgreSQL fast shutdown and start');
        await ctx.restartDatabase();
        await ctx.fleet.restart(1);
      },
    });
    const detail = JSON.stringify({
      events: report.events,
      slack: report.slackCounts,
      errors: report.errorLines.slice(0, 3),
    });
    // The faults did happen (the seed makes them reproducible), so the result means something.
    expect(report.slackCounts['fault:lost_answer'] ?? 0, detail).toBeGreaterThan(0);
    expect(report.slackCounts['fault:server_error'] ?? 0, detail).toBeGreaterThan(0);
    expect({ duplicates: report.duplicates, lost: report.lost }, detail).toEqual({ duplicates: 0, lost: 0 });
    expect(report.statuses, detail).toEqual({ sent: 120 });
    expect(report.exitCodes, detail).toEqual([0, 0]);
  }, 240_000);
});
