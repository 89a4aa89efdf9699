/** The bootloader phase as planned commands, pure: what kickstart/*.yaml `postDeploy` says, for this firmware and these disks. */
import { diskPlaceholder, type PostDeploy } from '../protocol/deploy-protocol.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import { cleanEnvironmentNames } from './command-environment.js';

/** How the machine starts: decided from /sys/firmware/efi unless --firmware says. */
export type Firmware = 'bios' | 'efi';

/** Where the target's commands run: chrooted into `targetDir` (as `where` sees it), inside the private namespace or not. */
export interface TargetChroot {
  targetDir: string;
  /** @default 'namespace' */
  where?: PlannedCommand['where'];
}

// Words an argv can hold without a shell: anything else (quotes, $, ;, |, spaces in words) goes to sh -c.
const plainLine = /^[A-Za-z0-9_./=:,+@%{}-]+( [A-Za-z0-9_./=:,+@%{}-]+)*$/;

/**
 * One profile line as the command that runs it, chrooted into the target: plain words run as argv
 * (what --dry-run shows is what runs), a line with shell syntax (a loop, a test) as `sh -c LINE`.
 */
export const planTargetCommand = (line: string, chroot: TargetChroot): PlannedCommand => {
  const [program = '', ...args] = plainLine.test(line) ? line.split(' ') : ['sh', '-c', line];
  return { program, args, env: [...cleanEnvironmentNames], where: chroot.where ?? 'namespace', chroot: chroot.targetDir, okExitCodes: [0] };
};

export interface BootPlanInput {
  postDeploy: PostDeploy;
  firmware: Firmware;
  /** Whole disks the BIOS boot loader goes on (each gets every `bios` command); unused on EFI. */
  disks: readonly string[];
}

/** The lines in the order they run: initramfs, the boot loader for the firmware (per disk on BIOS), its config, relabel. */
export const bootCommandLines = (input: BootPlanInput): string[] => {
  const { initramfs, bootloader, relabel } = input.postDeploy;
  const install = input.firmware === 'efi'
    ? bootloader.efi
    : input.disks.flatMap((disk) => bootloader.bios.map((line) => line.replaceAll(diskPlaceholder, disk)));
  return [...initramfs, ...install, ...bootloader.config, ...relabel];
};

/** Every command of the bootloader phase, chrooted into the target. */
export const planBootCommands = (input: BootPlanInput, chroot: TargetChroot): PlannedCommand[] =>
  bootCommandLines(input).map((line) => planTargetCommand(line, chroot));
