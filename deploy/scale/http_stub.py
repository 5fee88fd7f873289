"""A trivial HTTP server standing in for an app server behind HAProxy (deploy/scale/try_engines.py).

    python deploy/scale/http_stub.py --port 8001 --name app1

GET /readyz               200 "ok" (the health check)
GET /whoami               200 the server's --name (Cache-Control: no-store)
GET /headers              200 JSON of the X-Forwarded-* headers received
GET /public               200 name and a counter, Cache-Control: public, max-age=60
GET /public-cookie        as /public, plus a Set-Cookie
GET /public-vary-cookie   as /public, plus Vary: Cookie
GET /public-vary-ae       as /public, plus Vary: Accept-Encoding
GET /slow?seconds=N       answers after N seconds
"""

import argparse
import itertools
import json
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_handler(name: str):
    counter = itertools.count(1)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # quiet
            pass

        def reply(self, body: str, headers: dict, status: int = 200):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            public = {"Cache-Control": "public, max-age=60"}
            if url.path == "/readyz":
                self.reply("ok\n", {"Cache-Control": "no-store"})
            elif url.path == "/whoami":
                self.reply(name, {"Cache-Control": "no-store"})
            elif url.path == "/headers":
                # repeated headers joined with ", " as a WSGI server does (HAProxy appends its own)
                seen = {}
                for key, value in self.headers.items():
                    if key.lower().startswith("x-forwarded"):
                        seen[key.lower()] = f"{seen[key.lower()]}, {value}" if key.lower() in seen else value
                self.reply(json.dumps(seen), {"Cache-Control": "no-store"})
            elif url.path == "/public":
                self.reply(f"{name} {next(counter)}", public)
            elif url.path == "/public-cookie":
                self.reply(f"{name} {next(counter)}", {**public, "Set-Cookie": "csrftoken=abc; Path=/"})
            elif url.path == "/public-vary-cookie":
                self.reply(f"{name} {next(counter)}", {**public, "Vary": "Cookie"})
            elif url.path == "/public-vary-ae":
                self.reply(f"{name} {next(counter)}", {**public, "Vary": "Accept-Encoding"})
            elif url.path == "/slow":
                seconds = float(urllib.parse.parse_qs(url.query).get("seconds", ["1"])[0])
                time.sleep(seconds)
                self.reply(name, {"Cache-Control": "no-store"})
            else:
                self.reply("not found", {}, 404)

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--name", required=True)
    args = parser.parse_args()
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer((args.host, args.port), make_handler(args.name)).serve_forever()


if __name__ == "__main__":
    main()
