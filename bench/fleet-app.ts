/**
 * A cdk8s app with a generated fleet of FLEET_N clusters (default 1000) in the recommended layout:
 * a FleetApp with one ClusterChart per cluster. bench/fleet.ts runs it through the real CLI:
 * `cdk8s synth --no-check-upgrade --app "node --import tsx bench/fleet-app.ts" --output <empty temp dir>`.
 */
import { addFleet, FleetApp } from '../lib/cdk8s/fleet';
import { fleetSpecs } from './fleet-gen';

const n = Number(process.env.FLEET_N ?? 1000);
const app = new FleetApp();
addFleet(app, fleetSpecs(n));
app.synth();
