// The official MCP TypeScript SDK client signs in to the sandbox
// authorization server, the way Claude Code does, with this script standing in
// for the browser: it opens the authorization URL, answers the consent form
// and hands the code back. Run by tests/interop.rs, which starts the server:
//
//   MCP_URL=http://127.0.0.1:PORT/mcp MCP_INTEROP_DIR=<cache> MCP_CLIENT_ID_URL=<https url or empty> node ts-oauth.mjs
//
// With MCP_CLIENT_ID_URL the client names itself by that URL (a client ID
// metadata document); without it, it registers. Exits 0 when every check
// passes and prints what went wrong otherwise.
import { createRequire } from "node:module";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const { MCP_URL, MCP_INTEROP_DIR, MCP_CLIENT_ID_URL } = process.env;
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
  // the person to the authorization URL.
  const first = new StreamableHTTPClientTransport(new URL(MCP_URL), { authProvider: provider });
  await assert.rejects(
    new Client({ name: "mcp-sandbox-oauth-interop", version: "1.0.0" }).connect(first),
    UnauthorizedError,
  );
  const url = provider.authorizationUrl;
  assert.ok(url, "the SDK asked to open the authorization URL");
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
  assert.equal(url.searchParams.get("resource"), MCP_URL);
  if (MCP_CLIENT_ID_URL) {
    assert.equal(url.searchParams.get("client_id"), MCP_CLIENT_ID_URL);
    assert.equal(provider.client.client_id, MCP_CLIENT_ID_URL, "a URL client id needs no registration");
  } else {
    assert.ok(provider.client.client_id.length >= 32, "the SDK registered");
    assert.equal(provider.client.token_endpoint_auth_method, "none");
  }

  const code = await consent(url, "vera");
  await first.finishAuth(code);
  assert.ok(provider.saved?.access_token, "the SDK got tokens");
  assert.ok(provider.saved?.refresh_token, "with a refresh token");

  const client = await connect(provider);
  const whoami = await client.callTool({ name: "whoami", arguments: {} });
  // The SDK names OAuth callers by issuer and subject: `oauth:<issuer>#vera`.
  const who = envelopeOf(whoami);
  assert.equal(who.Success, true);
  assert.match(who.Data, /^oauth:.+#vera@acme$/);

  // An access token the server no longer accepts: the SDK refreshes on the
  // 401 and carries on; the refresh token rotated.
  const before = provider.saved.refresh_token;
  provider.saved = { ...provider.saved, access_token: "expired-or-revoked" };
  const again = await connect(provider);
  const retried = await again.callTool({ name: "whoami", arguments: {} });
  assert.deepEqual(envelopeOf(retried), who);
  assert.notEqual(provider.saved.refresh_token, before, "the refresh token rotated");

  console.log(`ok: TypeScript SDK ${sdkVersion} signed in (${MCP_CLIENT_ID_URL ? "client ID metadata document" : "dynamic registration"}), called a tool, refreshed`);
}

main().catch((error) => {
  console.error(error?.stack ?? String(error));
  process.exit(1);
});
