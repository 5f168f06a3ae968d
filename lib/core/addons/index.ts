/** Cluster add-ons: the frozen catalog, parameters, naming, Flux rendering, network, monitoring, cleanup. */
export * from './catalog';
export * from './quantity';
export * from './naming';
export * from './parameters';
export * from './network';
export * from './jupyterhub-access';
export * from './ray-access';
export * from './monitoring';
export * from './cleanup';
export * from './addon';
export * from './release-status';
export * from './installation';
export * from './api-deployment';
