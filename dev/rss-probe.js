// Preloaded (node --require) into a benchmarked process: reports its peak RSS on exit, on stderr.
process.on('exit', () => {
  process.stderr.write(`\n__CREDEX_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
