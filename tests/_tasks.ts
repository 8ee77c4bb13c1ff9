// Runs the project's scripts the way `deno task` does, with each task's own permission flags.

const root = new URL("..", import.meta.url).pathname;

/** Runs `deno ARGS` in the project directory and collects its exit code and output. */
export async function runDeno(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/** The arguments of `deno` that run a script as its deno task does (the same permission flags). */
function taskArgs(task: string, args: string[]): string[] {
  const tasks = JSON.parse(Deno.readTextFileSync(`${root}/deno.json`)).tasks as Record<
    string,
    string
  >;
  const words = tasks[task].split(" ").slice(1); // drop "deno"
  return [...words.slice(0, 1), "--no-prompt", ...words.slice(1), ...args];
}

/** Runs a script as its deno task does (the same permission flags). */
export function runTask(task: string, args: string[], env: Record<string, string> = {}) {
  return runDeno(taskArgs(task, args), env);
}

/** Starts a script as its deno task does, its output discarded, to kill it midway. */
export function spawnTask(task: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: taskArgs(task, args),
    cwd: root,
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** A fresh directory under data/ (where the tasks may write), relative to the project. */
export async function tmpOut(): Promise<string> {
  const dir = `data/test-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(`${root}/${dir}`, { recursive: true });
  return dir;
}

/**
 * Runs independent jobs (processes that write nothing another one reads) a few at a time: on two
 * cores the start-up of one overlaps another's. The results come in the order of the jobs.
 */
export async function runAll<T>(jobs: (() => Promise<T>)[], at = 4): Promise<T[]> {
  const results = new Array<T>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(at, jobs.length) }, worker));
  return results;
}
