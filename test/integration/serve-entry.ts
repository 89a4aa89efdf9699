/**
 * `rootcast serve` as its own process for the namespace tests (bundled by esbuild at test time): the real command,
 * with the fleet read from the JSON file in $SERVE_FLEET_FILE (re-read on every load, so SIGHUP picks up edits),
 * an optional `answerFileClients` list beside the hosts, and a trivial answer-file renderer. With
 * $SERVE_OVERRIDES_DIR, the hosts it has a `host/NAME` layer for get their layers (read at each request).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { registerServeCommand } from '../../src/cli/commands/serve.js';
import { describeError, formatErrorText } from '../../src/errors/format-error.js';
import { defaultInstallTokenLifetimeMs } from '../../src/inventory/install-access.js';
import { parseAddressOrSubnet, type Subnet } from '../../src/inventory/ipv4.js';
import type { ServeFleet } from '../../src/server/serve-fleet.js';

type FleetFile = ServeFleet & { answerFileClients?: string[] };

const overridesDir = process.env['SERVE_OVERRIDES_DIR'];

const subnets = (entries: readonly string[]): Subnet[] =>
  entries.flatMap((entry) => {
    const parsed = parseAddressOrSubnet(entry);
    return parsed.ok ? [parsed.subnet] : [];
  });

const program = new Command().name('rootcast').option('--home <dir>').option('--json').exitOverride();
registerServeCommand(program as unknown as Command, {}, {
  loadSnapshot: () => async () => {
    const { answerFileClients, ...fleet } = JSON.parse(await readFile(process.env['SERVE_FLEET_FILE'] ?? '', 'utf8')) as FleetFile;
    return {
      fleet,
      renderAnswerFile: async (kind, host, { installToken }) => `# ${kind} for ${host}\n# token ${installToken}\n`,
      access: {
        installTokenLifetimeMs: defaultInstallTokenLifetimeMs,
        answerFileClients: answerFileClients === undefined ? { kind: 'any', why: 'configured' } : { kind: 'subnets', subnets: subnets(answerFileClients), from: 'server.answerFileClients' },
      },
      ...(overridesDir === undefined
        ? {}
        : {
            overridesRequest: async (host, version) =>
              !existsSync(join(overridesDir, 'host', host))
                ? undefined
                : {
                    overridesDir,
                    subject: { name: host, imageName: version.image, groups: [] },
                    context: { host: { name: host, fqdn: host, macs: [] }, image: { name: version.image, ref: version.ref }, groups: [], vars: {}, server: {} },
                    imageRoot: version.root,
                    known: { hosts: fleet.hosts.map((entry) => entry.name), groups: [] },
                  },
          }),
    };
  },
});
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (error) {
  const commander = error as { code?: string; exitCode?: number };
  if (commander.code?.startsWith('commander.') === true) {
    process.exitCode = commander.exitCode === 0 ? 0 : 64;
    process.exit();
  }
  const printed = describeError(error);
  process.stderr.write(formatErrorText(printed));
  process.exitCode = printed.exitStatus;
}
