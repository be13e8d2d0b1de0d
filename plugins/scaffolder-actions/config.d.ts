export interface Config {
  scaffolder?: {
    /** Used by the `local-catalog:register` action. */
    localCatalog?: {
      /**
       * Directory the action writes entity descriptors into, relative to the
       * backend's working directory. A catalog location
       * `{ type: file, target: <directory>/*.yaml }` must read it.
       */
      directory: string;
    };
  };
}
