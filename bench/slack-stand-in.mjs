/**
 * Stand-in of the Slack Web API for `bench/notices.bench.ts`, run as a child process (plain JS, no
 * tsx) so that its allocations do not count against the bot's memory. Answers every method with
 * `ok: true` and a fresh `ts`; reports its port once listening, and the number of calls on request.
 *
 * Protocol (IPC): child → parent `{ port }` once listening; parent → child `'count'`, answered with
 * `{ posts }`; parent → child `'close'`: the server closes and the process exits.
 */
import { createServer } from 'node:http';

let posts = 0;
const slack = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    posts++;
    const channel = /channel=([^&]+)/.exec(body)?.[1] ?? 'C0BENCH';
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true, channel, ts: `${1_800_000_000 + posts}.000100`, messages: [] }));
  });
});

slack.listen(0, '127.0.0.1', () => {
  process.send?.({ port: slack.address().port });
});

process.on('message', (message) => {
  if (message === 'count') process.send?.({ posts });
  if (message === 'close') slack.close(() => process.exit(0));
});
// The bench died without saying goodbye: do not outlive it.
process.on('disconnect', () => process.exit(0));
