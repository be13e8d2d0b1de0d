import { KubeObject, StoredObject } from '../model';
import { apiVersionOf, ResourceType } from '../registry';

/** A request for a resource: its type, the version asked for, and where. */
export interface ResourceRequest {
  type: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** The object as the requested version presents it (versions share storage). */
export function present(rr: ResourceRequest, obj: StoredObject): KubeObject {
  const apiVersion = apiVersionOf(rr.type.group, rr.version);
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}
