// The TAP addon: argument checks (any machine) and a real device (root / CAP_NET_ADMIN). The
// device is created in this process's namespace but never brought up and never given an
// address, so no frame can go anywhere; it disappears when closed.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTapNative, TapDevice } from './tap.js';

const native = loadTapNative();

function canOpenTap(): { ok: true } | { ok: false; reason: string } {
  if (!existsSync('/dev/net/tun')) return { ok: false, reason: '/dev/net/tun is missing (modprobe tun)' };
  try {
    native.close(native.open(`ftp${process.pid}`));
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}
const can = canOpenTap();

const linkExists = (name: string): boolean => {
  try {
    execFileSync('ip', ['link', 'show', 'dev', name], { stdio: 'ignore', env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } });
    return true;
  } catch {
    return false;
  }
};

describe('flue_tap argument checks', () => {
  it('refuses bad names', () => {
    expect(() => native.open('x'.repeat(16))).toThrow(RangeError);
    expect(() => native.open('x'.repeat(16))).toThrow(/at most 15 \(IFNAMSIZ-1\)/);
    expect(() => native.open('')).toThrow(/empty/);
    expect(() => native.open('a/b')).toThrow(RangeError);
    expect(() => native.open('tap%d')).toThrow(RangeError);
    expect(() => native.open(7 as unknown as string)).toThrow(TypeError);
    expect(() => (native.open as () => number)()).toThrow(/expected 1 argument/);
  });

  it('refuses descriptors it did not open, and bad buffers', () => {
    const buf = new Uint8Array(64);
    expect(() => native.read(1, buf)).toThrow(/fd 1 was not opened by flue_tap.open/);
    expect(() => native.close(2)).toThrow(RangeError);
    expect(() => native.write(-1, buf)).toThrow(RangeError);
    expect(() => native.read(1.5, buf)).toThrow(RangeError);
    expect(() => native.read('3' as unknown as number, buf)).toThrow(TypeError);
    expect(() => native.write(Number.NaN, buf)).toThrow(RangeError);
  });
});

describe.skipIf(!can.ok)(`TapDevice on a real TAP${can.ok ? '' : ` [skipped: ${can.reason}]`}`, () => {
  const name = `ftp${process.pid}`;

  it('opens, refuses bad frames, reports a down link, reads nothing, closes idempotently', () => {
    const tap = TapDevice.open(name);
    try {
      expect(tap.name).toBe(name);
      expect(linkExists(name)).toBe(true);
      expect(tap.read()).toBeUndefined();
      expect(() => tap.write(new Uint8Array(13))).toThrow(/14 to 65535 bytes/);
      expect(() => tap.write(new Uint16Array(30) as unknown as Uint8Array)).toThrow(TypeError);
      expect(() => tap.write([1, 2, 3] as unknown as Uint8Array)).toThrow(/must be a Uint8Array/);
      // never brought up: the kernel refuses the frame, and the error says why
      let err: (Error & { code?: string }) | undefined;
      try {
        tap.write(new Uint8Array(60));
      } catch (e) {
        err = e as Error & { code?: string };
      }
      expect(err?.code).toBe('EIO');
      expect(err?.message).toMatch(/is down; bring it up/);
      // a second descriptor on the same name
      expect(() => TapDevice.open(name)).toThrow(/TUNSETIFF .* \(EBUSY\): .*already attached/);
      // a name that is not a TAP
      expect(() => TapDevice.open('lo')).toThrow(/TUNSETIFF lo \(EINVAL\): .*not a TAP/);
    } finally {
      tap.close();
    }
    expect(tap.closed).toBe(true);
    tap.close();
    expect(() => tap.read()).toThrow(/read after close/);
    expect(linkExists(name)).toBe(false);
  });

  it('says what to do without CAP_NET_ADMIN', () => {
    let setpriv = true;
    try {
      execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
    } catch {
      setpriv = false;
    }
    if (!setpriv) return; // util-linux's setpriv is what drops the capability
    const addon = new URL('../../build/tap/flue_tap.node', import.meta.url).pathname;
    const out = execFileSync(
      'setpriv',
      ['--bounding-set=-net_admin', '--inh-caps=-net_admin', process.execPath, '-e',
        `try { require(${JSON.stringify(addon)}).open('ftpperm'); console.log('opened') } catch (e) { console.log(e.code + ' ' + e.message) }`],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('EPERM TUNSETIFF ftpperm (EPERM): creating a TAP device needs root or CAP_NET_ADMIN');
  });
});
