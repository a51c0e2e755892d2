// A plain static HTTP server for a mirror's www/ folder, meant to run in its own process:
//   node bench/mirror/serve.mjs <www-dir> [port]
// Prints one JSON line {"port": N} on stdout when listening on 127.0.0.1. Keep-alive with TCP_NODELAY
// (no Nagle/delayed-ACK stalls) and PyPI-like Cache-Control, so pip caches with --trusted-host.
// Files are read once and then served from memory. GET /__stats returns the request counts.
import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { join, normalize, sep } from "node:path";

const [wwwArg, portArg] = process.argv.slice(2);
if (wwwArg === undefined) {
  process.stderr.write("usage: node serve.mjs <www-dir> [port]\n");
  process.exit(2);
}
const www = normalize(wwwArg);
const memory = new Map();
let requests = 0;
let bytesSent = 0;

async function load(urlPath) {
  let path = decodeURIComponent(urlPath);
  if (path.endsWith("/")) path += "index.html";
  const file = normalize(join(www, path));
  if (!file.startsWith(www + sep)) return undefined;
  const hit = memory.get(file);
  if (hit !== undefined) return hit;
  try {
    if (!(await stat(file)).isFile()) return undefined;
    const body = await readFile(file);
    const entry = { body, html: file.endsWith(".html") };
    memory.set(file, entry);
    return entry;
  } catch {
    return undefined;
  }
}

const server = createServer(async (req, res) => {
  requests++;
  const urlPath = (req.url ?? "/").split("?")[0].split("#")[0];
  if (urlPath === "/__stats") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ requests, bytesSent }));
    return;
  }
  // /simple/<name> without the slash: redirect like PyPI does.
  if (/^\/simple\/[^/]+$/.test(urlPath)) {
    res.writeHead(301, { location: `${urlPath}/` });
    res.end();
    return;
  }
  const entry = await load(urlPath);
  if (entry === undefined) {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found\n");
    return;
  }
  res.writeHead(200, {
    "content-type": entry.html ? "text/html; charset=utf-8" : "application/octet-stream",
    "content-length": entry.body.length,
    "cache-control": entry.html ? "max-age=600, public" : "max-age=365000000, immutable, public",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  bytesSent += entry.body.length;
  res.end(entry.body);
});
server.keepAliveTimeout = 30_000;
server.on("connection", (socket) => socket.setNoDelay(true));
server.listen(Number(portArg ?? 0), "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
