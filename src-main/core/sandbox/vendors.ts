import { VENDORS } from '../vendors/registry.ts';
import { SandboxHost } from './host.ts';

/** A sandbox host with every registered vendor's sandbox mounted under `/<vendor>` (not started). */
export function vendorSandboxHost(): SandboxHost {
  const host = new SandboxHost();
  for (const v of VENDORS) v.mountSandbox(host);
  return host;
}

/** Every registered vendor's sandbox, listening on loopback (`port` 0: any free port). */
export async function startVendorSandboxes(port = 0): Promise<SandboxHost> {
  const host = vendorSandboxHost();
  await host.start(port);
  return host;
}
