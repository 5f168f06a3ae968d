/**
 * How an add-on's service is exposed: `ClusterIP`, `NodePort` or `LoadBalancer`.
 *
 * Its own module because the parameters, the JupyterHub and Ray access rules and the network rules all
 * use it, and parameters.ts imports those three.
 */
export type ServiceType = 'LoadBalancer' | 'NodePort' | 'ClusterIP';
