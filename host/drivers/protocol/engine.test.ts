import { describe, expect, it } from 'vitest';
import { NewReno } from './congestion.js';
import { RtoEstimator } from './rto.js';
import { ReceiveSide } from './tcp-recv.js';

describe('RTO estimator (RFC 6298)', () => {
  it('first sample sets SRTT=R, RTTVAR=R/2, RTO=max(minRto, SRTT+4*RTTVAR); back-off doubles up to maxRto', () => {
    const e = new RtoEstimator({ initialRto: 1000, minRto: 200, maxRto: 5000, granularity: 1 });
    expect(e.rto).toBe(1000);
    e.sample(100);
    expect([e.srtt, e.rttvar, e.rto]).toEqual([100, 50, 300]);
    e.sample(100);
    expect(e.srtt).toBe(100);
    expect(e.rttvar).toBe(37.5);
    for (const want of [500, 1000, 2000, 4000, 5000]) {
      e.backOff();
      expect(e.rto).toBe(want);
    }
  });
});

describe('NewReno (RFC 5681, RFC 6582)', () => {
  it('enters recovery on the third duplicate ACK, inflates, deflates on a partial ACK, exits on a full ACK', () => {
    const cc = new NewReno(1000, 0);
    cc.cwnd = 10_000;
    cc.ssthresh = 5000;
    expect(cc.onDupAck(1, 10_000, 10_001).kind).toBe('none');
    expect(cc.onDupAck(1, 10_000, 10_001).kind).toBe('none');
    expect(cc.onDupAck(1, 10_000, 10_001).kind).toBe('fastRetransmit');
    expect([cc.ssthresh, cc.cwnd, cc.recover]).toEqual([5000, 8000, 10_000]);
    cc.onDupAck(1, 10_000, 10_001);
    expect(cc.cwnd).toBe(9000);
    expect(cc.onNewAck(3001, 3000, 7000)).toEqual({ kind: 'partialAck', resetTimer: true });
    expect(cc.cwnd).toBe(7000);
    expect(cc.onNewAck(5001, 2000, 5000)).toEqual({ kind: 'partialAck', resetTimer: false });
    expect(cc.onNewAck(10_001, 5000, 0).kind).toBe('none');
    expect(cc.inRecovery).toBe(false);
    expect(cc.cwnd).toBe(2000); // min(ssthresh, max(flight, SMSS) + SMSS)
  });

  it('congestion avoidance adds about one SMSS per cwnd of ACKs', () => {
    const cc = new NewReno(1000, 0);
    cc.cwnd = 10_000;
    cc.ssthresh = 5000;
    for (let i = 0; i < 10; i++) cc.onNewAck(0, 1000, 0);
    expect(cc.cwnd).toBeGreaterThanOrEqual(10_900);
    expect(cc.cwnd).toBeLessThanOrEqual(11_000);
  });
});

describe('receive side', () => {
  it('reassembles out-of-order segments, trims overlaps, and holds the FIN until in order', () => {
    const r = new ReceiveSide(10_000, 1000);
    r.init(99);
    expect(r.accept(110, new Uint8Array(10).fill(2), true)).toMatchObject({ outOfOrder: true, advanced: false });
    expect(r.accept(100, new Uint8Array(15).fill(1), false)).toMatchObject({ advanced: true, filledHole: true, finReached: true });
    expect(r.nxt).toBe(121);
    const all = r.read(100);
    expect(all.length).toBe(20);
    expect([...all.subarray(9, 11)]).toEqual([1, 1]);
    expect(all[15]).toBe(2);
  });

  it('never shrinks the advertised right edge and opens it only by at least one MSS (receiver SWS)', () => {
    const r = new ReceiveSide(4000, 1000);
    r.init(0);
    expect(r.advertise()).toBe(4000);
    r.accept(1, new Uint8Array(3500), false);
    expect(r.advertise()).toBe(500);
    r.read(600);
    expect(r.advertise()).toBe(500); // 600 more free is less than an MSS
    r.read(600);
    expect(r.advertise()).toBe(1700);
  });

  it('acceptability follows the RFC 9293 table for zero and non-zero windows', () => {
    const r = new ReceiveSide(1000, 500);
    r.init(0);
    expect(r.acceptable(1, 0)).toBe(true);
    expect(r.acceptable(0, 0)).toBe(false);
    expect(r.acceptable(0, 5)).toBe(true); // overlaps RCV.NXT
    expect(r.acceptable(1001, 1)).toBe(false);
    r.accept(1, new Uint8Array(1000), false);
    r.advertise();
    expect(r.window).toBe(0);
    expect(r.acceptable(r.nxt, 0)).toBe(true);
    expect(r.acceptable(r.nxt, 1)).toBe(false);
  });
});
