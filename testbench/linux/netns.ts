/**
 * The network namespace of one Linux-peer test: a real Linux TCP/IP stack on one side of a TAP
 * device whose file descriptor (this process) is the emulated NIC's wire.
 *
 * Safety of the test network: each LinuxPeerNet creates its own namespace and puts the TAP
 * device (and whatever the test runs there) inside it; addresses are documentation addresses
 * only (192.0.2.0/24, 198.51.100.0/24); no route besides the on-link one (no default route);
 * IPv6 off on the TAP; TCP congestion control pinned to cubic (see congestionControl);
 * everything created is removed by close(), and also on process exit, SIGINT and SIGTERM.
 * What a crashed run left behind (a namespace `flue-<prefix>-<pid>` or a TAP `flt<pid>` whose
 * process is gone) is removed before a new one is created. Nothing can leave the namespace but
 * through the TAP descriptor this process holds.
 *
 *   const net = await LinuxPeerNet.create({ prefix: 'echo', linuxAddress: '192.0.2.1', prefixLength: 24 });
 *   try { net.tap.write(frame); ... net.exec('ss', ['-tin']) } finally { await net.close(); }
 *
 * Every external command is run with execFileSync/spawn and an argument vector (no shell).
 */
import { execFileSync, spawn as spawnProcess, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync as closeFd, existsSync, openSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { loadTapNative, TapDevice } from '../tap/tap.js';

export type CanCreate = { ok: true } | { ok: false; reason: string };

export interface LinuxPeerNetOptions {
  /** part of the namespace's name `flue-<prefix>-<pid>` (letters, digits, '_', '-'; default 'peer');
   *  two LinuxPeerNets open at once in one process need different prefixes */
  prefix?: string;
  /** the TAP device's name (at most 15 bytes); default `flt<pid>`, `flt<pid>-<n>` for later ones */
  tapName?: string;
  /** Linux's IPv4 address on the TAP, inside 192.0.2.0/24 or 198.51.100.0/24 */
  linuxAddress: string;
  /** 24 to 30: the on-link subnet stays inside the documentation range */
  prefixLength: number;
  /** the TAP's MTU (default 1500, 68 to 65521) */
  mtu?: number;
  /** pinned for the TAP's traffic (the only choice, and the default: results must not depend
   *  on the host's default, which may be bbr); see LinuxPeerNet.congestionControl */
  congestionControl?: 'cubic';
}

/** Options of exec(). */
export interface NetnsExecOptions {
  /** written to the command's stdin */
  input?: string | Uint8Array;
  /** killed after this many ms (default 60000) */
  timeoutMs?: number;
}

/** Where iproute2 and friends live when PATH (of a non-login shell, say) lacks the sbin folders. */
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];
const PATH_WITH_SBIN = [...(process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter), ...SBIN_DIRS]
  .filter((d, i, all) => d !== '' && all.indexOf(d) === i)
  .join(delimiter);
/** The environment of every command: ours, with the sbin folders on PATH. */
const CHILD_ENV: NodeJS.ProcessEnv = { ...process.env, PATH: PATH_WITH_SBIN };

function findTool(name: string): string | undefined {
  for (const dir of PATH_WITH_SBIN.split(delimiter)) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

function tool(name: string, pkg: string): string {
  const p = findTool(name);
  if (!p) throw new Error(`'${name}' is not installed (looked in ${PATH_WITH_SBIN}): install ${pkg} (apt-get install ${pkg})`);
  return p;
}

interface RunFailure extends Error {
  stderr?: string | Buffer;
  status?: number | null;
  signal?: NodeJS.Signals | null;
}

/** Runs `file ...args` and returns its stdout; throws an Error naming the command, its exit and stderr. */
function run(file: string, args: string[], options: NetnsExecOptions = {}): string {
  try {
    return execFileSync(file, args, {
      encoding: 'utf8',
      input: options.input,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
      maxBuffer: 64 * 1024 * 1024,
      env: CHILD_ENV,
    });
  } catch (e) {
    const f = e as RunFailure;
    const stderr = (typeof f.stderr === 'string' ? f.stderr : (f.stderr?.toString('utf8') ?? '')).trim();
    const how = f.signal ? `killed by ${f.signal}${f.signal === 'SIGTERM' ? ' (time-out?)' : ''}` : f.status != null ? `exit ${f.status}` : f.message;
    throw new Error(`\`${[file, ...args].join(' ')}\` failed (${how})${stderr ? `: ${stderr}` : ''}`, { cause: e });
  }
}

/** The error of a delete whose object was already gone (another process cleaned it up first). */
function alreadyGone(e: unknown): boolean {
  return /No such file or directory|Cannot find device|does not exist|Cannot open network namespace/i.test((e as Error).message);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What a name of ours ends with in this thread: `<pid>`, or `<pid>t<threadId>` in a worker
 *  thread (threads of one process share the pid, but not this module's bookkeeping). */
const OWNER = isMainThread ? `${process.pid}` : `${process.pid}t${threadId}`;
const NS_PATTERN = /^flue-(.+)-(\d+)(t\d+)?$/;
const TAP_PATTERN = /^flt(\d+)(t\d+)?(-\d+)?$/;
const DOC_NETS: ReadonlyArray<readonly [number, string]> = [
  [ipv4ToInt('192.0.2.0'), '192.0.2.0/24'],
  [ipv4ToInt('198.51.100.0'), '198.51.100.0/24'],
];

function ipv4ToInt(s: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return NaN;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return NaN;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

let canCache: CanCreate | undefined;

/**
 * Whether this machine lets a test create network namespaces and TAP devices: root (or
 * CAP_SYS_ADMIN and CAP_NET_ADMIN), /dev/net/tun openable, iproute2 installed, and
 * `ip netns add` working (a container may forbid it). Tests skip with `reason` only when not.
 */
export function canCreateNamespaces(): CanCreate {
  if (canCache) return canCache;
  canCache = probe();
  return canCache;
}

function hasNetnsCaps(): boolean {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (!m?.[1]) return false;
    const caps = BigInt(`0x${m[1]}`);
    const CAP_NET_ADMIN = 12n;
    const CAP_SYS_ADMIN = 21n;
    return ((caps >> CAP_NET_ADMIN) & 1n) === 1n && ((caps >> CAP_SYS_ADMIN) & 1n) === 1n;
  } catch {
    return false;
  }
}

function probe(): CanCreate {
  if (process.platform !== 'linux') return { ok: false, reason: `network namespaces are Linux only (this is ${process.platform})` };
  if (process.getuid?.() !== 0 && !hasNetnsCaps())
    return { ok: false, reason: 'creating network namespaces and TAP devices needs root (or CAP_SYS_ADMIN and CAP_NET_ADMIN): run the tests as root' };
  const ip = findTool('ip');
  if (!ip) return { ok: false, reason: "iproute2's 'ip' is not installed: apt-get install iproute2" };
  if (!existsSync('/dev/net/tun')) return { ok: false, reason: '/dev/net/tun is missing: the tun module is not loaded (modprobe tun)' };
  try {
    closeFd(openSync('/dev/net/tun', 'r+'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const hint = code === 'ENODEV' || code === 'ENXIO' ? 'the kernel has no TUN/TAP driver (modprobe tun)' : (e as Error).message;
    return { ok: false, reason: `cannot open /dev/net/tun (${code}): ${hint}` };
  }
  const name = `flue-probe-${OWNER}`;
  try {
    run(ip, ['netns', 'add', name]);
  } catch (e) {
    return { ok: false, reason: `this machine does not allow network namespaces (a container without CAP_SYS_ADMIN?): ${(e as Error).message}` };
  }
  try {
    run(ip, ['netns', 'del', name]);
  } catch (e) {
    return { ok: false, reason: `could create but not delete a network namespace: ${(e as Error).message}` };
  }
  return { ok: true };
}

// ------------------------------------------------------------------ leftovers of crashed runs

/** Kills what still runs inside namespace `ns` (SIGKILL); errors are collected, not thrown. */
function killNamespacePids(ip: string, ns: string, errors: string[]): void {
  let out: string;
  try {
    out = run(ip, ['netns', 'pids', ns]);
  } catch (e) {
    if (!alreadyGone(e)) errors.push((e as Error).message);
    return;
  }
  for (const pid of out.split(/\s+/).filter(Boolean).map(Number)) {
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') errors.push(`kill ${pid} in ${ns}: ${(e as Error).message}`);
    }
  }
}

function deleteNamespace(ip: string, ns: string, errors: string[]): void {
  killNamespacePids(ip, ns, errors);
  try {
    run(ip, ['netns', 'del', ns]);
  } catch (e) {
    if (!alreadyGone(e)) errors.push((e as Error).message);
  }
}

/** The namespaces `ip netns list` shows. */
function listNamespaces(ip: string): string[] {
  return run(ip, ['netns', 'list'])
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

/** Whether a namespace or TAP name, owned by process `pid` (+ thread suffix), is a leftover. */
function isLeftover(pid: number, thread: string | undefined, name: string, ours: ReadonlySet<string>): boolean {
  if (`${pid}${thread ?? ''}` === OWNER) return !ours.has(name); // an earlier process with our pid
  return !isAlive(pid);
}

/**
 * Removes what crashed runs left: namespaces `flue-<prefix>-<pid>` and TAP devices `flt<pid>`
 * (only TUN/TAP devices, in the root namespace) whose process is gone. Returns what it removed.
 */
export function removeLeftovers(): string[] {
  const ip = tool('ip', 'iproute2');
  const removed: string[] = [];
  const errors: string[] = [];
  const ours = new Set([...live].map((n) => n.namespace));
  for (const ns of listNamespaces(ip)) {
    const m = NS_PATTERN.exec(ns);
    if (!m || !isLeftover(Number(m[2]), m[3], ns, ours)) continue;
    deleteNamespace(ip, ns, errors);
    removed.push(`namespace ${ns}`);
  }
  const oursTaps = new Set([...live].map((n) => n.tapName));
  for (const line of run(ip, ['-d', '-o', 'link', 'show']).split('\n')) {
    const m = /^\d+:\s+([^:@\s]+)[:@]/.exec(line);
    const name = m?.[1];
    if (!name || !/\btun type tap\b/.test(line)) continue;
    const t = TAP_PATTERN.exec(name);
    if (!t || !isLeftover(Number(t[1]), t[2], name, oursTaps)) continue;
    try {
      run(ip, ['link', 'del', 'dev', name]);
      removed.push(`TAP ${name}`);
    } catch (e) {
      if (!alreadyGone(e)) errors.push((e as Error).message);
    }
  }
  if (errors.length) throw new Error(`cannot remove what an earlier run left behind: ${errors.join('; ')}`);
  return removed;
}

// ------------------------------------------------------------------ clean-up on exit and signals

const live = new Set<LinuxPeerNet>();
let handlersInstalled = false;

function cleanUpAll(): void {
  for (const net of [...live]) net.closeSync();
}

function onExit(): void {
  cleanUpAll();
}

function onSignal(signal: NodeJS.Signals): void {
  cleanUpAll();
  uninstallHandlers();
  // We replaced the default action (terminate); if nobody else handles the signal, do it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
const onSigint = (): void => onSignal('SIGINT');
const onSigterm = (): void => onSignal('SIGTERM');

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', onExit);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
}

function uninstallHandlers(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  process.off('exit', onExit);
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
}

let tapCounter = 0;

function defaultTapName(): string {
  const n = tapCounter++;
  const name = `flt${OWNER}${n > 0 ? `-${n}` : ''}`;
  if (name.length > 15) throw new Error(`LinuxPeerNet: the default TAP name ${name} is longer than 15 bytes; pass tapName`);
  return name;
}

/** The namespace, its TAP device and what runs inside it. */
export class LinuxPeerNet {
  /** the TAP device's name (inside `namespace`) */
  readonly tapName: string;
  readonly linuxAddress: string;
  readonly prefixLength: number;
  readonly mtu: number;

  private readonly ip: string;
  private tapDevice: TapDevice | undefined;
  private readonly children = new Set<ChildProcess>();
  private created = false; // the namespace exists (we made it)
  private removed = false; // ... and is deleted again
  private closing: Promise<void> | undefined;
  private namespaceCcPinned = false;

  private constructor(
    readonly namespace: string,
    tapName: string,
    options: LinuxPeerNetOptions,
  ) {
    this.tapName = tapName;
    this.linuxAddress = options.linuxAddress;
    this.prefixLength = options.prefixLength;
    this.mtu = options.mtu ?? 1500;
    this.ip = tool('ip', 'iproute2');
  }

  /**
   * Removes leftovers of crashed runs, then creates namespace `flue-<prefix>-<pid>` with `lo`
   * up and TAP `tapName` in it: address linuxAddress/prefixLength, the MTU, up, IPv6 off (no
   * router solicitations or DAD), no route but the on-link one, TCP congestion control cubic.
   * On failure everything created so far is removed again.
   */
  static async create(options: LinuxPeerNetOptions): Promise<LinuxPeerNet> {
    const prefix = options.prefix ?? 'peer';
    if (!/^[A-Za-z0-9_][A-Za-z0-9_-]{0,31}$/.test(prefix))
      throw new RangeError(`LinuxPeerNet: prefix '${prefix}' must be 1 to 32 letters, digits, '_' or '-' (not starting with '-')`);
    const addr = ipv4ToInt(options.linuxAddress);
    if (Number.isNaN(addr)) throw new RangeError(`LinuxPeerNet: linuxAddress '${options.linuxAddress}' is not a dotted IPv4 address`);
    if (!Number.isInteger(options.prefixLength) || options.prefixLength < 24 || options.prefixLength > 30)
      throw new RangeError(`LinuxPeerNet: prefixLength ${options.prefixLength} must be an integer from 24 to 30 (the subnet must stay inside a documentation /24)`);
    const net = DOC_NETS.find(([base]) => addr - base >= 0 && addr - base < 256);
    if (!net)
      throw new RangeError(`LinuxPeerNet: linuxAddress ${options.linuxAddress} is not a documentation address: use 192.0.2.0/24 or 198.51.100.0/24 (test traffic must never look routable)`);
    const hostBits = 32 - options.prefixLength;
    const host = addr % 2 ** hostBits;
    if (host === 0 || host === 2 ** hostBits - 1)
      throw new RangeError(`LinuxPeerNet: ${options.linuxAddress}/${options.prefixLength} is the subnet's network or broadcast address`);
    const mtu = options.mtu ?? 1500;
    if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65521) throw new RangeError(`LinuxPeerNet: mtu ${mtu} must be an integer from 68 to 65521`);
    if ((options.congestionControl ?? 'cubic') !== 'cubic')
      throw new RangeError(`LinuxPeerNet: congestionControl '${String(options.congestionControl)}' is not supported (only 'cubic')`);
    const tapName = options.tapName ?? defaultTapName();
    if (!/^[A-Za-z0-9_-]{1,15}$/.test(tapName))
      throw new RangeError(`LinuxPeerNet: tapName '${tapName}' must be 1 to 15 letters, digits, '_' or '-'`);

    const can = canCreateNamespaces();
    if (!can.ok) throw new Error(`LinuxPeerNet: ${can.reason}`);
    loadTapNative(); // not built: say so before creating anything
    const namespace = `flue-${prefix}-${OWNER}`;
    for (const other of live) {
      if (other.namespace === namespace)
        throw new Error(`LinuxPeerNet: namespace ${namespace} is already open in this process; give each LinuxPeerNet open at once its own prefix`);
      if (other.tapName === tapName) throw new Error(`LinuxPeerNet: TAP ${tapName} is already used by namespace ${other.namespace}; pass another tapName`);
    }
    removeLeftovers();

    const peer = new LinuxPeerNet(namespace, tapName, { ...options, mtu });
    // registered before anything exists, so that a signal in the middle removes what was made
    live.add(peer);
    installHandlers();
    try {
      peer.setUp();
    } catch (e) {
      const errors = peer.closeSync();
      const also = errors.length ? ` (and cleaning up failed: ${errors.join('; ')})` : '';
      throw new Error(`LinuxPeerNet.create ${namespace}: ${(e as Error).message}${also}`, { cause: e });
    }
    return peer;
  }

  private setUp(): void {
    const { ip, namespace: ns, tapName: tap } = this;
    try {
      run(ip, ['netns', 'add', ns]);
    } catch (e) {
      if (/File exists/.test((e as Error).message))
        throw new Error(`namespace ${ns} exists and belongs to a live process (a worker of this one?): use another prefix`, { cause: e });
      throw e;
    }
    this.created = true;
    run(ip, ['-n', ns, 'link', 'set', 'dev', 'lo', 'up']);
    // opened here, in our namespace, so that the descriptor is ours; then the device moves
    this.tapDevice = TapDevice.open(tap);
    run(ip, ['link', 'set', 'dev', tap, 'netns', ns]);
    // before the link goes up: no IPv6 at all on the TAP (no router solicitation, no DAD, no
    // MLD report reaches the NIC)
    if (existsSync('/proc/sys/net/ipv6')) this.nsRun(tool('sysctl', 'procps'), ['-q', '-w', `net.ipv6.conf.${tap}.disable_ipv6=1`]);
    this.namespaceCcPinned = this.pinNamespaceCc();
    run(ip, ['-n', ns, 'link', 'set', 'dev', tap, 'mtu', String(this.mtu)]);
    // the on-link route is ours rather than the kernel's, to carry the congestion control
    run(ip, ['-n', ns, 'address', 'add', `${this.linuxAddress}/${this.prefixLength}`, 'dev', tap, 'noprefixroute']);
    run(ip, ['-n', ns, 'link', 'set', 'dev', tap, 'up']);
    run(ip, ['-n', ns, 'route', 'add', this.onLinkSubnet(), 'dev', tap, 'scope', 'link', 'src', this.linuxAddress, 'congctl', 'cubic']);
  }

  /**
   * net.ipv4.tcp_congestion_control=cubic inside the namespace. Linux lets a namespace other
   * than the first pick only algorithms in net.ipv4.tcp_allowed_congestion_control, which by
   * default holds just reno and the kernel's built-in default: on a host whose default is bbr,
   * say, this fails with EPERM, and the host's setting is not ours to change. The on-link
   * route's `congctl cubic` pins cubic for every connection over the TAP either way.
   */
  private pinNamespaceCc(): boolean {
    try {
      this.nsRun(tool('sysctl', 'procps'), ['-q', '-w', 'net.ipv4.tcp_congestion_control=cubic']);
      return true;
    } catch (e) {
      if (/Operation not permitted/.test((e as Error).message)) return false;
      throw e;
    }
  }

  /** The subnet of linuxAddress/prefixLength, 'a.b.c.d/n'. */
  private onLinkSubnet(): string {
    const size = 2 ** (32 - this.prefixLength);
    const a = ipv4ToInt(this.linuxAddress);
    const base = a - (a % size);
    return `${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.')}/${this.prefixLength}`;
  }

  /** The TAP device (its descriptor is ours; the device is inside the namespace). */
  get tap(): TapDevice {
    if (!this.tapDevice) throw new Error(`LinuxPeerNet ${this.namespace}: the TAP is not open`);
    return this.tapDevice;
  }

  /**
   * Where cubic is pinned: always on the TAP's on-link route (`congctl cubic`: every TCP
   * connection over the TAP), and also as the namespace's default (`namespace`) unless the
   * host restricts it (see pinNamespaceCc).
   */
  get congestionControl(): { algorithm: 'cubic'; route: true; namespaceDefault: boolean } {
    return { algorithm: 'cubic', route: true, namespaceDefault: this.namespaceCcPinned };
  }

  /** Linux's MAC address on the TAP, 'xx:xx:xx:xx:xx:xx'. */
  linuxMac(): string {
    const out = run(this.ip, ['-n', this.namespace, '-o', 'link', 'show', 'dev', this.tapName]);
    const m = /link\/ether ([0-9a-f:]{17})/.exec(out);
    if (!m?.[1]) throw new Error(`LinuxPeerNet ${this.namespace}: no MAC address in \`ip link show ${this.tapName}\`: ${out.trim()}`);
    return m[1];
  }

  /** Runs `cmd ...args` inside the namespace and returns its stdout; throws with its stderr. */
  exec(cmd: string, args: string[], options: NetnsExecOptions = {}): string {
    this.open('exec');
    return this.nsRun(cmd, args, options);
  }

  private nsRun(cmd: string, args: string[], options: NetnsExecOptions = {}): string {
    return run(this.ip, ['netns', 'exec', this.namespace, cmd, ...args], options);
  }

  /**
   * Starts `cmd ...args` inside the namespace (`ip netns exec` execs it: the child's pid is the
   * command's). close() kills it (SIGTERM, then SIGKILL) if it is still running.
   */
  spawn(cmd: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    this.open('spawn');
    const child = spawnProcess(this.ip, ['netns', 'exec', this.namespace, cmd, ...args], { env: CHILD_ENV, ...options });
    this.children.add(child);
    const forget = (): void => {
      this.children.delete(child);
    };
    child.once('exit', forget);
    child.once('error', forget);
    return child;
  }

  /** A permanent neighbour entry on the TAP: Linux sends to `ip` at `mac` without asking (ARP). */
  addNeighbor(ip: string, mac: string): void {
    this.open('addNeighbor');
    if (Number.isNaN(ipv4ToInt(ip))) throw new RangeError(`LinuxPeerNet.addNeighbor: '${ip}' is not a dotted IPv4 address`);
    if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(mac)) throw new RangeError(`LinuxPeerNet.addNeighbor: '${mac}' is not a MAC address xx:xx:xx:xx:xx:xx`);
    run(this.ip, ['-n', this.namespace, 'neigh', 'replace', ip, 'lladdr', mac, 'dev', this.tapName, 'nud', 'permanent']);
  }

  /**
   * `tc qdisc replace dev <tap> root netem ...args` inside the namespace (delay, loss... on what
   * Linux sends to the NIC); `undefined` removes it (a no-op when there is none).
   */
  netem(args: string[] | undefined): void {
    this.open('netem');
    const tc = tool('tc', 'iproute2');
    if (args === undefined) {
      try {
        run(tc, ['-n', this.namespace, 'qdisc', 'del', 'dev', this.tapName, 'root']);
      } catch (e) {
        // no root qdisc of ours to delete
        if (!/handle of zero|No such file or directory|Invalid handle/i.test((e as Error).message)) throw e;
      }
      return;
    }
    try {
      run(tc, ['-n', this.namespace, 'qdisc', 'replace', 'dev', this.tapName, 'root', 'netem', ...args]);
    } catch (e) {
      if (/qdisc kind is unknown/i.test((e as Error).message))
        throw new Error(`LinuxPeerNet.netem: this kernel has no netem qdisc (sch_netem): run \`modprobe sch_netem\` or use a kernel with CONFIG_NET_SCH_NETEM`, { cause: e });
      throw e;
    }
  }

  /** The namespace's SNMP/netstat counters (`nstat -asz`: absolute, zeros too, history untouched). */
  nstat(): Record<string, number> {
    const out = this.exec(tool('nstat', 'iproute2'), ['-asz']);
    const counters: Record<string, number> = {};
    for (const line of out.split('\n')) {
      const m = /^([A-Za-z][\w]*)\s+(\d+)/.exec(line);
      if (m?.[1] && m[2]) counters[m[1]] = Number(m[2]);
    }
    return counters;
  }

  /** `ss -tin` inside the namespace: Linux's TCP sockets with their internals (cwnd, rtt...). */
  ss(): string {
    return this.exec(tool('ss', 'iproute2'), ['-tin']);
  }

  /**
   * Kills the children still running (SIGTERM, SIGKILL after 2 s), then anything else inside
   * the namespace, closes the TAP descriptor and deletes the namespace. Idempotent; resources
   * already gone are fine, other failures are thrown together at the end.
   */
  close(): Promise<void> {
    this.closing ??= this.closeNow();
    return this.closing;
  }

  private async closeNow(): Promise<void> {
    const running = [...this.children].filter((c) => c.exitCode === null && c.signalCode === null);
    const errors: string[] = [];
    for (const c of running) {
      try {
        c.kill('SIGTERM');
      } catch (e) {
        errors.push(`SIGTERM to ${c.pid ?? '?'}: ${(e as Error).message}`);
      }
    }
    if (!(await exited(running, 2000))) {
      for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await exited(running, 2000);
    }
    errors.push(...this.closeSync());
    if (errors.length) throw new Error(`LinuxPeerNet.close ${this.namespace}: ${errors.join('; ')}`);
  }

  /**
   * close() at once and synchronously, as the exit and signal handlers do (and close() at its
   * end): SIGKILL to the children and to whatever else runs in the namespace, TAP closed,
   * namespace deleted. Idempotent; never throws: returns what failed (empty when all went).
   */
  closeSync(): string[] {
    const errors: string[] = [];
    for (const c of this.children) {
      if (c.exitCode === null && c.signalCode === null) {
        try {
          c.kill('SIGKILL');
        } catch (e) {
          errors.push(`SIGKILL to ${c.pid ?? '?'}: ${(e as Error).message}`);
        }
      }
    }
    if (this.created && !this.removed) killNamespacePids(this.ip, this.namespace, errors);
    if (this.tapDevice && !this.tapDevice.closed) {
      try {
        this.tapDevice.close();
      } catch (e) {
        errors.push(`closing TAP ${this.tapName}: ${(e as Error).message}`);
      }
    }
    if (this.created && !this.removed) {
      try {
        run(this.ip, ['netns', 'del', this.namespace]);
      } catch (e) {
        if (!alreadyGone(e)) errors.push((e as Error).message);
      }
      this.removed = true;
    }
    if (!this.closing) this.closing = Promise.resolve();
    live.delete(this);
    if (live.size === 0) uninstallHandlers();
    return errors;
  }

  private open(op: string): void {
    if (this.closing) throw new Error(`LinuxPeerNet ${this.namespace}: ${op} after close()`);
  }
}

/** Whether all of `children` exit within `ms`. */
function exited(children: ChildProcess[], ms: number): Promise<boolean> {
  const pending = children.filter((c) => c.exitCode === null && c.signalCode === null);
  if (pending.length === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    let left = pending.length;
    const timer = setTimeout(() => resolve(false), ms);
    for (const c of pending) {
      c.once('exit', () => {
        if (--left === 0) {
          clearTimeout(timer);
          resolve(true);
        }
      });
    }
  });
}
