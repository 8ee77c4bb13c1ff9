import { assertEquals, assertThrows } from "@std/assert";
import { UsageError } from "../../src/cli/options.ts";
import { sbatchArgs, SITE_OPTIONS, siteOption } from "../../src/cluster/sbatch_options.ts";

/** Values that would run a command, add a directive or split a word if written raw. */
const HOSTILE = [
  "01:00:00\ntouch pwned",
  "short\r#SBATCH --wrap=id",
  "$(touch pwned)",
  "`touch pwned`",
  "a'b",
  'a"b',
  "a b",
  "#SBATCH --exclusive",
  "50%",
  "x;id",
  "",
];

Deno.test("every site option refuses values sbatch would not read as one value, naming the option", () => {
  for (const name of SITE_OPTIONS) {
    for (const value of HOSTILE) {
      const e = assertThrows(() => siteOption(name, value), UsageError);
      assertEquals(e.message.startsWith(`--${name} must be `), true, e.message);
      assertEquals(e.message.split("\n").length, 1, e.message);
    }
  }
});

Deno.test("site options take the forms sbatch documents", () => {
  for (const t of ["30", "30:00", "12:00:00", "2-00", "2-12:00", "2-12:00:00", "UNLIMITED"]) {
    assertEquals(siteOption("time", t), `--time=${t}`);
  }
  for (const m of ["4096", "4G", "512m", "1T"]) assertEquals(siteOption("mem", m), `--mem=${m}`);
  assertEquals(siteOption("partition", "short,long-gpu"), "--partition=short,long-gpu");
  assertEquals(siteOption("account", "proj_42.a"), "--account=proj_42.a");
  assertEquals(siteOption("qos", "normal"), "--qos=normal");
  for (const [name, value] of [["time", "1:2:3:4"], ["mem", "4GB"], ["partition", "a,,b"]]) {
    assertThrows(() => siteOption(name as "time", value), UsageError, `--${name}`);
  }
});

Deno.test("--sbatch-args takes --opt value as well as --opt=value, and refuses what dfa sets", () => {
  assertEquals(sbatchArgs("--constraint=avx2 --exclusive"), ["--constraint=avx2", "--exclusive"]);
  assertEquals(sbatchArgs("--constraint avx2 --exclusive"), ["--constraint=avx2", "--exclusive"]);
  assertEquals(sbatchArgs("  --exclusive   --gres gpu:1 -C avx2 -N2 "), [
    "--exclusive",
    "--gres=gpu:1",
    "-Cavx2",
    "-N2",
  ]);
  assertEquals(sbatchArgs("--comment=$(id)`id`'q'\"d\"%#SBATCH"), [
    "--comment=$(id)`id`'q'\"d\"%#SBATCH",
  ]);
  for (
    const [text, named] of [
      ["--exclusive\ntouch pwned", "--sbatch-args"],
      ["--output=/tmp/x", "--output"],
      ["-o /tmp/x", "--output"],
      ["--array 1-3", "--array"],
      ["--dependency=afterok:1", "--dependency"],
      ["--wrap=id", "--wrap"],
      ["avx2", "avx2"],
      ["--comment=a b", ": b"],
    ]
  ) {
    const e = assertThrows(() => sbatchArgs(text), UsageError);
    assertEquals(e.message.includes(named), true, `${text}: ${e.message}`);
    assertEquals(e.message.split("\n").length, 1, e.message);
  }
});
