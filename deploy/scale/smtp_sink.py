"""A slow SMTP sink for the scale stage (run by deploy/scale/engines.py, class SmtpSink).

Accepts every message (no authentication, no TLS), waits --delay seconds before answering DATA
(a slow mail server: the client waits that long for its 250), then appends one JSON line to
--out: {"received_at", "from", "to", "message_id", "subject", "size"}. The message itself is not
kept. Stops on SIGTERM or SIGINT.

    python deploy/scale/smtp_sink.py --port 2525 --delay 0.5 --out /tmp/mail.jsonl
"""

import argparse
import asyncio
import email
import email.policy
import json
import signal
import time

from aiosmtpd.smtp import SMTP


class SinkHandler:
    def __init__(self, out: str, delay: float):
        self.out = out
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        record = {
            "received_at": time.time(),
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "message_id": str(message.get("Message-ID", "")) or None,
            "subject": str(message.get("Subject", "")),
            "size": len(raw),
        }
        with open(self.out, "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 Message accepted for delivery"


async def serve(host: str, port: int, out: str, delay: float) -> None:
    handler = SinkHandler(out, delay)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="enlace-smtp-sink", enable_SMTPUTF8=True, decode_data=False),
        host=host,
        port=port,
        reuse_address=True,
    )
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"smtp sink on {host}:{port}, delay {delay}s, writing {out}", flush=True)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait per message")
    parser.add_argument("--out", required=True, help="JSON lines file, one line per message")
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port, args.out, args.delay))


if __name__ == "__main__":
    main()
