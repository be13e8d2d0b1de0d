import { RootLoggerService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';

/** A root logger that keeps every line, to prove that no secret is ever logged. */
export class CapturingLogger implements RootLoggerService {
  constructor(
    readonly lines: string[] = [],
    private readonly meta: JsonObject = {},
  ) {}
  error(message: string, meta?: Error | JsonObject) {
    this.record('error', message, meta);
  }
  warn(message: string, meta?: Error | JsonObject) {
    this.record('warn', message, meta);
  }
  info(message: string, meta?: Error | JsonObject) {
    this.record('info', message, meta);
  }
  debug(message: string, meta?: Error | JsonObject) {
    this.record('debug', message, meta);
  }
  child(meta: JsonObject): CapturingLogger {
    return new CapturingLogger(this.lines, { ...this.meta, ...meta });
  }
  private record(level: string, message: string, meta?: unknown) {
    this.lines.push(
      JSON.stringify({ level, message, ...this.meta, meta: expand(meta) }),
    );
    if (process.env.NESTED_CLUSTERS_TEST_LOGS) {
      // eslint-disable-next-line no-console
      console.log(level, message, JSON.stringify(expand(meta)));
    }
  }
}

/** Errors serialise to {} in JSON; keep their message, stack and cause. */
function expand(value: unknown, depth = 0): unknown {
  if (depth > 5) {
    return String(value);
  }
  if (value instanceof Error) {
    return {
      name: value.name,
      message: value.message,
      stack: value.stack,
      cause: expand((value as { cause?: unknown }).cause, depth + 1),
      ...Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, expand(v, depth + 1)]),
      ),
    };
  }
  if (Array.isArray(value)) {
    return value.map(v => expand(v, depth + 1));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, expand(v, depth + 1)]),
    );
  }
  return value;
}
