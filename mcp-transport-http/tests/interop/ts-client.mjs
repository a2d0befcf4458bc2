// The official MCP TypeScript SDK client against an mcp-tools server over
// Streamable HTTP. Run by tests/interop.rs, which starts the server:
//
//   MCP_URL=http://127.0.0.1:PORT/mcp MCP_API_KEY=… MCP_INTEROP_DIR=<cache> node ts-client.mjs
//
// MCP_INTEROP_DIR is the directory scripts/interop-install.sh prints; the SDK
// is loaded from its node_modules. Exits 0 when every check passes, and prints
// what went wrong otherwise.
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const { MCP_URL, MCP_API_KEY, MCP_INTEROP_DIR } = process.env;
if (!MCP_URL || !MCP_API_KEY || !MCP_INTEROP_DIR) {
  console.error("set MCP_URL, MCP_API_KEY and MCP_INTEROP_DIR");
  process.exit(2);
}
const require = createRequire(`${MCP_INTEROP_DIR}/package.json`);
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StreamableHTTPClientTransport } = require(
  "@modelcontextprotocol/sdk/client/streamableHttp.js",
);
const sdkVersion = require("@modelcontextprotocol/sdk/package.json").version;

const envelopeOf = (result) => {
  assert.ok(Array.isArray(result.content), "content is an array");
  assert.equal(result.content[0].type, "text");
  const fromText = JSON.parse(result.content[0].text);
  assert.deepEqual(result.structuredContent, fromText, "structuredContent equals the text");
  return fromText;
};

async function main() {
  // Without the key: the transport refuses with 401 before any MCP exchange.
  const anonymous = new Client({ name: "mcp-tools-interop-anonymous", version: "1.0.0" });
  await assert.rejects(
    anonymous.connect(new StreamableHTTPClientTransport(new URL(MCP_URL))),
    (error) => /401|nauthori/i.test(String(error?.message ?? error)),
    "a client without the API key is refused",
  );

  const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), {
    requestInit: { headers: { "x-api-key": MCP_API_KEY } },
  });
  const client = new Client({ name: "mcp-tools-interop", version: "1.0.0" });
  await client.connect(transport);
  const server = client.getServerVersion();
  assert.equal(server.name, "interop");

  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name).sort();
  assert.deepEqual(names, ["count", "echo", "fail"]);
  const echo = tools.find((t) => t.name === "echo");
  assert.equal(echo.inputSchema.type, "object");
  assert.equal(echo.inputSchema.additionalProperties, false);
  assert.ok(echo.outputSchema, "echo publishes its envelope as outputSchema");

  // A successful call: the SDK validates structuredContent against outputSchema.
  const ok = await client.callTool({ name: "echo", arguments: { text: "hello" } });
  assert.equal(ok.isError, false);
  assert.deepEqual(envelopeOf(ok), { Success: true, Data: { text: "hello" } });

  // A business error: a result with isError and the error envelope.
  const failed = await client.callTool({ name: "fail", arguments: {} });
  assert.equal(failed.isError, true);
  const error = envelopeOf(failed);
  assert.equal(error.Success, false);
  assert.equal(error.ErrorCode, "NotFound");
  assert.match(error.ErrorMessage, /nothing here/);

  // Invalid arguments: also an error envelope, naming what is missing.
  const invalid = await client.callTool({ name: "echo", arguments: {} });
  assert.equal(invalid.isError, true);
  assert.equal(envelopeOf(invalid).ErrorCode, "InvalidArguments");

  // Progress notifications, followed with onprogress.
  const seen = [];
  const counted = await client.callTool({ name: "count", arguments: { to: 3 } }, undefined, {
    onprogress: (progress) => seen.push(progress),
  });
  assert.deepEqual(envelopeOf(counted), { Success: true, Data: 3 });
  assert.deepEqual(
    seen.map((p) => [p.progress, p.total]),
    [
      [1, 3],
      [2, 3],
      [3, 3],
    ],
  );
  assert.equal(seen[2].message, "step 3 of 3");

  await client.close();
  console.log(`ts-client: all checks passed (@modelcontextprotocol/sdk ${sdkVersion})`);
}

main().catch((error) => {
  console.error("ts-client: FAILED");
  console.error(error);
  process.exit(1);
});
