/**
 * @module pipeline/stage-progress
 * Progress of one stage on stderr: done/total, rate, ETA and tokens. A redrawn bar (cli-progress) on a terminal;
 * plain lines at most every few seconds (and at the end) in CI and pipes.
 */
import cliProgress from 'cli-progress';

export interface ProgressSink {
  write: (text: string) => void;
  interactive: boolean;
  /** Seconds between plain lines (non-interactive). Default 5. */
  intervalSeconds?: number;
}

export interface StageProgress {
  /** `amount` units done, `tokens` spent by them (0 for cache hits and stored units). */
  tick(amount?: number, tokens?: number): void;
  finish(): void;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** Starts the progress display of a stage with `total` units, `alreadyDone` of which were stored by an earlier run. */
export function startStageProgress(
  sink: ProgressSink | undefined,
  options: { stage: string; total: number; alreadyDone?: number },
): StageProgress {
  const started = Date.now();
  const alreadyDone = options.alreadyDone ?? 0;
  let done = alreadyDone;
  let tokens = 0;
  if (!sink) return { tick() {}, finish() {} };
  const describe = () => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? (done - alreadyDone) / seconds : 0;
    // Nothing left (everything stored earlier, or an empty stage) is 0s to go, not an unknown ETA.
    const eta = done >= options.total ? 0 : rate > 0 ? (options.total - done) / rate : Number.POSITIVE_INFINITY;
    return { rate: rate.toFixed(2), eta: formatDuration(eta), tokens: tokens.toLocaleString('en-US') };
  };
  if (sink.interactive) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${options.stage.padEnd(9)} [{bar}] {value}/{total} | {rate}/s | ETA {etaText} | {tokens} tokens`,
        stream: { write: (text: string) => sink.write(text), isTTY: true } as unknown as NodeJS.WritableStream,
        hideCursor: false,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(options.total, done, { rate: '0.00', etaText: '?', tokens: '0' });
    return {
      tick(amount = 1, spent = 0) {
        done += amount;
        tokens += spent;
        const { rate, eta } = describe();
        bar.update(done, { rate, etaText: eta, tokens: tokens.toLocaleString('en-US') });
      },
      finish() {
        const { rate } = describe();
        bar.update(done, { rate, etaText: '0s', tokens: tokens.toLocaleString('en-US') });
        bar.stop();
      },
    };
  }
  const interval = (sink.intervalSeconds ?? 5) * 1000;
  let lastLine = 0;
  const line = () => {
    const { rate, eta, tokens: spent } = describe();
    sink.write(
      `${options.stage}: ${done}/${options.total}${alreadyDone > 0 ? ` (${alreadyDone} stored earlier)` : ''}, ${rate}/s, ETA ${eta}, ${spent} tokens\n`,
    );
    lastLine = Date.now();
  };
  return {
    tick(amount = 1, spent = 0) {
      done += amount;
      tokens += spent;
      if (Date.now() - lastLine >= interval && done < options.total) line();
    },
    finish() {
      line();
    },
  };
}
