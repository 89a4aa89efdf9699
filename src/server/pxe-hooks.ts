/**
 * What `serve --pxe` adds to the HTTP side: the boot tree under `/pxe/` (iPXE fetches kernels and
 * scripts over HTTP) and the PXE-once switch when an install reports `done`. serve without --pxe
 * passes none and behaves as before.
 */
export interface ServePxeHooks {
  /** `<home>/pxe`: served read-only at `GET /pxe/<path>`. */
  bootTree: string;
  /** Called after serve recorded a host's install as done; errors are logged, never sent to the runner. */
  onInstallDone(host: string): Promise<void>;
}
