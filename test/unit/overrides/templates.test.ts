import { describe, expect, test } from 'vitest';
import { overrideContextFor } from '../../../src/overrides/host-context.js';
import { mergeLayers } from '../../../src/overrides/merge-layers.js';
import { renderTemplates } from '../../../src/overrides/render-templates.js';
import { resolveHosts, type ResolvedHost } from '../../../src/inventory/resolve.js';
import { validateInventoryText } from '../../../src/inventory/validate.js';
import type { OverrideContext } from '../../../src/render/override-context.js';
import { createOverrideEnvironment, renderOverrideTemplate } from '../../../src/render/override-template.js';
import { layer } from './layer-builders.js';

const host: ResolvedHost = {
  name: 'web07',
  macs: ['52:54:00:12:34:56'],
  ip: '10.0.0.17',
  network: { name: 'lab', subnet: '10.0.0.0/24', prefix: 24, netmask: '255.255.255.0', gateway: '10.0.0.1', dns: ['10.0.0.2'], domain: 'lab.example', from: { kind: 'host' } },
  fqdn: 'web07.lab.example',
  image: { ref: 'web@stable', name: 'web', from: { kind: 'host' } },
  groups: ['web', 'eu'],
  vars: { role: 'frontend', motd: 'a <b> & "c"', ports: [80, 443] },
  varsFrom: {},
  install: {},
  installFrom: {},
  identity: {},
  identityFrom: {},
  source: { key: 'web07', fromRange: false },
};

const dhcpHost: ResolvedHost = { ...host, name: 'lab01', ip: undefined, network: undefined, fqdn: undefined, groups: [], vars: {} } as unknown as ResolvedHost;

const render = (source: string, context: OverrideContext = overrideContextFor(host, 'web@3', 'http://10.0.0.1:8780/')) =>
  renderOverrideTemplate(createOverrideEnvironment(), source, context);

describe('the override template context', () => {
  test('holds the documented fields; the image ref is the version deployed, the server URL has no trailing slash', () => {
    expect(overrideContextFor(host, 'web@3', 'http://10.0.0.1:8780/')).toEqual({
      host: { name: 'web07', fqdn: 'web07.lab.example', domain: 'lab.example', macs: ['52:54:00:12:34:56'], ip: '10.0.0.17' },
      network: { name: 'lab', subnet: '10.0.0.0/24', prefix: 24, netmask: '255.255.255.0', gateway: '10.0.0.1', dns: ['10.0.0.2'] },
      image: { name: 'web', ref: 'web@3' },
      groups: ['web', 'eu'],
      vars: { role: 'frontend', motd: 'a <b> & "c"', ports: [80, 443] },
      server: { url: 'http://10.0.0.1:8780' },
    });
  });

  test('vars: the image\'s, then the groups\' in the host\'s listed order, then the host\'s; later wins', () => {
    const text = [
      'images:',
      '  web: {vars: {role: image, motd: image motd, port: 80, tier: image}}',
      'groups:',
      '  eu: {image: web, vars: {role: eu, tier: eu}}',
      '  edge: {vars: {tier: edge}}',
      'hosts:',
      '  web07: {groups: [eu, edge], vars: {port: 8080}}',
      '',
    ].join('\n');
    const validation = validateInventoryText(text, { storeImages: [] });
    expect(validation.errors).toEqual([]);
    const [web07] = resolveHosts(validation.inventory);
    if (web07 === undefined) throw new Error('web07 did not resolve');
    const context = overrideContextFor(web07, 'web@2', undefined);
    expect(context.vars).toEqual({ role: 'eu', motd: 'image motd', port: 8080, tier: 'edge' });
    expect(render('{{vars.motd}} {{vars.role}} {{vars.tier}} {{vars.port}}', context)).toEqual({ ok: true, text: 'image motd eu edge 8080' });
  });

  test('what a host lacks is absent, so using it is an error while testing for it is not', () => {
    const context = overrideContextFor(dhcpHost, 'web@3', undefined);
    expect(context).toEqual({ host: { name: 'lab01', fqdn: 'lab01', macs: ['52:54:00:12:34:56'] }, image: { name: 'web', ref: 'web@3' }, groups: [], vars: {}, server: {} });
    expect(render('{{#if host.ip}}static {{host.ip}}{{else}}dhcp{{/if}}', context)).toEqual({ ok: true, text: 'dhcp' });
    expect(render('line one\naddress {{host.ip}}\n', context)).toEqual({ ok: false, problem: { line: 2, column: 11, variable: 'host.ip', message: 'unknown variable host.ip' } });
    expect(render('{{network.gateway}}', context)).toMatchObject({ ok: false, problem: { line: 1, variable: 'network.gateway' } });
  });
});

describe('override templates', () => {
  test('render strictly from the context, never HTML-escaped, with the general helpers', () => {
    const result = render('{{host.fqdn}} {{vars.motd}} {{join vars.ports ","}} {{shq vars.motd}} {{#each groups}}[{{this}}]{{/each}} {{image.ref}} {{server.url}}');
    expect(result).toEqual({ ok: true, text: `web07.lab.example a <b> & "c" 80,443 'a <b> & "c"' [web][eu] web@3 http://10.0.0.1:8780` });
  });

  test('an unknown variable names its full path and line; malformed text and partials are refused with their line', () => {
    expect(render('a\nb\n  {{vars.colour}}')).toEqual({ ok: false, problem: { line: 3, column: 5, variable: 'vars.colour', message: 'unknown variable vars.colour' } });
    expect(render('x\n{{#if vars.role}}\n')).toMatchObject({ ok: false, problem: { line: 3, message: expect.stringMatching(/^parse error: Expecting/) } });
    expect(render('{{#if a}}\n{{/each}}')).toMatchObject({ ok: false, problem: { line: 1, message: "if doesn't match each" } });
    expect(render('x\n{{> header}}')).toEqual({ ok: false, problem: { line: 2, column: 1, message: 'partials and decorators are not supported in override templates' } });
  });

  test('the log helper is gone: a render never writes to the console', () => {
    expect(render('{{log "hi"}}')).toEqual({ ok: false, problem: { message: 'the log helper is not available in override templates' } });
  });

  test('only the templates that reach the tree are rendered, and each failing one is a problem naming its layer file', () => {
    const layers = [layer('all', '/etc/motd.hbs={{nope}}', '/etc/a.hbs=A {{host.name}}'), layer('host/web07', '/etc/motd=static', '/etc/b.hbs=\n{{vars.missing}}')];
    const { tree } = mergeLayers(layers);
    const { tree: rendered, problems } = renderTemplates(tree, layers, overrideContextFor(host, 'web@3', undefined));
    expect(problems).toEqual([{ file: '/home/overrides/host/web07/etc/b.hbs', line: 2, message: 'unknown variable vars.missing' }]);
    const a = rendered.entries.find((entry) => entry.path === '/etc/a');
    expect(a?.rendered).toEqual({ text: 'A web07', size: 7, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(rendered.entries.find((entry) => entry.path === '/etc/motd')?.rendered).toBeUndefined();
  });
});
