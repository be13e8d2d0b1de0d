/**
 * Network options for a simulator on a /24 of 127.0.0.0/8 no other simulator
 * of a test run is likely to use (Linux routes the whole block to lo), so the
 * NodePorts and load-balancer listeners of parallel tests never collide. The
 * load balancer serves port 443 on 8443, so no privileges are needed.
 */
export function isolatedNetwork() {
  const prefix = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(
    Math.random() * 250,
  )}`;
  return {
    nodeAddress: `${prefix}.1`,
    loadBalancer: { addresses: `${prefix}.10-${prefix}.12`, httpsPort: 8443 },
    passthroughPort: 0,
  };
}
