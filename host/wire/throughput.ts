/**
 * Throughput over simulated time, per direction of a cable, drawn as an SVG chart: what a
 * person would rather see than read after a run.
 */
export interface ThroughputSample {
  /** start of the bin, in cycles */
  cycle: number;
  gbps: number;
}

export class ThroughputRecorder {
  private readonly bytes: Map<number, number>[] = [new Map(), new Map()];
  private first = Number.POSITIVE_INFINITY;
  private last = 0;

  /** @param binCycles width of one bin in cycles */
  constructor(readonly clockHz: number, readonly binCycles = 2048) {}

  record(direction: 0 | 1, cycle: number, length: number): void {
    const bin = Math.floor(cycle / this.binCycles);
    const m = this.bytes[direction]!;
    m.set(bin, (m.get(bin) ?? 0) + length);
    this.first = Math.min(this.first, bin);
    this.last = Math.max(this.last, bin);
  }

  /** Samples for one direction, every bin from the first frame to the last (empty bins are 0). */
  series(direction: 0 | 1): ThroughputSample[] {
    if (this.first > this.last) return [];
    const out: ThroughputSample[] = [];
    const binSeconds = this.binCycles / this.clockHz;
    for (let b = this.first; b <= this.last; b++) {
      out.push({ cycle: b * this.binCycles, gbps: ((this.bytes[direction]!.get(b) ?? 0) * 8) / binSeconds / 1e9 });
    }
    return out;
  }

  /** An SVG line chart of both directions; labels name the two ends. */
  toSvg(title: string, labels: [string, string]): string {
    const W = 800, H = 380, L = 60, R = 20, T = 60, B = 50;
    const series = [this.series(0), this.series(1)];
    const all = [...series[0]!, ...series[1]!];
    const maxG = Math.max(10, ...all.map((s) => s.gbps));
    const x0 = all.length ? Math.min(...all.map((s) => s.cycle)) : 0;
    const x1 = all.length ? Math.max(...all.map((s) => s.cycle)) + this.binCycles : 1;
    const usPerCycle = 1e6 / this.clockHz;
    const px = (c: number): number => L + ((c - x0) / Math.max(1, x1 - x0)) * (W - L - R);
    const py = (g: number): number => H - B - (g / maxG) * (H - T - B);
    const colours = ['#1f77b4', '#d62728'];
    const lines = series.map((s, i) => {
      const pts = s.map((p) => `${px(p.cycle).toFixed(1)},${py(p.gbps).toFixed(1)}`).join(' ');
      return `<polyline fill="none" stroke="${colours[i]}" stroke-width="1.5" points="${pts}"/>`;
    });
    const ticks: string[] = [];
    for (let g = 0; g <= maxG; g += maxG > 20 ? 5 : 2) {
      ticks.push(`<line x1="${L}" x2="${W - R}" y1="${py(g)}" y2="${py(g)}" stroke="#ddd"/><text x="${L - 6}" y="${py(g) + 4}" text-anchor="end">${g}</text>`);
    }
    for (let k = 0; k <= 4; k++) {
      const c = x0 + ((x1 - x0) * k) / 4;
      ticks.push(`<text x="${px(c)}" y="${H - B + 18}" text-anchor="middle">${(c * usPerCycle).toFixed(1)}</text>`);
    }
    const legend = labels.map((l, i) => `<rect x="${L + 10 + i * 200}" y="${T - 26}" width="14" height="4" fill="${colours[i]}"/><text x="${L + 30 + i * 200}" y="${T - 20}">${escapeXml(l)}</text>`);
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
      `<rect width="${W}" height="${H}" fill="white"/>`,
      `<text x="${W / 2}" y="16" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
      ...ticks,
      ...lines,
      ...legend,
      `<text x="${W / 2}" y="${H - 10}" text-anchor="middle">simulated time (µs)</text>`,
      `<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">Gbit/s</text>`,
      '</svg>',
      '',
    ].join('\n');
  }
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
