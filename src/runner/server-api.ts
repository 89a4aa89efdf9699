import type { z } from 'zod';
import { apiPrefix, type DeployInstructions, type HostEnrolment } from '../protocol/deploy-protocol.js';
import type { RunnerEvent } from '../protocol/host-event.js';
import { RootcastError } from '../errors/rootcast-error.js';
import { describeSchemaIssues, deployInstructionsSchema, hostEnrolmentSchema, updateInstructionsSchema } from './instructions-schema.js';
import { parseTokenClaim } from '../credentials/token.js';
import type { UpdateInstructions } from '../protocol/update-protocol.js';
import { parseServerProblem } from './server-problem.js';
import { retryWithBackoff, type RetryHooks, type RetryPolicy, type TryOutcome } from './retry-policy.js';

export interface ServerApi {
  fetchInstructions(): Promise<DeployInstructions>;
  /** `rootcast update`: the instructions for `query` (`?ref=…&via=…&dry=1`), with the host credential. */
  fetchUpdateInstructions(query: string): Promise<UpdateInstructions>;
  /** Trades the install token for the host's long-term credential (retried; a retry gets the same one). */
  enroll(): Promise<HostEnrolment>;
  /**
   * Resolves to undefined when delivered, else to why not; never rejects. Retries re-send the same
   * event id, so serve stores it once however often it arrives.
   */
  postEvent(event: RunnerEvent): Promise<string | undefined>;
  /** GETs one of serve's files (the first-boot script and unit under /boot/), retried like the other calls. */
  fetchText(url: string): Promise<string>;
}

export interface ServerApiOptions {
  server: string;
  host: string;
  token: string;
  retry: RetryPolicy;
  hooks: RetryHooks;
  fetch: typeof fetch;
  /** @default 15000 */
  requestTimeoutMs?: number;
}

/**
 * Event delivery is bounded: a progress report gets 2 tries (the next one follows within seconds);
 * any other event retries for about 25 s, enough to ride out a restart of serve.
 */
const eventAttempts = (event: RunnerEvent): number => (event.kind === 'phase' && event.status === 'progress' ? 2 : 8);
const eventTimeoutMs = 3000;
const eventRetryDelayMs = (attempt: number): number => Math.min(8000, 250 * 2 ** (attempt - 1));

const describeNetworkError = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
};

export const createServerApi = (options: ServerApiOptions): ServerApi => {
  const base = options.server.replace(/\/+$/, '');
  const hostPath = `${base}${apiPrefix}/hosts/${encodeURIComponent(options.host)}`;
  const headers = { authorization: `Bearer ${options.token}` };
  // The same client serves installs (install token) and updates (host credential): errors name the one it holds.
  const credential = parseTokenClaim(options.token)?.kind === 'host' ? 'host credential' : 'install token';
  const refusedHint = credential === 'host credential'
    ? 'the host credential in /etc/rootcast/host.key was replaced by a later install or the server secret changed: reinstall the host (or restore its newest credential)'
    : 'the token is wrong, was replaced by a newer answer file, expired or its install already finished: fetch the answer file again (rootcast kickstart/preseed HOST) and re-run';
  const timeoutMs = options.requestTimeoutMs ?? 15_000;

  /** One authenticated JSON request, classified: transient (network, 5xx, 429) or fatal (refused, unknown, malformed). */
  const tryJson = <T>(path: string, method: 'GET' | 'POST', schema: z.ZodType<T>, what: string) => async (): Promise<TryOutcome<T>> => {
    let response: Response;
    try {
      response = await options.fetch(`${hostPath}/${path}`, { method, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      return { kind: 'transient', reason: describeNetworkError(error) };
    }
    const body = await response.text().catch(() => '');
    const serverSays = body.trim() === '' ? [] : [`server: ${body.trim().slice(0, 300)}`];
    if (response.status === 401 || response.status === 403) {
      return { kind: 'fatal', error: new RootcastError('AUTH_FAILED', `the server ${base} refused the ${credential} for host ${options.host} (HTTP ${response.status})`, {
        details: serverSays,
        hint: refusedHint,
      }) };
    }
    if ((response.status === 404 && !body.startsWith('no host named')) || response.status === 400 || response.status === 409) {
      const code = response.status === 404 ? 'NOT_FOUND' : response.status === 400 ? 'USAGE' : 'INVALID_DATA';
      // Every problem serve listed (an override template's file and line), not only its first line.
      const problem = parseServerProblem(body, `the server ${base} answered HTTP ${response.status}`);
      return { kind: 'fatal', error: new RootcastError(code, problem.message, {
        details: problem.details,
        ...(problem.hint === undefined ? {} : { hint: `on the server ${base}: ${problem.hint}; then run this again` }),
      }) };
    }
    if (response.status === 404) {
      return { kind: 'fatal', error: new RootcastError('NOT_FOUND', `the server ${base} does not know host ${options.host}`, {
        hint: 'check the host name (rootcast host list on the server) or add it to the inventory and reload serve',
        details: serverSays,
      }) };
    }
    if (response.status >= 500 || response.status === 429) return { kind: 'transient', reason: `HTTP ${response.status}` };
    if (!response.ok) {
      return { kind: 'fatal', error: new RootcastError('INVALID_DATA', `the server ${base} answered HTTP ${response.status} for host ${options.host}`, { details: serverSays }) };
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return { kind: 'fatal', error: new RootcastError('INVALID_DATA', `the ${what} from ${base} is not JSON`) };
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      return { kind: 'fatal', error: new RootcastError('INVALID_DATA', `the ${what} from ${base} is malformed`, {
        details: describeSchemaIssues(parsed.error),
        hint: 'the server and the runner speak different protocol versions: use the runner the server serves',
      }) };
    }
    return { kind: 'done', value: parsed.data };
  };
  const unreachable = (reason: string): RootcastError =>
    new RootcastError('UNREACHABLE', `cannot reach the rootcast server at ${base} (${reason}) after ${options.retry.attempts} tries`, {
      hint: 'check the --server URL, that rootcast serve runs there and that this machine can reach it',
    });

  const tryText = (url: string) => async (): Promise<TryOutcome<string>> => {
    let response: Response;
    try {
      response = await options.fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      return { kind: 'transient', reason: describeNetworkError(error) };
    }
    const body = await response.text().catch(() => undefined);
    if (response.ok && body !== undefined) return { kind: 'done', value: body };
    if (response.status === 429 || response.status === 502 || response.status === 504 || body === undefined) return { kind: 'transient', reason: `HTTP ${response.status}` };
    return { kind: 'fatal', error: new RootcastError('UNAVAILABLE', `the server ${base} answered HTTP ${response.status} for ${url}`, {
      details: body.trim() === '' ? [] : [`server: ${body.trim().slice(0, 300)}`],
      hint: 'serve offers the first-boot files from its package (boot/); reinstall rootcast on the server',
    }) };
  };

  return {
    fetchText: (url) => retryWithBackoff(options.retry, options.hooks, tryText(url), unreachable),
    fetchInstructions: () => retryWithBackoff(options.retry, options.hooks, tryJson('deploy', 'GET', deployInstructionsSchema, 'deploy instructions'), unreachable),
    fetchUpdateInstructions: (query) => retryWithBackoff(options.retry, options.hooks, tryJson(`update${query}`, 'GET', updateInstructionsSchema, 'update instructions'), unreachable),
    enroll: () => retryWithBackoff(options.retry, options.hooks, tryJson('credential', 'POST', hostEnrolmentSchema, 'host credential'), unreachable),
    postEvent: async (event) => {
      let reason = '';
      const attempts = eventAttempts(event);
      for (let attempt = 1; attempt <= attempts; attempt += 1) {
        try {
          const response = await options.fetch(`${hostPath}/events`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify(event),
            signal: AbortSignal.timeout(eventTimeoutMs),
          });
          await response.arrayBuffer().catch(() => undefined);
          if (response.ok) return undefined;
          reason = `HTTP ${response.status}`;
          if (response.status < 500) return reason; // the server will not take it on a retry either
        } catch (error) {
          reason = describeNetworkError(error);
        }
        if (attempt < attempts) await options.hooks.sleep(eventRetryDelayMs(attempt));
      }
      return reason;
    },
  };
};
