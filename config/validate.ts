import { EnvironmentConfig } from './types';

/** A parsed IPv4 CIDR block: first address and size, as numbers. */
interface Block {
  readonly text: string;
  readonly start: number;
  readonly size: number;
}

function parseCidr(text: string, where: string): Block {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const bits = match ? Number(match[5]) : -1;
  if (!match || octets.some((o) => o > 255) || bits > 32)
    throw new Error(`${where}: "${text}" is not an IPv4 CIDR block`);
  const start = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  if (start % size !== 0) throw new Error(`${where}: "${text}" has host bits set (did you mean the network address?)`);
  return { text, start, size };
}

const overlaps = (a: Block, b: Block) => a.start < b.start + b.size && b.start < a.start + a.size;
const inside = (inner: Block, outer: Block) =>
  inner.start >= outer.start && inner.start + inner.size <= outer.start + outer.size;

/**
 * Checks what the type system cannot: CIDRs that parse, subnets inside their VPC and apart from each other,
 * availability zones of the environment's region, and VPCs of different environments apart (so they could be
 * peered one day). Throws one error naming the environment and the field.
 */
export function validateEnvironments(envs: readonly EnvironmentConfig[]): void {
  const vpcs: Block[] = [];
  for (const env of envs) {
    const where = (field: string) => `config/${env.name}.ts ${field}`;
    const net = env.network;
    const vpc = parseCidr(net.vpcCidr, where('network.vpcCidr'));
    const subnets = [...net.publicSubnetCidrs, ...net.privateSubnetCidrs].map((c) =>
      parseCidr(c, where('network subnets')),
    );
    for (const s of subnets) {
      if (!inside(s, vpc)) throw new Error(`${where('network')}: subnet ${s.text} is outside the VPC ${vpc.text}`);
    }
    subnets.forEach((a, i) =>
      subnets.slice(i + 1).forEach((b) => {
        if (overlaps(a, b)) throw new Error(`${where('network')}: subnets ${a.text} and ${b.text} overlap`);
      }),
    );
    for (const az of net.availabilityZones) {
      if (!az.startsWith(env.region))
        throw new Error(`${where('network.availabilityZones')}: ${az} is not in region ${env.region}`);
    }
    if (env.loadBalancer.hostedZoneId !== undefined && !env.loadBalancer.domainName)
      throw new Error(`${where('loadBalancer.hostedZoneId')}: needs loadBalancer.domainName (the record it manages)`);
    if (env.loadBalancer.hostedZoneId !== undefined && !/^[A-Z0-9]{1,32}$/.test(env.loadBalancer.hostedZoneId))
      throw new Error(
        `${where('loadBalancer.hostedZoneId')}: must be a Route 53 zone id such as Z0123456789ABC, got "${env.loadBalancer.hostedZoneId}"`,
      );
    const ingest = net.flowLogDailyIngestAlarmGiB;
    if (!(typeof ingest === 'number' && ingest > 0 && ingest <= 1024))
      throw new Error(
        `${where('network.flowLogDailyIngestAlarmGiB')}: must be a number of GiB in (0, 1024], got ${ingest}`,
      );
    const sec = env.security;
    const within = (field: string, value: number, min: number, max: number) => {
      if (!(Number.isInteger(value) && value >= min && value <= max))
        throw new Error(`${where(`security.${field}`)}: must be a whole number in ${min}..${max}, got ${value}`);
    };
    within('neo4jRotationDays', sec.neo4jRotationDays, 1, 365);
    within('appSecretMaxAgeDays', sec.appSecretMaxAgeDays, 1, 3650);
    within('keyDeletionWindowDays', sec.keyDeletionWindowDays, 7, 30);
    within('waf.rateLimitPer5Minutes', sec.waf.rateLimitPer5Minutes, 10, 2_000_000_000);
    for (const p of sec.waf.rateLimitExemptPaths) {
      if (!p.startsWith('/'))
        throw new Error(`${where('security.waf.rateLimitExemptPaths')}: "${p}" must start with /`);
    }
    const load = env.verify.load;
    if (!(load.budgetShare > 0 && load.budgetShare <= 1))
      throw new Error(`${where('verify.load.budgetShare')}: must be in (0, 1], got ${load.budgetShare}`);
    if (!(Number.isInteger(load.virtualUsers) && load.virtualUsers >= 1))
      throw new Error(`${where('verify.load.virtualUsers')}: must be a whole number >= 1, got ${load.virtualUsers}`);
    // Production's members are real and its rate-limit budget is shared by every client behind the load balancer.
    if (env.name === 'production') {
      if (env.verify.memberJourney)
        throw new Error(`${where('verify.memberJourney')}: never in production (it onboards a test member)`);
      if (env.verify.rateLimitProbe)
        throw new Error(
          `${where('verify.rateLimitProbe')}: never in production (it spends the budget every client shares)`,
        );
    }
    const clash = vpcs.find((other) => overlaps(other, vpc));
    if (clash)
      throw new Error(`${where('network.vpcCidr')}: ${vpc.text} overlaps another environment's VPC ${clash.text}`);
    vpcs.push(vpc);
  }
}
