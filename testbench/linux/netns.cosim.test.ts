// LinuxPeerNet with real traffic: a namespace with a TAP device whose descriptor is this test,
// answered by the Linux stack inside (ARP, ICMP echo), and removed again, leftovers of dead runs
// included. Needs root (or CAP_SYS_ADMIN + CAP_NET_ADMIN) and /dev/net/tun; skips only without.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canCreateNamespaces, LinuxPeerNet } from './netns.js';
import type { TapDevice } from '../tap/tap.js';

const can = canCreateNamespaces();
const skipReason = can.ok ? '' : ` [skipped: ${can.reason}]`;

const LINUX_IP = '192.0.2.1';
const OUR_IP = '192.0.2.10';
const OUR_MAC = '02:00:00:00:00:0a';

/** `ip ...args` in the root namespace; stdout, or undefined when it fails. */
function ip(args: string[]): string | undefined {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } });
  } catch {
    return undefined;
  }
}
const namespaces = (): string[] => (ip(['netns', 'list']) ?? '').split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean);
const linkExists = (name: string): boolean => ip(['link', 'show', 'dev', name]) !== undefined;

// ------------------------------------------------------------------ frames

const mac = (s: string): number[] => s.split(':').map((h) => parseInt(h, 16));
const ipv4 = (s: string): number[] => s.split('.').map(Number);
const hex = (b: ArrayLike<number>): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;

/** The Internet checksum (RFC 1071) of `b`. */
function checksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** A frame padded to Ethernet's 60-byte minimum (no FCS). */
function frame(bytes: number[]): Uint8Array {
  const f = new Uint8Array(Math.max(60, bytes.length));
  f.set(bytes);
  return f;
}

function arp(op: 1 | 2, dstMac: string, sha: string, spa: string, tha: string, tpa: string): Uint8Array {
  return frame([...mac(dstMac), ...mac(sha), 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, op, ...mac(sha), ...ipv4(spa), ...mac(tha), ...ipv4(tpa)]);
}

function echoRequest(dstMac: string, id: number, seq: number, payload: Uint8Array): Uint8Array {
  const icmp = new Uint8Array(8 + payload.length);
  icmp.set([8, 0, 0, 0, id >> 8, id & 0xff, seq >> 8, seq & 0xff]);
  icmp.set(payload, 8);
  const ck = checksum(icmp);
  icmp[2] = ck >> 8;
  icmp[3] = ck & 0xff;
  const total = 20 + icmp.length;
  const iph = new Uint8Array([0x45, 0, total >> 8, total & 0xff, 0x12, 0x34, 0x40, 0, 64, 1, 0, 0, ...ipv4(OUR_IP), ...ipv4(LINUX_IP)]);
  const ipck = checksum(iph);
  iph[10] = ipck >> 8;
  iph[11] = ipck & 0xff;
  return frame([...mac(dstMac), ...mac(OUR_MAC), 0x08, 0x00, ...iph, ...icmp]);
}

/** A TCP segment from OUR_IP:sport to LINUX_IP:dport (checksums computed). */
function tcpSegment(dstMac: string, sport: number, dport: number, seq: number, ack: number, flags: number, options: number[] = []): Uint8Array {
  const len = 20 + options.length;
  const tcp = new Uint8Array(len);
  const be32 = (x: number): number[] => [(x >>> 24) & 0xff, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff];
  tcp.set([sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, ...be32(seq), ...be32(ack), (len / 4) << 4, flags, 0xfa, 0xf0, 0, 0, 0, 0, ...options]);
  const pseudo = new Uint8Array([...ipv4(OUR_IP), ...ipv4(LINUX_IP), 0, 6, len >> 8, len & 0xff, ...tcp]);
  const ck = checksum(pseudo);
  tcp[16] = ck >> 8;
  tcp[17] = ck & 0xff;
  const total = 20 + len;
  const iph = new Uint8Array([0x45, 0, total >> 8, total & 0xff, 0, 0, 0x40, 0, 64, 6, 0, 0, ...ipv4(OUR_IP), ...ipv4(LINUX_IP)]);
  const ipck = checksum(iph);
  iph[10] = ipck >> 8;
  iph[11] = ipck & 0xff;
  return frame([...mac(dstMac), ...mac(OUR_MAC), 0x08, 0x00, ...iph, ...tcp]);
}

const u32 = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

const isArpRequestForUs = (f: Uint8Array): boolean =>
  u16(f, 12) === 0x0806 && u16(f, 20) === 1 && Array.from(f.subarray(38, 42)).join('.') === OUR_IP;

/**
 * Polls the TAP until a frame satisfies `want` (at most `ms`), answering Linux's ARP requests
 * for OUR_IP on the way. Throws with a summary of what was read instead.
 */
async function waitFor(tap: TapDevice, want: (f: Uint8Array) => boolean, ms = 3000): Promise<Uint8Array> {
  const seen: string[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const f = tap.read();
    if (!f) {
      await new Promise((r) => setTimeout(r, 2));
      continue;
    }
    if (want(f)) return f;
    seen.push(`${f.length} B type 0x${u16(f, 12).toString(16)}`);
    if (isArpRequestForUs(f)) tap.write(arp(2, hex(f.subarray(6, 12)), OUR_MAC, OUR_IP, hex(f.subarray(22, 28)), Array.from(f.subarray(28, 32)).join('.')));
  }
  throw new Error(`no matching frame within ${ms} ms; read instead: ${seen.join(', ') || 'nothing'}`);
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Whether `pid` still runs (a zombie nobody has reaped yet counts as gone). */
function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Another Node process that creates a LinuxPeerNet with `prefix`, starts `sleep` inside it and
 * waits: what a test run looks like from outside when it is interrupted or crashes.
 */
async function startOtherRun(prefix: string): Promise<{ proc: ChildProcess; ns: string; tap: string; sleepPid: number }> {
  const script = `
    const { LinuxPeerNet } = await import(${JSON.stringify(new URL('./netns.ts', import.meta.url).href)});
    const n = await LinuxPeerNet.create({ prefix: ${JSON.stringify(prefix)}, linuxAddress: '198.51.100.1', prefixLength: 24 });
    const s = n.spawn('sleep', ['600'], { stdio: 'ignore' });
    s.once('spawn', () => console.log(JSON.stringify({ ns: n.namespace, tap: n.tapName, sleepPid: s.pid })));
    setInterval(() => {}, 1000);`;
  const repo = new URL('../..', import.meta.url).pathname;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the other run did not start within 20 s: ${stderr}`)), 20_000);
    createInterface({ input: proc.stdout! }).once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    proc.once('exit', (code, signal) => reject(new Error(`the other run exited (${code ?? signal}): ${stderr}`)));
  });
  return { proc, ...(JSON.parse(line) as { ns: string; tap: string; sleepPid: number }) };
}

describe.skipIf(!can.ok)(`LinuxPeerNet: a Linux stack in a namespace behind a TAP${skipReason}`, () => {
  let net: LinuxPeerNet | undefined;
  const theNet = (): LinuxPeerNet => {
    if (!net) throw new Error('beforeAll did not create the namespace');
    return net;
  };

  beforeAll(async () => {
    net = await LinuxPeerNet.create({ prefix: 'nstest', linuxAddress: LINUX_IP, prefixLength: 24 });
  });
  afterAll(async () => {
    await net?.close();
  });

  it('creates the namespace with the TAP inside, its address, no default route, cubic', () => {
    const n = theNet();
    expect(n.namespace).toBe(`flue-nstest-${process.pid}`);
    expect(namespaces()).toContain(n.namespace);
    // the TAP is inside, not in the root namespace
    expect(linkExists(n.tapName)).toBe(false);
    const addr = n.exec('ip', ['-o', '-4', 'address', 'show', 'dev', n.tapName]);
    expect(addr).toContain(`inet ${LINUX_IP}/24`);
    expect(n.exec('ip', ['-o', 'link', 'show', 'dev', n.tapName])).toMatch(/mtu 1500 .*state UNKNOWN|mtu 1500 .*state UP/);
    // only the on-link route, no default route (IPv4 or IPv6)
    const routes = n.exec('ip', ['route', 'show']).trim().split('\n');
    expect(routes).toEqual([`192.0.2.0/24 dev ${n.tapName} scope link src ${LINUX_IP} congctl cubic`]);
    expect(n.exec('ip', ['route', 'show', 'default']).trim()).toBe('');
    expect(n.exec('ip', ['-6', 'route', 'show', 'default']).trim()).toBe('');
    expect(n.exec('ip', ['-o', 'address', 'show', 'dev', n.tapName])).not.toContain('inet6');
    // cubic: on the route always; as the namespace default too unless the host restricts it
    // (net.ipv4.tcp_allowed_congestion_control without cubic: only the root namespace may pick it)
    expect(n.congestionControl.algorithm).toBe('cubic');
    if (n.congestionControl.namespaceDefault) expect(n.exec('sysctl', ['-n', 'net.ipv4.tcp_congestion_control']).trim()).toBe('cubic');
    else expect(n.exec('sysctl', ['-n', 'net.ipv4.tcp_allowed_congestion_control'])).not.toMatch(/\bcubic\b/);
    expect(n.exec('sysctl', ['-n', `net.ipv6.conf.${n.tapName}.disable_ipv6`]).trim()).toBe('1');
    expect(n.linuxMac()).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
  });

  it('Linux answers an ARP request written to the TAP with a reply read from it', async () => {
    const n = theNet();
    expect(n.tap.write(arp(1, 'ff:ff:ff:ff:ff:ff', OUR_MAC, OUR_IP, '00:00:00:00:00:00', LINUX_IP))).toBe(true);
    const reply = await waitFor(n.tap, (f) => u16(f, 12) === 0x0806 && u16(f, 20) === 2);
    expect(hex(reply.subarray(0, 6))).toBe(OUR_MAC); // to us
    expect(hex(reply.subarray(22, 28))).toBe(n.linuxMac()); // sender: Linux's MAC
    expect(Array.from(reply.subarray(28, 32))).toEqual(ipv4(LINUX_IP));
    expect(hex(reply.subarray(32, 38))).toBe(OUR_MAC);
    expect(Array.from(reply.subarray(38, 42))).toEqual(ipv4(OUR_IP));
  });

  it('Linux answers an ICMP echo request with a correct echo reply', async () => {
    const n = theNet();
    const before = n.nstat();
    expect(before.IcmpInEchos).toBeTypeOf('number');
    const payload = new Uint8Array(56).map((_, i) => (i * 7 + 3) & 0xff);
    expect(n.tap.write(echoRequest(n.linuxMac(), 0xf1e0, 1, payload))).toBe(true);
    const r = await waitFor(n.tap, (f) => u16(f, 12) === 0x0800 && f[23] === 1 && f[34] === 0);
    expect(hex(r.subarray(0, 6))).toBe(OUR_MAC);
    const ihl = (r[14]! & 0x0f) * 4;
    expect(checksum(r.subarray(14, 14 + ihl))).toBe(0); // IPv4 header checksum holds
    expect(Array.from(r.subarray(26, 30))).toEqual(ipv4(LINUX_IP));
    expect(Array.from(r.subarray(30, 34))).toEqual(ipv4(OUR_IP));
    const icmp = r.subarray(14 + ihl, 14 + u16(r, 16));
    expect(checksum(icmp)).toBe(0); // ICMP checksum holds
    expect(u16(icmp, 4)).toBe(0xf1e0);
    expect(u16(icmp, 6)).toBe(1);
    expect(Array.from(icmp.subarray(8))).toEqual(Array.from(payload));
    const after = n.nstat();
    expect(after.IcmpInEchos! - before.IcmpInEchos!).toBe(1);
    expect(after.IcmpOutEchoReps! - before.IcmpOutEchoReps!).toBe(1);
    expect(n.ss()).toContain('Recv-Q');
  });

  it('a TCP connection over the TAP runs cubic (a handshake by hand against a listener in the namespace)', async () => {
    const n = theNet();
    const port = 5001;
    const listener = n.spawn(process.execPath, ['-e', `require('node:net').createServer((s) => s.on('error', () => {})).listen(${port}, '${LINUX_IP}', () => console.log('listening'))`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        listener.stdout!.on('data', (d: Buffer) => {
          if (d.toString().includes('listening')) resolve();
        });
        listener.once('exit', (code) => reject(new Error(`listener exited (${code}) before listening`)));
      });
      const linuxMac = n.linuxMac();
      const iss = 0x1000_0000;
      // SYN with MSS 1460
      expect(n.tap.write(tcpSegment(linuxMac, 40000, port, iss, 0, 0x02, [2, 4, 0x05, 0xb4]))).toBe(true);
      const synAck = await waitFor(n.tap, (f) => u16(f, 12) === 0x0800 && f[23] === 6 && u16(f, 34) === port && (f[47]! & 0x12) === 0x12);
      expect(u32(synAck, 42)).toBe(iss + 1);
      expect(n.tap.write(tcpSegment(linuxMac, 40000, port, iss + 1, u32(synAck, 38) + 1, 0x10))).toBe(true);
      let ss = '';
      for (const deadline = Date.now() + 3000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 10))) {
        ss = n.ss();
        if (ss.includes(`${OUR_IP}:40000`)) break;
      }
      expect(ss).toMatch(new RegExp(`ESTAB.*${LINUX_IP.replaceAll('.', '\\.')}:${port}\\s+${OUR_IP.replaceAll('.', '\\.')}:40000`));
      expect(ss).toMatch(/\bcubic\b/);
    } finally {
      listener.kill('SIGKILL');
      await exitOf(listener);
    }
  });

  it('netem: set and cleared, or a clear error when the kernel has no netem', () => {
    const n = theNet();
    n.netem(undefined); // nothing to clear: a no-op
    try {
      n.netem(['delay', '1ms']);
    } catch (e) {
      expect((e as Error).message).toMatch(/no netem qdisc \(sch_netem\)/);
      return;
    }
    expect(n.exec('tc', ['qdisc', 'show', 'dev', n.tapName])).toContain('netem');
    n.netem(undefined);
    expect(n.exec('tc', ['qdisc', 'show', 'dev', n.tapName])).not.toContain('netem');
  });

  it('refuses non-documentation addresses and bad options before creating anything', async () => {
    await expect(LinuxPeerNet.create({ prefix: 'nsbad', linuxAddress: '10.0.0.1', prefixLength: 24 })).rejects.toThrow(/not a documentation address/);
    await expect(LinuxPeerNet.create({ prefix: 'nsbad', linuxAddress: '192.0.2.1', prefixLength: 16 })).rejects.toThrow(/prefixLength 16/);
    await expect(LinuxPeerNet.create({ prefix: 'nsbad', linuxAddress: '192.0.2.0', prefixLength: 24 })).rejects.toThrow(/network or broadcast/);
    await expect(LinuxPeerNet.create({ prefix: 'bad prefix', linuxAddress: '192.0.2.1', prefixLength: 24 })).rejects.toThrow(/prefix/);
    await expect(LinuxPeerNet.create({ prefix: 'nstest', linuxAddress: '198.51.100.1', prefixLength: 24 })).rejects.toThrow(/already open in this process/);
    expect(namespaces()).not.toContain(`flue-nsbad-${process.pid}`);
  });

  it('close() removes the namespace and the TAP, and is idempotent', async () => {
    const n = await LinuxPeerNet.create({ prefix: 'nsclose', linuxAddress: '198.51.100.7', prefixLength: 24, mtu: 9000 });
    try {
      expect(namespaces()).toContain(n.namespace);
      expect(n.exec('ip', ['-o', 'link', 'show', 'dev', n.tapName])).toContain('mtu 9000');
    } finally {
      await n.close();
    }
    expect(namespaces()).not.toContain(n.namespace);
    expect(linkExists(n.tapName)).toBe(false);
    expect(n.tap.closed).toBe(true);
    await n.close(); // again: nothing to do, no error
    expect(() => n.exec('true', [])).toThrow(/after close/);
  });

  it('removes a leftover namespace and TAP of a dead process before creating', async () => {
    // pids are below pid_max: a process with pid pid_max cannot exist
    const deadPid = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim());
    expect(() => process.kill(deadPid, 0)).toThrow(/ESRCH/);
    const leftoverNs = `flue-nsleft-${deadPid}`;
    const leftoverTap = `flt${deadPid}`;
    let n: LinuxPeerNet | undefined;
    try {
      expect(ip(['netns', 'add', leftoverNs])).toBeDefined();
      expect(ip(['tuntap', 'add', 'dev', leftoverTap, 'mode', 'tap'])).toBeDefined(); // persistent: outlives its creator
      expect(namespaces()).toContain(leftoverNs);
      expect(linkExists(leftoverTap)).toBe(true);
      n = await LinuxPeerNet.create({ prefix: 'nsleft', linuxAddress: LINUX_IP, prefixLength: 24 });
      expect(namespaces()).not.toContain(leftoverNs);
      expect(linkExists(leftoverTap)).toBe(false);
      expect(namespaces()).toContain(n.namespace);
    } finally {
      await n?.close();
      ip(['netns', 'del', leftoverNs]);
      ip(['link', 'del', 'dev', leftoverTap]);
    }
  });

  it('close() kills a child spawned in the namespace', async () => {
    const n = await LinuxPeerNet.create({ prefix: 'nskill', linuxAddress: LINUX_IP, prefixLength: 24 });
    let child: ChildProcess | undefined;
    try {
      child = n.spawn('sleep', ['600'], { stdio: 'ignore' });
      await new Promise<void>((resolve, reject) => {
        child!.once('spawn', resolve);
        child!.once('error', reject);
      });
      const pid = child.pid!;
      // it really runs inside the namespace (ip netns exec execs the command: same pid)
      const deadline = Date.now() + 3000;
      while (ip(['netns', 'identify', String(pid)])?.trim() !== n.namespace && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(ip(['netns', 'identify', String(pid)])?.trim()).toBe(n.namespace);
      expect(child.exitCode).toBeNull();
      await n.close();
      const { signal } = await exitOf(child);
      expect(signal).toBe('SIGTERM');
      expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
      expect(namespaces()).not.toContain(n.namespace);
    } finally {
      await n.close();
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`a run interrupted by ${signal} removes its namespace, TAP and children, then dies of ${signal}`, async () => {
      const other = await startOtherRun(`nssig${signal === 'SIGINT' ? 'i' : 't'}`);
      try {
        expect(namespaces()).toContain(other.ns);
        expect(running(other.sleepPid)).toBe(true);
        other.proc.kill(signal);
        const { signal: died } = await exitOf(other.proc);
        expect(died).toBe(signal); // the default action still happens after the clean-up
        expect(namespaces()).not.toContain(other.ns);
        expect(linkExists(other.tap)).toBe(false);
        expect(running(other.sleepPid)).toBe(false);
      } finally {
        other.proc.kill('SIGKILL');
        ip(['netns', 'del', other.ns]);
      }
    });
  }

  it('what a crashed run (SIGKILL) left is removed by the next create(), its processes too', async () => {
    const other = await startOtherRun('nscrash');
    let n: LinuxPeerNet | undefined;
    try {
      other.proc.kill('SIGKILL');
      await exitOf(other.proc);
      // no chance to clean up: the namespace and the sleep inside it are left (the TAP went with
      // the crashed process's descriptor)
      expect(namespaces()).toContain(other.ns);
      expect(running(other.sleepPid)).toBe(true);
      n = await LinuxPeerNet.create({ prefix: 'nscrash', linuxAddress: LINUX_IP, prefixLength: 24 });
      expect(namespaces()).not.toContain(other.ns);
      const deadline = Date.now() + 3000;
      while (running(other.sleepPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(running(other.sleepPid)).toBe(false);
    } finally {
      await n?.close();
      other.proc.kill('SIGKILL');
      if (running(other.sleepPid)) process.kill(other.sleepPid, 'SIGKILL');
      ip(['netns', 'del', other.ns]);
    }
  });
});
