import {
  hoursInWindow,
  parseQuantity,
  podRequests,
  profileRequests,
  recordPause,
} from './usage';

const MI = 2 ** 20;
const GI = 2 ** 30;

describe('parseQuantity', () => {
  it.each([
    ['250m', 0.25],
    ['1.5', 1.5],
    ['2', 2],
    ['128Mi', 128 * MI],
    ['4Gi', 4 * GI],
    ['1k', 1000],
    ['1e3', 1000],
    [3, 3],
  ])('%s is %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  it.each(['', 'abc', '1Zi', '-1'])('%j is not a quantity', text => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});

describe('podRequests', () => {
  it('adds containers and overhead, at least each init container, limits standing in for missing requests', () => {
    expect(
      podRequests({
        containers: [
          { resources: { requests: { cpu: '100m', memory: '64Mi' } } },
          { resources: { limits: { cpu: '200m', memory: '128Mi' } } },
          {},
        ],
        initContainers: [
          { resources: { requests: { cpu: '1', memory: '16Mi' } } },
        ],
        overhead: { cpu: '10m' },
      }),
    ).toEqual({ cpuMillicores: 1010, memoryBytes: 192 * MI });
  });
});

describe('profileRequests', () => {
  it('is the chart default control plane without a ResourceQuota', () => {
    expect(profileRequests({})).toEqual({
      cpuMillicores: 200,
      memoryBytes: 256 * MI,
    });
  });

  it('adds the ResourceQuota requests when the profile enables it', () => {
    expect(
      profileRequests({
        controlPlane: {
          statefulSet: { resources: { requests: { cpu: '500m' } } },
        },
        policies: {
          resourceQuota: { enabled: true, quota: { 'requests.cpu': 2 } },
        },
      }),
    ).toEqual({ cpuMillicores: 2500, memoryBytes: 256 * MI + 20 * GI });
  });
});

describe('hours in the last 7 days', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  const hoursAgo = (h: number) =>
    new Date(now.getTime() - h * 3_600_000).toISOString();

  it('counts recorded pauses and the current one, clipped to the window', () => {
    expect(
      hoursInWindow(
        {
          createdAt: hoursAgo(500),
          pauses: [
            { from: hoursAgo(200), to: hoursAgo(160) }, // 8 h inside
            { from: hoursAgo(30), to: hoursAgo(20) },
          ],
          pausedAt: hoursAgo(5),
        },
        now,
      ),
    ).toEqual({ running: 168 - 23, paused: 23 });
  });

  it('counts from creation for a younger cluster', () => {
    expect(hoursInWindow({ createdAt: hoursAgo(10) }, now)).toEqual({
      running: 10,
      paused: 0,
    });
  });

  it('keeps only pauses that ended within the window when recording one', () => {
    const kept = recordPause(
      JSON.stringify([{ from: hoursAgo(300), to: hoursAgo(200) }]),
      { from: hoursAgo(2), to: hoursAgo(1) },
      now,
    );
    expect(JSON.parse(kept)).toEqual([{ from: hoursAgo(2), to: hoursAgo(1) }]);
  });
});
