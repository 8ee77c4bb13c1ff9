/**
 * Reading what the original program printed: its stacked models' per-epoch "Training error:" lines
 * and the final "Test error: X %" line, so that a study records the original's figures beside
 * ours.
 *
 * @module
 */

/**
 * What one run of the original's `stacked-model.py` or `RD-stacked-model.py` reached.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { OriginalRun } from "./mod.ts";
 * const r: OriginalRun = { testError: 0.1153, trainError: 0.124, epochs: 100 };
 * assertEquals(r.epochs, 100);
 * ```
 */
export interface OriginalRun {
  /** Test error (a fraction). */
  testError: number;
  /** Training error of the last epoch (a fraction). */
  trainError: number;
  /** Epochs run. */
  epochs: number;
}

/**
 * Reads the original program's output: the last "Training error:" line, how many there are, and
 * the "Test error: X %" line.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseOriginalLog } from "./mod.ts";
 * const log = "Loss at epoch 1 : 0.05\nTraining error: 0.2\nLoss at epoch 2 : 0.04\n" +
 *   "Training error: 0.125\nTest error: 11.53 %\n";
 * assertEquals(parseOriginalLog(log, "dense-1234.log"), { testError: 0.1153, trainError: 0.125, epochs: 2 });
 * ```
 *
 * @param text What the program printed.
 * @param where The file it came from, for the message.
 * @returns The test error, the last training error and the epochs.
 * @throws {SyntaxError} When there is no training error or no test error line.
 */
export function parseOriginalLog(text: string, where: string): OriginalRun {
  const train = [...text.matchAll(/^Training error:\s*(\S+)\s*$/gm)].map((m) => Number(m[1]));
  const test = /^Test error:\s*(\S+)\s*%\s*$/m.exec(text);
  if (!train.length || !test || !train.every(Number.isFinite) || !Number.isFinite(+test[1])) {
    throw new SyntaxError(
      `Cannot read the original program's output ${where}: it needs "Training error:" lines and a "Test error: X %" line`,
    );
  }
  // "X %" is 100 times the fraction, printed by Python: round away the float noise of the product.
  return {
    testError: Math.round(Number(test[1]) * 1e6) / 1e8,
    trainError: train.at(-1)!,
    epochs: train.length,
  };
}
