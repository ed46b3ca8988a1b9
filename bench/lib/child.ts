import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The measured parts of the benchmarks run in child processes of their own (`node --import tsx`):
 * a fresh heap and JIT for each, a resident set size that is theirs alone, and a server that
 * does not share its event loop with the load generator. They talk to the runner over IPC:
 * `process.send({ type, ... })` in the child, `next(type)` here.
 */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ChildMessage {
  type: string;
}

export interface Child {
  pid: number;
  /** The next message of this type (earlier messages of other types are kept); rejects if the child exits first. */
  next<T extends ChildMessage>(type: string, timeoutMs?: number): Promise<T>;
  send(message: ChildMessage & object): void;
  /** Waits for the child to end; sends SIGTERM at once when `kill`, else after 10 s. */
  stop(kill?: boolean): Promise<number | null>;
}

/** Starts bench/child/<name>.ts with `args`; its stdout is dropped (a server logs there), stderr goes to ours. */
export function startChild(name: string, args: string[] = [], options: { execArgv?: string[] } = {}): Child {
  const file = fileURLToPath(new URL(`../child/${name}.ts`, import.meta.url));
  const proc: ChildProcess = fork(file, args, {
    execArgv: ['--import', TSX, ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), ...(options.execArgv ?? [])],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const inbox: ChildMessage[] = [];
  const waiting: { type: string; resolve: (m: ChildMessage) => void; reject: (e: Error) => void }[] = [];
  let exited: number | null | undefined;
  const exit = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      exited = code;
      for (const w of waiting.splice(0)) w.reject(new Error(`bench child ${name} exited (code ${code}) before sending "${w.type}"`));
      resolve(code);
    }),
  );
  proc.on('message', (raw) => {
    const m = raw as ChildMessage;
    if (m.type === 'error') {
      const message = String((m as { message?: unknown }).message);
      for (const w of waiting.splice(0)) w.reject(new Error(`bench child ${name} failed: ${message}`));
      return;
    }
    const i = waiting.findIndex((w) => w.type === m.type);
    if (i >= 0) waiting.splice(i, 1)[0].resolve(m);
    else inbox.push(m);
  });
  return {
    pid: proc.pid!,
    next<T extends ChildMessage>(type: string, timeoutMs = 600_000): Promise<T> {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as T);
      if (exited !== undefined) return Promise.reject(new Error(`bench child ${name} has exited (code ${exited})`));
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`bench child ${name}: no "${type}" within ${timeoutMs / 1000} s`)), timeoutMs);
        waiting.push({
          type,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
      });
    },
    send: (message) => void proc.send(message),
    async stop(kill = false) {
      if (exited !== undefined) return exited;
      const timer = setTimeout(() => proc.kill('SIGTERM'), kill ? 0 : 10_000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs a child to its end and returns its "result" message. */
export async function runChild<T extends ChildMessage>(name: string, args: string[] = [], options: { execArgv?: string[] } = {}): Promise<T> {
  const child = startChild(name, args, options);
  try {
    return await child.next<T>('result');
  } finally {
    await child.stop();
  }
}

/** In a child: resident set size now and at its peak, in MiB, from /proc/self/status (Linux). */
export function memoryMiB(): { rss: number; peak: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** In a child: sends a message to the runner. */
export function tell(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (err) => (err ? reject(err) : resolve())));
}

/** In a child: runs `work`, reports its result (or its error) to the runner, and lets the process end. */
export async function childMain<T extends ChildMessage>(work: () => Promise<T | void> | T | void): Promise<void> {
  try {
    const result = await work();
    if (result) await tell(result);
  } catch (err) {
    process.exitCode = 1;
    await tell({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } as ChildMessage);
  }
  process.disconnect();
}
