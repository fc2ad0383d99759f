"""A negative message's link, compared as people paste it: `HTTPS://WWW.Facebook.com/
post/1/?utm_source=x` and `https://www.facebook.com/post/1` are the same message.
The link itself is stored as typed; only this key is normalised."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that say where a click came from, never which message it is.
TRACKING = ("utm_", "fbclid", "gclid", "igshid", "igsh", "mc_cid", "mc_eid", "si", "ref", "ref_src", "ref_url",
            "__cft__", "__tn__", "mibextid", "s", "t", "share_id", "is_from_webapp", "sender_device")  # fmt: skip


def _tracking(name: str) -> bool:
    name = name.casefold()
    return any(name.startswith(t) if t.endswith("_") else name == t for t in TRACKING)


def link_key(link: str | None) -> str | None:
    """Scheme and host in lower case, no default port, no trailing slash, no tracking
    parameters, no fragment; None for no link, the link as typed if it is not a web address."""
    link = (link or "").strip()
    if not link:
        return None
    try:
        parts = urlsplit(link)
        port = parts.port
    except ValueError:
        return link[:1000]
    if parts.scheme.casefold() not in ("http", "https") or not parts.hostname:
        return link[:1000]
    host = parts.hostname.casefold()
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)))
    path = parts.path.rstrip("/")
    return urlunsplit(("https", host, path, query, ""))[:1000]
