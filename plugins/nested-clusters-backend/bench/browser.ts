/*
 * `BENCH_PHASES=browser`: the portal as users get it — the example backend
 * (packages/backend) serving the built frontend — measured in a real browser
 * (Debian's Chromium through playwright-core, as the e2e tests use it), on the
 * bench's simulated fleet.
 */
import { JsonObject } from '@backstage/types';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { Browser, chromium, Page } from 'playwright-core';
import { preciseNow } from './protocol';

const sleep = (millis: number) => new Promise(res => setTimeout(res, millis));

/** The example backend with the built app, on its own port (the e2e tests use 7007). */
export class Portal {
  private constructor(
    readonly baseUrl: string,
    private readonly child: ChildProcess,
    private readonly configDir: string,
    private readonly database?: PortalDatabase,
  ) {}

  /**
   * Starts packages/backend with app-config.yaml, its hosts replaced by the
   * fleet's. Needs `yarn workspace app build` first (packages/app/dist).
   */
  static async start(hosts: JsonObject[], port: number): Promise<Portal> {
    const baseUrl = `http://localhost:${port}`;
    const inUse = await fetch(baseUrl).then(
      () => true,
      () => false,
    );
    if (inUse) {
      throw new Error(`port ${port} is in use; set BENCH_PORTAL_PORT`);
    }
    const configDir = mkdtempSync(join(os.tmpdir(), 'nc-bench-portal-'));
    const configFile = join(configDir, 'app-config.bench.yaml');
    const database = portalDatabase();
    // JSON is YAML; arrays replace those of app-config.yaml.
    writeFileSync(
      configFile,
      JSON.stringify({
        app: { baseUrl },
        backend: {
          baseUrl,
          listen: { port },
          cors: { origin: baseUrl },
          ...(database && {
            database: {
              client: 'pg',
              connection: database.connection,
              prefix: database.prefix,
            },
          }),
        },
        nestedClusters: { hosts },
      }),
    );
    const backendDir = resolve(__dirname, '../../../packages/backend');
    const portalLog = process.env.BENCH_PORTAL_LOG
      ? openSync(process.env.BENCH_PORTAL_LOG, 'w')
      : 'ignore';
    // Its own process group, so that stop() ends yarn and the backend with it.
    const child = spawn(
      'yarn',
      ['start', '--config', '../../app-config.yaml', '--config', configFile],
      {
        cwd: backendDir,
        detached: true,
        // BENCH_PORTAL_NODE_OPTIONS, e.g. `--cpu-prof --cpu-prof-dir=<dir>`:
        // profiles the backend, written when the bench stops it.
        env: process.env.BENCH_PORTAL_NODE_OPTIONS
          ? {
              ...process.env,
              NODE_OPTIONS: process.env.BENCH_PORTAL_NODE_OPTIONS,
            }
          : process.env,
        // BENCH_PORTAL_LOG: a file for the backend's output, to see why it failed.
        stdio: process.env.BENCH_PORTAL_LOG
          ? ['ignore', portalLog, portalLog]
          : 'ignore',
      },
    );
    const portal = new Portal(baseUrl, child, configDir, database);
    const deadline = Date.now() + 300_000;
    for (;;) {
      try {
        const res = await fetch(`${baseUrl}/.backstage/health/v1/readiness`);
        if (res.ok) {
          return portal;
        }
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline || child.exitCode !== null) {
        await portal.stop();
        throw new Error(`the portal did not start on ${baseUrl}`);
      }
      await sleep(500);
    }
  }

  /**
   * The guest's token, as the sign-in page gets it, once the catalog has the
   * guest's team: a sign-in before the catalog read examples/org.yaml carries
   * no group, and "Mine" shows nothing of team-a's clusters.
   */
  async guestToken(team: string): Promise<string> {
    for (;;) {
      const res = await fetch(`${this.baseUrl}/api/auth/guest/refresh`);
      const body = (await res.json()) as {
        backstageIdentity: {
          token: string;
          identity?: { ownershipEntityRefs?: string[] };
        };
      };
      const { token, identity } = body.backstageIdentity;
      if (identity?.ownershipEntityRefs?.includes(team)) {
        return token;
      }
      await sleep(500);
    }
  }

  get databaseName(): string {
    return this.database
      ? 'PostgreSQL (BENCH_PORTAL_DATABASE)'
      : "app-config.yaml's in-memory SQLite";
  }

  /** Ends the backend and waits until it is gone, so the port is free again. */
  async stop() {
    const { pid } = this.child;
    if (pid && this.child.exitCode === null) {
      const exited = new Promise(res => this.child.once('exit', res));
      process.kill(-pid, 'SIGTERM');
      await exited;
    }
    rmSync(this.configDir, { recursive: true, force: true });
    if (this.database) {
      await dropDatabases(this.database);
    }
  }
}

/**
 * BENCH_PORTAL_DATABASE, a PostgreSQL connection string: the portal runs on
 * PostgreSQL, as deployed portals do, instead of app-config.yaml's in-memory
 * SQLite. Each run gets databases of its own (Backstage makes one per plugin,
 * named by the prefix), dropped when it stops.
 */
interface PortalDatabase {
  connection: string;
  prefix: string;
}

function portalDatabase(): PortalDatabase | undefined {
  const connection = process.env.BENCH_PORTAL_DATABASE;
  return connection
    ? { connection, prefix: `nc_bench_${process.pid}_` }
    : undefined;
}

async function dropDatabases({ connection, prefix }: PortalDatabase) {
  const client = new Client({ connectionString: connection });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [prefix],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    // As playwright.config.ts: Debian's Chromium.
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
}

export async function signIn(page: Page, baseUrl: string) {
  await page.goto(`${baseUrl}/`);
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.getByRole('link', { name: 'web-shop' }).waitFor();
}

/** The page's clusters table rows (host/name), first row first. */
const ROWS = 'table[aria-label="Nested clusters"] tbody tr[data-testid]';

/** From starting a full page load to the first row of the clusters table. */
export async function firstRows(page: Page, url: string): Promise<number> {
  await page.goto('about:blank');
  const start = preciseNow();
  await page.goto(url, { waitUntil: 'commit' });
  try {
    await page.locator(ROWS).first().waitFor();
  } catch (error) {
    // What the page showed instead, to tell a slow page from a broken one.
    const shown = await page.locator('main').innerText();
    throw new Error(`${error}\nthe page showed: ${shown.slice(0, 2000)}`);
  }
  return preciseNow() - start;
}

/** What the page is waited for: all rows on a host, or a card row's text. */
type Wanted = { timeoutMs: number } & (
  | { kind: 'rowsOnHost'; rowsSelector: string; prefix: string }
  | { kind: 'cardRow'; testid: string; text: string | null }
);

/**
 * Resolves with the page's own time (epoch ms) at the first DOM change after
 * which the page shows what is wanted: a MutationObserver in the page, so
 * neither polling nor a round trip to the browser counts.
 */
function whenPageShows(page: Page, wanted: Wanted): Promise<number> {
  return page.evaluate(
    w =>
      new Promise<number>((done, fail) => {
        const shows = () => {
          if (w.kind === 'rowsOnHost') {
            const rows = [...document.querySelectorAll(w.rowsSelector)];
            return (
              rows.length > 0 &&
              rows.every(r =>
                r.getAttribute('data-testid')!.startsWith(w.prefix),
              )
            );
          }
          const row = document.querySelector(`tr[data-testid="${w.testid}"]`);
          return w.text === null ? !row : !!row?.textContent?.includes(w.text);
        };
        const timer = setTimeout(
          () => fail(new Error(`not shown in ${w.timeoutMs} ms`)),
          w.timeoutMs,
        );
        const observer = new MutationObserver(() => {
          if (shows()) {
            observer.disconnect();
            clearTimeout(timer);
            done(performance.timeOrigin + performance.now());
          }
        });
        observer.observe(document.body, {
          subtree: true,
          childList: true,
          characterData: true,
          attributes: true,
        });
      }),
    wanted,
  );
}

/**
 * From a click until the page shows what is wanted, both taken in the page
 * (a capturing click listener and a DOM observer), so no round trip to the
 * browser counts.
 */
async function clickUntilShown(
  page: Page,
  target: ReturnType<Page['locator']>,
  wanted: Wanted,
): Promise<number> {
  await target.waitFor();
  await page.evaluate(() => {
    const w = window as { benchClickAt?: number };
    delete w.benchClickAt;
    document.addEventListener(
      'click',
      () => {
        w.benchClickAt ??= performance.timeOrigin + performance.now();
      },
      { capture: true, once: true },
    );
  });
  const shown = whenPageShows(page, wanted);
  // The observer is in place once a later evaluate has run.
  await page.evaluate(() => undefined);
  await target.click();
  const seenAt = await shown;
  const clickedAt = (await page.evaluate(
    () => (window as { benchClickAt?: number }).benchClickAt,
  )) as number;
  if (process.env.BENCH_TIMELINE) {
    await logTimeline(page, 'click → shown', clickedAt, seenAt);
  }
  return seenAt - clickedAt;
}

/**
 * BENCH_TIMELINE: the API calls after an event (a click, a host change),
 * relative to it, to see where the time goes.
 */
export async function logTimeline(
  page: Page,
  label: string,
  since: number,
  seenAt: number,
) {
  const calls = await page.evaluate(from => {
    const entries = performance.getEntriesByType('resource');
    // The buffer holds 250 entries by default; later calls would be dropped.
    performance.clearResourceTimings();
    return entries
      .map(entry => entry as PerformanceResourceTiming)
      .map(e => ({
        path: new URL(e.name).pathname + new URL(e.name).search,
        start: performance.timeOrigin + e.startTime - from,
        end: performance.timeOrigin + e.responseEnd - from,
      }))
      .filter(e => e.start >= 0 && e.path.startsWith('/api/'));
  }, since);
  const lines = calls.map(
    c => `  ${Math.round(c.start)}–${Math.round(c.end)} ms ${c.path}`,
  );
  process.stdout.write(
    `${label} ${Math.round(seenAt - since)} ms\n${lines.join('\n')}\n`,
  );
}

/**
 * From the click on the app's "Nested clusters" navigation item (from the
 * catalog, as a user moves through the portal) to the first row.
 */
export async function firstRowsInApp(
  page: Page,
  baseUrl: string,
): Promise<number> {
  await page.goto(`${baseUrl}/catalog`);
  return clickUntilShown(
    page,
    page.getByRole('link', { name: 'Nested clusters', exact: true }).first(),
    { kind: 'rowsOnHost', rowsSelector: ROWS, prefix: '', timeoutMs: 60_000 },
  );
}

/** From the click on a Host filter option until every row shown is on that host. */
export async function hostFilterChange(
  page: Page,
  host: string,
): Promise<number> {
  // The menu's own click comes first; the option's click is the one counted.
  await page.getByRole('button', { name: /Host/ }).click();
  return clickUntilShown(
    page,
    page.getByRole('option', { name: host, exact: true }),
    {
      kind: 'rowsOnHost',
      rowsSelector: ROWS,
      prefix: `${host}/`,
      timeoutMs: 30_000,
    },
  );
}

/**
 * Starts watching the card's row of `host/name`; `seen` resolves with the
 * page's time once it shows `text` (or, with text null, is gone). Wrapped in
 * an object: an async function returning the promise itself would wait for it.
 */
export async function cardShows(
  page: Page,
  testid: string,
  text: string | null,
  timeoutMs: number,
): Promise<{ seen: Promise<number> }> {
  const seen = whenPageShows(page, {
    kind: 'cardRow',
    testid,
    text,
    timeoutMs,
  });
  // Settled by the caller; a miss must not end the process meanwhile.
  seen.catch(() => undefined);
  // The observer is in place once a later evaluate has run.
  await page.evaluate(() => undefined);
  return { seen };
}
