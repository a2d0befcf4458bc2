// The official MCP TypeScript SDK client signs in to the sandbox
// authorization server, the way Claude Code does, with this script standing in
// for the browser: it opens the authorization URL, answers the consent form
// and hands the code back. Run by tests/interop.rs, which starts the server,
// and by the workspace's tests/interop_clients.rs against the example servers:
//
//   MCP_URL=http://127.0.0.1:PORT/mcp MCP_INTEROP_DIR=<cache> MCP_CLIENT_ID_URL=<https url or empty> \
//     [MCP_OAUTH_USER=<user>] [MCP_CALL='{"name":"tool","arguments":{}}'] node ts-oauth.mjs
//
// With MCP_CLIENT_ID_URL the client names itself by that URL (a client ID
// metadata document); without it, it registers. MCP_OAUTH_USER is the user
// picked on the consent page (default vera). Without MCP_CALL the script calls
// `whoami` and checks the caller it names (the crate's own test server); with
// it, it calls that tool and checks for a success envelope. A server with
// public discovery lets the client connect anonymously: the sign-in then
// starts at the first call. Exits 0 when every check passes and prints what
// went wrong otherwise.
import { createRequire } from "node:module";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const { MCP_URL, MCP_INTEROP_DIR, MCP_CLIENT_ID_URL } = process.env;
const USER = process.env.MCP_OAUTH_USER || "vera";
const CALL = process.env.MCP_CALL ? JSON.parse(process.env.MCP_CALL) : { name: "whoami", arguments: {} };
const WHOAMI = !process.env.MCP_CALL;
if (!MCP_URL || !MCP_INTEROP_DIR) {
  console.error("set MCP_URL and MCP_INTEROP_DIR");
  process.exit(2);
}
const require = createRequire(`${MCP_INTEROP_DIR}/package.json`);
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StreamableHTTPClientTransport } = require(
  "@modelcontextprotocol/sdk/client/streamableHttp.js",
);
const { UnauthorizedError } = require("@modelcontextprotocol/sdk/client/auth.js");
const sdkVersion = JSON.parse(
  readFileSync(`${MCP_INTEROP_DIR}/node_modules/@modelcontextprotocol/sdk/package.json`, "utf8"),
).version;

const REDIRECT = "http://127.0.0.1:53682/callback";

/** Keeps what the SDK asks it to, in memory. */
class Provider {
  constructor(clientIdUrl) {
    this.clientMetadataUrl = clientIdUrl || undefined;
    this.client = undefined;
    this.saved = undefined;
    this.verifier = undefined;
    this.authorizationUrl = undefined;
  }
  get redirectUrl() {
    return REDIRECT;
  }
  get clientMetadata() {
    return {
      client_name: "TypeScript SDK interop",
      redirect_uris: [REDIRECT],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

/** The person at the browser: opens the page, picks `user`, allows. */
async function consent(authorizationUrl, user) {
  const page = await fetch(authorizationUrl);
  const html = await page.text();
  assert.equal(page.status, 200, `the consent page opens: ${html}`);
  const request = /name="request" value="([^"]+)"/.exec(html)?.[1];
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  assert.ok(request && action, "the page has the consent form");
  const answer = await fetch(action.replaceAll("&amp;", "&"), {
    method: "POST",
    body: new URLSearchParams({ request, user, decision: "approve" }),
    redirect: "manual",
  });
  assert.equal(answer.status, 303);
  const back = new URL(answer.headers.get("location"));
  assert.equal(`${back.origin}${back.pathname}`, REDIRECT);
  const code = back.searchParams.get("code");
  assert.ok(code, `the redirect carries a code: ${back}`);
  return code;
}

const envelopeOf = (result) => JSON.parse(result.content[0].text);

async function connect(provider) {
  const client = new Client({ name: "mcp-sandbox-oauth-interop", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(MCP_URL), { authProvider: provider }));
  return client;
}

async function main() {
  const provider = new Provider(MCP_CLIENT_ID_URL);

  // No token yet: the SDK discovers the server, gets a client id, and sends
  // the person to the authorization URL, at connecting, or at the first call
  // when the server lets anyone connect.
  const first = new StreamableHTTPClientTransport(new URL(MCP_URL), { authProvider: provider });
  const anonymous = new Client({ name: "mcp-sandbox-oauth-interop", version: "1.0.0" });
  let connected = true;
  try {
    await anonymous.connect(first);
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    connected = false;
  }
  if (connected) {
    await assert.rejects(anonymous.callTool(CALL), UnauthorizedError);
  }
  const url = provider.authorizationUrl;
  assert.ok(url, "the SDK asked to open the authorization URL");
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
  const noSlash = (u) => u.replace(/\/$/, "");
  assert.equal(noSlash(url.searchParams.get("resource")), noSlash(MCP_URL));
  if (MCP_CLIENT_ID_URL) {
    assert.equal(url.searchParams.get("client_id"), MCP_CLIENT_ID_URL);
    assert.equal(provider.client.client_id, MCP_CLIENT_ID_URL, "a URL client id needs no registration");
  } else {
    assert.ok(provider.client.client_id.length >= 32, "the SDK registered");
    assert.equal(provider.client.token_endpoint_auth_method, "none");
  }

  const code = await consent(url, USER);
  await first.finishAuth(code);
  assert.ok(provider.saved?.access_token, "the SDK got tokens");
  assert.ok(provider.saved?.refresh_token, "with a refresh token");

  const client = await connect(provider);
  const called = envelopeOf(await client.callTool(CALL));
  assert.equal(called.Success, true, JSON.stringify(called));
  if (WHOAMI) {
    // The SDK names OAuth callers by issuer and subject: `oauth:<issuer>#vera`.
    assert.match(called.Data, new RegExp(`^oauth:.+#${USER}@acme$`));
  }

  // An access token the server no longer accepts: the SDK refreshes on the
  // 401 and carries on; the refresh token rotated.
  const before = provider.saved.refresh_token;
  provider.saved = { ...provider.saved, access_token: "expired-or-revoked" };
  const again = await connect(provider);
  const retried = envelopeOf(await again.callTool(CALL));
  assert.equal(retried.Success, true, JSON.stringify(retried));
  if (WHOAMI) assert.deepEqual(retried, called);
  assert.notEqual(provider.saved.refresh_token, before, "the refresh token rotated");

  console.log(`ok: TypeScript SDK ${sdkVersion} signed in (${MCP_CLIENT_ID_URL ? "client ID metadata document" : "dynamic registration"}) as ${USER}, called ${CALL.name}, refreshed`);
}

main().catch((error) => {
  console.error(error?.stack ?? String(error));
  process.exit(1);
});
