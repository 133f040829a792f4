/** The contracts: names and shapes that several parts of the project must agree on (docs/architecture.md). */
export * from './deployer-policies';
export * from './naming';
export * from './outputs';
export * from './waivers';
