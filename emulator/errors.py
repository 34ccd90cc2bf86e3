"""Discord API errors (REST) and control API errors."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
UNKNOWN_ROLE = 10011
UNKNOWN_USER = 10013
UNKNOWN_WEBHOOK = 10015
UNKNOWN_APPLICATION_COMMAND = 10063
UNKNOWN_INTERACTION = 10062
UNKNOWN_SCHEDULED_EVENT = 10070
MISSING_ACCESS = 50001
CANNOT_EDIT_OTHERS_MESSAGE = 50005
EMPTY_MESSAGE = 50006
CANNOT_DM_USER = 50007
NON_TEXT_CHANNEL = 50008
MISSING_PERMISSIONS = 50013
INVALID_TOKEN = 50014
INVALID_WEBHOOK_TOKEN = 50027
INVALID_FORM_BODY = 50035
INVALID_JSON = 50109
ALREADY_ACKNOWLEDGED = 40060

_UNKNOWN_NAMES = {
    UNKNOWN_CHANNEL: "Unknown Channel",
    UNKNOWN_GUILD: "Unknown Guild",
    UNKNOWN_MEMBER: "Unknown Member",
    UNKNOWN_MESSAGE: "Unknown Message",
    UNKNOWN_ROLE: "Unknown Role",
    UNKNOWN_USER: "Unknown User",
    UNKNOWN_WEBHOOK: "Unknown Webhook",
    UNKNOWN_INTERACTION: "Unknown interaction",
    UNKNOWN_SCHEDULED_EVENT: "Unknown Guild Scheduled Event",
    UNKNOWN_APPLICATION_COMMAND: "Unknown application command",
}


class ApiError(Exception):
    """An error answered the way Discord answers it: status plus `{code, message, errors?}`."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> JSON:
        """The JSON body Discord would send."""
        out: JSON = {"message": self.message, "code": self.code}
        if self.errors is not None:
            out["errors"] = self.errors
        return out


def unknown(code: int) -> ApiError:
    """404 for an unknown object, e.g. `unknown(UNKNOWN_CHANNEL)`."""
    return ApiError(404, code, _UNKNOWN_NAMES.get(code, "Unknown"))


def missing_permissions() -> ApiError:
    return ApiError(403, MISSING_PERMISSIONS, "Missing Permissions")


def missing_access() -> ApiError:
    return ApiError(403, MISSING_ACCESS, "Missing Access")


def invalid_form(errors: JSON) -> ApiError:
    return ApiError(400, INVALID_FORM_BODY, "Invalid Form Body", errors)


def field_error(message: str, code: str = "BASE_TYPE_INVALID") -> JSON:
    """One leaf of Discord's nested error tree."""
    return {"_errors": [{"code": code, "message": message}]}


def form_error(path: str, message: str, code: str = "BASE_TYPE_INVALID") -> ApiError:
    """400 50035 with a single error at a dotted path such as `embeds.0.title`."""
    tree: JSON = field_error(message, code)
    for part in reversed(path.split(".")):
        tree = {part: tree}
    return invalid_form(tree)


class ControlError(Exception):
    """A control API misuse, answered as `{"error": ...}` with a 4xx status.

    The one class for both sides: the in-process actions raise it, and `emulator.driver` (which re-exports
    it) raises it for a refused HTTP call, with the status the emulator answered.
    """

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
