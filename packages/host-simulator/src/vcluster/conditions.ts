import { isJsonObject, JsonObject } from '../json';
import { nowIso } from '../model';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  severity?: 'Error' | 'Warning' | 'Info';
}

/** Upserts conditions by type, keeping lastTransitionTime when the status did not change. */
export function setConditions(
  status: JsonObject,
  updates: Condition[],
  withGeneration?: number,
): JsonObject[] {
  const existing = Array.isArray(status.conditions)
    ? status.conditions.filter(isJsonObject)
    : [];
  const result = existing.filter(c => !updates.some(u => u.type === c.type));
  const now = nowIso();
  for (const u of updates) {
    const old = existing.find(c => c.type === u.type);
    const cond: JsonObject = {
      type: u.type,
      status: u.status,
      reason: u.reason,
      message: u.message,
      lastTransitionTime:
        old && old.status === u.status ? old.lastTransitionTime : now,
    };
    if (u.severity) {
      cond.severity = u.severity;
    }
    if (withGeneration !== undefined) {
      cond.observedGeneration = withGeneration;
    }
    result.push(cond);
  }
  return result;
}

export function conditionOf(
  status: JsonObject,
  type: string,
): JsonObject | undefined {
  const list = Array.isArray(status.conditions)
    ? status.conditions.filter(isJsonObject)
    : [];
  return list.find(c => c.type === type);
}
