/**
 * The shared ECR repository's lifecycle policy never expires an image an environment runs or may roll back to
 * (issue 17, item j). moto keeps lifecycle policies but never expires images, so the policy is judged here by a
 * stand-in of ECR's documented evaluation (Amazon ECR User Guide, "Lifecycle policy evaluation rules"): rules in
 * priority order; an image matching the tag selection of a rule cannot be expired by a rule of lower priority;
 * tagPrefixList matches when every prefix matches one of the image's tags; imageCountMoreThan keeps the newest N
 * by push time and expires the rest; an image is expired by at most one rule.
 */
import { deployedImageTag } from '../../contracts/naming';
import { jsonencodeToJson } from '../../policies/engine/hcl';
import { globalConfig } from '../../config';
import { projectStack } from '../support/synth';

interface Rule {
  rulePriority: number;
  selection: {
    tagStatus: 'any' | 'tagged' | 'untagged';
    tagPrefixList?: string[];
    countType: string;
    countNumber: number;
  };
  action: { type: string };
}
interface Image {
  readonly digest: string;
  readonly tags: string[];
  readonly pushedAt: number;
}

/** ECR's lifecycle evaluation (stand-in, see above): the digests the policy expires. */
function expired(rules: Rule[], images: Image[]): Set<string> {
  const out = new Set<string>();
  const claimed = new Set<string>(); // matched the tag selection of a higher-priority rule
  for (const rule of [...rules].sort((a, b) => a.rulePriority - b.rulePriority)) {
    const s = rule.selection;
    if (s.countType !== 'imageCountMoreThan') throw new Error(`stand-in: countType ${s.countType} not modelled`);
    const selected = images.filter((img) =>
      s.tagStatus === 'any'
        ? true
        : s.tagStatus === 'untagged'
          ? img.tags.length === 0
          : img.tags.length > 0 && (s.tagPrefixList ?? []).every((p) => img.tags.some((t) => t.startsWith(p))),
    );
    const newestFirst = [...selected].sort((a, b) => b.pushedAt - a.pushedAt);
    for (const img of newestFirst.slice(s.countNumber)) if (!claimed.has(img.digest)) out.add(img.digest);
    if (s.tagStatus !== 'any') for (const img of selected) claimed.add(img.digest);
  }
  return out;
}

/** A repository's history: one image per push; a deploy adds deployed-<env>-<tag> to the image it runs. */
function history(): { images: Image[]; running: Record<string, string>; rollback: Record<string, string> } {
  const images: Image[] = [];
  const push = (n: number): Image => {
    const img = { digest: `sha256:${n}`, tags: [`c${String(n).padStart(39, '0')}`], pushedAt: n };
    images.push(img);
    return img;
  };
  const deploy = (env: string, img: Image) => img.tags.push(deployedImageTag(env, img.tags[0]));
  // Production deploys twice (the second is what runs; the first is what a rollback returns to) ...
  const previous = push(1);
  deploy('staging', previous);
  deploy('production', previous);
  const current = push(2);
  deploy('staging', current);
  deploy('production', current);
  // ... then staging pushes and deploys 60 commits while production stays put.
  for (let n = 3; n < 63; n++) deploy('staging', push(n));
  const staging = images[images.length - 1];
  return {
    images,
    running: { production: current.digest, staging: staging.digest },
    rollback: { production: previous.digest, staging: images[images.length - 2].digest },
  };
}

const policyOf = (stack: ReturnType<typeof projectStack>): Rule[] => {
  const raw = Object.values(stack.resource.aws_ecr_lifecycle_policy)[0].policy as string;
  return JSON.parse(jsonencodeToJson(raw) ?? raw).rules as Rule[];
};

describe('the ECR lifecycle policy of the global stack', () => {
  const rules = policyOf(projectStack('global'));

  test('keeps what each environment runs and may roll back to, however much the other pushes', () => {
    const { images, running, rollback } = history();
    const gone = expired(rules, images);
    for (const env of ['staging', 'production']) {
      expect({ env, running: gone.has(running[env]), rollback: gone.has(rollback[env]) }).toEqual({
        env,
        running: false,
        rollback: false,
      });
    }
    // ...and it still expires old images: the repository does not grow without bound.
    expect(gone.size).toBeGreaterThan(0);
  });

  test('a rule per environment on its deployed tag comes before the rule of any tag (ECR: "any" last)', () => {
    expect(rules.map((r) => [r.rulePriority, r.selection.tagStatus, r.selection.tagPrefixList ?? null])).toEqual([
      [1, 'tagged', ['deployed-production-']],
      [2, 'tagged', ['deployed-staging-']],
      [3, 'any', null],
    ]);
    for (const r of rules.slice(0, 2))
      expect(r.selection.countNumber).toBe(globalConfig.ecr.keepDeployedPerEnvironment);
    expect(rules[2].selection.countNumber).toBe(globalConfig.ecr.keepImages);
  });

  test('the stand-in is the evaluation that expired production\'s image under the single "keep 30" rule', () => {
    const single: Rule[] = [
      {
        rulePriority: 1,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 },
        action: { type: 'expire' },
      },
    ];
    const { images, running } = history();
    expect(expired(single, images).has(running.production)).toBe(true);
  });
});
