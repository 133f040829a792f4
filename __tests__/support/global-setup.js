// Jest global setup: the function packages the app reads (dev/build.js builds them with main.ts for npm run synth;
// tests build the app from the sources, so they are built here, once, when missing or stale).
const { bundleFunction, FUNCTIONS } = require('../../dev/build.js');

module.exports = () => {
  for (const entry of FUNCTIONS) bundleFunction(entry);
};
