import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostSimulator } from '../simulator';
import { installNestedCluster } from './helpers';

/** The real kubectl: the one on PATH, or $KUBECTL. */
export const KUBECTL = process.env.KUBECTL ?? 'kubectl';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A nested cluster installed on `sim`, its handed-out kubeconfig written to a
 * temporary directory, and the real kubectl pointed at it.
 */
export async function kubectlForNestedCluster(
  sim: HostSimulator,
  namespace: string,
  name: string,
) {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, await installNestedCluster(sim, namespace, name));

  const run = (
    args: string[],
    opts: { env?: Record<string, string>; timeoutMs?: number } = {},
  ) =>
    new Promise<KubectlResult>(resolve => {
      execFile(
        KUBECTL,
        args,
        {
          env: { ...process.env, KUBECONFIG: kubeconfig, ...opts.env },
          timeout: opts.timeoutMs ?? 20000,
        },
        (error, stdout, stderr) =>
          resolve({
            code: error ? Number(error.code ?? 1) || 1 : 0,
            stdout,
            stderr,
          }),
      );
    });

  /** Runs kubectl and fails with its output when it does not succeed. */
  const kubectl = async (...args: string[]) => {
    const result = await run(args);
    if (result.code !== 0) {
      throw new Error(
        `kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`,
      );
    }
    return result.stdout;
  };

  return {
    dir,
    kubeconfig,
    run,
    kubectl,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
