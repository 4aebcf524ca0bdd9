#!/usr/bin/env python3
"""lqctl.py - sends one request to lqd's control socket and prints the answer.

usage: lqctl.py SOCKET '{"command":"status"}'
Exits 0 when the answer's result is "ok", 1 otherwise, 3 when lqd does not answer.
"""
import json
import socket
import sys


def request(path, req, timeout=30):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall((json.dumps(req) + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            data += chunk
    return json.loads(data)


if __name__ == "__main__":
    try:
        answer = request(sys.argv[1], json.loads(sys.argv[2]))
    except (OSError, ValueError) as e:
        print("lqctl: %s" % e, file=sys.stderr)
        sys.exit(3)
    print(json.dumps(answer))
    sys.exit(0 if answer.get("result") == "ok" else 1)
