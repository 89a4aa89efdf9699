// A PXE client's first step, and nothing more: broadcasts one DHCPDISCOVER as PXE firmware sends it
// (option 60 PXEClient, option 93 architecture) and prints every offer that comes back within the
// wait, one JSON object per line. Run it inside a network namespace:
//   node dhcp-probe.mjs MAC ARCH [MS] [BROADCAST]   (the subnet's broadcast where there is no default route)
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';

const [mac = '52:54:00:00:00:99', arch = '0', waitMs = '3000', broadcast = '255.255.255.255'] = process.argv.slice(2);
const xid = randomBytes(4);
const header = Buffer.alloc(236);
header[0] = 1; // BOOTREQUEST
header[1] = 1; // Ethernet
header[2] = 6;
xid.copy(header, 4);
header.writeUInt16BE(0x8000, 10); // broadcast replies: we have no address yet
Buffer.from(mac.split(':').map((octet) => parseInt(octet, 16))).copy(header, 28);
const option = (code, data) => Buffer.concat([Buffer.from([code, data.length]), data]);
const archBytes = Buffer.alloc(2);
archBytes.writeUInt16BE(Number(arch));
const vendor = `PXEClient:Arch:${String(Number(arch)).padStart(5, '0')}:UNDI:002001`;
const packet = Buffer.concat([
  header,
  Buffer.from([99, 130, 83, 99]),
  option(53, Buffer.from([1])),
  option(60, Buffer.from(vendor)),
  option(93, archBytes),
  option(94, Buffer.from([1, 2, 1])),
  option(97, Buffer.concat([Buffer.from([0]), randomBytes(16)])),
  option(55, Buffer.from([1, 3, 43, 54, 60, 66, 67])),
  Buffer.from([255]),
]);

const address = (buffer, at) => [...buffer.subarray(at, at + 4)].join('.');
const cString = (buffer) => buffer.toString('latin1').replace(/\0.*$/s, '');
const parseOptions = (buffer) => {
  const options = {};
  for (let at = 240; at < buffer.length && buffer[at] !== 255; ) {
    const code = buffer[at];
    if (code === 0) { at += 1; continue; }
    const length = buffer[at + 1];
    options[code] = buffer.subarray(at + 2, at + 2 + length);
    at += 2 + length;
  }
  return options;
};

const socket = createSocket({ type: 'udp4', reuseAddr: true });
socket.on('message', (message) => {
  if (message.length < 240 || message[0] !== 2 || !message.subarray(4, 8).equals(xid)) return;
  const options = parseOptions(message);
  console.log(JSON.stringify({
    yiaddr: address(message, 16),
    siaddr: address(message, 20),
    file: cString(message.subarray(108, 236)),
    serverId: options[54] === undefined ? '' : address(options[54], 0),
    vendorClass: options[60]?.toString('latin1') ?? '',
    bootFileOption: options[67] === undefined ? '' : cString(options[67]),
    // Option 43: PXE vendor options (boot servers, the boot menu with its item names).
    pxeOptions: options[43]?.toString('latin1') ?? '',
  }));
});
socket.bind(68, () => {
  socket.setBroadcast(true);
  socket.send(packet, 67, broadcast, (error) => {
    if (error) {
      console.error(`cannot send the discover: ${error.message}`);
      process.exitCode = 1;
    }
  });
  setTimeout(() => socket.close(), Number(waitMs));
});
