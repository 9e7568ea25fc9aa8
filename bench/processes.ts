import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

interface Proc {
  pid: number;
  command: string;
  rssMb: number;
  /** Proportional set size: pages shared with other processes (the node binary npm also maps) counted in part. */
  pssMb: number;
}

/** The process and its descendants (from /proc), each with its resident memory. */
export function processTree(root: number): Proc[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: Proc[] = [];
  const walk = (pid: number) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      out.push({
        pid,
        command: cmdline
          .slice(0, 3)
          .map((part) => path.basename(part))
          .join(" "),
        rssMb: Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024,
        pssMb:
          Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0) /
          1024,
      });
    } catch {
      return;
    }
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return out;
}

/**
 * How `npm start` starts the server in a checkout, from its package.json (environment assignments, node and
 * its flags, the script), without npm: `tsx x.ts` becomes `node --import tsx x.ts`.
 */
export function startCommand(dir: string): { env: Record<string, string>; args: string[] } {
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  const env: Record<string, string> = {};
  const args: string[] = [];
  for (const word of pkg.scripts.start.split(/\s+/).filter(Boolean)) {
    const assignment = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(word);
    if (assignment && args.length === 0) env[assignment[1]!] = assignment[2]!;
    else if (word === "exec" || word === "node") continue;
    else if (word === "tsx") args.push("--import", "tsx");
    else args.push(word);
  }
  return { env, args };
}

/** The process listening on a local TCP port (Linux `ss`): the server a launcher or `next start` runs. */
export function listenerPid(port: number): number {
  const line = execFileSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" });
  const pid = /pid=(\d+)/.exec(line)?.[1];
  if (!pid) throw new Error(`no process listens on ${port}`);
  return Number(pid);
}
