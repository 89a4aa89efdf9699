// One guest connection to one loopback connection. QEMU's guestfwd runs this once per connection (cmd:),
// where a tcp: chardev would be a single connection opened at QEMU's start, closed by serve when idle.
import { connect } from 'node:net';

const port = Number(process.argv[2]);
const socket = connect({ host: '127.0.0.1', port });
process.stdin.pipe(socket);
socket.pipe(process.stdout);
socket.on('error', () => process.exit(1));
socket.on('close', () => process.exit(0));
