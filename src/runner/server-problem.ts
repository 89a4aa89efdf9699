/** What serve said when it refused a request: its message, the problems it listed and its hint. */
export interface ServerProblem {
  message: string;
  details: string[];
  hint?: string;
}

/** At most this many of the server's lines become details; the last one says how many more there were. */
const maxDetails = 50;
const maxLineChars = 500;

const clip = (line: string): string => (line.length > maxLineChars ? `${line.slice(0, maxLineChars)}…` : line);

/**
 * Pure: reads serve's plain-text error body (server/reply.ts replyForError: the message, each detail on its
 * own line indented by two spaces, then `hint: …`), so the admin sees every problem serve named (an override
 * template's file and line) and not only its first line. Other lines are kept as details.
 */
export const parseServerProblem = (body: string, fallback: string): ServerProblem => {
  const [first = '', ...rest] = body.trim().split('\n');
  const lines = rest.map((line) => line.replace(/\r$/, '')).filter((line) => line.trim() !== '');
  const hintLine = lines.find((line) => line.startsWith('hint: '));
  const details = lines.filter((line) => line !== hintLine).map((line) => clip(line.replace(/^ {2}/, '')));
  const kept = details.length > maxDetails ? [...details.slice(0, maxDetails - 1), `… and ${details.length - maxDetails + 1} more`] : details;
  return {
    message: first.trim() === '' ? fallback : clip(first.trim()),
    details: kept,
    ...(hintLine === undefined ? {} : { hint: clip(hintLine.slice('hint: '.length)) }),
  };
};
