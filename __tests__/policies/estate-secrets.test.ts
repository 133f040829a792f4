/**
 * The estate's credential names the secrets rules read (policies/rego/credex/lib/estate_secrets.rego) are generated
 * from the contracts (the Neo4j secret's password keys and the app variables they feed): the committed file must be
 * what `npm run build:policies` writes today, or a renamed variable would slip past the rules unnoticed.
 */
import { readFileSync } from 'node:fs';
import { estateSecretsFile, renderEstateSecretsRego } from '../../policies/build/estate-secrets';

test('estate_secrets.rego is up to date with the contracts (npm run build:policies)', () => {
  expect(readFileSync(estateSecretsFile(), 'utf8')).toBe(renderEstateSecretsRego());
  expect(renderEstateSecretsRego()).toContain('"neo_4j_ledger_space_pass"');
});
