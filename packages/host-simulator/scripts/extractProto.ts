/* eslint-disable no-console */
/**
 * Regenerates `proto/`: the protobuf messages the simulator decodes and encodes,
 * cut from the `generated.proto` interface definitions of k8s.io/api and
 * k8s.io/apimachinery (field numbers unchanged, comments dropped), keeping only
 * the listed top-level messages and everything they reference.
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs scripts/extractProto.ts <k8s.io/api dir> <k8s.io/apimachinery dir>
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Source file (import path) → top-level messages needed from it. */
const ROOTS: Record<string, string[]> = {
  'k8s.io/api/core/v1': [
    'Namespace',
    'ConfigMap',
    'Secret',
    'Service',
    'ServiceAccount',
    'Pod',
    'Event',
    'PersistentVolumeClaim',
    'PersistentVolume',
    'Node',
    'Endpoints',
    'ResourceQuota',
    'LimitRange',
  ],
  'k8s.io/api/apps/v1': [
    'StatefulSet',
    'Deployment',
    'ReplicaSet',
    'DaemonSet',
  ],
  'k8s.io/api/batch/v1': ['Job', 'CronJob'],
  'k8s.io/api/batch/v1beta1': ['CronJob'],
  'k8s.io/api/autoscaling/v1': ['Scale'],
  'k8s.io/api/autoscaling/v2': ['HorizontalPodAutoscaler'],
  'k8s.io/api/rbac/v1': [
    'Role',
    'RoleBinding',
    'ClusterRole',
    'ClusterRoleBinding',
  ],
  'k8s.io/api/networking/v1': ['Ingress', 'NetworkPolicy'],
  'k8s.io/api/storage/v1': ['StorageClass'],
  'k8s.io/api/scheduling/v1': ['PriorityClass'],
  'k8s.io/api/coordination/v1': ['Lease'],
  'k8s.io/api/policy/v1': ['PodDisruptionBudget'],
  'k8s.io/api/policy/v1beta1': ['PodDisruptionBudget'],
  'k8s.io/api/authentication/v1': ['TokenRequest', 'SelfSubjectReview'],
  'k8s.io/api/authorization/v1': [
    'SelfSubjectAccessReview',
    'SelfSubjectRulesReview',
  ],
  'k8s.io/apimachinery/pkg/apis/meta/v1': [
    'Status',
    'DeleteOptions',
    'WatchEvent',
  ],
  'k8s.io/apimachinery/pkg/runtime': ['Unknown'],
};

interface ProtoFile {
  importPath: string;
  pkg: string;
  imports: string[];
  messages: Map<string, string[]>;
}

function load(importPath: string, apiDir: string, machineryDir: string) {
  const rel = importPath.startsWith('k8s.io/api/')
    ? join(apiDir, importPath.slice('k8s.io/api/'.length))
    : join(machineryDir, importPath.slice('k8s.io/apimachinery/'.length));
  const text = readFileSync(join(rel, 'generated.proto'), 'utf8');
  const lines = text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map(l => l.replace(/\/\/.*$/, '').trimEnd())
    .filter(l => l.trim() !== '');
  const file: ProtoFile = {
    importPath,
    pkg: /^package ([\w.]+);/m.exec(text)![1],
    imports: [...text.matchAll(/^import "(.+)\/generated\.proto";/gm)].map(
      m => m[1],
    ),
    messages: new Map(),
  };
  let current: string[] | undefined;
  for (const line of lines) {
    const start = /^message (\w+) \{/.exec(line);
    if (start) {
      current = [];
      file.messages.set(start[1], current);
    } else if (line === '}') {
      current = undefined;
    } else if (current) {
      current.push(line.trim());
    }
  }
  return file;
}

function main() {
  const [apiDir, machineryDir] = process.argv.slice(2).map(p => resolve(p));
  if (!apiDir || !machineryDir) {
    console.error(
      'usage: extractProto <k8s.io/api dir> <k8s.io/apimachinery dir>',
    );
    process.exit(2);
  }
  const files = new Map<string, ProtoFile>();
  const byPackage = new Map<string, ProtoFile>();
  const fileOf = (importPath: string) => {
    let f = files.get(importPath);
    if (!f) {
      f = load(importPath, apiDir, machineryDir);
      files.set(importPath, f);
      byPackage.set(f.pkg, f);
      f.imports.forEach(fileOf);
    }
    return f;
  };
  Object.keys(ROOTS).forEach(fileOf);
  // Transitive closure of the referenced messages.
  const needed = new Map<ProtoFile, Set<string>>();
  const queue: [ProtoFile, string][] = Object.entries(ROOTS).flatMap(
    ([path, names]) => {
      const f = fileOf(path);
      return names.flatMap(n => [
        [f, n] as [ProtoFile, string],
        ...(f.messages.has(`${n}List`)
          ? [[f, `${n}List`] as [ProtoFile, string]]
          : []),
      ]);
    },
  );
  while (queue.length > 0) {
    const [f, name] = queue.pop()!;
    const set = needed.get(f) ?? new Set<string>();
    needed.set(f, set);
    if (set.has(name)) continue;
    const body = f.messages.get(name);
    if (!body) throw new Error(`${f.pkg}.${name} not found`);
    set.add(name);
    for (const line of body) {
      const m =
        /^(?:optional|repeated)\s+([\w.]+)\s+\w+\s*=/.exec(line) ??
        /^map<\s*\w+\s*,\s*([\w.]+)\s*>/.exec(line);
      if (!m) continue;
      const type = m[1];
      if (
        /^(string|bytes|bool|int32|int64|double|float|uint32|uint64)$/.test(
          type,
        )
      )
        continue;
      if (type.startsWith('.')) {
        const dot = type.lastIndexOf('.');
        queue.push([byPackage.get(type.slice(1, dot))!, type.slice(dot + 1)]);
      } else {
        queue.push([f, type]);
      }
    }
  }
  const outDir = resolve(__dirname, '../proto');
  for (const [f, names] of needed) {
    const importsUsed = f.imports.filter(i => {
      const pkg = fileOf(i).pkg;
      return [...names].some(n =>
        f.messages.get(n)!.some(l => l.includes(`.${pkg}.`)),
      );
    });
    const out = [
      `// Generated by scripts/extractProto.ts from ${f.importPath}/generated.proto`,
      '// (Kubernetes, Apache-2.0): the messages the simulator needs, field numbers unchanged.',
      'syntax = "proto2";',
      '',
      `package ${f.pkg};`,
      '',
      ...importsUsed.map(i => `import "${i}.proto";`),
      '',
      ...[...names]
        .sort()
        .flatMap(n => [
          `message ${n} {`,
          ...f.messages.get(n)!.map(l => `  ${l}`),
          '}',
          '',
        ]),
    ];
    const target = join(outDir, `${f.importPath}.proto`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out.join('\n'));
    console.log(`${target}: ${names.size} messages`);
  }
}

main();
