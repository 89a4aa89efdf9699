/** Where the server URL of a starter inventory came from, for its comment. */
export type ServerUrlSource = { kind: 'given' } | { kind: 'guessed'; interface: string };

const serverComment = (source: ServerUrlSource): string =>
  source.kind === 'given' ? '' : ` (guessed from the default route's interface ${source.interface})`;

/**
 * The inventory `rootcast init` writes: a real `server:` and install defaults, and a commented example of
 * every other section (uncomment and edit). Pure; JSON strings are valid YAML scalars, so any URL is quoted safely.
 */
export const renderStarterInventory = (serverUrl: string, source: ServerUrlSource): string => `# rootcast inventory: networks, images, groups and hosts (see docs/inventory.md).
# Written by "rootcast init". Edit it by hand or with "rootcast host/group add|set"; rootcast edits keep
# comments and order. "rootcast inventory check" checks it, and every host's answer file, at once.

# Where installing hosts reach "rootcast serve"${serverComment(source)}.
server: {url: ${JSON.stringify(serverUrl)}}

# Install defaults for every host; an image, a group or a host may override any key. More keys:
#   distro: rocky9                                     a profile in kickstart/ (rhel8-10, rocky8-10, alma8-10,
#                                                      fedora42/43, debian12/13); unset, hosts are checked for
#                                                      both rootcast kickstart and rootcast preseed
#   sshAuthorizedKeys: ["ssh-ed25519 AAAA... admin@example"]
#   rootPasswordHash: "$6$..."                         omitted: root is locked, log in with SSH keys
install: {timezone: Etc/UTC, keyboard: us, lang: en_US.UTF-8}

# Networks of static hosts: a host with an ip on a network is installed with that address. Example:
#   lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.1], domain: lab.example}
networks: {}

# Captured images ("rootcast capture") are known without being listed; list one to describe it, set its distro
# or give its hosts vars (under their groups' and their own):
#   web: {description: "nginx front ends", install: {distro: rocky9}, vars: {http_port: 80}}
images: {}

# Groups give their hosts an image, a network and vars ("rootcast group add web --image web --network lab"):
#   web: {image: web, network: lab, vars: {role: web}}
groups: {}

# Hosts, or ranges of hosts ("rootcast host add 'web[01-03]' --group web --ip 10.0.0.11"):
#   "web[01-03]": {ip: 10.0.0.11, groups: [web]}            # web01..web03 at 10.0.0.11..13
#   web04: {mac: "52:54:00:00:00:04", ip: 10.0.0.14, groups: [web]}
hosts: {}
`;
