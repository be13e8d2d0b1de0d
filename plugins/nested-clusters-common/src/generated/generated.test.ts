import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

describe('generated files', () => {
  it('match src/schema/openapi.yaml of the backend (run `yarn generate` when this fails)', async () => {
    const script = resolve(__dirname, '../../scripts/generate.js');
    await expect(
      promisify(execFile)(process.execPath, [script, '--check']),
    ).resolves.toBeDefined();
  }, 60_000);
});
