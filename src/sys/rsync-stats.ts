/** The numbers rsync --stats prints, so nothing walks the captured tree again. */
export interface RsyncStats {
  /** Every entry in the transfer (files, dirs, links, specials). */
  files: number;
  regularFiles: number;
  /** Regular files rsync had to send (new or changed). */
  transferredFiles: number;
  totalSizeBytes: number;
  transferredSizeBytes: number;
}

export const emptyRsyncStats: RsyncStats = {
  files: 0,
  regularFiles: 0,
  transferredFiles: 0,
  totalSizeBytes: 0,
  transferredSizeBytes: 0,
};

const numberAfter = (text: string, label: RegExp): number => {
  const match = label.exec(text);
  return match?.[1] === undefined ? 0 : Number(match[1].replaceAll(/[,.']/g, ''));
};

/** Reads the --stats block (digit groups may be separated by "," "." or "'", depending on locale). */
export const parseRsyncStats = (stdout: string): RsyncStats => ({
  files: numberAfter(stdout, /^Number of files: ([\d,.']+)/m),
  regularFiles: numberAfter(stdout, /^Number of files: [\d,.']+ \(reg: ([\d,.']+)/m),
  transferredFiles: numberAfter(stdout, /^Number of regular files transferred: ([\d,.']+)/m),
  totalSizeBytes: numberAfter(stdout, /^Total file size: ([\d,.']+) bytes/m),
  transferredSizeBytes: numberAfter(stdout, /^Total transferred file size: ([\d,.']+) bytes/m),
});

export const addRsyncStats = (a: RsyncStats, b: RsyncStats): RsyncStats => ({
  files: a.files + b.files,
  regularFiles: a.regularFiles + b.regularFiles,
  transferredFiles: a.transferredFiles + b.transferredFiles,
  totalSizeBytes: a.totalSizeBytes + b.totalSizeBytes,
  transferredSizeBytes: a.transferredSizeBytes + b.transferredSizeBytes,
});
