// The official MCP TypeScript SDK client launching an mcp-tools server as a
// child process and talking to it over stdio, the way Claude Desktop and
// Claude Code start `command` servers. Run by tests/stdio_interop.rs:
//
//   MCP_COMMAND=<server executable> MCP_ARGS='["--stdio"]' MCP_INTEROP_DIR=<cache> node ts-stdio-client.mjs
//
// It connects, lists every tool (following cursors), calls the first
// read-only tool that needs no arguments, and prints one JSON line with what
// it saw; it exits non-zero on any protocol error.
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const { MCP_COMMAND, MCP_ARGS, MCP_INTEROP_DIR } = process.env;
if (!MCP_COMMAND || !MCP_INTEROP_DIR) {
  console.error("set MCP_COMMAND, MCP_ARGS and MCP_INTEROP_DIR");
  process.exit(2);
}
const require = createRequire(`${MCP_INTEROP_DIR}/package.json`);
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StdioClientTransport } = require("@modelcontextprotocol/sdk/client/stdio.js");

async function main() {
  const transport = new StdioClientTransport({
    command: MCP_COMMAND,
    args: JSON.parse(MCP_ARGS ?? "[]"),
    stderr: "inherit",
  });
  const client = new Client({ name: "mcp-tools-stdio-interop", version: "1.0.0" });
  await client.connect(transport);
  const server = client.getServerVersion();

  const tools = [];
  let cursor;
  do {
    const page = await client.listTools(cursor ? { cursor } : {});
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);

  const probe = tools.find(
    (t) => t.annotations?.readOnlyHint === true && (t.inputSchema.required ?? []).length === 0,
  );
  assert.ok(probe, "some read-only tool takes no required argument");
  const result = await client.callTool({ name: probe.name, arguments: {} });
  const envelope = JSON.parse(result.content[0].text);

  await client.close();
  console.log(
    JSON.stringify({
      server: server?.name,
      tools: tools.length,
      called: probe.name,
      success: envelope.Success,
      isError: result.isError ?? false,
    }),
  );
}

main().catch((error) => {
  console.error(error?.stack ?? String(error));
  process.exit(1);
});
