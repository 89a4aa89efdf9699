import { updateViaValues, type UpdateVia } from '../protocol/update-protocol.js';
import type { EventPageQuery } from '../state/event-read.js';
import { maxEventPage } from '../state/event-read.js';
import { hostStates } from '../state/host-status.js';
import { entityNameProblem, hostNameProblem } from '../inventory/names.js';

export type QueryParse<T> = { ok: true; value: T } | { ok: false; reason: string };

const wholeNumber = (text: string, name: string, min: number, max: number): number | string => {
  if (!/^\d{1,15}$/.test(text) || Number(text) < min || Number(text) > max) return `${name}: "${text}" is not a whole number from ${min} to ${max}`;
  return Number(text);
};

/** The query string of a request target; every key must be one the route knows, each given once. */
const readQuery = (rawTarget: string, known: readonly string[]): QueryParse<Map<string, string>> => {
  const at = rawTarget.indexOf('?');
  const params = new URLSearchParams(at === -1 ? '' : rawTarget.slice(at + 1));
  const values = new Map<string, string>();
  for (const [key, value] of params) {
    if (!known.includes(key)) return { ok: false, reason: `unknown query parameter "${key}"${known.length === 0 ? '' : ` (known: ${known.join(', ')})`}` };
    if (values.has(key)) return { ok: false, reason: `query parameter "${key}" is given twice` };
    values.set(key, value);
  }
  return { ok: true, value: values };
};

/** `?install=N&after=SEQ&limit=L` of an event listing. */
export const parseEventPageQuery = (rawTarget: string): QueryParse<EventPageQuery> => {
  const query = readQuery(rawTarget, ['install', 'after', 'limit']);
  if (!query.ok) return query;
  const page: EventPageQuery = {};
  const limits = { install: [1, Number.MAX_SAFE_INTEGER], after: [0, Number.MAX_SAFE_INTEGER], limit: [1, maxEventPage] } as const;
  for (const key of ['install', 'after', 'limit'] as const) {
    const text = query.value.get(key);
    if (text === undefined) continue;
    const number = wholeNumber(text, key, limits[key][0], limits[key][1]);
    if (typeof number === 'string') return { ok: false, reason: number };
    page[key] = number;
  }
  return { ok: true, value: page };
};

/** `?group=G&state=S` of the fleet page (empty values mean all). */
export const parseFleetQuery = (rawTarget: string): QueryParse<{ group?: string; state?: string }> => {
  const query = readQuery(rawTarget, ['group', 'state']);
  if (!query.ok) return query;
  const group = query.value.get('group') || undefined;
  const state = query.value.get('state') || undefined;
  if (group !== undefined && entityNameProblem('group', group) !== undefined) return { ok: false, reason: entityNameProblem('group', group) ?? '' };
  if (state !== undefined && ![...hostStates, 'stalled'].includes(state)) return { ok: false, reason: `state: "${state}" is not one of ${[...hostStates, 'stalled'].join(', ')}` };
  return { ok: true, value: { ...(group === undefined ? {} : { group }), ...(state === undefined ? {} : { state }) } };
};

/** `?host=H` of the event stream (only that host's changes and log lines). */
export const parseStreamQuery = (rawTarget: string): QueryParse<{ host?: string }> => {
  const query = readQuery(rawTarget, ['host']);
  if (!query.ok) return query;
  const host = query.value.get('host');
  if (host === undefined) return { ok: true, value: {} };
  const problem = hostNameProblem(host);
  return problem === undefined ? { ok: true, value: { host } } : { ok: false, reason: problem };
};

/** `?install=N` of the host page. */
export const parseHostPageQuery = (rawTarget: string): QueryParse<{ install?: number }> => {
  const query = readQuery(rawTarget, ['install']);
  if (!query.ok) return query;
  const text = query.value.get('install');
  if (text === undefined) return { ok: true, value: {} };
  const number = wholeNumber(text, 'install', 1, Number.MAX_SAFE_INTEGER);
  return typeof number === 'string' ? { ok: false, reason: number } : { ok: true, value: { install: number } };
};

/** What an update request asks for: `?ref=web@8&via=update|push&dry=1`. */
export interface UpdateQuery {
  ref?: string;
  via: UpdateVia;
  dry: boolean;
}

/** `?ref=REF&via=update|push&dry=1` of an update request (the ref is checked by the handler, against the store). */
export const parseUpdateQuery = (rawTarget: string): QueryParse<UpdateQuery> => {
  const query = readQuery(rawTarget, ['ref', 'via', 'dry']);
  if (!query.ok) return query;
  const ref = query.value.get('ref') || undefined;
  const via = query.value.get('via') ?? 'update';
  const dry = query.value.get('dry') ?? '0';
  if (!(updateViaValues as readonly string[]).includes(via)) return { ok: false, reason: `via: "${via}" is not one of ${updateViaValues.join(', ')}` };
  if (dry !== '0' && dry !== '1') return { ok: false, reason: `dry: "${dry}" is not 0 or 1` };
  return { ok: true, value: { ...(ref === undefined ? {} : { ref }), via: via as UpdateVia, dry: dry === '1' } };
};
