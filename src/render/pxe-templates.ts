import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRenderEnvironment, templateCompileOptions } from './handlebars-env.js';
import type { DhcpConfigContext, PxeDispatchContext, PxeEntryContext } from './pxe-render-context.js';

/** The PXE templates, compiled; each is a pure function of its context. */
export interface PxeTemplates {
  pxelinuxEntry: (context: PxeEntryContext) => string;
  grubEntry: (context: PxeEntryContext) => string;
  ipxeEntry: (context: PxeEntryContext) => string;
  grubDispatch: (context: PxeDispatchContext) => string;
  ipxeDispatch: (context: PxeDispatchContext) => string;
  dnsmasq: (context: DhcpConfigContext) => string;
  isc: (context: DhcpConfigContext) => string;
}

/** Template file under templates/pxe/ for each. */
export const pxeTemplateFiles: Record<keyof PxeTemplates, string> = {
  pxelinuxEntry: 'pxelinux-entry.cfg.hbs',
  grubEntry: 'grub-entry.cfg.hbs',
  ipxeEntry: 'ipxe-entry.ipxe.hbs',
  grubDispatch: 'grub.cfg.hbs',
  ipxeDispatch: 'boot.ipxe.hbs',
  dnsmasq: 'dnsmasq.conf.hbs',
  isc: 'dhcpd.conf.hbs',
};

const compile = <C>(source: string, file: string): ((context: C) => string) => {
  const env = createRenderEnvironment();
  // Parse now: handlebars compiles lazily, and a broken template must fail at load.
  env.precompile(source, templateCompileOptions);
  const template = env.compile<C>(source, templateCompileOptions);
  return (context) => {
    try {
      return template(context);
    } catch (error) {
      throw new Error(`template pxe/${file}: ${(error as Error).message}`, { cause: error });
    }
  };
};

/** Reads and compiles templates/pxe/*.hbs (the only file reads of PXE rendering). */
export const loadPxeTemplates = async (templatesDir: string): Promise<PxeTemplates> => {
  const read = (key: keyof PxeTemplates): Promise<string> => readFile(join(templatesDir, 'pxe', pxeTemplateFiles[key]), 'utf8');
  return {
    pxelinuxEntry: compile<PxeEntryContext>(await read('pxelinuxEntry'), pxeTemplateFiles.pxelinuxEntry),
    grubEntry: compile<PxeEntryContext>(await read('grubEntry'), pxeTemplateFiles.grubEntry),
    ipxeEntry: compile<PxeEntryContext>(await read('ipxeEntry'), pxeTemplateFiles.ipxeEntry),
    grubDispatch: compile<PxeDispatchContext>(await read('grubDispatch'), pxeTemplateFiles.grubDispatch),
    ipxeDispatch: compile<PxeDispatchContext>(await read('ipxeDispatch'), pxeTemplateFiles.ipxeDispatch),
    dnsmasq: compile<DhcpConfigContext>(await read('dnsmasq'), pxeTemplateFiles.dnsmasq),
    isc: compile<DhcpConfigContext>(await read('isc'), pxeTemplateFiles.isc),
  };
};
