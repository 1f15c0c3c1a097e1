"""Post a file of canonical events to a `generic` integration, signed as Standard Webhooks.

    python3 docs/examples/send_webhook.py URL SECRET [FILE]

URL is the integration's webhook URL, SECRET its `whsec_…` secret, FILE a JSON body
(default: `events.json` next to this script). Standard library only; prints the answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path


def signed_headers(secret: str, body: bytes, *, msg_id: str, timestamp: int) -> dict[str, str]:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    signature = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": f"v1,{signature}",
        "content-type": "application/json",
    }


def send(url: str, secret: str, body: bytes) -> tuple[int, str]:
    headers = signed_headers(
        secret, body, msg_id=f"msg_{uuid.uuid4().hex}", timestamp=int(time.time())
    )
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(argv[2]) if len(argv) == 3 else Path(__file__).with_name("events.json")
    status, text = send(argv[0], argv[1], path.read_bytes())
    print(status, text)
    return 0 if 200 <= status < 300 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
