import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '../../..');

// The bot scopes each Web API method needs (public and private channels alike).
const SCOPES_OF: Record<string, string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'conversations.members': ['channels:read', 'groups:read'],
  'users.info': ['users:read'],
  'views.open': [],
  'views.update': [],
  'auth.test': [],
};

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? sources(path.join(dir, e.name))
        : e.name.endsWith('.ts')
          ? [path.join(dir, e.name)]
          : [],
    ),
  );
  return nested.flat();
}

describe('manifest.yml', () => {
  it('asks for exactly the scopes of the Web API methods the code calls, and declares /cert', async () => {
    const manifest = parse(await readFile(path.join(root, 'manifest.yml'), 'utf8'));
    const files = (await Promise.all(['bot', 'handlers', 'scheduler', 'db'].map(sources))).flat();
    const methods = new Set<string>();
    for (const file of files) {
      const text = await readFile(path.join(root, file), 'utf8');
      for (const m of text.matchAll(/\bclient\.(chat|conversations|users|views|auth)\.([a-zA-Z]+)\(/g)) {
        methods.add(`${m[1]}.${m[2]}`);
      }
    }
    expect([...methods].filter((m) => !(m in SCOPES_OF))).toEqual([]);
    const needed = new Set(['commands', ...[...methods].flatMap((m) => SCOPES_OF[m] ?? [])]);
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(needed);
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(['/cert']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});
