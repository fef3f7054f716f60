/** The real CLI as a child process: booted until its banner is out, stopped with SIGTERM. */
import { type ChildProcess, spawn } from "node:child_process";

const tsx = ["--import", "tsx", "src/cli.ts"];

export interface Booted {
  child: ChildProcess;
  url: string;
  token: string;
  banner: string;
}

/**
 * Starts the CLI (without the webhook variables of the environment it runs in, plus `env`) and
 * resolves once its banner is out.
 */
export function boot(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Booted> {
  const child = spawn(process.execPath, [...tsx, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, POLAR_EMULATOR_WEBHOOK_URL: "", POLAR_EMULATOR_WEBHOOK_SECRET: "", ...env },
  });
  let stdout = "";
  let stderr = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the CLI printed no banner within 60 s:\n${stdout}\n${stderr}`));
    }, 60_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the CLI exited (${code}) before its banner:\n${stdout}\n${stderr}`));
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      if (!stdout.includes("control plane")) return;
      const url = /is listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      const token = /access token\s+(polar_oat_[A-Za-z0-9]{43})/.exec(stdout)?.[1];
      if (!url || !token) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({ child, url, token, banner: stdout });
    });
  });
}

export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(term);
      clearTimeout(kill);
      resolve();
    };
    // SIGKILL after 10 s; give up waiting 2 s later (the exit event can be missed once stdio closed).
    const term = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const kill = setTimeout(done, 12_000);
    child.once("exit", done);
    child.once("close", done);
    child.stdout?.resume();
    child.stderr?.resume();
    child.kill("SIGTERM");
  });
}
