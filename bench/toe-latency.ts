/**
 * Latencies of the RTL TOE in simulated cycles, through the real miniport and NDIS runtime:
 * - a send doorbell (the REQ_TAIL write that hands the card an offloaded send) to the first
 *   byte of its segment on the wire: request fetch by DMA, the engine, the payload read by DMA,
 *   the frame built;
 * - the last byte of a received in-order segment on the wire to the last of its payload bytes in
 *   the posted receive buffer in host memory: parser, lookup, engine, placement by DMA.
 * One connection offloaded by a protocol binding of its own, the wire otherwise idle, so each
 * figure is the pipeline itself. Exact for the RTL; several samples, all reported.
 */
import { Reg } from '../protocol/generated/contract.js';
import { LockstepScheduler } from '../host/device/scheduler.js';
import { VerilatorLink } from '../host/device/verilator/backend.js';
import { MiniportAdapter } from '../host/drivers/miniport/adapter.js';
import { ChimneyTarget } from '../host/drivers/miniport/chimney.js';
import { decodeTcp, tcpFrame } from '../host/drivers/protocol/craft.js';
import { TcpFlag } from '../host/drivers/protocol/tcp-segment.js';
import { RecordingProtocol, hang, neighborNode, pathNode, tcpNode } from '../host/drivers/intermediate/fixtures.js';
import { allocateNbl, type NetBufferList } from '../host/ndis/nbl.js';
import { newOffloadHandle } from '../host/ndis/offload.js';
import { Ndis } from '../host/ndis/runtime.js';
import { NdisStatus } from '../host/ndis/status.js';

const CARD_MAC = Uint8Array.of(2, 0, 0, 0, 0, 1);
const LOCAL = '192.0.2.1';
const PEER = '192.0.2.2';
const MSS = 1460;
const SAMPLES = 8;

export interface ToeLatencies {
  doorbellToWire: number[];
  wireToMemory: number[];
}

export async function measureToeLatencies(): Promise<ToeLatencies> {
  const link = new VerilatorLink({ memorySize: 4 << 20 });
  try {
    // the doorbell's cycle: when the miniport starts the REQ_TAIL write
    let doorbellAt = -1;
    const write = link.mmioWrite.bind(link);
    link.mmioWrite = (addr: number, value: number): Promise<void> => {
      if (addr === Reg.REQ_TAIL && doorbellAt < 0) doorbellAt = link.now;
      return write(addr, value);
    };
    const adapter = new MiniportAdapter(link, { rxBuffers: 1, mac: CARD_MAC });
    await adapter.initialize();
    const ndis = new Ndis();
    const target = new ChimneyTarget(adapter, ndis, 'nic');
    const status = await target.setOffloadParameters({ ticksPerSecond: 1000, tcpAckFrequency: 2, tcpDelayedAckTicks: 1, tcpMaximumRetransmissions: 7,
      tcpDoubtReachabilityRetransmissions: 3, tcpSwsPreventionTicks: 100, tcpDuplicateAckThreshold: 3, tcpPushTicks: 50, nceStaleTicks: 3000 });
    if (status !== NdisStatus.SUCCESS) throw new Error(`the card refused the offload parameters (0x${status.toString(16)})`);
    const host = new RecordingProtocol(ndis, 'bench');
    host.accept = 'none'; // every receive is posted: an indication would be a fault here
    const binding = host.bind(target.handle, null);
    const completed = (nbl: NetBufferList): boolean => host.completions.some((c) => c.nbls?.includes(nbl));
    const scheduler = new LockstepScheduler(128);
    scheduler.attach(link, (v) => adapter.handleInterrupt(v));
    const run = async (until: () => boolean): Promise<void> => {
      if (await scheduler.run({ until, maxCycles: 10_000_000 }) !== 'done') throw new Error('toe latency: the card did not answer within 10M cycles');
    };

    // one ESTABLISHED connection, windows open both ways
    const handle = newOffloadHandle();
    const conn = tcpNode(handle, 40000, { maxSndWnd: 65535, cWnd: 65535, ssThresh: 65535 });
    const neighbor = hang(neighborNode(newOffloadHandle()), hang(pathNode(newOffloadHandle()), conn));
    const peerMac = neighbor.neighbor.cached!.dlDestinationAddress.slice(0, 6);
    ndis.initiateOffload(binding, neighbor);
    await run(() => host.of('initiate').length > 0);
    if (conn.status !== NdisStatus.SUCCESS) throw new Error(`toe latency: the initiate failed (0x${conn.status.toString(16)})`);
    link.takeTxFrames();

    const result: ToeLatencies = { doorbellToWire: [], wireToMemory: [] };
    let sndNxt = 0;
    let rcvNxt = 0;
    for (let i = 0; i < SAMPLES; i++) {
      // send: the doorbell, then the segment's first byte
      const data = allocateNbl(link.memory, MSS, { data: Uint8Array.from({ length: MSS }, (_, k) => (k + i) & 0xff) });
      doorbellAt = -1;
      ndis.offloadTcpSend(handle, data.nbl);
      let first: number | undefined;
      await run(() => {
        for (const f of link.takeTxFrames()) {
          const seg = decodeTcp(f.data);
          if (first === undefined && seg && seg.payload.length > 0 && seg.seq === sndNxt) first = f.cycle;
        }
        return first !== undefined;
      });
      if (doorbellAt < 0) throw new Error('toe latency: no doorbell was seen');
      result.doorbellToWire.push(first! - doorbellAt);
      // the peer acknowledges it, so the send completes and the next starts from an idle card
      sndNxt += MSS;
      link.pushRxFrame(tcpFrame({ srcMac: peerMac, dstMac: CARD_MAC, srcIp: PEER, dstIp: LOCAL },
        { srcPort: 80, dstPort: 40000, seq: rcvNxt, ack: sndNxt, flags: TcpFlag.ACK, window: 65535 }), link.now + 1);
      await run(() => completed(data.nbl));

      // receive: a posted buffer, then a full segment at RCV.NXT; the last of its bytes in memory
      const post = allocateNbl(link.memory, MSS);
      post.buffer.bytes.fill(0);
      doorbellAt = -1;
      ndis.offloadTcpReceive(handle, post.nbl);
      // the post is on the card well before the segment comes
      await run(() => doorbellAt >= 0);
      const settled = link.now + 2000;
      await run(() => link.now >= settled);
      const payload = Uint8Array.from({ length: MSS }, (_, k) => 1 + ((k * 13 + i) % 255));
      const frame = tcpFrame({ srcMac: peerMac, dstMac: CARD_MAC, srcIp: PEER, dstIp: LOCAL },
        { srcPort: 80, dstPort: 40000, seq: rcvNxt, ack: sndNxt, flags: TcpFlag.ACK | TcpFlag.PSH, window: 65535, payload });
      const start = link.now + 4;
      link.pushRxFrame(frame, start);
      const lastByte = start + Math.ceil(frame.length / 8) - 1;
      let landed = -1;
      for (let c = 0; c < 20_000 && landed < 0; c++) {
        await link.advance(1, false);
        if (post.buffer.bytes.every((b, k) => b === payload[k])) landed = link.now;
      }
      if (landed < 0) throw new Error('toe latency: the received payload never reached host memory');
      result.wireToMemory.push(landed - lastByte);
      rcvNxt += MSS;
      await run(() => completed(post.nbl));
    }
    return result;
  } finally {
    await link.close();
  }
}
