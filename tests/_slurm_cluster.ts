// A real single-node Slurm cluster for the tests (Debian's slurm-wlm): a slurm.conf in a temp
// directory, slurmctld and slurmd in the foreground as child processes, stopped by their PIDs.
// No cgroups, no munge, no accounting: proctrack/linuxproc, task/none, auth/none.

/** A running cluster: the environment that points Slurm's commands at it, and how to stop it. */
export interface Cluster {
  env: { SLURM_CONF: string };
  dir: string;
  stop(): Promise<void>;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function have(cmd: string): boolean {
  try {
    new Deno.Command(cmd, { args: ["-V"], stdout: "null", stderr: "null" }).outputSync();
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts slurmctld and slurmd, and waits until the node is idle.
 *
 * @throws {Error} When Slurm is not installed or does not come up, with the reason and its logs.
 */
export async function startCluster(): Promise<Cluster> {
  for (const cmd of ["slurmctld", "slurmd", "sbatch", "sinfo", "scontrol"]) {
    if (!have(cmd)) {
      throw new Error(
        `Cannot start Slurm: ${cmd} is not installed (bash scripts/setup.sh --dev installs slurm-wlm)`,
      );
    }
  }
  const dir = await Deno.makeTempDir({ prefix: "dfa-slurm-" });
  for (const d of ["state", "spool", "log"]) await Deno.mkdir(`${dir}/${d}`);
  const conf = `${dir}/slurm.conf`;
  const ctld = freePort();
  let d = freePort();
  while (d === ctld) d = freePort();
  Deno.writeTextFileSync(
    conf,
    [
      `ClusterName=dfatest${ctld}`,
      "SlurmctldHost=localhost",
      `SlurmctldPort=${ctld}`,
      `SlurmdPort=${d}`,
      "AuthType=auth/none",
      "CredType=cred/none",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_Core",
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "JobAcctGatherType=jobacct_gather/none",
      "AccountingStorageType=accounting_storage/none",
      "MpiDefault=none",
      // A submitted batch job is scheduled at once, not up to batch_sched_delay (3 s) later.
      "SchedulerParameters=batch_sched_delay=0",
      "MailProg=/bin/true",
      "SlurmUser=root",
      "SlurmdUser=root",
      "ReturnToService=2",
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/log/slurmctld.log`,
      `SlurmdLogFile=${dir}/log/slurmd.log`,
      `NodeName=n1 NodeHostname=localhost NodeAddr=127.0.0.1 CPUs=${navigator.hardwareConcurrency} State=UNKNOWN`,
      "PartitionName=debug Nodes=n1 Default=YES MaxTime=INFINITE State=UP",
      "",
    ].join("\n"),
  );
  const env = { SLURM_CONF: conf };
  const spawn = (cmd: string, args: string[]) =>
    new Deno.Command(cmd, { args, env, stdin: "null", stdout: "null", stderr: "null" }).spawn();
  const daemons = [spawn("slurmctld", ["-D"]), spawn("slurmd", ["-D", "-N", "n1"])];
  const stop = async () => {
    for (const p of daemons) {
      try {
        p.kill("SIGTERM");
      } catch { /* already gone */ }
    }
    await Promise.all(daemons.map((p) => p.status));
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const logs = () =>
    ["slurmctld", "slurmd"].map((n) => {
      try {
        return `${n}: ${
          Deno.readTextFileSync(`${dir}/log/${n}.log`).trim().split("\n").slice(-3).join(" | ")
        }`;
      } catch {
        return `${n}: no log`;
      }
    }).join("; ");
  for (let i = 0; i < 150; i++) {
    const r = new Deno.Command("sinfo", {
      args: ["-h", "-n", "n1", "-o", "%t"],
      env,
      stdout: "piped",
      stderr: "null",
    })
      .outputSync();
    if (new TextDecoder().decode(r.stdout).trim() === "idle") return { env, dir, stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  const why = logs();
  await stop();
  throw new Error(`Cannot start Slurm: node n1 is not idle after 30 s; ${why}`);
}
