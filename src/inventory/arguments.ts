import { RootcastError, isRootcastError } from '../errors/rootcast-error.js';
import { parseImageRef } from '../image/ref.js';
import { controlCharacterProblem } from './control-characters.js';
import { expandHostPattern } from './host-pattern.js';
import { allocateIpv4 } from './ipv4.js';
import { normaliseMac } from './mac.js';
import { entityNameProblem, hostNameProblem, varNameProblem } from './names.js';

// Values typed on the command line: a bad one is a usage error (64), before the inventory is even read.
const invalid = (message: string, hint?: string): RootcastError =>
  new RootcastError('USAGE', message, hint === undefined ? {} : { hint });

/** Runs `check` on the value of `option`; a usage error it raises names the option first (`--image: "web@": nothing after "@"`). */
export const checkOptionValue = <T>(option: string, check: () => T): T => {
  try {
    return check();
  } catch (error) {
    if (!isRootcastError(error) || error.code !== 'USAGE' || error.message.startsWith(option)) throw error;
    throw new RootcastError('USAGE', `${option}: ${error.message}`, { ...(error.hint === undefined ? {} : { hint: error.hint }), details: error.details, cause: error });
  }
};

/** `role=web` pairs from repeated --var options; later ones win. */
export const parseVarAssignments = (assignments: readonly string[]): Record<string, string> => {
  const vars: Record<string, string> = {};
  for (const assignment of assignments) {
    const equals = assignment.indexOf('=');
    if (equals <= 0) throw invalid(`--var "${assignment}" is not NAME=VALUE`, 'write --var role=web');
    const name = assignment.slice(0, equals);
    const problem = varNameProblem(name);
    if (problem !== undefined) throw invalid(`--var "${assignment}": ${problem}`);
    vars[name] = checkTextArgument(`--var ${name}`, assignment.slice(equals + 1));
  }
  return vars;
};

/** Free text typed for a file (a var value, a description): one line of printable characters. */
export const checkTextArgument = (option: string, text: string): string => {
  const problem = controlCharacterProblem(text);
  if (problem !== undefined) throw invalid(`${option} ${JSON.stringify(text)} ${problem}`);
  return text;
};

/** Names for --unset-var: each a var name; typed twice is fine. */
export const parseVarNames = (names: readonly string[]): string[] => {
  for (const name of names) {
    const problem = varNameProblem(name);
    if (problem !== undefined) throw invalid(`--unset-var: ${problem}`);
  }
  return [...new Set(names)];
};

/** Host names from a name or range typed by the user (`web[01-03]`). */
export const parseHostSpec = (spec: string): string[] => {
  const expansion = expandHostPattern(spec);
  if (!expansion.ok) throw invalid(`host range ${expansion.problem}`, "write a name like web01 or a range like 'web[01-03]' (quote it for the shell)");
  const problem = expansion.names.map(hostNameProblem).find((found) => found !== undefined);
  if (problem !== undefined) throw invalid(problem);
  return expansion.names;
};

/** A group or network name typed as an argument, or as the value of `option` (named in the error). */
export const checkEntityArgument = (kind: 'group' | 'network', name: string, option?: string): string => {
  const problem = entityNameProblem(kind, name);
  if (problem !== undefined) throw invalid(option === undefined ? problem : `${option}: ${problem}`);
  return name;
};

/** Validates `web`, `web@3`, `web@stable` given as `option` (parseImageRef throws USAGE) and returns it as typed. */
export const checkImageArgument = (ref: string, option = '--image'): string => {
  checkOptionValue(option, () => parseImageRef(ref));
  return ref;
};

/** One address per host, counting up from `start`. */
export const allocateArgumentAddresses = (start: string, count: number): string[] => {
  const allocation = allocateIpv4(start, count);
  if (!allocation.ok) throw invalid(`--ip ${allocation.problem}`, 'write a dotted IPv4 address such as --ip 10.0.0.11 (a range counts up from it)');
  return allocation.addresses;
};

export const parseMacArguments = (macs: readonly string[]): string[] =>
  macs.map((text) => {
    const parsed = normaliseMac(text);
    if (!parsed.ok) throw invalid(`--mac ${parsed.problem}`, 'write six hex pairs such as --mac 52:54:00:12:34:56 ("-" or no separators work too)');
    return parsed.mac;
  });
