export interface Config {
  /** Nested Clusters: host clusters, profiles and limits. */
  nestedClusters?: {
    hosts?: Array<{
      name: string;
      title?: string;
      url?: string;
      installer: string;
      namespacePrefix?: string;
      maxClusters?: number;
      auth: {
        type: string;
        /** @visibility secret */
        token?: string;
        /** @visibility secret */
        caData?: string;
        caFile?: string;
        path?: string;
        context?: string;
      };
      exposure?: { type: string; pattern?: string };
    }>;
  };
}
