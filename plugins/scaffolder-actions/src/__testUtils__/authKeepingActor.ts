import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';

/**
 * Mock auth, except that tokens issued on behalf of a user name the issuing
 * plugin as the actor, as real Backstage tokens do. The stock mock drops the
 * actor, and the permission backend then refuses the catalog's conditional
 * decisions ("Direct user requests without a resourceRef are not allowed").
 */
export const authKeepingActor = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const issue = auth.getPluginRequestToken.bind(auth);
    return Object.assign(auth, {
      async getPluginRequestToken(
        options: Parameters<typeof auth.getPluginRequestToken>[0],
      ) {
        if (auth.isPrincipal(options.onBehalfOf, 'user')) {
          return {
            token: mockCredentials.user.token(
              options.onBehalfOf.principal.userEntityRef,
              { actor: { subject: `plugin:${plugin.getId()}` } },
            ),
          };
        }
        return issue(options);
      },
    });
  },
});
