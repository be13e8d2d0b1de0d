import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { TokenGrant } from './auth';
import { StoreSnapshot } from './store';
import { CaMaterial } from './tls';
import { NestedClusterState } from './vcluster/runtime';

/** What `--state <file>` persists: objects, credentials and the CA (so kubeconfigs stay valid). */
export interface PersistedState {
  version: 1;
  ca: CaMaterial;
  grants: TokenGrant[];
  host: StoreSnapshot;
  nested: NestedClusterState[];
}

export async function loadState(
  path: string,
): Promise<PersistedState | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw e;
  }
  const state = JSON.parse(text) as PersistedState;
  if (state.version !== 1) {
    throw new Error(`unsupported state file version in ${path}`);
  }
  return state;
}

/** Writes atomically (temp file + rename), so a crash never leaves half a state file. */
export async function saveState(path: string, state: PersistedState) {
  await fs.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
  await fs.rename(tmp, path);
}
