import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  cp,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  stat,
  symlink,
} from 'node:fs/promises';
import { platform, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

// Where PostgreSQL's binaries and cluster live so that the user it runs as can reach them. As root,
// PostgreSQL runs as another user (it refuses root), and that user cannot pass a private directory
// (`/root`, a `mktemp -d` folder: mode 700) on the way to the clone's node_modules or `.kigen/`.

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

/** The user PostgreSQL runs as; no ids: this process's own user. */
export interface ServerUser {
  readonly name: string;
  readonly uid?: number;
  readonly gid?: number;
}

/** Postgres refuses to run as root; as root we run it as this system user, created when missing. */
const SYSTEM_USER = 'postgres';

/** Defaults of the places Kigen arranges when the server's user cannot reach the clone. */
export const PLACES = {
  /** The binaries package, copied once per version (root-owned, world-readable). */
  binariesCache: '/var/cache/kigen',
  /** Clusters whose data directory is out of reach: `<root>/<id>/pg`, linked from the data directory. */
  clusters: '/var/lib/kigen',
};

/**
 * As root: the owner of an existing cluster (a cluster made by an ordinary user keeps running as that
 * user), else the `postgres` system user. Otherwise this process's user.
 */
export async function serverUser(clusterDir: string): Promise<ServerUser> {
  if (platform() === 'win32' || userInfo().uid !== 0) return { name: userInfo().username };
  if (existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    const { uid, gid } = await stat(clusterDir);
    if (uid !== 0) {
      const name = await exec('id', ['-nu', String(uid)]).then(
        (r) => r.stdout.trim(),
        () => `uid ${uid}`,
      );
      return { name, uid, gid };
    }
  }
  return systemUser();
}

async function systemUser(): Promise<ServerUser> {
  const ids = async (): Promise<ServerUser> => ({
    name: SYSTEM_USER,
    uid: Number.parseInt((await exec('id', ['-u', SYSTEM_USER])).stdout, 10),
    gid: Number.parseInt((await exec('id', ['-g', SYSTEM_USER])).stdout, 10),
  });
  try {
    return await ids();
  } catch {
    try {
      await exec('groupadd', ['--system', SYSTEM_USER]).catch(() => undefined);
      await exec('useradd', ['--system', '--gid', SYSTEM_USER, '--no-create-home', SYSTEM_USER]);
    } catch (error) {
      // Another process may have created it at the same moment.
      if (!(await ids().catch(() => undefined))) {
        throw new EmbeddedPostgresError(
          `running as root needs a '${SYSTEM_USER}' system user and it could not be created: ${String(error)}`,
        );
      }
    }
    return ids();
  }
}

/** The spawn options that run a child as `user`. */
export const runAs = (user: ServerUser): { uid?: number; gid?: number } =>
  user.uid === undefined ? {} : { uid: user.uid, gid: user.gid };

type Access = 'r' | 'w' | 'x';

// Tests each (access, path) pair in order and prints the first path that fails.
const ACCESS_SCRIPT =
  'while [ "$#" -gt 1 ]; do test "-$1" "$2" || { printf %s "$2"; exit 0; }; shift 2; done';

/**
 * The first path that `user` cannot use: every directory on the way to each path must be searchable,
 * then the path itself must allow the given access. Asked of the system as that very user (a shell
 * run with its uid and gid, as PostgreSQL is), so modes, owners, ACLs and mount options all count.
 */
export async function firstUnreachable(
  user: ServerUser,
  wanted: readonly (readonly [string, readonly Access[]])[],
): Promise<string | undefined> {
  if (platform() === 'win32') return undefined;
  const args: string[] = [];
  const seen = new Set<string>();
  const add = (access: Access, p: string) => {
    if (seen.has(`${access}${p}`)) return;
    seen.add(`${access}${p}`);
    args.push(access, p);
  };
  for (const [p, accesses] of wanted) {
    const full = path.resolve(p);
    const parts = full.split(path.sep).filter(Boolean);
    for (let i = 0; i < parts.length; i++) add('x', path.sep + parts.slice(0, i).join(path.sep));
    for (const access of accesses) add(access, full);
  }
  const { stdout } = await exec('/bin/sh', ['-c', ACCESS_SCRIPT, 'sh', ...args], runAs(user));
  return stdout === '' ? undefined : stdout;
}

/** "/root (mode 700)": the path that blocks, and its mode, for a message. */
async function describe(blocked: string): Promise<string> {
  const mode = await stat(blocked).then(
    (st) => ` (mode ${(st.mode & 0o777).toString(8).padStart(3, '0')})`,
    () => ' (missing)',
  );
  return `${blocked}${mode}`;
}

/** The command that lets `user` through `blocked`: `chmod o+x /root`. */
async function remedy(blocked: string, user: ServerUser): Promise<string> {
  const st = await stat(blocked).catch(() => undefined);
  const who =
    st?.uid === (user.uid ?? process.getuid?.())
      ? 'u'
      : st?.gid === (user.gid ?? process.getgid?.())
        ? 'g'
        : 'o';
  return `chmod ${who}+${st?.isDirectory() === false ? 'rx' : 'x'} ${blocked}`;
}

/** "who cannot reach X (blocked at /root, mode 700), and …: run `chmod o+x /root`, or …" */
async function cannotReach(user: ServerUser, what: string, blocked: string, why: string, otherwise: string) {
  const at = (await describe(blocked)).replace(/ \((.*)\)$/, ', $1');
  return new EmbeddedPostgresError(
    `PostgreSQL runs as the user ${user.name}, who cannot reach ${what} (blocked at ${at})${why ? `, and ${why}` : ''}: ` +
      `run \`${await remedy(blocked, user)}\`${otherwise ? `, or ${otherwise}` : ''}`,
  );
}

export interface Binaries {
  initdb: string;
  postgres: string;
}

/** What the server's user needs of the binaries package's `native/` directory. */
async function binaryAccess(nativeDir: string): Promise<[string, Access[]][]> {
  const libDir = path.join(nativeDir, 'lib');
  const libs = await readdir(libDir, { withFileTypes: true }).catch(() => []);
  return [
    [path.join(nativeDir, 'bin', 'postgres'), ['x']],
    [path.join(nativeDir, 'bin', 'initdb'), ['x']],
    [path.join(nativeDir, 'share', 'postgresql', 'postgres.bki'), ['r']],
    ...libs.filter((l) => l.isFile()).map((l): [string, Access[]] => [path.join(libDir, l.name), ['r']]),
  ];
}

/** A note for the one line that says what was arranged, or nothing when nothing had to be. */
export type Arranged = { blocked: string; arrangement: string } | undefined;

/**
 * The binaries as `user` can run them: in place, or from a copy of the package's `native/` directory
 * in a root-owned, world-readable cache keyed by the package's name and version (made once).
 */
export async function reachableBinaries(
  bins: Binaries,
  user: ServerUser,
  cacheRoot = PLACES.binariesCache,
): Promise<{ bins: Binaries; arranged: Arranged }> {
  const nativeDir = path.dirname(path.dirname(bins.postgres));
  const blocked = await firstUnreachable(user, await binaryAccess(nativeDir));
  if (!blocked) return { bins, arranged: undefined };

  const packageDir = path.dirname(nativeDir);
  const { name, version } = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const target = path.join(cacheRoot, `${name.replace(/^@/, '').replace('/', '-')}-${version}`);
  const cannot = (why: string) =>
    cannotReach(
      user,
      `its binaries in ${nativeDir}`,
      blocked,
      why,
      `put Kigen in a directory ${user.name} can reach`,
    );
  try {
    if (!existsSync(path.join(target, 'native', 'bin', 'postgres'))) await copyPackage(nativeDir, target);
  } catch (error) {
    throw await cannot(`they could not be copied to ${target} (${errorCode(error)})`);
  }
  const copied = {
    initdb: path.join(target, 'native', 'bin', 'initdb'),
    postgres: path.join(target, 'native', 'bin', 'postgres'),
  };
  const stillBlocked = await firstUnreachable(user, await binaryAccess(path.join(target, 'native')));
  if (stillBlocked) throw await cannot(`it cannot reach their copy in ${target} either (${stillBlocked})`);
  return {
    bins: copied,
    arranged: { blocked: await describe(blocked), arrangement: `its binaries run from ${target}` },
  };
}

/** Copies `native/` under `target` in one rename, so that a half-made copy is never used. */
async function copyPackage(nativeDir: string, target: string): Promise<void> {
  const root = path.dirname(target);
  await mkdir(root, { recursive: true });
  await chmod(root, 0o755);
  const temp = `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    // The library links are relative: keep them as they are, pointing inside the copy.
    await cp(nativeDir, path.join(temp, 'native'), { recursive: true, verbatimSymlinks: true });
    await worldReadable(temp);
    await rename(temp, target).catch((error) => {
      // Another Kigen made the same copy first: use that one.
      if (!['EEXIST', 'ENOTEMPTY'].includes(errorCode(error))) throw error;
    });
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** Directories 755; files readable by all, and executable by all where executable at all. */
async function worldReadable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await worldReadable(p);
    else if (entry.isFile()) {
      const { mode } = await stat(p);
      await chmod(p, mode & 0o111 ? 0o755 : 0o644);
    }
  }
}

/**
 * The cluster's directory as `user` can reach it: `requested` itself, or, when its parent is out of
 * reach, `<clusters>/<id>/pg` with `requested` a symlink to it (a cluster already in `requested` is
 * moved there). An existing symlink is followed, never replaced.
 */
export async function reachableClusterDir(
  requested: string,
  user: ServerUser,
  clustersRoot = PLACES.clusters,
): Promise<{ clusterDir: string; arranged: Arranged }> {
  await mkdir(path.dirname(requested), { recursive: true });
  const parentBlocked = await firstUnreachable(user, [[path.dirname(requested), ['x']]]);
  const entry = await lstat(requested).catch(() => undefined);
  if (entry?.isSymbolicLink()) {
    const target = path.resolve(path.dirname(requested), await readlink(requested));
    // Our own place, emptied since (a cleaned /var/lib): make it again; the cluster starts afresh.
    if (target.startsWith(clustersRoot + path.sep) && !existsSync(path.dirname(target))) {
      await prepareClusterHome(path.dirname(target), user).catch(() => undefined);
    }
    const blocked = await firstUnreachable(user, [[path.dirname(target), ['x']]]);
    if (blocked)
      throw await cannotReach(user, `its cluster ${target} (linked from ${requested})`, blocked, '', '');
    return { clusterDir: target, arranged: await linked(parentBlocked, target, requested) };
  }

  const existing = existsSync(path.join(requested, 'PG_VERSION'));
  const blocked = existing ? await firstUnreachable(user, [[requested, ['r', 'w', 'x']]]) : parentBlocked;
  if (!blocked) return { clusterDir: requested, arranged: undefined };

  const home = path.join(clustersRoot, createHash('sha256').update(requested).digest('hex').slice(0, 16));
  const target = path.join(home, 'pg');
  const cannot = (why: string) =>
    cannotReach(
      user,
      `${existing ? 'its cluster ' : ''}${requested}`,
      blocked,
      why,
      `set KIGEN_DATA_DIR to a directory ${user.name} can reach`,
    );
  try {
    await prepareClusterHome(home, user);
  } catch (error) {
    throw await cannot(`${home} could not be made (${errorCode(error)})`);
  }
  const homeBlocked = await firstUnreachable(user, [[home, ['r', 'w', 'x']]]);
  if (homeBlocked) throw await cannot(`it cannot reach ${home} either (${homeBlocked})`);
  try {
    if (existing) await rename(requested, target);
    else await rm(requested, { recursive: true, force: true }); // a half-done initdb of a killed run
    await symlink(target, requested);
  } catch (error) {
    throw await cannot(
      `${existing ? 'the cluster could not be moved' : 'it could not be linked'} to ${target} (${errorCode(error)})`,
    );
  }
  return { clusterDir: target, arranged: await linked(blocked, target, requested) };
}

async function linked(blocked: string | undefined, target: string, requested: string): Promise<Arranged> {
  return {
    blocked: blocked ? await describe(blocked) : '',
    arrangement: `its cluster is ${target} (${requested} links to it)`,
  };
}

/** `<clusters>/<id>`: private to the server's user, under a root-owned, searchable directory. */
async function prepareClusterHome(home: string, user: ServerUser): Promise<void> {
  await mkdir(path.dirname(home), { recursive: true });
  await chmod(path.dirname(home), 0o755);
  await mkdir(home, { recursive: true, mode: 0o700 });
  if (user.uid !== undefined && user.gid !== undefined) await chown(home, user.uid, user.gid);
  await chmod(home, 0o700);
}

/** The one line that says what Kigen arranged, when it arranged anything. */
export function arrangedLine(user: ServerUser, arranged: Arranged[]): string | undefined {
  const done = arranged.filter((a): a is NonNullable<Arranged> => a !== undefined);
  if (done.length === 0) return undefined;
  const blocked = [...new Set(done.map((a) => a.blocked).filter(Boolean))];
  const why = blocked.length > 0 ? `, who cannot reach ${blocked.join(' and ')}` : '';
  return `PostgreSQL runs as the user ${user.name}${why}: ${done.map((a) => a.arrangement).join('; ')}`;
}

const errorCode = (error: unknown) =>
  (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? String(error);
