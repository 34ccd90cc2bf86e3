"""Message bodies shared by REST and interaction webhooks: attachments and edits."""

from __future__ import annotations

from emulator import limits
from emulator.bodies import Body
from emulator.models import JSON, LOADING, Message
from emulator.state import State

EDIT_FLAGS = 1 << 2 | limits.IS_COMPONENTS_V2
CREATE_FLAGS = 1 << 2 | 1 << 12 | limits.IS_COMPONENTS_V2


def build_attachments(
    state: State, channel_id: int, data: JSON, body: Body, keep: list[JSON] | None = None
) -> list[JSON]:
    """Attachments for a create/edit: existing ones listed in `attachments` plus uploaded files."""
    described = {str(a.get("id")): a for a in data.get("attachments") or [] if isinstance(a, dict)}
    out: list[JSON] = []
    if keep is not None:
        out = [a for a in keep if str(a["id"]) in described]
    for upload in body.files:
        meta = described.get(str(upload.index), {})
        filename = str(meta.get("filename") or upload.filename)
        out.append(
            state.store_attachment(
                channel_id, filename, upload.data, upload.content_type, meta.get("description")
            )
        )
    return out


def apply_edit(state: State, msg: Message, data: JSON, body: Body) -> Message:
    """Edit content, embeds, components, flags and attachments; dispatches MESSAGE_UPDATE."""
    limits.validate_message({**data, "flags": data.get("flags", msg.flags)})
    changes: JSON = {}
    for key in ("content", "embeds", "components"):
        if key in data:
            changes[key] = data[key] or ("" if key == "content" else [])
    if "attachments" in data or body.files:
        keep = msg.attachments if "attachments" in data else None
        new = build_attachments(state, msg.channel_id, data, body, keep)
        changes["attachments"] = new if keep is not None else msg.attachments + new
    flags = msg.flags & ~LOADING
    if data.get("flags") is not None:
        flags = (flags & ~EDIT_FLAGS) | (int(data["flags"]) & EDIT_FLAGS)
    changes["flags"] = flags
    after = [changes.get(k, getattr(msg, k)) for k in ("content", "embeds", "components", "attachments")]
    if not any(after):
        raise limits.empty_message()
    return state.edit_message(msg, changes)
