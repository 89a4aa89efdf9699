import type { DhcpConfigContext } from './pxe-render-context.js';

type OptionData = { name: string; data: string; 'always-send'?: boolean };

/** Kea's JSON is built as data, not through a template: JSON.stringify quotes every value correctly (pure). */
export const renderKeaConfig = (context: DhcpConfigContext): string => {
  const options: OptionData[] = [];
  if (context.network.gateway !== '') options.push({ name: 'routers', data: context.network.gateway });
  if (context.network.dnsList !== '') options.push({ name: 'domain-name-servers', data: context.network.dnsList });
  if (context.network.domain !== '') options.push({ name: 'domain-name', data: context.network.domain });
  options.push({ name: context.serverOption.name, data: context.serverUrl, 'always-send': true });
  const ipxe = context.ipxeScript === '' ? [] : [{ name: 'ipxe', test: "option[77].text == 'iPXE'", 'boot-file-name': context.ipxeScript }];
  const classes = [
    ...ipxe,
    ...context.architectures.map((architecture) => ({
      name: architecture.name,
      test: ipxe.length > 0 ? `not member('ipxe') and (${architecture.keaTest})` : architecture.keaTest,
      'next-server': context.serverAddress,
      'boot-file-name': architecture.file,
    })),
  ];
  const config = {
    Dhcp4: {
      'interfaces-config': { interfaces: [context.interface === '' ? '*' : context.interface] },
      'lease-database': { type: 'memfile', 'lfc-interval': 3600 },
      'valid-lifetime': context.leaseSeconds,
      'option-def': [{ name: context.serverOption.name, code: context.serverOption.code, type: 'string', space: 'dhcp4' }],
      'client-classes': classes,
      subnet4: [
        {
          id: 1,
          subnet: context.network.subnet,
          'next-server': context.serverAddress,
          pools: context.pool === false ? [] : [{ pool: `${context.pool.start} - ${context.pool.end}` }],
          'option-data': options,
          reservations: context.reservations.map((reservation) => ({
            'hw-address': reservation.mac,
            hostname: reservation.name,
            ...(reservation.ip === '' ? {} : { 'ip-address': reservation.ip }),
          })),
        },
      ],
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
};
