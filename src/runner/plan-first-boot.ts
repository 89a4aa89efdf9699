/** The first-boot report's files on the target, pure: what to fetch from serve's /boot/ and where it goes. */
import { dirname, join } from 'node:path';
import { firstBootFiles, firstBootTargetPaths, type FirstBootFile } from '../protocol/deploy-protocol.js';

/** systemd's enablement of the unit (what `systemctl enable` makes for WantedBy=multi-user.target). */
export const firstBootWantsLink = '/etc/systemd/system/multi-user.target.wants/rootcast-firstboot.service';

export interface FirstBootInstall {
  /** The target root the paths are in (host view). */
  root: string;
  files: { file: FirstBootFile; url: string; path: string; mode: number }[];
  /** A symlink at `path` (host view) pointing at `target` (as the booted system sees it). */
  link: { path: string; target: string };
}

const modes: Record<FirstBootFile, number> = { script: 0o755, unit: 0o644 };

/** `server` is serve's base URL; `root` the target as this process sees it ("/" for an update on the host itself). */
export const planFirstBoot = (server: string, root: string): FirstBootInstall => ({
  root,
  files: (Object.keys(firstBootFiles) as FirstBootFile[]).map((file) => ({
    file,
    url: `${server.replace(/\/+$/, '')}/boot/${firstBootFiles[file]}`,
    path: join(root, firstBootTargetPaths[file]),
    mode: modes[file],
  })),
  link: { path: join(root, firstBootWantsLink), target: firstBootTargetPaths.unit },
});

/** What the image pass leaves alone (rsync-anchored): the script's directory, the unit and its wants link. */
export const firstBootOwnedPaths: readonly string[] = [
  `${dirname(firstBootTargetPaths.script)}/`,
  firstBootTargetPaths.unit,
  firstBootWantsLink,
];
