// Preloaded by `npm run bench` (NODE_OPTIONS=--require): writes this process's peak RSS (KiB) at exit.
const fs = require('node:fs');
const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try { fs.appendFileSync(file, `${process.pid} ${process.resourceUsage().maxRSS}\n`); } catch { /* ignore */ }
  });
}
