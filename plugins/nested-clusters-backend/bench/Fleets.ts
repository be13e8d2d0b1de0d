import { fork } from 'node:child_process';
import { FleetMessage, FleetReply, FleetRequest } from './protocol';
import { FleetHost } from './seed';

export const log = (message: string) =>
  process.stderr.write(
    `[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`,
  );

/** Simulated hosts in a child process (bench/fleet.ts). */
class Fleet {
  private readonly child = fork(require.resolve('./fleet.ts'), [], {
    execArgv: [
      '--max-old-space-size=8192',
      '-r',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  private nextId = 0;
  private readonly pending = new Map<number, (reply: FleetReply) => void>();

  constructor() {
    this.child.on('message', (message: FleetMessage<FleetReply>) => {
      this.pending.get(message.id)?.(message.body);
      this.pending.delete(message.id);
    });
    this.child.on('exit', code => {
      if (code) {
        log(`the simulator fleet exited with ${code}`);
        process.exit(1);
      }
    });
  }

  async call<T extends FleetReply>(body: FleetRequest): Promise<T> {
    const id = this.nextId++;
    const reply = await new Promise<FleetReply>(resolve => {
      this.pending.set(id, resolve);
      this.child.send({ id, body } satisfies FleetMessage<FleetRequest>);
    });
    if ('error' in reply) {
      throw new Error(`fleet: ${reply.error}`);
    }
    return reply as T;
  }
}

type HostRequest = Extract<FleetRequest, { host: number }>;
type WithoutHost<T> = T extends unknown ? Omit<T, 'host'> : never;

/** Two fleets, so that seeding uses both cores; host h lives in fleet h % 2. */
export class Fleets {
  private readonly fleets = [new Fleet(), new Fleet()];

  async start(names: string[]): Promise<FleetHost[]> {
    const started = await Promise.all(
      this.fleets.map((fleet, i) =>
        fleet.call<{ hosts: FleetHost[] }>({
          op: 'start',
          names: names.filter((_, h) => h % this.fleets.length === i),
        }),
      ),
    );
    const byName = new Map(started.flatMap(s => s.hosts).map(h => [h.name, h]));
    return names.map(name => byName.get(name)!);
  }

  onHost<T extends FleetReply>(h: number, body: WithoutHost<HostRequest>) {
    const n = this.fleets.length;
    return this.fleets[h % n].call<T>({
      ...body,
      host: Math.floor(h / n),
    } as HostRequest);
  }

  all<T extends FleetReply>(body: FleetRequest): Promise<T[]> {
    return Promise.all(this.fleets.map(f => f.call<T>(body)));
  }
}
