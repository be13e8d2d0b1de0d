import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';

/**
 * Stands in for the auth backend's sign-in resolver: a user owns through
 * itself and the groups its catalog entity is a member of.
 */
export function userInfoFromOrg(entities: Entity[]) {
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(credentials) {
        const principal = credentials.principal as { userEntityRef?: string };
        const userEntityRef = principal.userEntityRef;
        if (!userEntityRef) {
          throw new Error('not a user');
        }
        const name = userEntityRef.split('/')[1];
        const user = entities.find(
          e => e.kind === 'User' && e.metadata.name === name,
        );
        const groups = ((user?.spec?.memberOf as string[]) ?? []).map(
          g => `group:default/${g}`,
        );
        return {
          userEntityRef,
          ownershipEntityRefs: [userEntityRef, ...groups],
        };
      },
    }),
  });
}

/**
 * Mock auth, except that tokens issued on behalf of a user keep the issuing
 * plugin as the actor, as real Backstage tokens do. The stock mock drops the
 * actor, and the permission backend then refuses conditional decisions
 * ("Direct user requests without a resourceRef are not allowed").
 */
export function authKeepingActor() {
  return createServiceFactory({
    service: coreServices.auth,
    deps: { plugin: coreServices.pluginMetadata },
    factory({ plugin }) {
      const auth = mockServices.auth({ pluginId: plugin.getId() });
      const issue = auth.getPluginRequestToken.bind(auth);
      return Object.assign(auth, {
        async getPluginRequestToken(
          options: Parameters<typeof auth.getPluginRequestToken>[0],
        ) {
          const principal = options.onBehalfOf.principal as {
            type: string;
            userEntityRef?: string;
          };
          if (principal.type === 'user' && principal.userEntityRef) {
            return {
              token: mockCredentials.user.token(principal.userEntityRef, {
                actor: { subject: `plugin:${plugin.getId()}` },
              }),
            };
          }
          return issue(options);
        },
      });
    },
  });
}
