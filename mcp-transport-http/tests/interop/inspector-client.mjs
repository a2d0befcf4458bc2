// The MCP Inspector's command line (@modelcontextprotocol/inspector 2.x,
// `--cli`) against an mcp-tools server over Streamable HTTP, one Inspector run
// per method. Run by the interop tests:
//
//   MCP_URL=http://127.0.0.1:PORT/mcp MCP_HEADERS='{"x-api-key":"…"}' \
//   MCP_CALL='{"name":"a_read_only_tool","arguments":{}}' MCP_INTEROP_DIR=<cache> \
//     node inspector-client.mjs ERA
//
// ERA is `legacy` (the Inspector's default for a URL: the initialize
// handshake) or `modern` (`--protocol-era modern`: server/discover and
// 2026-07-28). It asks for `initialize` (the Inspector's summary of the
// connection), lists the tools, calls the tool MCP_CALL names, and lists the
// resources and prompts (reading the first resource and getting the first
// prompt when there is one) whether or not the server advertises them. It
// prints one JSON report as the last line of stdout, the shape py-client.py
// prints, and exits 0;
// a failure of initialize, tools/list or tools/call exits 1. The Inspector
// keeps a catalog and client settings under its HOME; each run gets a fresh
// temporary one.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const { MCP_URL, MCP_HEADERS, MCP_CALL, MCP_INTEROP_DIR } = process.env;
const era = process.argv[2];
if (!MCP_URL || !MCP_CALL || !MCP_INTEROP_DIR || !["legacy", "modern"].includes(era)) {
  console.error("set MCP_URL, MCP_CALL and MCP_INTEROP_DIR, and pass legacy or modern");
  process.exit(2);
}
const packageDir = join(MCP_INTEROP_DIR, "node_modules/@modelcontextprotocol/inspector");
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
const inspector = join(packageDir, manifest.bin["mcp-inspector"]);
const home = mkdtempSync(join(tmpdir(), "mcp-tools-inspector-"));
const headers = Object.entries(JSON.parse(MCP_HEADERS ?? "{}")).map(([k, v]) => `${k}: ${v}`);

// One Inspector run: the `result` it printed, or what it said went wrong.
async function inspect(method, ...args) {
  const argv = [inspector, "--cli", MCP_URL, "--transport", "http", "--method", method];
  argv.push("--format", "json");
  if (era === "modern") argv.push("--protocol-era", "modern");
  if (headers.length > 0) argv.push("--header", ...headers);
  argv.push(...args);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, argv, {
      env: { ...process.env, HOME: home },
      timeout: 60_000,
    });
    return { ok: true, result: JSON.parse(stdout).result };
  } catch (error) {
    const said = `${error.stderr ?? ""}${error.stdout ?? ""}`.trim() || String(error.message);
    return { ok: false, code: error.code ?? null, error: said };
  }
}

const required = (outcome, what) => {
  if (!outcome.ok) throw new Error(`${what} failed: ${outcome.error}`);
  return outcome.result;
};

async function main() {
  const call = JSON.parse(MCP_CALL);
  // Each run is a separate process and connection: start them together.
  const [connected, listed, called, resourceList, promptList] = await Promise.all([
    inspect("initialize"),
    inspect("tools/list"),
    inspect("tools/call", "--tool-name", call.name, "--tool-args-json", JSON.stringify(call.arguments ?? {})),
    inspect("resources/list"),
    inspect("prompts/list"),
  ]);
  const connection = required(connected, "initialize");
  const capabilities = connection.capabilities ?? {};
  const report = {
    client: `@modelcontextprotocol/inspector ${manifest.version} --cli`,
    mode: era,
    protocolVersion: connection.protocolVersion,
    serverName: connection.serverInfo?.name ?? null,
    capabilities,
    tools: required(listed, "tools/list").tools.map((t) => t.name),
    call: { name: call.name, result: required(called, "tools/call") },
  };

  const resources = { advertised: capabilities.resources !== undefined, list: resourceList };
  const prompts = { advertised: capabilities.prompts !== undefined, list: promptList };
  const firstResource = resourceList.result?.resources?.[0];
  const firstPrompt = promptList.result?.prompts?.[0];
  const args = (firstPrompt?.arguments ?? []).filter((a) => a.required).map((a) => `${a.name}=interop`);
  await Promise.all([
    firstResource &&
      inspect("resources/read", "--uri", firstResource.uri).then((r) => (resources.read = r)),
    firstPrompt &&
      inspect(
        "prompts/get",
        "--prompt-name",
        firstPrompt.name,
        ...(args.length > 0 ? ["--prompt-args", ...args] : []),
      ).then((r) => (prompts.get = r)),
  ]);
  report.resources = resources;
  report.prompts = prompts;
  console.log(JSON.stringify(report));
}

main()
  .catch((error) => {
    console.error("inspector-client: FAILED");
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(home, { recursive: true, force: true }));
