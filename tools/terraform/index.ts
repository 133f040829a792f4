/**
 * This machine's terraform over the synthesized stacks: what the validate tests, the rehearsal test (moto lifecycle) and the
 * deploy rehearsal use. README "Terraform checks: what runs where" says what runs where.
 */
export { TerraformError, type TerraformErrorKind } from './errors';
export { cliConfigFile, LOCAL_PROVIDER_SOURCE, LOCAL_PROVIDER_VERSION } from './local-provider';
export { localCopy, STAND_INS, type LocalChange, type LocalCopy, type StandIn } from './local-copy';
export { findSchemaGaps, SCHEMA_GAPS, type SchemaGap } from './schema-gaps';
export { MOTO_EXCLUSIONS, MOTO_PLAN_ARTEFACTS, MOTO_SET_ASIDE, motoEnvironment } from './moto';
export { Terraform, describeDiagnostic, type Diagnostic, type TerraformOptions } from './terraform';
export { prepareWorkingCopy, type WorkingCopy, type WorkingCopyOptions } from './working-copy';
export {
  MotoLifecycle,
  motoServerEnvironment,
  runLifecycles,
  type LifecycleOptions,
  type LifecycleReport,
  type LifecyclesOptions,
  type LifecyclesRun,
} from './lifecycle';
