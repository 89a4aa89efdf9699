/** sysexits-style statuses used by every command (see docs/errors.md). */
export const ExitStatus = {
  ok: 0,
  usage: 64,
  dataErr: 65,
  noInput: 66,
  unavailable: 69,
  software: 70,
  tempFail: 75,
  noPerm: 77,
} as const;

export type ExitStatusValue = (typeof ExitStatus)[keyof typeof ExitStatus];

/** Every stable error code and the exit status it maps to; a new code does not compile without one. */
export const exitStatusByCode = {
  USAGE: ExitStatus.usage,
  INVALID_DATA: ExitStatus.dataErr,
  INVENTORY_INVALID: ExitStatus.dataErr,
  ALREADY_EXISTS: ExitStatus.dataErr,
  IN_USE: ExitStatus.dataErr,
  NOT_FOUND: ExitStatus.noInput,
  UNREACHABLE: ExitStatus.unavailable,
  REMOTE_TOOL_MISSING: ExitStatus.unavailable,
  UNAVAILABLE: ExitStatus.unavailable,
  INTERNAL: ExitStatus.software,
  SUBPROCESS_FAILED: ExitStatus.software,
  LOCKED: ExitStatus.tempFail,
  NO_SPACE: ExitStatus.tempFail,
  INTERRUPTED: ExitStatus.tempFail,
  TEMPORARY: ExitStatus.tempFail,
  TIMEOUT: ExitStatus.tempFail,
  PERMISSION: ExitStatus.noPerm,
  AUTH_FAILED: ExitStatus.noPerm,
  HOST_KEY_MISMATCH: ExitStatus.noPerm,
  HOST_KEY_UNKNOWN: ExitStatus.noPerm,
} as const satisfies Record<string, ExitStatusValue>;

export type ErrorCode = keyof typeof exitStatusByCode;
