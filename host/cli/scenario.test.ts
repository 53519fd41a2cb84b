import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError, checkScenario, delayedAckTicks, loadScenario, scenarioDelayedAckMs } from './scenario.js';

const ok = { name: 'x', peer: 'software', connections: 1, bytes: 1024 };

describe('scenario files', () => {
  it('loads every scenario in fixtures/scenarios', () => {
    const dir = join(import.meta.dirname, '../../fixtures/scenarios');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const s = loadScenario(join(dir, f));
      expect(`${s.name}.json`).toBe(f);
    }
  });

  it('keeps what a valid file says', () => {
    const s = checkScenario({ ...ok, impairment: { loss: 0.01, delayMs: 0.01 }, upload: { at: 0.3, reoffloadAt: 0.6 }, isn: { a: 4294967000, b: 1 }, minRtoMs: 3, occupied: 768, maxSendNbl: 4096 });
    expect(s).toEqual({ ...ok, impairment: { loss: 0.01, delayMs: 0.01 }, upload: { at: 0.3, reoffloadAt: 0.6 }, isn: { a: 4294967000, b: 1 }, minRtoMs: 3, occupied: 768, maxSendNbl: 4096 });
  });

  it('names the file and the field of every mistake', () => {
    const bad: [unknown, RegExp][] = [
      [[], /must be a JSON object/],
      [{ ...ok, peer: 'nic' }, /"peer" must be "software" or "offloaded", got "nic"/],
      [{ ...ok, connections: 0 }, /"connections" must be an integer from 1 to 1024, got 0/],
      [{ ...ok, connections: 1025 }, /"connections" must be an integer from 1 to 1024/],
      [{ ...ok, bytes: 1.5 }, /"bytes" must be an integer/],
      [{ ...ok, colour: 'red' }, /unknown field "colour"/],
      [{ ...ok, impairment: { loss: 2 } }, /"impairment.loss" must be a number from 0 to 1, got 2/],
      [{ ...ok, impairment: { snow: 1 } }, /unknown impairment "snow"/],
      [{ ...ok, upload: { at: 0.5, reoffloadAt: 0.4 } }, /"upload.reoffloadAt" must come after "upload.at"/],
      [{ ...ok, isn: { a: -1, b: 0 } }, /"isn.a" must be an integer from 0 to 4294967295/],
      [{ ...ok, name: '' }, /"name" must be a non-empty string/],
      [{ ...ok, occupied: 1025 }, /"occupied" must be an integer from 0 to 1024, got 1025/],
      [{ ...ok, maxSendNbl: 0 }, /"maxSendNbl" must be an integer from 1 to 1048576, got 0/],
    ];
    for (const [raw, message] of bad) {
      expect(() => checkScenario(raw, 'f.json')).toThrow(ScenarioError);
      expect(() => checkScenario(raw, 'f.json')).toThrow(message);
      expect(() => checkScenario(raw, 'f.json')).toThrow(/^f\.json: /);
    }
  });

  it('says why a file cannot be used: missing, or not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flue-scenario-'));
    expect(() => loadScenario(join(dir, 'none.json'))).toThrow(/none\.json: cannot read it/);
    writeFileSync(join(dir, 'broken.json'), '{ "name": ');
    expect(() => loadScenario(join(dir, 'broken.json'))).toThrow(/broken\.json: not valid JSON/);
  });
});

describe('the delayed ACK of a scenario', () => {
  it("is TCP's 40 ms on stacks and cards alike, scaled down with the RTO, in the card's 1 ms ticks as a UCHAR", () => {
    expect(scenarioDelayedAckMs(undefined)).toBe(40);
    expect(scenarioDelayedAckMs(3)).toBe(1);
    expect(scenarioDelayedAckMs(1)).toBe(1);
    expect(scenarioDelayedAckMs(30)).toBe(10);
    expect(delayedAckTicks(40)).toBe(40);
    expect(delayedAckTicks(0.2)).toBe(1);
    expect(delayedAckTicks(1000)).toBe(255);
  });
});
