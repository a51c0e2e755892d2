import { it } from "vitest";
import { startIndexServer } from "../helpers/index-server.js";
import { demoProject, serverFiles, tempDir, writeTree, mirrorArg, runCliAsync } from "./helpers/project.js";
it("time", async () => {
  const d = demoProject();
  const server = await startIndexServer({ files: serverFiles(d.wheels) });
  const dir = tempDir(); writeTree(dir, d.files);
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = await runCliAsync(["build", dir, "--cache-dir", tempDir(), "--mirror", mirrorArg(server.url), "--json"]);
    console.log(r.status, Math.round(performance.now() - t), JSON.stringify(JSON.parse(r.stdout).timings), JSON.parse(r.stdout).ms);
  }
  await server.close();
}, 60000);
