import { readFile, stat } from 'node:fs/promises';
import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { listImages } from '../image/versions.js';
import { formatIssue, type InventoryIssue } from './issue.js';
import { parseInventorySource, type InventorySource } from './source.js';
import { validateInventorySource, type InventoryValidation } from './validate.js';

/** The inventory file as read: its text (empty when missing), parsed document and validation. */
export interface LoadedInventory {
  file: string;
  exists: boolean;
  text: string;
  source: InventorySource;
  validation: InventoryValidation;
  /** Image names present in the store (known images next to `images:`). */
  storeImages: readonly string[];
}

export interface LoadOptions {
  /** Throw NOT_FOUND when the file is missing instead of treating it as empty. @default false */
  mustExist?: boolean;
  /** Return an invalid inventory instead of throwing INVENTORY_INVALID. @default false */
  allowInvalid?: boolean;
}

/** The file's text, or undefined when it does not exist. */
export const readInventoryText = async (file: string): Promise<string | undefined> => {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EACCES') throw new RootcastError('PERMISSION', `cannot read the inventory ${file}: permission denied`);
    throw error;
  }
};

/** The file's permission bits, or undefined when it does not exist (read for the privacy warnings of `inventory check`). */
export const readInventoryMode = (file: string): Promise<number | undefined> =>
  stat(file).then((info) => info.mode & 0o7777, () => undefined);

/** The error for an inventory with errors: every error (then every warning) as one detail line. */
export const inventoryInvalidError = (message: string, errors: readonly InventoryIssue[], warnings: readonly InventoryIssue[], hint: string): RootcastError =>
  new RootcastError('INVENTORY_INVALID', message, {
    details: [...errors.map(formatIssue), ...warnings.map((warning) => `warning: ${formatIssue(warning)}`)],
    hint,
  });

/** Reads, parses and validates the inventory; a missing file is an empty inventory unless `mustExist`. */
export const loadInventory = async (paths: HomePaths, options: LoadOptions = {}): Promise<LoadedInventory> => {
  const file = paths.inventoryFile;
  const text = await readInventoryText(file);
  if (text === undefined && options.mustExist === true) {
    throw new RootcastError('NOT_FOUND', `the inventory ${file} does not exist`, {
      hint: 'create it with "rootcast init" (or "rootcast group add" / "rootcast host add"), or write it by hand (see docs/inventory.md)',
    });
  }
  const storeImages = await listImages(paths);
  const source = parseInventorySource(text ?? '');
  const validation = validateInventorySource(source, { storeImages });
  if (validation.errors.length > 0 && options.allowInvalid !== true) {
    const count = validation.errors.length;
    throw inventoryInvalidError(`the inventory ${file} has ${count} error${count === 1 ? '' : 's'}`, validation.errors, [], `fix ${file} and run "rootcast inventory check"`);
  }
  return { file, exists: text !== undefined, text: text ?? '', source, validation, storeImages };
};
