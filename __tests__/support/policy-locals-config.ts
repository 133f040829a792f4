/**
 * The fixture resources as a cdktf config that passes every attribute through a local: `"ingress": "${local.x}"`
 * with `locals { x = [...] }`. The gate must judge it exactly as the config with the values written in place.
 */
import { cdktfDoc, Resources } from './policy-fixtures';

export function cdktfViaLocals(resources: Resources, stackName = 'staging'): Record<string, unknown> {
  const locals: Record<string, unknown> = {};
  const moved: Resources = {};
  Object.entries(resources).forEach(([address, values], i) => {
    moved[address] = Object.fromEntries(
      Object.entries(values).map(([attr, value], j) => {
        const name = `v${i}_${j}`;
        locals[name] = value;
        return [attr, `\${local.${name}}`];
      }),
    );
  });
  return { ...cdktfDoc(moved, stackName), locals };
}
