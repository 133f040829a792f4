// Preloaded (node -r) into the commands the fault harness runs: writes the process's peak RSS (KiB) to
// $FAULT_RSS_FILE when it exits, however it exits short of SIGKILL.
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  try {
    if (process.env.FAULT_RSS_FILE) writeFileSync(process.env.FAULT_RSS_FILE, String(process.resourceUsage().maxRSS));
  } catch {
    // nothing to report to
  }
});
