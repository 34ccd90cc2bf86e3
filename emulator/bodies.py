"""Request bodies (JSON or multipart with payload_json + files[n]) and JSON responses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from emulator.errors import INVALID_JSON, ApiError

# Discord's upload limit for a server without boosts (what `attachment_size_limit` tells bots), all files of
# one request together; over it Discord answers 413 with code 40005.
UPLOAD_LIMIT = 10 * 1024 * 1024
ENTITY_TOO_LARGE = 40005

JSON_TYPE = "application/json"


@dataclass(slots=True)
class UploadedFile:
    index: int
    filename: str
    content_type: str | None
    data: bytes


@dataclass(slots=True)
class Body:
    """A parsed request body: the JSON payload and any uploaded files."""

    data: Any = None
    files: list[UploadedFile] = field(default_factory=list)

    def obj(self) -> dict[str, Any]:
        if self.data is None:
            return {}
        if not isinstance(self.data, dict):
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "_errors": [
                        {
                            "code": "DICT_TYPE_CONVERT",
                            "message": "Only dictionaries may be used in a DictType",
                        }
                    ]
                },
            )
        return self.data

    def array(self) -> list[Any]:
        if not isinstance(self.data, list):
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "_errors": [
                        {"code": "LIST_TYPE_CONVERT", "message": "Only iterables may be used in a ListType"}
                    ]
                },
            )
        return self.data


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with Content-Type exactly `application/json` (discord.py rejects a charset suffix)."""
    merged = {"Content-Type": JSON_TYPE}
    if headers:
        merged.update(headers)
    return web.Response(body=json.dumps(data, separators=(",", ":")).encode(), status=status, headers=merged)


def no_content() -> web.Response:
    return web.Response(status=204)


def _bad_json() -> ApiError:
    return ApiError(400, INVALID_JSON, "The request body contains invalid JSON.")


async def read_body(request: web.Request) -> Body:
    """Parse JSON, or multipart/form-data with `payload_json` and `files[n]` parts."""
    if not request.body_exists:
        return Body()
    if request.content_type.startswith("multipart/"):
        return await _read_multipart(request)
    raw = await request.read()
    if not raw.strip():
        return Body()
    try:
        return Body(json.loads(raw))
    except ValueError:
        raise _bad_json() from None


async def _read_multipart(request: web.Request) -> Body:
    body = Body()
    reader = await request.multipart()
    index = 0
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader):
            continue
        name = part.name or ""
        if name == "payload_json":
            try:
                body.data = json.loads(await part.text())
            except ValueError:
                raise _bad_json() from None
        elif name.startswith("file"):
            number = name[name.find("[") + 1 : -1] if "[" in name else str(index)
            data = await part.read(decode=False)
            body.files.append(
                UploadedFile(
                    index=int(number) if number.isdigit() else index,
                    filename=part.filename or f"file{index}",
                    content_type=part.headers.get("Content-Type"),
                    data=bytes(data),
                )
            )
            index += 1
    if sum(len(f.data) for f in body.files) > UPLOAD_LIMIT:
        raise ApiError(413, ENTITY_TOO_LARGE, "Request entity too large")
    return body
