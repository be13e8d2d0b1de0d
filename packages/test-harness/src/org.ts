import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The example org and components of the repository (examples/*.yaml). */
export function exampleEntities(): Entity[] {
  // eslint-disable-next-line no-restricted-syntax -- a test-only package inside the repo
  const dir = resolve(__dirname, '../../../examples');
  return ['org.yaml', 'entities.yaml'].flatMap(file =>
    parseAllDocuments(readFileSync(resolve(dir, file), 'utf8'))
      .map(doc => doc.toJSON() as Entity | null)
      .filter((e): e is Entity => !!e),
  );
}

/** The example org's guest user (team-a), who signs in to the demo portal. */
export const GUEST_REF = 'user:default/guest';

/** Authorization headers of the example org's users. */
export const USERS = {
  guest: mockCredentials.user.header(GUEST_REF),
  bob: mockCredentials.user.header('user:default/bob'),
  carol: mockCredentials.user.header('user:default/carol'),
};
