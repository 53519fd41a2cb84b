/**
 * The NDIS runtime: registration, bindings and the routing of every chimney call between
 * layers with NDIS's own semantics (DIGEST.md §2, §4; R7–R9, R11, R14, R19–R20, R37–R39,
 * R52–R53, R91–R92). Only this class routes calls between layers.
 *
 * It also plays Driver Verifier: a layer that breaks a rule NDIS can see (completing a state
 * operation inline, leaving a block's status unwritten, returning anything but PENDING from an
 * I/O handler, completing an NBL twice, ...) is recorded in `violations` with the rule number,
 * and the damage is contained: the caller above gets a consistent answer.
 */
import type {
  BytesConsumed, ClientChimneyGeneric, ClientChimneyTcp, NdisHandle, OptionalHandlers, ProviderChimneyGeneric,
  ProviderChimneyTcp, StatusHandler, TcpOffloadEventHandlers,
} from './characteristics.js';
import { TCP_OFFLOAD_EVENT_HANDLERS_REVISION_1 } from './characteristics.js';
import type { HostMemory } from '../device/memory.js';
import { chainNbls, nblArray, validateNblChain, type NetBufferList } from './nbl.js';
import { ChimneyOffloadType, OffloadContextRef, roleOf, traverse, type NdisOffloadHandle, type OffloadBlockList } from './offload.js';
import { NdisStatus } from './status.js';

export const NdisErrorCode = Object.freeze({
  BAD_HANDLE: 'FLUE_NDIS_BAD_HANDLE',
  BAD_STATE: 'FLUE_NDIS_BAD_STATE',
} as const);

/** A programming error of a layer: a handle NDIS never gave out, a call in the wrong state. */
export class NdisUsageError extends Error {
  override readonly name = 'NdisUsageError';
  constructor(readonly code: (typeof NdisErrorCode)[keyof typeof NdisErrorCode], message: string) {
    super(message);
  }
}

export interface Violation {
  /** the digest rule broken, e.g. 'R7' */
  readonly rule: string;
  /** the layer that broke it */
  readonly by: string;
  readonly message: string;
}

export type StateOperation = 'initiate' | 'terminate' | 'update' | 'invalidate' | 'query';
export type IoOperation = 'send' | 'receive' | 'disconnect' | 'forward';

/** NDIS's record of one offloaded object, kept in its NDIS_OFFLOAD_HANDLE's NdisReserved. */
interface ObjectRecord {
  readonly tag: 'flue-ndis-object';
  readonly binding: Binding;
  state: 'offloading' | 'offloaded' | 'terminating' | 'terminated';
  /** state operations other than initiate under way on the object */
  busy: number;
}

class ProtocolBlock implements NdisHandle {
  readonly kind = 'protocol';
  clientGeneric: ClientChimneyGeneric | undefined;
  clientTcp: ClientChimneyTcp | undefined;
  constructor(readonly name: string, readonly statusHandler: StatusHandler | undefined) {}
}

class MiniportBlock implements NdisHandle {
  readonly kind = 'miniport';
  providerGeneric: ProviderChimneyGeneric | undefined;
  providerTcp: ProviderChimneyTcp | undefined;
  initialized = false;
  readonly bindings: Binding[] = [];
  constructor(readonly name: string, readonly adapterContext: unknown, readonly memory: HostMemory) {}
}

class Binding implements NdisHandle {
  readonly kind = 'binding';
  open = true;
  constructor(readonly name: string, readonly protocol: ProtocolBlock, readonly miniport: MiniportBlock, readonly bindingContext: unknown) {}

  get chimney(): boolean {
    const p = this.protocol;
    const m = this.miniport;
    return !!(p.clientGeneric && p.clientTcp && m.providerGeneric && m.providerTcp);
  }
}

interface PendingState {
  readonly op: StateOperation;
  readonly binding: Binding;
  inline: boolean;
  /** initiate: send data handed to the target in a new TCP block's NetBufferListChain */
  readonly handedOver: { readonly node: OffloadBlockList; readonly nbls: readonly NetBufferList[] }[];
}

interface PendingIo {
  readonly op: IoOperation;
  readonly binding: Binding;
  /** a send's data start (its NET_BUFFERs' offsets summed) when it was handed down (R43) */
  dataStart?: number;
}

function dataStartOf(n: NetBufferList): number {
  let sum = 0;
  for (const nb of n.netBuffers()) sum += nb.dataOffset;
  return sum;
}

export interface NdisCounters {
  stateOperations: number;
  ioRequests: number;
  ioCompletions: number;
  /** I/O NDIS failed itself (stale handle, offload in progress, bad NBL chain) */
  ioRefused: number;
  stateRefused: number;
  indications: number;
}

export class Ndis {
  readonly violations: Violation[] = [];
  readonly counters: NdisCounters = { stateOperations: 0, ioRequests: 0, ioCompletions: 0, ioRefused: 0, stateRefused: 0, indications: 0 };
  /**
   * Outstanding requests per object, innermost last. An intermediate driver passes the same
   * block list and the same NBL pointer down (R86, R87), so one object can be outstanding at
   * several levels at once; each level completes its own entry.
   */
  private readonly pendingState = new Map<OffloadBlockList, PendingState[]>();
  /** NBLs with an outstanding entry; the entries themselves live in each NBL's ndisPending */
  private pendingIoCount = 0;
  /** deferral of completions NDIS makes itself: never inline (R37) */
  private readonly defer: (fn: () => void) => void;

  constructor(options: { defer?: (fn: () => void) => void } = {}) {
    this.defer = options.defer ?? queueMicrotask;
  }

  private violate(rule: string, by: string, message: string): void {
    this.violations.push({ rule, by, message });
  }

  // ------------------------------------------------------------------ registration

  registerProtocol(name: string, options: { status?: StatusHandler } = {}): NdisHandle {
    return new ProtocolBlock(name, options.status);
  }

  /** A miniport adapter during MiniportInitializeEx; initializeComplete() ends that phase. */
  registerMiniport(name: string, adapterContext: unknown, memory: HostMemory): NdisHandle {
    return new MiniportBlock(name, adapterContext, memory);
  }

  /**
   * NdisSetOptionalHandlers. Provider sets only on a miniport still initializing (R1), client
   * sets only on a protocol; OffloadType must be NdisTcpChimneyOffload.
   */
  setOptionalHandlers(handle: NdisHandle, handlers: OptionalHandlers): number {
    if (handlers.kind === 'provider-generic' || handlers.kind === 'provider-tcp') {
      const m = this.asMiniport(handle);
      if (m.initialized) {
        this.violate('R1', m.name, 'registered chimney provider handlers after initialization completed');
        return NdisStatus.INVALID_STATE;
      }
      if (handlers.kind === 'provider-tcp') {
        if (handlers.offloadType !== ChimneyOffloadType.TCP) return NdisStatus.NOT_SUPPORTED;
        m.providerTcp = handlers;
      } else m.providerGeneric = handlers;
      return NdisStatus.SUCCESS;
    }
    const p = this.asProtocol(handle);
    if (handlers.kind === 'client-tcp') {
      if (handlers.offloadType !== ChimneyOffloadType.TCP) return NdisStatus.NOT_SUPPORTED;
      p.clientTcp = handlers;
    } else p.clientGeneric = handlers;
    return NdisStatus.SUCCESS;
  }

  /** NdisMGetOffloadHandlers: NDIS's entry points for a target (R2). */
  mGetOffloadHandlers(miniport: NdisHandle, offloadType: number): { status: number; handlers?: TcpOffloadEventHandlers } {
    this.asMiniport(miniport);
    if (offloadType !== ChimneyOffloadType.TCP) return { status: NdisStatus.NOT_SUPPORTED };
    const handlers: TcpOffloadEventHandlers = {
      header: { revision: TCP_OFFLOAD_EVENT_HANDLERS_REVISION_1 },
      tcpOffloadEventHandler: (h, t, i) => this.tcpOffloadEvent(h, t, i),
      tcpOffloadReceiveHandler: (h, n, s, b) => this.tcpOffloadReceiveIndicate(h, n, s, b),
      tcpOffloadSendComplete: (m, n) => this.ioComplete(m, n, 'send'),
      tcpOffloadReceiveComplete: (m, n) => this.ioComplete(m, n, 'receive'),
      tcpOffloadDisconnectComplete: (m, n) => this.ioComplete(m, n, 'disconnect'),
      tcpOffloadForwardComplete: (m, n) => this.ioComplete(m, n, 'forward'),
    };
    return { status: NdisStatus.SUCCESS, handlers };
  }

  /** End of MiniportInitializeEx. */
  initializeComplete(miniport: NdisHandle): void {
    this.asMiniport(miniport).initialized = true;
  }

  /** NdisOpenAdapterEx: binds a protocol (or an IM's lower edge) to a miniport. */
  openAdapter(protocol: NdisHandle, miniport: NdisHandle, bindingContext: unknown): NdisHandle {
    const p = this.asProtocol(protocol);
    const m = this.asMiniport(miniport);
    if (!m.initialized) throw new NdisUsageError(NdisErrorCode.BAD_STATE, `${m.name} has not finished initializing`);
    const b = new Binding(`${p.name}→${m.name}`, p, m, bindingContext);
    m.bindings.push(b);
    return b;
  }

  closeAdapter(binding: NdisHandle): void {
    const b = this.asBinding(binding);
    b.open = false;
    const i = b.miniport.bindings.indexOf(b);
    if (i >= 0) b.miniport.bindings.splice(i, 1);
  }

  /** Whether chimney operations may pass this binding (R3): both edges registered both sets. */
  chimneyEnabled(binding: NdisHandle): boolean {
    return this.asBinding(binding).chimney;
  }

  // ------------------------------------------------------------------ state operations, down

  initiateOffload(binding: NdisHandle, list: OffloadBlockList): void { this.stateDown('initiate', binding, list); }
  terminateOffload(binding: NdisHandle, list: OffloadBlockList): void { this.stateDown('terminate', binding, list); }
  updateOffload(binding: NdisHandle, list: OffloadBlockList): void { this.stateDown('update', binding, list); }
  invalidateOffload(binding: NdisHandle, list: OffloadBlockList): void { this.stateDown('invalidate', binding, list); }
  /** NdisQueryOffloadState (the conceptual pages' NdisQueryOffload) */
  queryOffloadState(binding: NdisHandle, list: OffloadBlockList): void { this.stateDown('query', binding, list); }

  private stateDown(op: StateOperation, binding: NdisHandle, list: OffloadBlockList): void {
    const b = this.asOpenBinding(binding);
    const already = this.pendingState.get(list)?.find((p) => p.binding === b);
    if (already) throw new NdisUsageError(NdisErrorCode.BAD_STATE, `this block list is already in a ${already.op} operation on ${b.name}`);
    this.counters.stateOperations++;
    const problem = b.chimney ? this.checkStateRequest(op, b, list) : `chimney is not enabled on ${b.name} (R3)`;
    if (problem) {
      // NDIS answers a misuse itself: every block FAILURE, completed later, never passed down
      this.counters.stateRefused++;
      for (const n of traverse(list)) n.status = NdisStatus.FAILURE;
      this.defer(() => this.clientStateComplete(op, b, list));
      return;
    }
    const handedOver: PendingState['handedOver'] = [];
    for (const n of traverse(list)) {
      const h = n.offloadHandle;
      if (op === 'initiate' && h && roleOf(n) === 'new') {
        const rec: ObjectRecord = { tag: 'flue-ndis-object', binding: b, state: 'offloading', busy: 0 };
        h.ndisReserved = rec;
        // outstanding send data handed over with the connection: the target owns it now and
        // completes it with NdisTcpOffloadSendComplete like any send (DIGEST §5.1)
        if (n.layer === 'tcp' && n.netBufferListChain) {
          const nbls = nblArray(n.netBufferListChain);
          for (const x of nbls) this.trackIo(x, { op: 'send', binding: b });
          handedOver.push({ node: n, nbls });
        }
      } else if (h && op !== 'initiate') {
        const rec = record(h)!;
        rec.busy++;
        if (op === 'terminate') rec.state = 'terminating';
      }
      // R91: the protocol view becomes the miniport view in place
      n.view = 'miniport';
      n.ndisOffloadHandle = h;
      n.miniportOffloadContext = h ? new OffloadContextRef(h) : null;
      n.status = NdisStatus.PENDING; // a sentinel: a target that writes no status is caught (R8)
    }
    const pending: PendingState = { op, binding: b, inline: true, handedOver };
    const stack = this.pendingState.get(list);
    if (stack) stack.push(pending);
    else this.pendingState.set(list, [pending]);
    const provider = b.miniport.providerGeneric!;
    const ctx = b.miniport.adapterContext;
    switch (op) {
      case 'initiate': provider.initiateOffload(ctx, list); break;
      case 'terminate': provider.terminateOffload(ctx, list); break;
      case 'update': provider.updateOffload(ctx, list); break;
      case 'invalidate': provider.invalidateOffload(ctx, list); break;
      case 'query': provider.queryOffload(ctx, list); break;
    }
    pending.inline = false;
  }

  /** What is wrong with a state request (R20, R23, R34–R35 as NDIS can see them), or undefined. */
  private checkStateRequest(op: StateOperation, b: Binding, list: OffloadBlockList): string | undefined {
    for (const n of traverse(list)) {
      const h = n.offloadHandle;
      if (!h) {
        if (op === 'initiate') continue; // a placeholder
        return 'a block in a query/update/invalidate/terminate tree names no offloaded object';
      }
      const rec = record(h);
      const role = op === 'initiate' ? roleOf(n) : 'linker';
      if (role === 'new') {
        if (rec && (rec.state === 'offloading' || rec.state === 'offloaded' || rec.state === 'terminating'))
          return 'a new offload names a handle whose object is already offloaded or being offloaded (R20)';
        continue;
      }
      if (!rec) return 'a block names an NDIS_OFFLOAD_HANDLE that was never offloaded';
      if (rec.binding !== b) return 'a block names an object offloaded through another binding';
      if (rec.state === 'offloading') return 'an object whose offload is still in progress (R20)';
      if (rec.state === 'terminating' || rec.state === 'terminated') return 'an object that is terminated or being terminated';
    }
    return undefined;
  }

  // ------------------------------------------------------------------ state completions, up

  mInitiateOffloadComplete(miniport: NdisHandle, list: OffloadBlockList): void { this.stateUp('initiate', miniport, list); }
  mTerminateOffloadComplete(miniport: NdisHandle, list: OffloadBlockList): void { this.stateUp('terminate', miniport, list); }
  mUpdateOffloadComplete(miniport: NdisHandle, list: OffloadBlockList): void { this.stateUp('update', miniport, list); }
  mInvalidateOffloadComplete(miniport: NdisHandle, list: OffloadBlockList): void { this.stateUp('invalidate', miniport, list); }
  mQueryOffloadStateComplete(miniport: NdisHandle, list: OffloadBlockList): void { this.stateUp('query', miniport, list); }

  private stateUp(op: StateOperation, miniport: NdisHandle, list: OffloadBlockList): void {
    const m = this.asMiniport(miniport);
    const stack = this.pendingState.get(list) ?? [];
    const at = lastIndex(stack, (p) => p.binding.miniport === m);
    const pending = stack[at];
    if (!pending) {
      this.violate('R7', m.name, `completed a ${op} with a block list NDIS did not pass it (or completed it twice)`);
      return;
    }
    if (pending.op !== op) {
      this.violate('R7', m.name, `completed a ${pending.op} operation with the ${op} completion`);
      return;
    }
    if (pending.inline) this.violate('R7', m.name, `completed a ${op} inline, inside its handler`);
    stack.splice(at, 1);
    if (stack.length === 0) this.pendingState.delete(list);
    for (const n of traverse(list)) {
      const role = n.miniportOffloadContext ? (op === 'initiate' ? roleAtCompletion(n) : 'linker') : 'placeholder';
      if (n.status === NdisStatus.PENDING) {
        this.violate('R8', m.name, `left the status of a ${n.layer} block unwritten in a ${op}`);
        n.status = NdisStatus.FAILURE;
      }
      if (op !== 'initiate' && n.status !== NdisStatus.SUCCESS && n.status !== NdisStatus.FAILURE) {
        this.violate('R9', m.name, `wrote status 0x${(n.status >>> 0).toString(16)} to a ${op} block`);
        n.status = NdisStatus.FAILURE;
      }
      if (role === 'placeholder' && op === 'initiate' && n.status !== NdisStatus.SUCCESS) {
        this.violate('R11', m.name, 'a placeholder did not complete with SUCCESS');
        n.status = NdisStatus.SUCCESS;
      }
      const h = n.ndisOffloadHandle;
      const rec = h ? record(h) : undefined;
      if (op === 'initiate' && h && rec && rec.state === 'offloading') {
        const ok = n.status === NdisStatus.SUCCESS || n.status === NdisStatus.OFFLOAD_PARTIAL_SUCCESS;
        if (ok && (h.miniportOffloadContext === null || h.miniportOffloadContext === undefined))
          this.violate('R14', m.name, `offloaded a ${n.layer} object without writing its MiniportOffloadContext`);
        if (!ok && h.miniportOffloadContext !== null && h.miniportOffloadContext !== undefined) {
          this.violate('R14', m.name, `wrote a MiniportOffloadContext for a ${n.layer} object it failed to offload`);
          h.miniportOffloadContext = null;
        }
        if (ok) rec.state = 'offloaded';
        else h.ndisReserved = null;
      } else if (rec && op !== 'initiate') {
        rec.busy = Math.max(0, rec.busy - 1);
        if (op === 'terminate') {
          rec.state = 'terminated';
          h!.miniportOffloadContext = null;
        }
      }
      // send data handed back at terminate (R31) is the caller's again: no completion follows
      if (op === 'terminate' && n.netBufferListChain)
        for (const x of nblArray(n.netBufferListChain)) this.untrackIo(x, (p) => p.binding === pending.binding && p.op === 'send');
      // back to the protocol view (R91)
      n.view = 'protocol';
      n.miniportOffloadContext = null;
      n.ndisOffloadHandle = null;
    }
    // a connection that failed to offload leaves its send data with the caller (R16)
    for (const { node, nbls } of pending.handedOver) {
      if (node.status === NdisStatus.SUCCESS || node.status === NdisStatus.OFFLOAD_PARTIAL_SUCCESS) continue;
      for (const x of nbls) this.untrackIo(x, (p) => p.binding === pending.binding && p.op === 'send');
    }
    this.clientStateComplete(op, pending.binding, list);
  }

  private clientStateComplete(op: StateOperation, b: Binding, list: OffloadBlockList): void {
    const c = b.protocol.clientGeneric;
    if (!c) return;
    const ctx = b.bindingContext;
    switch (op) {
      case 'initiate': c.initiateOffloadComplete(ctx, list); break;
      case 'terminate': c.terminateOffloadComplete(ctx, list); break;
      case 'update': c.updateOffloadComplete(ctx, list); break;
      case 'invalidate': c.invalidateOffloadComplete(ctx, list); break;
      case 'query': c.queryOffloadComplete(ctx, list); break;
    }
  }

  // ------------------------------------------------------------------ I/O, down

  /** NdisOffloadTcpSend: always NDIS_STATUS_PENDING (R37). */
  offloadTcpSend(handle: NdisOffloadHandle, nbl: NetBufferList): number { return this.ioDown('send', handle, nbl, 0); }
  /** NdisOffloadTcpReceive: always NDIS_STATUS_PENDING (R37). */
  offloadTcpReceive(handle: NdisOffloadHandle, nbl: NetBufferList): number { return this.ioDown('receive', handle, nbl, 0); }
  /** NdisOffloadTcpDisconnect: one NBL, always NDIS_STATUS_PENDING (R37). */
  offloadTcpDisconnect(handle: NdisOffloadHandle, nbl: NetBufferList, flags: number): number { return this.ioDown('disconnect', handle, nbl, flags); }
  /** NdisOffloadTcpForward: always NDIS_STATUS_PENDING (R37). */
  offloadTcpForward(handle: NdisOffloadHandle, nbl: NetBufferList): number { return this.ioDown('forward', handle, nbl, 0); }

  private ioDown(op: IoOperation, handle: NdisOffloadHandle, first: NetBufferList, flags: number): number {
    const rec = record(handle);
    if (!rec) throw new NdisUsageError(NdisErrorCode.BAD_HANDLE, `NdisOffloadTcp${cap(op)}: the NDIS_OFFLOAD_HANDLE was never offloaded through NDIS`);
    const b = rec.binding;
    this.counters.ioRequests++;
    const nbls = nblArray(first);
    let refuse: number | undefined;
    if (!b.open || !b.chimney) refuse = NdisStatus.INVALID_STATE;
    else if (rec.state === 'offloading') refuse = NdisStatus.INVALID_STATE; // R20: never I/O during an offload
    else if (rec.state === 'terminating' || rec.state === 'terminated') refuse = NdisStatus.INVALID_STATE; // I/O after terminate
    else if (nbls.some((n) => pendingOf(n)?.some((p) => p.binding === b))) refuse = NdisStatus.INVALID_PARAMETER;
    else {
      const problem = validateNblChain(first, b.miniport.memory, {
        allowEmpty: op === 'receive' || op === 'disconnect',
        singleNbl: op === 'disconnect',
      });
      if (problem) refuse = NdisStatus.INVALID_PARAMETER;
      if (!problem && op === 'disconnect' && (flags & 3) !== 1 && (flags & 3) !== 2) refuse = NdisStatus.INVALID_PARAMETER;
    }
    if (refuse !== undefined) {
      this.counters.ioRefused++;
      const status = refuse;
      this.defer(() => {
        for (const n of nbls) n.status = status;
        this.clientIoComplete(op, b, first);
      });
      return NdisStatus.PENDING;
    }
    for (const n of nbls) this.trackIo(n, { op, binding: b });
    const p = b.miniport.providerTcp!;
    const ctx = b.miniport.adapterContext;
    const moc = handle.miniportOffloadContext; // R92: NDIS extracts the PVOID from the caller's handle
    let r: number;
    switch (op) {
      case 'send': r = p.tcpOffloadSend(ctx, moc, first); break;
      case 'receive': r = p.tcpOffloadReceive(ctx, moc, first); break;
      case 'disconnect': r = p.tcpOffloadDisconnect(ctx, moc, first, flags); break;
      case 'forward': r = p.tcpOffloadForward(ctx, moc, first); break;
    }
    if (r !== NdisStatus.PENDING) this.violate('R38', b.miniport.name, `MiniportTcpOffload${cap(op)} returned 0x${(r >>> 0).toString(16)}, not NDIS_STATUS_PENDING`);
    return NdisStatus.PENDING;
  }

  /** NdisOffloadTcpReceiveReturn: synchronous, always succeeds, no completion (R39). */
  offloadTcpReceiveReturn(binding: NdisHandle, nbl: NetBufferList): number {
    const b = this.asOpenBinding(binding);
    const p = b.miniport.providerTcp;
    if (!p) return NdisStatus.SUCCESS;
    const r = p.tcpOffloadReceiveReturn(b.miniport.adapterContext, nbl);
    if (r !== NdisStatus.SUCCESS) this.violate('R39', b.miniport.name, `MiniportTcpOffloadReceiveReturn returned 0x${(r >>> 0).toString(16)}`);
    return NdisStatus.SUCCESS;
  }

  // ------------------------------------------------------------------ I/O completions, up

  private ioComplete(miniport: NdisHandle, first: NetBufferList, op: IoOperation): void {
    const m = this.asMiniport(miniport);
    const byBinding = new Map<Binding, NetBufferList[]>();
    for (const n of nblArray(first)) {
      const stack = pendingOf(n) ?? [];
      const p = stack[lastIndex(stack, (x) => x.binding.miniport === m)];
      if (!p) {
        this.violate('R7', m.name, `completed a ${op} NBL that is not outstanding on it (a second completion?)`);
        continue;
      }
      if (p.op !== op) {
        this.violate('R7', m.name, `completed a ${p.op} NBL through the ${op} completion`);
        continue;
      }
      // R43: a send's data start moved past exactly the bytes reported transferred (the host
      // sends the rest again from there after an upload). Checked for sends only: the host
      // reads received data from its own buffer, and the scripted targets leave receive
      // NBLs' data start where it was.
      if (p.dataStart !== undefined) {
        const moved = dataStartOf(n) - p.dataStart;
        if (moved !== n.info.tcpOffloadBytesTransferred)
          this.violate('R43', m.name, `completed a ${op} NBL reporting ${n.info.tcpOffloadBytesTransferred} bytes transferred with its data start moved by ${moved}`);
      }
      this.untrackIo(n, (x) => x === p);
      let list = byBinding.get(p.binding);
      if (!list) byBinding.set(p.binding, (list = []));
      list.push(n);
    }
    for (const [b, nbls] of byBinding) {
      this.counters.ioCompletions += nbls.length;
      this.clientIoComplete(op, b, chainNbls(nbls)!);
    }
  }

  private clientIoComplete(op: IoOperation, b: Binding, first: NetBufferList): void {
    const c = b.protocol.clientTcp;
    if (!c) return;
    const ctx = b.bindingContext;
    switch (op) {
      case 'send': c.tcpOffloadSendComplete(ctx, first); break;
      case 'receive': c.tcpOffloadReceiveComplete(ctx, first); break;
      case 'disconnect': c.tcpOffloadDisconnectComplete(ctx, first); break;
      case 'forward': c.tcpOffloadForwardComplete(ctx, first); break;
    }
  }

  private trackIo(n: NetBufferList, p: PendingIo): void {
    if (p.op === 'send') p.dataStart = dataStartOf(n);
    const stack = pendingOf(n);
    if (stack) stack.push(p);
    else {
      n.ndisPending = [p];
      this.pendingIoCount++;
    }
    n.ndisSource = p.binding;
  }

  /** Forgets the innermost outstanding entry of `n` that `match` accepts. */
  private untrackIo(n: NetBufferList, match: (p: PendingIo) => boolean): void {
    const stack = pendingOf(n);
    if (!stack) return;
    const at = lastIndex(stack, match);
    if (at < 0) return;
    if (at === stack.length - 1) stack.pop();
    else stack.splice(at, 1);
    if (stack.length === 0) {
      n.ndisPending = null;
      this.pendingIoCount--;
    }
    n.ndisSource = stack[stack.length - 1]?.binding ?? null;
  }

  /** Outstanding I/O NBLs NDIS is tracking (for tests and halt checks). */
  get outstandingIo(): number {
    return this.pendingIoCount;
  }

  get outstandingStateOperations(): number {
    return this.pendingState.size;
  }

  // ------------------------------------------------------------------ indications, up

  private tcpOffloadEvent(handle: NdisOffloadHandle, eventType: number, info: number): void {
    const rec = record(handle);
    if (!rec) throw new NdisUsageError(NdisErrorCode.BAD_HANDLE, 'NdisTcpOffloadEventHandler: an NDIS_OFFLOAD_HANDLE NDIS never saw offloaded');
    if (rec.state === 'offloading') this.violate('R19', rec.binding.miniport.name, 'indicated an event before the initiate completed');
    this.counters.indications++;
    rec.binding.protocol.clientTcp?.tcpOffloadEvent(handle, eventType, info);
  }

  private tcpOffloadReceiveIndicate(handle: NdisOffloadHandle, nbl: NetBufferList, status: number, bytesConsumed: BytesConsumed): number {
    const rec = record(handle);
    if (!rec) throw new NdisUsageError(NdisErrorCode.BAD_HANDLE, 'NdisTcpOffloadReceiveHandler: an NDIS_OFFLOAD_HANDLE NDIS never saw offloaded');
    const by = rec.binding.miniport.name;
    if (rec.state === 'offloading') this.violate('R19', by, 'indicated received data before the initiate completed');
    if (nbl.next) this.violate('R52', by, 'indicated a chain of NBLs, not a stand-alone NBL');
    if (status !== NdisStatus.SUCCESS) this.violate('R52', by, `indicated received data with status 0x${(status >>> 0).toString(16)}`);
    this.counters.indications++;
    const c = rec.binding.protocol.clientTcp;
    if (!c) return NdisStatus.OFFLOAD_DATA_NOT_ACCEPTED;
    const r = c.tcpOffloadReceiveIndicate(handle, nbl, status, bytesConsumed);
    const total = nbl.dataLength;
    const okReturn =
      (r === NdisStatus.SUCCESS && bytesConsumed.value === total) ||
      (r === NdisStatus.OFFLOAD_DATA_NOT_ACCEPTED && bytesConsumed.value === 0) ||
      (r === NdisStatus.OFFLOAD_DATA_PARTIALLY_ACCEPTED && bytesConsumed.value > 0 && bytesConsumed.value < total);
    if (!okReturn) this.violate('R53', rec.binding.protocol.name, `receive indication returned 0x${(r >>> 0).toString(16)} with BytesConsumed ${bytesConsumed.value} of ${total}`);
    return r;
  }

  /** NdisMOffloadEventIndicate: to every chimney binding of the miniport (R70). */
  mOffloadEventIndicate(miniport: NdisHandle, list: OffloadBlockList | null, indicationCode: number): void {
    const m = this.asMiniport(miniport);
    this.counters.indications++;
    for (const b of [...m.bindings]) if (b.chimney) b.protocol.clientGeneric!.indicateOffloadEvent(b.bindingContext, list, indicationCode);
  }

  /** NdisMIndicateStatusEx: OFFLOAD_PAUSE, UPLOAD_ALL, OFFLOAD_RESUME and the rest (R6, R72). */
  mIndicateStatusEx(miniport: NdisHandle, status: number): void {
    const m = this.asMiniport(miniport);
    this.counters.indications++;
    for (const b of [...m.bindings]) b.protocol.statusHandler?.(b.bindingContext, status);
  }

  // ------------------------------------------------------------------ handles

  private asProtocol(h: NdisHandle): ProtocolBlock {
    if (!(h instanceof ProtocolBlock)) throw new NdisUsageError(NdisErrorCode.BAD_HANDLE, `expected a protocol handle, got ${describe(h)}`);
    return h;
  }

  private asMiniport(h: NdisHandle): MiniportBlock {
    if (!(h instanceof MiniportBlock)) throw new NdisUsageError(NdisErrorCode.BAD_HANDLE, `expected an NdisMiniportHandle, got ${describe(h)}`);
    return h;
  }

  private asBinding(h: NdisHandle): Binding {
    if (!(h instanceof Binding)) throw new NdisUsageError(NdisErrorCode.BAD_HANDLE, `expected an NdisBindingHandle, got ${describe(h)}`);
    return h;
  }

  private asOpenBinding(h: NdisHandle): Binding {
    const b = this.asBinding(h);
    if (!b.open) throw new NdisUsageError(NdisErrorCode.BAD_HANDLE, `binding ${b.name} is closed`);
    return b;
  }
}

function pendingOf(n: NetBufferList): PendingIo[] | null {
  return n.ndisPending as PendingIo[] | null;
}

function record(h: NdisOffloadHandle | null | undefined): ObjectRecord | undefined {
  const r = h?.ndisReserved as ObjectRecord | null | undefined;
  return r && r.tag === 'flue-ndis-object' ? r : undefined;
}

/** At completion a new offload has its context written (or not); a linker had one before. */
function roleAtCompletion(n: OffloadBlockList): 'new' | 'linker' {
  const rec = n.ndisOffloadHandle ? record(n.ndisOffloadHandle) : undefined;
  return rec?.state === 'offloading' ? 'new' : 'linker';
}

function lastIndex<T>(items: readonly T[], match: (x: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (match(items[i]!)) return i;
  return -1;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function describe(h: unknown): string {
  if (h && typeof h === 'object' && 'kind' in h) return `a ${(h as { kind: string }).kind} handle`;
  return String(h);
}
