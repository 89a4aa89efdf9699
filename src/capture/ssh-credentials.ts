import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import { isUsablePrivateKey, type SshCredentials } from '../sys/ssh-session.js';

const defaultKeyNames = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

const sshDir = (env: NodeJS.ProcessEnv): string => join(env['HOME'] ?? homedir(), '.ssh');

/** ~/.ssh/known_hosts of the user running rootcast. */
export const defaultKnownHostsFile = (env: NodeJS.ProcessEnv): string => join(sshDir(env), 'known_hosts');

/** --ssh-key FILE, else ssh-agent plus the first default key that exists (as OpenSSH would try). */
export const loadSshCredentials = async (sshKey: string | undefined, env: NodeJS.ProcessEnv): Promise<SshCredentials> => {
  const agent = env['SSH_AUTH_SOCK'] || undefined;
  if (sshKey !== undefined) {
    try {
      return { privateKey: await readFile(sshKey) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new RootcastError(code === 'ENOENT' ? 'NOT_FOUND' : 'USAGE', `cannot read SSH key ${sshKey}: ${(error as Error).message}`, {
        hint: 'pass the private key file of a key authorized for root on the golden client',
      });
    }
  }
  for (const name of defaultKeyNames) {
    const privateKey = await readFile(join(sshDir(env), name)).catch(() => undefined);
    // An encrypted default key is left to ssh-agent, as OpenSSH in BatchMode would.
    if (privateKey !== undefined && (await isUsablePrivateKey(privateKey))) return { privateKey, agent };
  }
  return { agent };
};
