// CI: the browser client in headless Chromium (Debian's, WebGL2 on SwiftShader), driven by
// playwright-core over the DevTools protocol. Opens a seat's link, waits for the game's
// console line that the table is drawn, saves a screenshot, then presses Enter (the news)
// and N (Pass) until the host's save holds the seat's pass.
// Usage: node browser.js URL OUT.png SAVE PARTY   (NODE_PATH: where playwright-core is)
const { chromium } = require("playwright-core");
const fs = require("fs");

const [url, out, save, party] = process.argv.slice(2);
const deadline = (ms) => new Promise((_, fail) => setTimeout(() => fail(new Error(`no table after ${ms} ms`)), ms));
const passed = () => {
  const text = fs.existsSync(save) ? fs.readFileSync(save, "utf8") : "";
  return new RegExp(`party:\\s*"${party}",\\s*action:\\s*Pass`).test(text);
};

(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
      "--ignore-gpu-blocklist", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic",
    ],
  });
  const figures = {};
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const log = [];
    let drawn;
    const table = new Promise((resolve) => { drawn = resolve; });
    page.on("console", (m) => {
      const text = m.text();
      log.push(`${m.type()}: ${text}`);
      const hit = /accord: table drawn after (\d+) ms/.exec(text);
      if (hit) drawn(Number(hit[1]));
    });
    page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
    const started = Date.now();
    await page.goto(url);
    try {
      figures.table_drawn_ms = await Promise.race([table, deadline(60000)]);
    } catch (e) {
      console.error(log.slice(-30).join("\n"));
      throw e;
    }
    figures.seen_after_ms = Date.now() - started;
    // A frame or two more, so that the drawn table is on the canvas.
    await page.waitForTimeout(1500);
    await page.screenshot({ path: out });
    await page.focus("#accord");
    const until = Date.now() + 60000;
    let presses = 0;
    while (!passed()) {
      if (Date.now() > until) {
        console.error(log.slice(-30).join("\n"));
        throw new Error(`the host's save has no pass of ${party} after ${presses} presses`);
      }
      await page.keyboard.press("Enter");
      await page.waitForTimeout(300);
      await page.keyboard.press("n");
      presses += 1;
      await page.waitForTimeout(1200);
    }
    figures.presses = presses;
    await page.screenshot({ path: out.replace(/\.png$/, "-after.png") });
    console.log(JSON.stringify(figures));
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(`browser.js: ${e.message}`);
  process.exit(1);
});
