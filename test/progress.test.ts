// Progress lines on a fake clock: count, recent rate and time left on every stage; one line on a terminal, few in a log.
import { describe, expect, it } from 'vitest';
import { progressOn, type ProgressStream } from '../src/progress.ts';

/** A stream that keeps what is written, and a clock the test moves: no real waits. */
function fake(isTTY: boolean, columns?: number) {
  const stream: ProgressStream & { text: string } = {
    text: '',
    isTTY,
    ...(columns !== undefined ? { columns } : {}),
    write: (s: string) => (stream.text += s),
  };
  const clock = { t: 0 };
  return { stream, clock, now: () => clock.t };
}

describe('progress of a stage', () => {
  it('gives the time left from the recent rate, not from a slow start', () => {
    const { stream, clock, now } = fake(false);
    const s = progressOn({ stream, now }).stage('checking the shapes (SHACL)', { unit: 'batches', total: 1000 });
    // Threads starting: 10 batches in the first 20 s, then 10 a second.
    clock.t = 20_000;
    s.set(10);
    for (let t = 25_000; t <= 60_000; t += 5000) {
      clock.t = t;
      s.add(50);
    }
    const last = stream.text.trim().split('\n').at(-1);
    // 410 of 1000 at 10/s: 59 s left; the average since the start (6.8/s) would say about 1 min 27 s.
    expect(last).toBe('… checking the shapes (SHACL): 410 of 1,000 batches, 10/s, about 59 s left');
  });

  it('ends with the total, the time taken and the average rate', () => {
    const { stream, clock, now } = fake(false);
    const s = progressOn({ stream, now }).stage('reading records', { unit: 'files' });
    clock.t = 4000;
    s.set(10_000);
    s.end();
    expect(stream.text.split('\n').at(-2)).toBe('… reading records: 10,000 files in 4.0 s, 2,500/s');
  });

  it('shows the time left once a stage learns its total on the way', () => {
    const { stream, clock, now } = fake(false);
    const s = progressOn({ stream, now, plainIntervalMs: 0 }).stage('writing pages', { unit: 'files' });
    clock.t = 2000;
    s.add(100);
    s.total(1100);
    clock.t = 4000;
    s.add(100);
    expect(stream.text).toBe(
      '… writing pages: 100 files, 50/s\n' + '… writing pages: 200 of 1,100 files, 50/s, about 18 s left\n',
    );
  });

  it('counts bytes against a known size', () => {
    const { stream, clock, now } = fake(false);
    const s = progressOn({ stream, now }).stage('loading the store', { bytes: true, total: 100 * 1024 * 1024 });
    clock.t = 2000;
    s.add(20 * 1024 * 1024);
    expect(stream.text).toBe('… loading the store: 20.0 MB of 100.0 MB, 10.0 MB/s, about 8.0 s left\n');
  });

  it('in a log writes a dozen plain lines over a minute of a thousand updates', () => {
    const { stream, clock, now } = fake(false);
    const s = progressOn({ stream, now }).stage('mapping to RDF', { unit: 'records', total: 60_000 });
    for (let i = 1; i <= 1000; i++) {
      clock.t = i * 60;
      s.add(60);
    }
    s.end();
    const lines = stream.text.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(11);
    expect(lines.length).toBeLessThanOrEqual(13);
    expect(stream.text).not.toMatch(/[\r\u001b]/);
    expect(lines.slice(0, -1).every((l) => /^… mapping to RDF: [\d,]+ of 60,000 records, 1,000\/s, /.test(l))).toBe(
      true,
    );
    expect(lines.at(-1)).toBe('… mapping to RDF: 60,000 records in 1 min 0 s, 1,000/s');
  });

  it('on a terminal rewrites one line that never wraps, and ends it with a newline', () => {
    const { stream, clock, now } = fake(true, 40);
    const s = progressOn({ stream, now }).stage('checking the shapes (SHACL)', { unit: 'statements', total: 1e6 });
    for (let i = 1; i <= 40; i++) {
      clock.t = 1000 + i * 100;
      s.add(10_000);
    }
    s.end();
    const rewrites = stream.text.split('\r').filter(Boolean);
    expect(rewrites.length).toBeGreaterThan(5);
    expect(stream.text.match(/\n/g)).toHaveLength(1);
    expect(stream.text.endsWith('\n')).toBe(true);
    for (const r of rewrites) expect(r.replace(/\u001b\[K\n?$/, '').length).toBeLessThan(40);
    expect(rewrites[0]).toBe('… checking the shapes (SHACL): 10,000 …\u001b[K');
  });

  it('on a dumb terminal, which cannot clear a line, writes plain lines', () => {
    const { stream, clock, now } = fake(true);
    const s = progressOn({ stream, now, term: 'dumb' }).stage('writing dataset.nt', { bytes: true });
    clock.t = 1500;
    s.add(1024 * 1024);
    s.end();
    expect(stream.text).toBe(
      '… writing dataset.nt: 1.0 MB, 683 kB/s\n… writing dataset.nt: 1.0 MB in 1.5 s, 683 kB/s\n',
    );
  });
});

describe('a command that stops in the middle of a stage', () => {
  it('ends the open terminal line, so its error starts on a line of its own', () => {
    const { stream, clock, now } = fake(true);
    const progress = progressOn({ stream, now });
    const s = progress.stage('reading records', { unit: 'files', total: 100 });
    clock.t = 2000;
    s.add(10);
    progress.close();
    stream.write('error: data/projects/x.yaml:3:1: …\n');
    expect(stream.text).toBe(
      '\r… reading records: 10 of 100 files, 5/s, about 18 s left\u001b[K\nerror: data/projects/x.yaml:3:1: …\n',
    );
  });

  it('writes nothing more when every stage ended', () => {
    const { stream, clock, now } = fake(true);
    const progress = progressOn({ stream, now });
    const s = progress.stage('reading records', { unit: 'files' });
    clock.t = 2000;
    s.add(10);
    s.end();
    const before = stream.text;
    progress.close();
    expect(stream.text).toBe(before);
  });
});
