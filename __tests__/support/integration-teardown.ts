/** Global teardown of jest's integration project: stops the servers integration-setup.ts started. */
export default async function integrationTeardown(): Promise<void> {
  const servers = (globalThis as { credexSharedServers?: { stop(): Promise<void> }[] }).credexSharedServers ?? [];
  await Promise.all(servers.map((server) => server.stop()));
}
