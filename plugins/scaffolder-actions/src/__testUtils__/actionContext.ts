import { mockServices } from '@backstage/backend-test-utils';
import {
  ActionContext,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonObject, JsonValue } from '@backstage/types';

/**
 * A mock action context, typed for the action, whose logger records lines. `createMockActionContext`
 * copies only some options, so isDryRun, signal and checkpoint are spread in.
 */
export function actionContext<
  TInput extends JsonObject,
  TOutput extends JsonObject,
>(
  _action: TemplateAction<TInput, TOutput>,
  input: TInput,
  extra: Partial<ActionContext<TInput, TOutput>> = {},
) {
  const logger = mockServices.logger.mock();
  const ctx: ActionContext<TInput, TOutput> = {
    ...createMockActionContext<TInput, TOutput>({ input, logger }),
    ...extra,
  };
  return {
    ctx,
    output: ctx.output as jest.Mock,
    lines: () => [
      ...logger.info.mock.calls.map(([message]) => message),
      ...logger.warn.mock.calls.map(([message]) => message),
    ],
  };
}

/**
 * The scaffolder's checkpoint semantics: a key that succeeded before returns
 * its saved value without running again. `crashAfter` loses the value of that
 * key once, like a worker dying between the call and saving the checkpoint.
 */
export function checkpointStore(options: { crashAfter?: string } = {}) {
  const saved = new Map<string, JsonValue>();
  let crashAfter = options.crashAfter;
  async function checkpoint<T extends JsonValue | void>(opts: {
    key: string;
    fn: () => Promise<T> | T;
  }): Promise<T> {
    if (saved.has(opts.key)) {
      return saved.get(opts.key) as T;
    }
    const value = await opts.fn();
    if (opts.key === crashAfter) {
      crashAfter = undefined;
      throw new Error('worker died');
    }
    saved.set(opts.key, value ?? {});
    return value;
  }
  return { saved, checkpoint };
}
