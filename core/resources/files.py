"""Which files the library keeps: no programs or scripts (by name, declared type and content), and file names
with no bidirectional control characters (`\u202egnp.exe` would show as "exe.png")."""

from __future__ import annotations

import re
import unicodedata

from .errors import Refused

# U+200E/F marks, U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, U+061C the Arabic letter mark.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MAX_NAME = 200

WELCOME = (
    "Welcome are documents (PDF, Word, text), slides, spreadsheets (Excel, CSV), images, audio, video and "
    ".zip archives; share code or a web page as a link instead."
)

# Programs, scripts, installers, shortcuts, documents with macros, and web pages or SVGs (they run scripts
# when opened in a browser).
REFUSED_EXTENSIONS = frozenset(
    {
        # Windows programs, installers and shortcuts
        "exe", "com", "scr", "pif", "msi", "msp", "mst", "dll", "cpl", "sys", "drv", "ocx", "lnk", "url",
        "scf", "inf", "reg", "msc", "gadget", "appx", "appxbundle", "msix", "msixbundle", "application",
        # scripts
        "bat", "cmd", "ps1", "psm1", "psd1", "ps1xml", "vbs", "vbe", "js", "jse", "mjs", "cjs", "wsf", "wsh",
        "wsc", "hta", "sct", "sh", "bash", "zsh", "csh", "ksh", "fish", "command", "tool", "py", "pyw", "pyc",
        "pl", "rb", "php", "cgi", "lua", "applescript", "scpt", "workflow", "ahk", "au3",
        # Java, macOS, Linux and Android packages and programs
        "jar", "jnlp", "class", "app", "dmg", "pkg", "mpkg", "deb", "rpm", "apk", "xapk", "appimage", "run",
        "bin", "elf", "out", "iso", "img", "vhd", "vhdx",
        # web pages and scripted images
        "html", "htm", "xhtml", "shtml", "mht", "mhtml", "svg", "svgz", "xht", "xsl", "swf",
        # documents and templates that carry macros
        "docm", "dotm", "xlsm", "xltm", "xlsb", "xlam", "pptm", "potm", "ppam", "ppsm", "sldm",
    }
)  # fmt: skip
REFUSED_CONTENT_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-msdos-program",
        "application/x-dosexec",
        "application/x-executable",
        "application/x-elf",
        "application/x-mach-binary",
        "application/x-sh",
        "application/x-shellscript",
        "application/x-bat",
        "application/x-msi",
        "application/javascript",
        "text/javascript",
        "application/java-archive",
        "application/vnd.microsoft.portable-executable",
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
    }
)
# How programs and scripts start, whatever they are called.
_MAGIC = (
    (b"\x7fELF", "a Linux program"),
    (b"#!/", "a script"),
    (b"#! /", "a script"),
    (b"\xcf\xfa\xed\xfe", "a Mac program"),
    (b"\xce\xfa\xed\xfe", "a Mac program"),
    (b"\xfe\xed\xfa\xcf", "a Mac program"),
    (b"\xfe\xed\xfa\xce", "a Mac program"),
    (b"\xca\xfe\xba\xbe", "a Mac or Java program"),
)
_MARKUP = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|svg|script)\b", re.S
)


class FileRefused(Refused):
    """The file is of a kind the library does not keep; the text says why and which kinds are welcome."""


def safe_filename(name: str) -> str:
    """The name without bidirectional or other control characters, path parts or surrounding dots and
    spaces; "file" when nothing is left."""
    name = BIDI_CONTROLS.sub("", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip(" .")
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[: MAX_NAME - len(ext) - 1]}.{ext}" if dot and len(ext) <= 10 else name[:MAX_NAME]
    return name or "file"


def refusal_by_name(name: str, content_type: str | None = None) -> str | None:
    """Why a file with this (safe) name and declared type is refused, or None."""
    extensions = [part.lower().strip() for part in name.split(".")[1:]]
    if extensions and extensions[-1] in REFUSED_EXTENSIONS:
        return f"“.{extensions[-1]}” files are programs, scripts, web pages or documents with macros"
    declared = (content_type or "").split(";", 1)[0].strip().lower()
    if declared in REFUSED_CONTENT_TYPES:
        return f"Discord says it is {declared}, a program, script or web page"
    return None


def refusal_by_content(data: bytes) -> str | None:
    """Why these bytes are refused (a program, a script, a web page or an SVG whatever its name), or None."""
    if data.startswith(b"MZ") and b"\x00" in data[:64]:  # a DOS header, not a text that starts "MZ"
        return "it is a Windows program"
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return f"it is {what}"
    head = data[:2048].lstrip(b"\xef\xbb\xbf").lower()
    if _MARKUP.match(head):
        return "it is a web page or an SVG image, which can carry scripts"
    return None


def check_file(name: str, content_type: str | None, data: bytes | None = None) -> None:
    """Raise FileRefused for a program or script; `name` is already `safe_filename`d."""
    why = refusal_by_name(name, content_type) or (refusal_by_content(data) if data is not None else None)
    if why:
        raise FileRefused(
            f"I can't keep “{name}” in the library: {why}, and those can harm the computer of whoever opens "
            f"them. {WELCOME}"
        )
