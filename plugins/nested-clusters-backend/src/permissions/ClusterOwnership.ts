import {
  BackstageCredentials,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { normalizeEntityRef } from '@nested-clusters/plugin-nested-clusters-common';

/**
 * Who may own a nested cluster. Ownership decides who may manage a cluster
 * (the permission rules match on it) and whose quota it uses, so a caller
 * may give a cluster only to themselves or to one of their groups.
 */
export class ClusterOwnership {
  constructor(private readonly userInfo: UserInfoService) {}

  /**
   * The owner of a new cluster: the requested owner if the caller may use
   * it; else the component's owner if the caller is in it; else the caller.
   */
  async ownerFor(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    request: { owner?: string; componentOwner?: string },
  ): Promise<string> {
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      credentials,
    );
    if (request.owner !== undefined) {
      const owner = normalizeEntityRef(request.owner, {
        field: 'owner',
        defaultKind: 'group',
      });
      const kind = parseEntityRef(owner).kind;
      if (kind !== 'group' && kind !== 'user') {
        throw new InputError(`owner: must be a group or user, got "${owner}"`);
      }
      if (!ownershipEntityRefs.includes(owner)) {
        throw new NotAllowedError(
          `owner: ${owner} is not you or one of your groups`,
        );
      }
      return owner;
    }
    const { componentOwner } = request;
    if (componentOwner && ownershipEntityRefs.includes(componentOwner)) {
      return componentOwner;
    }
    return credentials.principal.userEntityRef;
  }
}
