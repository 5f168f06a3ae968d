/**
 * The usage of the commands that run against a cluster (`node`, `serve`), apart from their code: the
 * usage prints without loading the optional packages those commands need (lib/cli/commands.ts).
 */

export const NODE_ACTIONS = ['cordon', 'uncordon', 'drain', 'delete', 'exclude-from-autoscaling', 'include-in-autoscaling', 'show', 'list', 'label', 'annotate'] as const;

const NODE_NODE_ACTIONS = NODE_ACTIONS.filter((a) => a !== 'list' && a !== 'label' && a !== 'annotate');

export const NODE_USAGE = `  capi-constructs node <${NODE_NODE_ACTIONS.join('|')}> <node> --cluster <name> --namespace <ns> [--kubeconfig <file>] [--replace|--no-replace] [--confirm <node>] [--delete-emptydir-data] [--force] [--timeout 5m] [--dry-run] [--output json]
  capi-constructs node list --cluster <name> --namespace <ns> [--kubeconfig <file>] [--show-ips] [--output json]
  capi-constructs node <label|annotate> <node> --on <machine|infra|node> <key=value|key-> ... --cluster <name> --namespace <ns> [--kubeconfig <file>] [--dry-run] [--output json]
      Act on a node of a Cluster API cluster, list its groups' nodes, or set labels and annotations on a node's
      Machine, infrastructure machine or Node (docs/operations.md). --kubeconfig defaults to $KUBECONFIG, then ~/.kube/config.
      Needs the optional package @kubernetes/client-node. Exit codes: see capi-constructs help exit-codes.`;

export const SERVE_USAGE = `  capi-constructs serve [--port 8080] [--host 0.0.0.0] [--kubeconfig <file>] [--tls-cert <file> --tls-key <file>] [--capi-version v1beta2] [--mode management|tenant] [--lease-duration-seconds 15]
      Run the add-on API (install, status, uninstall over HTTP) against the management cluster of the kubeconfig
      (default: KUBECONFIG, ~/.kube/config, or the in-cluster service account). --mode tenant installs with Flux
      on the workload cluster (namespace iaas-addon-<addon>-<suffix>, through <cluster>-kubeconfig). An installation's
      Lease expires this long after its holder died. See docs/addon-api.md.
      Needs the optional packages @kubernetes/client-node, fastify and prom-client, and Node.js 22 or later.`;
