// The official MCP TypeScript SDK v2 client (@modelcontextprotocol/client 2.x)
// against an mcp-tools server over Streamable HTTP. Run by the interop tests:
//
//   MCP_URL=http://127.0.0.1:PORT/mcp MCP_HEADERS='{"x-api-key":"…"}' \
//   MCP_CALL='{"name":"a_read_only_tool","arguments":{}}' MCP_INTEROP_DIR=<cache> \
//     node ts2-client.mjs MODE
//
// MODE is `auto` (versionNegotiation mode 'auto': server/discover, falling
// back to initialize) or `2026-07-28` (mode { pin: '2026-07-28' }). It
// connects, lists the tools, calls the tool MCP_CALL names and, for resources
// and prompts, lists them (reading the first resource and getting the first
// prompt when there is one) whether or not the server advertises them (the SDK
// itself answers an empty list, with a warning on stdout, for one the server
// does not advertise). It prints one JSON report as the last line of stdout,
// the shape py-client.py prints, and exits 0;
// a failure to connect or to list or call tools exits 1.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const { MCP_URL, MCP_HEADERS, MCP_CALL, MCP_INTEROP_DIR } = process.env;
const mode = process.argv[2];
if (!MCP_URL || !MCP_CALL || !MCP_INTEROP_DIR || !["auto", "2026-07-28"].includes(mode)) {
  console.error("set MCP_URL, MCP_CALL and MCP_INTEROP_DIR, and pass auto or 2026-07-28");
  process.exit(2);
}
const require = createRequire(`${MCP_INTEROP_DIR}/package.json`);
const sdk = await import(require.resolve("@modelcontextprotocol/client"));
// The package exports no ./package.json; read it from the install.
const version = JSON.parse(
  readFileSync(`${MCP_INTEROP_DIR}/node_modules/@modelcontextprotocol/client/package.json`, "utf8"),
).version;
const { Client, StreamableHTTPClientTransport } = sdk;

// The outcome of one optional request: its result, or the error it raised.
const attempt = async (request) => {
  try {
    return { ok: true, result: await request() };
  } catch (error) {
    return { ok: false, code: error?.code ?? null, error: String(error?.message ?? error) };
  }
};

const placeholderArguments = (prompt) =>
  Object.fromEntries(
    (prompt.arguments ?? []).filter((a) => a.required).map((a) => [a.name, "interop"]),
  );

async function main() {
  const call = JSON.parse(MCP_CALL);
  const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), {
    requestInit: { headers: JSON.parse(MCP_HEADERS ?? "{}") },
  });
  const client = new Client(
    { name: "mcp-tools-interop", version: "1.0.0" },
    { versionNegotiation: { mode: mode === "auto" ? "auto" : { pin: mode } } },
  );
  await client.connect(transport);
  const capabilities = client.getServerCapabilities() ?? {};
  const report = {
    client: `@modelcontextprotocol/client ${version}`,
    mode,
    era: client.getProtocolEra(),
    protocolVersion: client.getNegotiatedProtocolVersion(),
    serverName: client.getServerVersion()?.name ?? null,
    capabilities,
  };
  const { tools } = await client.listTools();
  report.tools = tools.map((t) => t.name);
  report.call = {
    name: call.name,
    result: await client.callTool({ name: call.name, arguments: call.arguments ?? {} }),
  };

  const resources = { advertised: capabilities.resources !== undefined };
  resources.list = await attempt(() => client.listResources());
  const listedResources = resources.list.result?.resources ?? [];
  if (listedResources.length > 0) {
    resources.read = await attempt(() => client.readResource({ uri: listedResources[0].uri }));
  }
  const prompts = { advertised: capabilities.prompts !== undefined };
  prompts.list = await attempt(() => client.listPrompts());
  const listedPrompts = prompts.list.result?.prompts ?? [];
  if (listedPrompts.length > 0) {
    const prompt = listedPrompts[0];
    prompts.get = await attempt(() =>
      client.getPrompt({ name: prompt.name, arguments: placeholderArguments(prompt) }),
    );
  }
  report.resources = resources;
  report.prompts = prompts;

  await client.close();
  console.log(JSON.stringify(report));
}

main().catch((error) => {
  console.error("ts2-client: FAILED");
  console.error(error);
  process.exit(1);
});
