"""The official MCP Python SDK as a client of an mcp-tools server.

Run by the interop tests with the interpreter of the virtualenv that
scripts/interop-install-python.sh prints:

    MCP_URL=http://127.0.0.1:PORT/mcp MCP_HEADERS='{"x-api-key": "..."}' \
    MCP_CALL='{"name": "a_read_only_tool", "arguments": {}}' \
        python py-client.py MODE

MODE is one of
  auto        `Client(mode="auto")`: probes server/discover, falls back to initialize
  2026-07-28  `Client(mode="2026-07-28")`: the modern era at that revision, no probe
  session     the 2025 `ClientSession` over streamable HTTP, with initialize

It connects, lists the tools, calls the tool MCP_CALL names and, for
resources and prompts, lists them (and reads the first resource and gets the
first prompt when there is one) whether or not the server advertises them, so
the caller can check that the listing agrees with the advertised capability.
It prints one JSON report on stdout (the same shape as the other clients' in
this directory) and exits 0; a failure to connect or to list or call tools is
an exception and exit status 1.
"""

import asyncio
import importlib.metadata
import json
import os
import sys

from mcp.client import Client, ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.exceptions import MCPError

MODERN = "2026-07-28"


def dump(model):
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


async def attempt(coroutine):
    """The outcome of one optional request: its result, or the error it raised."""
    try:
        return {"ok": True, "result": dump(await coroutine)}
    except MCPError as error:
        return {"ok": False, "code": error.code, "error": error.error.message}


def placeholder_arguments(prompt):
    """A value for each required argument of a prompt."""
    return {a["name"]: "interop" for a in prompt.get("arguments", []) if a.get("required")}


async def exercise(api, capabilities):
    """Tools, resources and prompts through `api` (a Client or a ClientSession)."""
    call = json.loads(os.environ["MCP_CALL"])
    tools = dump(await api.list_tools())["tools"]
    called = dump(await api.call_tool(call["name"], call.get("arguments", {})))

    resources = {"advertised": capabilities.get("resources") is not None}
    resources["list"] = await attempt(api.list_resources())
    listed = resources["list"].get("result", {}).get("resources", [])
    if listed:
        resources["read"] = await attempt(api.read_resource(listed[0]["uri"]))

    prompts = {"advertised": capabilities.get("prompts") is not None}
    prompts["list"] = await attempt(api.list_prompts())
    listed = prompts["list"].get("result", {}).get("prompts", [])
    if listed:
        prompts["get"] = await attempt(api.get_prompt(listed[0]["name"], placeholder_arguments(listed[0])))

    return {
        "tools": [tool["name"] for tool in tools],
        "call": {"name": call["name"], "result": called},
        "resources": resources,
        "prompts": prompts,
    }


async def main(mode):
    url = os.environ["MCP_URL"]
    headers = json.loads(os.environ.get("MCP_HEADERS", "{}"))
    report = {
        "client": f"python mcp {importlib.metadata.version('mcp')}",
        "mode": mode,
    }
    async with create_mcp_http_client(headers=headers) as http:
        transport = streamable_http_client(url, http_client=http)
        if mode == "session":
            async with transport as (read, write), ClientSession(read, write) as session:
                initialized = await session.initialize()
                capabilities = dump(initialized.capabilities)
                report["protocolVersion"] = initialized.protocol_version
                report["serverName"] = initialized.server_info.name
                report["capabilities"] = capabilities
                report.update(await exercise(session, capabilities))
        elif mode in ("auto", MODERN):
            async with Client(transport, mode=mode) as client:
                report["protocolVersion"] = client.protocol_version
                if mode == MODERN:
                    # A pinned client adopts a synthesized discover result
                    # without asking; ask, to learn the real capabilities.
                    discovered = await client.session.send_discover(MODERN)
                    capabilities = discovered.get("capabilities", {})
                else:
                    capabilities = dump(client.server_capabilities)
                info = client.server_info
                report["serverName"] = info.name if info is not None else None
                report["capabilities"] = capabilities
                report.update(await exercise(client, capabilities))
        else:
            raise SystemExit(f"unknown mode {mode!r}: use auto, {MODERN} or session")
    print(json.dumps(report))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(f"usage: MCP_URL=... MCP_CALL=... {sys.argv[0]} auto|{MODERN}|session")
    asyncio.run(main(sys.argv[1]))
