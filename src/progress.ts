// Progress of long stages on stderr: counts (x of N), recent rate and time left, throttled; quick stages stay silent.

/** Where progress goes: stderr in the CLI, a buffer in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  /** A terminal gets one line rewritten in place; anything else (a log, CI) plain lines, fewer of them. */
  isTTY?: boolean;
  /** The terminal's width: a rewritten line must not wrap, or `\r` rewrites only its last row. */
  columns?: number;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  /** Milliseconds; injectable for tests. */
  now?: () => number;
  /** A stage shows nothing until it has run this long (default 1 s), so quick builds and tests stay quiet. */
  quietMs?: number;
  /** Least time between two updates on a terminal (default 0.25 s) and elsewhere (default 5 s). */
  ttyIntervalMs?: number;
  plainIntervalMs?: number;
  /** The terminal type (default: $TERM); a "dumb" terminal cannot clear a line, so it gets plain lines. */
  term?: string;
}

/**
 * The rate shown, and the time left, are over about the last this many milliseconds: a stage that starts slowly
 * (threads starting, a cold cache) or slows down is not judged by its whole past.
 */
const RATE_WINDOW_MS = 10_000;

/** One stage's counter: `add` or `set` as work is done, `end` once (prints the total if the stage was shown). */
export interface StageProgress {
  add(n?: number): void;
  set(done: number): void;
  /** The total, once known (for stages that learn it on the way). */
  total(n: number): void;
  end(): void;
}

/** Makes stage counters; `none` is the one that prints nothing (library use, tests that do not look). */
export interface Progress {
  stage(name: string, options?: { total?: number; unit?: string; bytes?: boolean }): StageProgress;
}

const SILENT: StageProgress = { add() {}, set() {}, total() {}, end() {} };
export const noProgress: Progress = { stage: () => SILENT };

const count = (n: number) => Math.round(n).toLocaleString('en-GB');

function size(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} kB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

function duration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Progress on a stream, which a command closes when it stops, whether its stages ended or not. */
export interface ClosableProgress extends Progress {
  /** Ends a terminal line left open by a stage that did not end (the command failed), so what follows starts clean. */
  close(): void;
}

/** Progress lines on a stream (default: stderr), each starting with "… " so logs and tests can tell them apart. */
export function progressOn(options: ProgressOptions = {}): ClosableProgress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const quiet = options.quietMs ?? 1000;
  const tty = stream.isTTY === true && (options.term ?? process.env.TERM) !== 'dumb';
  const interval = tty ? (options.ttyIntervalMs ?? 250) : (options.plainIntervalMs ?? 5000);
  // A terminal line is open from a stage's first update until that stage ends.
  let lineOpen = false;
  return {
    close() {
      if (lineOpen) stream.write('\n');
      lineOpen = false;
    },
    stage(name, o = {}) {
      const started = now();
      const unit = o.unit ?? '';
      let total = o.total;
      let done = 0;
      let shownAt: number | undefined;
      // Points (time, done) of the stage, thinned to a few per window; the first is the newest one at least a
      // window old (or the start), so the rate spans at least a window once the stage is that old.
      const points: { t: number; done: number }[] = [{ t: started, done: 0 }];
      const what = (n: number) => (o.bytes ? size(n) : `${count(n)}${unit ? ` ${unit}` : ''}`);
      const perSecond = (n: number) => `${o.bytes ? size(n) : count(n)}/s`;
      const recentRate = (t: number): number => {
        const last = points[points.length - 1];
        if (last && t - last.t >= RATE_WINDOW_MS / 10) points.push({ t, done });
        while (points.length > 2 && (points[1]?.t ?? t) <= t - RATE_WINDOW_MS) points.shift();
        const from = points[0] ?? { t: started, done: 0 };
        return t > from.t ? ((done - from.done) / (t - from.t)) * 1000 : 0;
      };
      const line = (t: number): string => {
        const rate = recentRate(t);
        const ofTotal = (t: number) => (o.bytes ? ` of ${size(t)}` : ` of ${count(t)}${unit ? ` ${unit}` : ''}`);
        const of = total !== undefined ? ofTotal(total) : '';
        const amount = total !== undefined && !o.bytes ? `${count(done)}${of}` : `${what(done)}${of}`;
        const speed = rate > 0 ? `, ${perSecond(rate)}` : '';
        const remaining = total !== undefined && rate > 0 && done < total ? ((total - done) / rate) * 1000 : undefined;
        const left =
          remaining === undefined ? '' : remaining < 1000 ? ', under 1 s left' : `, about ${duration(remaining)} left`;
        return `… ${name}: ${amount}${speed}${left}`;
      };
      const show = (text: string, final: boolean) => {
        const width = stream.columns;
        const fitted = tty && width !== undefined && text.length >= width ? `${text.slice(0, width - 2)}…` : text;
        if (tty) {
          stream.write(`\r${fitted}\u001b[K${final ? '\n' : ''}`);
          lineOpen = !final;
        } else stream.write(`${text}\n`);
      };
      const update = () => {
        const t = now();
        if (t - started < quiet) return;
        if (shownAt !== undefined && t - shownAt < interval) return;
        shownAt = t;
        show(line(t), false);
      };
      return {
        add(n = 1) {
          done += n;
          update();
        },
        set(d) {
          done = d;
          update();
        },
        total(n) {
          total = n;
        },
        end() {
          const t = now();
          // A stage that was never shown and ended quickly leaves no trace.
          if (shownAt === undefined && t - started < quiet) return;
          const elapsed = t - started;
          const rate = elapsed > 0 && done > 0 ? `, ${perSecond((done / elapsed) * 1000)}` : '';
          show(`… ${name}: ${what(done)} in ${duration(elapsed)}${rate}`, true);
        },
      };
    },
  };
}
