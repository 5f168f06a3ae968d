/** The subcommands of `capi-constructs`, one file each; add a new one here. */
import { addonCleanup } from './addon-cleanup';
import { addonPorts } from './addon-ports';
import { Command } from './args';
import { node } from './node';
import { plan } from './plan';
import { serve } from './serve';

export const COMMANDS: Readonly<Record<string, Command>> = {
  'addon-cleanup': addonCleanup,
  'addon-ports': addonPorts,
  node,
  plan,
  serve,
};
