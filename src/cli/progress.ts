// Progress for long runs: a live line with rate and ETA on a terminal, a plain line every few
// seconds when output is not a terminal, nothing when quiet. The scripts write it to stderr, so
// that stdout stays the results (and --json's last line).

/** Where progress goes: a stream such as `Deno.stderr`. */
export interface ProgressSink {
  writeSync(bytes: Uint8Array): number;
  isTerminal(): boolean;
}

export class Progress {
  #quiet: boolean;
  #tty: boolean;
  #start = 0;
  #last = 0;
  #label = "";
  #encoder = new TextEncoder();
  #sink: ProgressSink;

  constructor(quiet: boolean, sink: ProgressSink) {
    this.#quiet = quiet;
    this.#sink = sink;
    this.#tty = sink.isTerminal();
  }

  /** Starts a new task, e.g. "dfa epoch 3/100". */
  start(label: string): void {
    this.#label = label;
    this.#start = this.#last = performance.now();
  }

  /** Reports `done` of `total` units of the current task. */
  tick(done: number, total: number, unit = "batches"): void {
    if (this.#quiet) return;
    const now = performance.now();
    if (now - this.#last < (this.#tty ? 100 : 10_000) && done < total) return;
    this.#last = now;
    const secs = (now - this.#start) / 1000, rate = done / Math.max(secs, 1e-9);
    const eta = rate > 0 ? (total - done) / rate : 0;
    const width = 24, filled = Math.round((done / total) * width);
    const line =
      `${this.#label} [${"#".repeat(filled)}${
        "-".repeat(width - filled)
      }] ${done}/${total} ${unit}, ` +
      `${rate.toFixed(rate < 10 ? 1 : 0)}/s, ETA ${eta.toFixed(0)} s`;
    if (this.#tty) this.#sink.writeSync(this.#encoder.encode(`\r\x1b[2K${line}`));
    else if (done < total) this.#sink.writeSync(this.#encoder.encode(`${line}\n`));
  }

  /** Clears the live line before a result is printed. */
  clear(): void {
    if (this.#tty && !this.#quiet) this.#sink.writeSync(this.#encoder.encode("\r\x1b[2K"));
  }
}
