/**
 * A stand-in for `terraform show -json`: the fixture resources (cdktf-style values with "${addr.attr}" references)
 * placed inside nested modules, written the way Terraform writes a plan of new resources. A whole-value reference
 * is unknown until apply (planned value absent, `after_unknown` true) and named only by the module-relative
 * reference in `configuration` (`aws_vpc.main.id` inside module.a.module.b); a reference inside a longer string is
 * a value Terraform knows (a fake id or ARN, also given to the referenced resource). Terraform's own output for the
 * same shapes is checked in plan-modules.test.ts against plans it wrote (fixtures/terraform/).
 */
import { jsonencodeToJson } from '../../policies/engine/hcl';
import { Resources } from './policy-fixtures';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A whole reference to a resource or data source attribute, a variable or a local. */
const WHOLE_REF =
  /^\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_.-]+)?|var\.[A-Za-z0-9_]+|local\.[A-Za-z0-9_]+)\}$/;
const EMBEDDED_REF = /\$\{((?:data\.)?[a-z0-9]+_[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}/g;

function split(address: string): { mode: 'managed' | 'data'; type: string; name: string } {
  const parts = address.split('.');
  if (parts[0] === 'data') return { mode: 'data', type: parts[1], name: parts.slice(2).join('.') };
  return { mode: 'managed', type: parts[0], name: parts.slice(1).join('.') };
}

/** Values data sources have while planning (data.aws_partition.current.partition is "aws"). */
const KNOWN_ATTRIBUTES: Record<string, string> = { partition: 'aws', account_id: '123456789012', region: 'af-south-1' };

/** The known value Terraform would show for a referenced attribute. */
const fake = (target: string, attr: string) =>
  KNOWN_ATTRIBUTES[attr] ??
  (attr === 'arn' ? `arn:aws:fake:af-south-1:123456789012:${target}` : `${target}-${attr}`.replace(/[._]/g, '-'));

interface Converted {
  readonly value?: unknown;
  readonly unknown: unknown;
  readonly expression: unknown;
}

/**
 * The plan's view of one value: planned value, after_unknown, configuration expression. `known` collects the
 * fake values a longer string took from other resources, to give those resources the same values.
 */
function convert(value: unknown, known: Map<string, Map<string, string>>): Converted {
  if (typeof value === 'string') {
    const whole = WHOLE_REF.exec(value);
    if (whole) {
      const ref = whole[1];
      const base = ref
        .split('.')
        .slice(0, ref.startsWith('data.') ? 3 : 2)
        .join('.');
      return { unknown: true, expression: { references: ref === base ? [ref] : [ref, base] } };
    }
    const decoded = value.startsWith('${jsonencode(') ? jsonencodeToJson(value) : undefined;
    const text = decoded ?? value;
    if (!text.includes('${')) return { value: text, unknown: false, expression: { constant_value: text } };
    const refs: string[] = [];
    const replaced = text.replace(EMBEDDED_REF, (_m, target: string, attr: string) => {
      refs.push(`${target}.${attr}`, target);
      const v = fake(target, attr);
      if (!known.has(target)) known.set(target, new Map());
      known.get(target)!.set(attr, v);
      return v;
    });
    return {
      value: replaced,
      unknown: false,
      expression: refs.length ? { references: refs } : { constant_value: text },
    };
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => convert(v, known));
    return {
      value: items.map((i) => i.value ?? null),
      unknown: items.map((i) => i.unknown),
      expression: items.map((i) => i.expression),
    };
  }
  if (isObject(value)) {
    const out: Json = {};
    const unknown: Json = {};
    const expression: Json = {};
    for (const [k, v] of Object.entries(value)) {
      const c = convert(v, known);
      if (c.unknown === true) unknown[k] = true;
      else {
        out[k] = c.value;
        if (c.unknown !== false) unknown[k] = c.unknown;
      }
      expression[k] = c.expression;
    }
    return { value: out, unknown, expression };
  }
  return { value, unknown: false, expression: { constant_value: value } };
}

/**
 * A plan of `resources` inside modules `modules` (e.g. ['a', 'b'] for module.a.module.b; [] for the root), with
 * `extra` top-level keys (e.g. prior_state).
 */
export function modulePlan(resources: Resources, modules: readonly string[], extra: Json = {}): Json {
  const prefix = modules.map((m) => `module.${m}.`).join('');
  const known = new Map<string, Map<string, string>>();
  const converted = Object.entries(resources).map(([address, values]) => ({
    address,
    ...split(address),
    ...convert(values, known),
  }));
  const planned = converted.map((c) => {
    const values = { ...(c.value as Json) };
    for (const [attr, v] of known.get(c.address) ?? []) if (!(attr in values)) values[attr] = v;
    return {
      address: prefix + c.address,
      mode: c.mode,
      type: c.type,
      name: c.name,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      schema_version: 0,
      values,
    };
  });
  const changes = converted.map((c, i) => ({
    address: prefix + c.address,
    ...(modules.length ? { module_address: prefix.slice(0, -1) } : {}),
    mode: c.mode,
    type: c.type,
    name: c.name,
    change: {
      actions: [c.mode === 'data' ? 'read' : 'create'],
      before: null,
      after: planned[i].values,
      after_unknown: c.unknown,
      after_sensitive: {},
    },
  }));
  const configResources = converted.map((c) => ({
    address: c.address,
    mode: c.mode,
    type: c.type,
    name: c.name,
    provider_config_key: 'aws',
    expressions: c.expression,
  }));
  // Nest: the innermost module holds the resources; each module above calls the next.
  let rootModule: Json = { resources: configResources };
  let plannedModule: Json = { resources: planned };
  for (let depth = modules.length - 1; depth >= 0; depth--) {
    const address = modules
      .slice(0, depth + 1)
      .map((m) => `module.${m}`)
      .join('.');
    rootModule = { module_calls: { [modules[depth]]: { source: `./modules/${modules[depth]}`, module: rootModule } } };
    plannedModule = { child_modules: [{ address, ...plannedModule }] };
  }
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    planned_values: { root_module: plannedModule },
    resource_changes: changes,
    configuration: { provider_config: { aws: { name: 'aws' } }, root_module: rootModule },
    applyable: true,
    complete: true,
    errored: false,
    ...extra,
  };
}
