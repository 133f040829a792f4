/**
 * Chunked evaluation cannot give a rule a partial view silently: a rule that reads a type across the whole document
 * declares it (custom.context_types), the build fails a rule that does not (policies/build/context-reads.ts), and
 * the engine puts the declared types, taken from the bundle metadata, into every chunk.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkContextTypes } from '../../policies/build/build';
import { analyseModules, documentWideReads, parseRego, regoFiles } from '../../policies/build/context-reads';
import { checkDocuments } from '../../policies/engine/check';
import { bundleMetadata, contextTypes, RuleMetadata } from '../../policies/engine/metadata';
import { normalise } from '../../policies/engine/normalise';
import { partition } from '../../policies/engine/partition';
import { planDoc, Resources } from './fixtures';

const LIB = regoFiles().filter((f) => f.includes(`${path.sep}lib${path.sep}`));

/** The document-wide reads of fixture rules (package credex.rules.fixture), analysed with the real lib. */
function readsOf(source: string): Map<string, Map<string, string>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'credex-context-'));
  try {
    const file = path.join(dir, 'fixture.rego');
    writeFileSync(file, `package credex.rules.fixture\n\nimport data.credex.lib\n\n${source}\n`);
    return documentWideReads(analyseModules([...LIB, file].map(parseRego)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rule = (key: string, contextTypes?: string[]): RuleMetadata => ({
  key,
  id: `CDX-FIX-${key}`,
  severity: 'deny',
  title: 't',
  description: 'd',
  remediation: 'r',
  file: 'fixture.rego',
  line: 1,
  ...(contextTypes ? { contextTypes } : {}),
});

const FORGETFUL = `
# A bucket is fine if the account has a trail anywhere: an unlinked excuse.
excused contains finding if {
	some addr, _ in lib.resources("aws_s3_bucket")
	not account_trail
	finding := {"address": addr, "message": "no trail"}
}

account_trail if {
	some t in lib.resources("aws_cloudtrail")
	lib.values(t).is_multi_region_trail == true
}

# "The stack has no detector": a count over the whole type.
no_detector contains finding if {
	count(lib.resources("aws_guardduty_detector")) == 0
	some addr, _ in lib.resources("aws_s3_bucket")
	finding := {"address": addr, "message": "no detector"}
}

# Linked: a bucket's logging configuration names the bucket.
linked contains finding if {
	some addr, r in lib.resources("aws_s3_bucket")
	not logged(addr, r)
	finding := {"address": addr, "message": "not logged"}
}

logged(addr, r) if {
	some l in lib.resources("aws_s3_bucket_logging")
	lib.refers_to(lib.values(l).bucket, addr, r)
}
`;

describe('the build fails a rule that reads a type document-wide without declaring it', () => {
  const reads = readsOf(FORGETFUL);

  test('an unlinked excuse and a count are document-wide reads; a linked lookup and the subject are not', () => {
    const finding = ['fixture.excused', 'fixture.no_detector', 'fixture.linked'];
    const found = [...reads].filter(([k]) => finding.includes(k));
    expect(Object.fromEntries(found.map(([k, v]) => [k, Object.fromEntries(v)]))).toEqual({
      'fixture.excused': { aws_cloudtrail: 'credex.rules.fixture.account_trail' },
      'fixture.no_detector': { aws_guardduty_detector: 'credex.rules.fixture.no_detector' },
      'fixture.linked': {},
    });
  });

  test('the rule that forgot is rejected, naming the type and the helper; declared, it passes', () => {
    expect(() => checkContextTypes([rule('fixture.excused'), rule('fixture.linked')], reads)).toThrow(
      /CDX-FIX-fixture\.excused reads aws_cloudtrail document-wide \(in credex\.rules\.fixture\.account_trail\) without declaring it/,
    );
    expect(() => checkContextTypes([rule('fixture.no_detector')], reads)).toThrow(/aws_guardduty_detector/);
    // A chunk's view accepted with a reason also satisfies the check.
    const accepted = { ...rule('fixture.no_detector'), partialView: { aws_guardduty_detector: 'message only' } };
    expect(() => checkContextTypes([accepted], reads)).not.toThrow();
    expect(() =>
      checkContextTypes(
        [
          rule('fixture.excused', ['aws_cloudtrail']),
          rule('fixture.no_detector', ['aws_guardduty_detector']),
          rule('fixture.linked'),
        ],
        reads,
      ),
    ).not.toThrow();
  });

  test('a type the rule passes as a variable it cannot name is rejected', () => {
    const computed = readsOf(`
any_of_type contains finding if {
	some addr, r in lib.resources("aws_s3_bucket")
	t := lib.values(r).companion_type
	count(lib.resources(t)) == 0
	finding := {"address": addr, "message": "x"}
}
`);
    expect(() => checkContextTypes([rule('fixture.any_of_type')], computed)).toThrow(/computed type <t>/);
  });

  test('every rule of the committed bundle declares what it reads document-wide', () => {
    const all = documentWideReads(analyseModules(regoFiles().map(parseRego)));
    expect(() => checkContextTypes(bundleMetadata().rules, all)).not.toThrow();
    expect([...contextTypes(bundleMetadata())].sort()).toEqual([
      'aws_ebs_default_kms_key',
      'aws_ebs_encryption_by_default',
      'aws_ec2_instance_metadata_defaults',
      'aws_ecr_registry_scanning_configuration',
      'aws_secretsmanager_secret',
      'aws_ssm_parameter',
    ]);
  });
});

describe('the engine puts the declared types into every chunk', () => {
  // Unencrypted volumes, none linked to anything, and EBS encryption by default (which excuses them) at the end:
  // split into chunks, the switch lands in one chunk only unless every chunk receives it.
  const resources: Resources = {};
  for (let i = 0; i < 40; i++) resources[`aws_ebs_volume.v${i}`] = { availability_zone: 'af-south-1a', size: 8 };
  resources['aws_ebs_encryption_by_default.on'] = { enabled: true };
  const plan = planDoc(resources);
  const volumeFindings = (r: Awaited<ReturnType<typeof checkDocuments>>) =>
    r.findings.filter((f) => f.rule === 'CDX-EC2-002').map((f) => f.address);

  test('chunked evaluation of a multi-chunk plan finds what whole evaluation finds', async () => {
    const whole = await checkDocuments([{ label: 'p', doc: plan }], { chunkSize: 1_000_000 });
    const chunked = await checkDocuments([{ label: 'p', doc: plan }], { chunkSize: 5 });
    expect(chunked.documents[0].chunks).toBeGreaterThan(5);
    expect(volumeFindings(whole)).toEqual([]);
    expect(volumeFindings(chunked)).toEqual([]);
    // The same plan without the switch: every volume is found, chunked as whole.
    const volumes = Object.fromEntries(Object.entries(resources).filter(([a]) => a.startsWith('aws_ebs_volume.')));
    const without = await checkDocuments([{ label: 'p', doc: planDoc(volumes) }], { chunkSize: 5 });
    expect(volumeFindings(without)).toHaveLength(40);
  });

  test('without the declared types, the switch is in one chunk only (the partial view the declaration prevents)', () => {
    const input = normalise(plan, 'p').input;
    const declared = partition(input, contextTypes(bundleMetadata()), 5);
    const undeclared = partition(input, new Set(), 5);
    const holding = (chunks: typeof declared) =>
      chunks.filter((c) => 'aws_ebs_encryption_by_default.on' in c.resources).length;
    expect(holding(declared)).toBe(declared.length);
    expect(holding(undeclared)).toBe(1);
    expect(undeclared.length).toBeGreaterThan(5);
  });
});
