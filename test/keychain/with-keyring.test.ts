import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Entry } from '@napi-rs/keyring';
import { testKeychainService } from './names.ts';

// scripts/with-keyring.sh: the Secret Service is ready before the command's first call, nothing else can answer for
// it, and when it cannot be made ready the script says why instead of running the command.

const ROOT = resolve(import.meta.dirname, '../..');
const execFileAsync = promisify(execFile);

/** Run the script with a HOME of its own (to see whether anything lands in the caller's home). */
async function withKeyring(command: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string; home: string }> {
  const home = mkdtempSync(join(tmpdir(), 'parley-with-keyring-home-'));
  try {
    const r = await execFileAsync('bash', [join(ROOT, 'scripts', 'with-keyring.sh'), ...command], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: home, ...env },
    });
    return { code: 0, ...r, home };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, home };
  }
}

async function busCall(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('dbus-send', ['--session', '--print-reply=literal', '--dest=org.freedesktop.DBus', '/', ...args]);
  return stdout.trim();
}

/** A stand-in gnome-keyring-daemon, first on PATH, running `body` (to make the real one's failures happen on purpose). */
function fakeDaemon(body: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-fake-daemon-'));
  writeFileSync(join(dir, 'gnome-keyring-daemon'), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, 'gnome-keyring-daemon'), 0o755);
  return { PATH: `${dir}:${process.env.PATH ?? ''}` };
}

/** Writes, reads back and deletes one item per process, all at once, from the first instant of the session. */
const probe = (service: string) => `
  import { Entry } from '@napi-rs/keyring';
  const entry = new Entry(${JSON.stringify(service)}, 'probe/' + process.pid);
  entry.setPassword('probe-value-1234');
  if (entry.getPassword() !== 'probe-value-1234') throw new Error('read back a different value');
  entry.deletePassword();
  console.log('ok');`;

describe('the session this suite runs in (scripts/with-keyring.sh)', () => {
  it('can D-Bus-activate nothing, so no second keyring daemon can start with another home', async () => {
    expect(await busCall('org.freedesktop.DBus.ListActivatableNames')).toMatch(/^array \[\s*org\.freedesktop\.DBus\s*\]$/);
  });

  it("accepts more connections than the bus's built-in limit of 256 per user", async () => {
    // Every live Entry holds a D-Bus connection of its own, and a busy suite (seeding, canaries, several processes)
    // has hundreds at a time. Opening them is the costly part, so only the last one, and one more client, are used.
    const service = testKeychainService(import.meta.url);
    const entries = Array.from({ length: 270 }, (_, i) => new Entry(service, `many/${i}`));
    const last = entries.at(-1)!;
    last.setPassword('value-270');
    expect(last.getPassword()).toBe('value-270');
    expect(await busCall('org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets')).toBe('boolean true');
    last.deletePassword();
  });

  it('has org.freedesktop.secrets owned by a gnome-keyring-daemon whose HOME is a temporary folder, not ours', async () => {
    const pid = Number((await busCall('org.freedesktop.DBus.GetConnectionUnixProcessID', 'string:org.freedesktop.secrets')).replace(/^uint32 /, ''));
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]).toMatch(/gnome-keyring-daemon$/);
    const daemonHome = readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .find((v) => v.startsWith('HOME='))!
      .slice(5);
    expect(daemonHome).not.toBe(homedir());
    expect(daemonHome.startsWith(tmpdir())).toBe(true);
  });
});

describe('scripts/with-keyring.sh', () => {
  it.each([1, 2])(
    "run %i: the default collection answers the command's very first call, then four processes writing at once; the caller's HOME stays empty",
    async () => {
      // dbus-send is the quickest possible first call: it reaches the bus within milliseconds of the command starting.
      const readAlias =
        'dbus-send --session --print-reply=literal --dest=org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias string:default';
      const four = Array.from({ length: 4 }, () => 'node --input-type=module -e "$PROBE" &').join(' ');
      const r = await withKeyring(['bash', '-c', `${readAlias} && echo && ${four} wait`], { PROBE: probe(`parley-test-with-keyring-${process.pid}`) });
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(
        r.stdout
          .trim()
          .split('\n')
          .map((l) => l.trim()),
      ).toEqual(['/org/freedesktop/secrets/collection/login', 'ok', 'ok', 'ok', 'ok']);
      expect(readdirSync(r.home)).toEqual([]); // the daemon keeps its keyring in a temporary HOME of its own
    },
  );

  it("passes the command's exit status through", async () => {
    expect((await withKeyring(['bash', '-c', 'exit 7'])).code).toBe(7);
  });

  it('a daemon that exits at start: exit 1 with its output, and the command never runs', async () => {
    const r = await withKeyring(['echo', 'COMMAND RAN'], fakeDaemon('echo "failed to create the control directory" >&2; exit 2'));
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('COMMAND RAN');
    expect(r.stderr).toContain('with-keyring: gnome-keyring-daemon exited before it was ready. Its output: \nfailed to create the control directory');
  });

  it('a daemon that never registers on the bus: a bounded wait, then exit 1 saying what it waited for', async () => {
    const r = await withKeyring(['echo', 'COMMAND RAN'], { ...fakeDaemon('exec sleep 600'), PARLEY_KEYRING_TIMEOUT: '1' });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('COMMAND RAN');
    expect(r.stderr).toContain('with-keyring: the Secret Service was not ready after 1 s: gnome-keyring-daemon has not registered on the session bus.');
  });
});
