import { Command } from '@commander-js/extra-typings';
import type { ContextSeed } from './context.js';
import { registerAnswerFileCommands } from './commands/answer-files.js';
import { registerCaptureCommand } from './commands/capture.js';
import { registerGroupCommands } from './commands/group.js';
import { registerHostCommands } from './commands/host.js';
import { registerImageCommands } from './commands/image.js';
import { registerInitCommand } from './commands/init.js';
import { registerInventoryCommands } from './commands/inventory.js';
import { registerOverrideCommands } from './commands/overrides.js';
import { registerServeCommand } from './commands/serve.js';
import { inventoryServeWiring } from './commands/serve-wiring.js';
import { registerRunnerCommand } from './commands/runner.js';
import { registerUpdateCommand } from './commands/update.js';
import { registerPushCommands } from './commands/push.js';
import { registerLogsCommand } from './commands/logs.js';
import { registerStatusCommand } from './commands/status.js';
import { registerPxeCommands } from './commands/pxe.js';
import { registerDhcpCommands } from './commands/dhcp.js';
import { rootcastVersion } from '../package/version.js';

const overview = `
Typical flow:
  rootcast init                                 a starter inventory with the server URL answer files need
  rootcast capture root@golden --image web      pull a golden machine into web@1, web@2, ...
  rootcast image list                           see images and versions
  rootcast image diff web@1 web@2               what changed between two versions
  rootcast group add web --image web            map a group of hosts to an image
  rootcast host add 'web[01-03]' --group web --ip 10.0.0.11
  rootcast host set web01 --mac 52:54:00:00:00:01
  rootcast inventory check                      validate the inventory and every answer file, every error at once
  rootcast kickstart web01                      the answer file Anaconda gets (rootcast preseed for d-i)
  rootcast render web01                         the files web01 gets from <home>/overrides (explain: which layer)
  rootcast serve                                answer files, runner and images for installing hosts; the dashboard at /
  rootcast status --watch                       where every install stands (rootcast logs HOST: why one failed)
  rootcast pxe sync && rootcast serve --pxe     optional: network boot (DHCP, TFTP) into the installers

Everything lives under --home DIR (or ROOTCAST_HOME); without either, images and state are in
/var/lib/rootcast and the inventory is /etc/rootcast/rootcast.yaml.
Exit statuses: 0 ok, 64 usage, 65 bad data, 66 not found, 69 unavailable, 70 internal,
75 temporary failure (retry), 77 permission/authentication.`;

/** Builds the whole command tree; `seed` lets tests and embedders replace effects. */
export const buildProgram = (seed: ContextSeed = {}): Command => {
  const program: Command = new Command()
    .name('rootcast')
    .description('Capture a golden Linux machine as a versioned image and stamp it onto a fleet.')
    .version(rootcastVersion, '-V, --version')
    .option('--home <dir>', 'keep images, inventory and state under DIR (env ROOTCAST_HOME)')
    .option('--json', 'print machine-readable JSON instead of text')
    .addHelpText('after', overview);
  registerInitCommand(program, seed);
  registerCaptureCommand(program, seed);
  registerImageCommands(program, seed);
  registerHostCommands(program, seed);
  registerGroupCommands(program, seed);
  registerInventoryCommands(program, seed);
  registerAnswerFileCommands(program, seed);
  registerOverrideCommands(program, seed);
  registerServeCommand(program, seed, inventoryServeWiring());
  registerStatusCommand(program, seed);
  registerLogsCommand(program, seed);
  registerRunnerCommand(program, seed);
  registerUpdateCommand(program, seed);
  registerPushCommands(program, seed);
  registerPxeCommands(program, seed);
  registerDhcpCommands(program, seed);
  return program as unknown as Command;
};
