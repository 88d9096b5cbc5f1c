// postinstall: guards postgres.js's nextWrite against a closed socket (porsager/postgres#1154, #1208;
// open upstream in 3.4.10, fix proposed in #1168/#1176/#1209). A small write is flushed on the next
// tick (setImmediate); when PostgreSQL ends the connection before that tick, `socket` is null and the
// write throws from the timer, an uncaught exception that ends the process, and the connection's
// write state stays stuck. The query concerned has already been rejected (CONNECTION_CLOSED), so the
// pending bytes are dropped. Idempotent; refuses to touch a file it does not recognise.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const UNGUARDED = `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`;
const GUARDED = `  function nextWrite(fn) {
    if (!socket) { // kigen: porsager/postgres#1208, closed before the deferred write
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      return false
    }
    const x = socket.write(chunk, fn)`;

// A direct dependency: npm installs it at the top of node_modules.
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'postgres');
if (!existsSync(root)) process.exit(0);
for (const file of ['src/connection.js', 'cjs/src/connection.js']) {
  const target = path.join(root, file);
  const text = readFileSync(target, 'utf8');
  if (text.includes(GUARDED)) continue;
  if (!text.includes(UNGUARDED)) {
    process.stderr.write(
      `kigen postinstall: ${target} has changed upstream; nextWrite not guarded (check porsager/postgres#1208)\n`,
    );
    continue;
  }
  writeFileSync(target, text.replace(UNGUARDED, GUARDED));
}
