/**
 * A live golden client's churn, as its own process (so it keeps going while the test awaits a capture):
 * `node churn-entry.mjs ROOT MAX_SECONDS`. It rewrites ROOT/data/gen.bin in place, generation after
 * generation (see churn-pattern.ts), and deletes and creates small files in ROOT/srv/churn. Prints "ready" once
 * a few generations are on disk; stops on SIGTERM or after MAX_SECONDS, whichever comes first.
 */
import { closeSync, mkdirSync, openSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { churnFileCount, generationChunk, generationFileBytes } from './churn-pattern.js';

const [root, maxSecondsText] = process.argv.slice(2);
if (root === undefined) throw new Error('usage: churn-entry ROOT [MAX_SECONDS]');
const deadline = Date.now() + Number(maxSecondsText ?? '60') * 1000;
let stopped = false;
process.on('SIGTERM', () => (stopped = true));

const churnDir = join(root, 'srv/churn');
mkdirSync(join(root, 'data'), { recursive: true });
mkdirSync(churnDir, { recursive: true });
const genPath = join(root, 'data/gen.bin');
writeFileSync(genPath, Buffer.alloc(generationFileBytes));
const fd = openSync(genPath, 'r+');

let next = 0;
const alive: number[] = [];
const create = (): void => {
  writeFileSync(join(churnDir, `f${next}`), `churn file ${next}\n`.repeat(200));
  alive.push(next);
  next += 1;
};
for (let index = 0; index < churnFileCount; index += 1) create();

/** Rewrites the whole file in place, chunk by chunk, never truncating: a reader in between sees two generations. */
const writeGeneration = (generation: number): void => {
  const chunk = generationChunk(generation);
  for (let offset = 0; offset < generationFileBytes; offset += chunk.length) writeSync(fd, chunk, 0, chunk.length, offset);
};

let generation = 0;
while (!stopped && Date.now() < deadline) {
  generation += 1;
  writeGeneration(generation);
  // Replace a few files, oldest first: listed by rsync, they are often gone by the time it reads them.
  for (let index = 0; index < 20; index += 1) {
    const victim = alive.shift();
    if (victim !== undefined) unlinkSync(join(churnDir, `f${victim}`));
    create();
  }
  if (generation === 3) process.stdout.write('ready\n');
  // A breath between generations: the SIGTERM handler runs, and a 2-core machine keeps a core for the capture.
  await new Promise((resolve) => setTimeout(resolve, 2));
}
closeSync(fd);
