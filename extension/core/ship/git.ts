import { execFile } from 'node:child_process';

export interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs git with an argument array (never a shell string) and the environment it is
 * given, and reports the exit code and both streams: a refused push is an answer to
 * read, not an exception. Output is capped; a hung remote is stopped after `timeoutMs`.
 */
export function runGit(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<GitOutput> {
  return new Promise((resolve) => {
    execFile('git', [...args], { cwd, env, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, windowsHide: true, encoding: 'utf8' }, (error, stdout, stderr) => {
      const failure = error as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
      const code = !failure ? 0 : typeof failure.code === 'number' ? failure.code : 1;
      const note = failure?.killed ? `\ngit ${args[0]} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped.` : failure?.code === 'ENOENT' ? '\ngit is not installed or not on PATH.' : '';
      resolve({ code, stdout: String(stdout ?? ''), stderr: `${String(stderr ?? '')}${note}` });
    });
  });
}
