import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { hostStateLayout } from '../state/layout.js';
import { writeFileAtomic } from '../sys/atomic-write.js';
import type { PxeBootChoice } from './host-boots.js';

const choiceSchema = z.object({ next: z.enum(['install', 'local']), why: z.string(), at: z.string() }).strict();

/** `state/hosts/<host>/pxe.json`: the host's PXE-once choice (what its next network boot does). */
export const bootChoiceFile = (paths: HomePaths, host: string): string => join(hostStateLayout(paths).hostDir(host), 'pxe.json');

export const readBootChoice = async (paths: HomePaths, host: string): Promise<PxeBootChoice | undefined> => {
  const file = bootChoiceFile(paths, host);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: z.SafeParseReturnType<unknown, PxeBootChoice>;
  try {
    parsed = choiceSchema.safeParse(JSON.parse(text));
  } catch (error) {
    throw new RootcastError('INVALID_DATA', `${file} is damaged: ${(error as Error).message}`, { hint: 'remove it: the host then boots by its deploy record' });
  }
  if (!parsed.success) throw new RootcastError('INVALID_DATA', `${file} is damaged: ${parsed.error.issues[0]?.message ?? 'bad shape'}`, { hint: 'remove it: the host then boots by its deploy record' });
  return parsed.data;
};

export const readBootChoices = async (paths: HomePaths, hosts: readonly string[]): Promise<Map<string, PxeBootChoice>> => {
  const entries = await Promise.all(hosts.map(async (host) => [host, await readBootChoice(paths, host)] as const));
  return new Map(entries.filter((entry): entry is readonly [string, PxeBootChoice] => entry[1] !== undefined));
};

export const writeBootChoice = async (paths: HomePaths, host: string, choice: PxeBootChoice): Promise<void> => {
  await mkdir(hostStateLayout(paths).hostDir(host), { recursive: true, mode: 0o700 });
  await writeFileAtomic(bootChoiceFile(paths, host), `${JSON.stringify(choice, null, 2)}\n`, { mode: 0o600 });
};
