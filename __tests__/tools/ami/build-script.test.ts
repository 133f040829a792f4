/** The exports the Neo4j AMI construct relies on, and the install script they point at. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { renderUserData } from '../../../tools/ami/bake';
import {
  amiCommand,
  TAG_BUILD_STATE,
  TAG_BUILD_STEP,
  TAG_BUILT_FROM,
  TAG_NEO4J_EDITION,
  TAG_NEO4J_VERSION,
} from '../../../contracts/ami';
import { BUILD_SCRIPT_PATH, buildScriptHash } from '../../../tools/ami/build-script';

describe('build-script exports', () => {
  test('tag names are the ones the issue and the image lookup use', () => {
    expect([TAG_NEO4J_VERSION, TAG_NEO4J_EDITION, TAG_BUILT_FROM]).toEqual([
      'Neo4jVersion',
      'Neo4jEdition',
      'BuiltFrom',
    ]);
  });

  test('buildScriptHash is the sha256 of install-neo4j.sh', () => {
    const expected = createHash('sha256').update(readFileSync(BUILD_SCRIPT_PATH)).digest('hex');
    expect(BUILD_SCRIPT_PATH).toMatch(/tools\/ami\/install-neo4j\.sh$/);
    expect(buildScriptHash()).toBe(expected);
    expect(buildScriptHash()).toMatch(/^[0-9a-f]{64}$/);
  });

  test('amiCommand is the exact command line for the null_resource', () => {
    expect(amiCommand({ edition: 'community', version: '5.26.19', region: 'af-south-1', keep: 3 })).toBe(
      'npm run -s ami -- bake --edition community --version 5.26.19 --region af-south-1 --keep 3 ' +
        '--base-image ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240423 --base-image-owner 099720109477 --test-image',
    );
    expect(
      amiCommand({
        edition: 'enterprise',
        version: '5.26.19',
        region: 'af-south-1',
        keep: 2,
        subnetId: 'subnet-0abc',
        instanceProfile: '${aws_iam_instance_profile.builder.name}',
      }),
    ).toBe(
      'npm run -s ami -- bake --edition enterprise --version 5.26.19 --region af-south-1 --keep 2 ' +
        '--subnet-id subnet-0abc --instance-profile ${aws_iam_instance_profile.builder.name} ' +
        '--base-image ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240423 --base-image-owner 099720109477 --test-image',
    );
  });

  test.each([
    [{ edition: 'pro' as never, version: '5.26.19', region: 'af-south-1', keep: 3 }, /unknown edition "pro"/],
    [{ edition: 'community' as const, version: '5.26', region: 'af-south-1', keep: 3 }, /malformed version "5\.26"/],
    [{ edition: 'community' as const, version: '5.26.19', region: '', keep: 3 }, /--region is required/],
    [{ edition: 'community' as const, version: '5.26.19', region: 'af-south-1', keep: 0 }, /--keep must be/],
    [
      { edition: 'community' as const, version: '5.26.19', region: 'af-south-1', keep: 3, subnetId: 'x; rm -rf /' },
      /invalid --subnet-id/,
    ],
  ])('amiCommand rejects bad input at synth time (%#)', (opts, message) => {
    expect(() => amiCommand(opts)).toThrow(message);
  });
});

describe('install-neo4j.sh', () => {
  test('renders with the version and edition, is valid bash and fits EC2 user data (16 KB)', () => {
    const script = renderUserData('enterprise', '5.26.19');
    expect(script).toContain("NEO4J_VERSION='5.26.19'");
    expect(script).toContain("NEO4J_EDITION='enterprise'");
    expect(script).not.toMatch(/@NEO4J_/);
    expect(Buffer.byteLength(Buffer.from(script).toString('base64'))).toBeLessThan(16 * 1024);
    execFileSync('bash', ['-n'], { input: script }); // throws on a syntax error
  });

  test('reports with the tag names the bake waits for, over IMDSv2, and leaves the service disabled', () => {
    const script = readFileSync(BUILD_SCRIPT_PATH, 'utf8');
    expect(script).toContain(`Tag.1.Key=${TAG_BUILD_STATE}&`);
    expect(script).toContain(`Tag.2.Key=${TAG_BUILD_STEP}&`);
    expect(script).toContain('X-aws-ec2-metadata-token');
    expect(script).toMatch(/report ready\n/);
    expect(script).toMatch(/systemctl disable --now neo4j/);
    // the host's user_data (constructs/neo4j-user-data.ts) reads its password with these
    expect(script).toMatch(/install jq/);
    expect(script).toMatch(/snap install aws-cli --classic/);
    expect(script).toMatch(/install "\$PACKAGE=1:\$NEO4J_VERSION"/);
  });
});
