// The rows of an experiment file: each checked (its architecture fits, its rules can train it, its
// published figures), then expanded into one row per combination of the sweeps it sees.
import { type Activation, parseArchitecture, type Rule, RULES } from "../../mod.ts";
import { networkConfig } from "../model/mod.ts";
import {
  ACTIVATIONS,
  distinct,
  fail,
  imageShape,
  isSweep,
  keys,
  num,
  object,
  oneOf,
  partialRecipe,
  ruleRecipes,
  shortName,
  str,
} from "./experiment_checks.ts";
import {
  cellRecipe,
  type Experiment,
  type ExperimentRow,
  type Published,
  sweepLabel,
} from "./experiment.ts";

/** Every combination of the swept fields' values, in the order the fields appear. */
function combinations(sweeps: [string, unknown[]][]): Record<string, unknown>[] {
  return sweeps.reduce<Record<string, unknown>[]>(
    (acc, [field, values]) => acc.flatMap((c) => values.map((v) => ({ ...c, [field]: v }))),
    [{}],
  );
}

/** One row of the file: checked, then one row per combination of the sweeps it sees. */
export function expandRow(
  exp: Experiment,
  fileRecipe: Record<string, unknown>,
  v: unknown,
  at: string,
): ExperimentRow[] {
  const o = object(v, at);
  const known = ["name", "about", "arch", "activation", "input", "rules", "recipe", "ruleRecipes"];
  keys(o, at, [...known, "published"], ["name", "arch"]);
  if (o.about !== undefined) str(o.about, `${at}.about`);
  const rowRecipe = partialRecipe(o.recipe === undefined ? {} : o.recipe, `${at}.recipe`, true);
  const rules = o.rules === undefined ? exp.rules : distinct(oneOf(RULES))(o.rules, `${at}.rules`);
  const input = o.input === undefined ? exp.input : imageShape(o.input, `${at}.input`);
  const base: Omit<ExperimentRow, "fileRecipe"> = {
    name: shortName(o.name, `${at}.name`) as string,
    arch: str(o.arch, `${at}.arch`) as string,
    activation:
      (o.activation === undefined
        ? "tanh"
        : oneOf(ACTIVATIONS)(o.activation, `${at}.activation`)) as Activation,
    input: input as [number, number, number],
    rules: rules as Rule[],
    published: published(exp, o.published, `${at}.published`),
    recipe: {},
    ruleRecipes: ruleRecipes(o.ruleRecipes, `${at}.ruleRecipes`),
  };
  for (const rule of Object.keys(base.ruleRecipes)) {
    if (!base.rules.includes(rule as Rule)) {
      fail(`${at}.ruleRecipes.${rule}`, `the row does not run ${rule} (${base.rules.join(", ")})`);
    }
  }
  for (const rule of Object.keys(base.published)) {
    if (!base.rules.includes(rule as Rule)) {
      fail(`${at}.published.${rule}`, `the row does not run ${rule} (${base.rules.join(", ")})`);
    }
  }
  // The sweeps this row sees: the file's fields the row does not set, then the row's own.
  const sweeps = [
    ...Object.entries(fileRecipe).filter(([k, x]) => isSweep(k, x) && !(k in rowRecipe)),
    ...Object.entries(rowRecipe).filter(([k, x]) => isSweep(k, x)),
  ] as [string, unknown[]][];
  return combinations(sweeps).map((choice) => {
    const fromFile = Object.entries(choice).filter(([k]) => !(k in rowRecipe));
    const row: ExperimentRow = {
      ...base,
      name: [base.name, ...Object.entries(choice).map(([k, x]) => sweepLabel(k, x))].join(", "),
      // A file-level sweep's value ranks as the file's own would: under the rule overrides.
      fileRecipe: { ...exp.recipe, ...Object.fromEntries(fromFile) },
      recipe: {
        ...stripSweeps(rowRecipe),
        ...Object.fromEntries(Object.entries(choice).filter(([k]) => k in rowRecipe)),
      },
    };
    checkRow(exp, row, at);
    return row;
  });
}

export function stripSweeps(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => !isSweep(k, v)));
}

function published(
  exp: Experiment,
  v: unknown,
  at: string,
): Partial<Record<Rule, Published>> {
  const o = object(v === undefined ? {} : v, at);
  keys(o, at, [...RULES]);
  return Object.fromEntries(
    Object.entries(o).map(([rule, p]) => {
      const f = `${at}.${rule}`;
      if (typeof p === "number") {
        return [rule, { value: num(0, 100)(p, f) as number, source: exp.source, seen: exp.seen }];
      }
      if (typeof p !== "object" || p === null || Array.isArray(p)) {
        fail(f, "must be a number or an object (value, source, seen)", p);
      }
      const q = p as Record<string, unknown>;
      keys(q, f, ["value", "source", "seen"], ["value"]);
      if (q.seen !== undefined && typeof q.seen !== "boolean") {
        fail(`${f}.seen`, "must be true or false", q.seen);
      }
      return [rule, {
        value: num(0, 100)(q.value, `${f}.value`) as number,
        source: q.source === undefined ? exp.source : str(q.source, `${f}.source`) as string,
        seen: q.seen === undefined ? exp.seen : q.seen as boolean,
      }];
    }),
  );
}

/** Each of the row's cells: a full recipe, an architecture that fits, a rule that trains it. */
function checkRow(exp: Experiment, row: ExperimentRow, at: string): void {
  let arch;
  try {
    arch = parseArchitecture(row.arch, row.input, 10, row.activation);
  } catch (error) {
    fail(`${at}.arch`, (error as Error).message);
  }
  for (const rule of row.rules) {
    const r = cellRecipe(exp, row, rule);
    try {
      networkConfig({ ...arch!, rule, loss: r.loss, feedbackAt: r.feedbackAt });
    } catch (error) {
      fail(`${at}.rules`, `${rule} cannot train ${row.arch}: ${(error as Error).message}`);
    }
    if (r.rho !== undefined && r.optimizer !== "rmsprop") {
      fail(at, `${rule}'s rho is RMSprop's, and its optimizer is ${r.optimizer}`, r.rho);
    }
    if (r.shift >= Math.min(row.input[1], row.input[2])) {
      fail(at, `${rule}'s shift must be smaller than the image (${row.input.join("×")})`, r.shift);
    }
  }
}
