#!/usr/bin/env python3
"""A device-flow login CLI of its own, written for the harness's tests in another language than the
project, with Python's standard library only: nothing here knows the reference CLI. It keeps its
tokens in a JSON cache file (mode 0600), prints the user code on stderr, and has its own commands:

  device_flow_cli.py signin --authority ISSUER --app CLIENT_ID [--scopes "openid ..."] --cache FILE
  device_flow_cli.py print-token --cache FILE     prints "access_token: <token>" (renews it when it is about to expire)
  device_flow_cli.py whoami --cache FILE          who is signed in (exit 1 when nobody)
  device_flow_cli.py renew --cache FILE           refresh now; the new ID token must be about the same user
  device_flow_cli.py signout --cache FILE         revoke the refresh token and delete the cache

The ID token comes straight from the token endpoint, so its claims are read without checking the
signature (OpenID Connect Core 3.1.3.7 allows that for TLS; here it is loopback in tests).

DEVICE_FLOW_CLI_FLAW, for the tests that prove the suite catches a CLI's mistakes: ignore-slow-down
(keeps its interval), world-readable-cache (mode 0644), accept-other-sub (renewal about anyone).
"""

import argparse
import base64
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
FLAW = os.environ.get("DEVICE_FLOW_CLI_FLAW", "")


class CliError(Exception):
    pass


def http_json(url, form=None, timeout=10):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, headers={"accept": "application/json"})
    if data is not None:
        request.add_header("content-type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            return response.status, json.loads(body) if body else {}
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, json.loads(body)
        except ValueError:
            return error.code, {"error": "http_%d" % error.code}
    except (urllib.error.URLError, OSError) as error:
        raise CliError("cannot reach %s: %s" % (url, error))


def discover(issuer):
    status, metadata = http_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if status != 200:
        raise CliError("discovery of %s answered %d" % (issuer, status))
    if metadata.get("issuer") != issuer:
        raise CliError("discovery names issuer %r, not %r" % (metadata.get("issuer"), issuer))
    return metadata


def claims_of(id_token):
    try:
        payload = id_token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        raise CliError("the ID token is not a JWT")


def write_cache(path, cache):
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, mode=0o700, exist_ok=True)
    temporary = path + ".tmp"
    mode = 0o644 if FLAW == "world-readable-cache" else 0o600
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    os.fchmod(descriptor, mode)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(cache, handle)
    os.replace(temporary, path)


def read_cache(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise CliError("not signed in (no cache at %s)" % path)
    except ValueError:
        raise CliError("the cache at %s is not JSON" % path)


def store_tokens(path, base, tokens, previous=None):
    cache = dict(previous or {}, **base)
    cache["access_token"] = tokens["access_token"]
    cache["expires_at"] = int(time.time()) + int(tokens.get("expires_in", 3600))
    if tokens.get("refresh_token"):
        cache["refresh_token"] = tokens["refresh_token"]
    if tokens.get("id_token"):
        claims = claims_of(tokens["id_token"])
        if previous and previous.get("sub") and claims.get("sub") != previous["sub"] and FLAW != "accept-other-sub":
            raise CliError("the renewed ID token is about %r, not %r who signed in" % (claims.get("sub"), previous["sub"]))
        cache["sub"] = claims.get("sub")
        cache["name"] = claims.get("preferred_username") or claims.get("email") or claims.get("sub")
    write_cache(path, cache)
    return cache


def signin(args):
    metadata = discover(args.authority)
    endpoint = metadata.get("device_authorization_endpoint")
    if not endpoint:
        raise CliError("%s offers no device authorization" % args.authority)
    status, device = http_json(endpoint, {"client_id": args.app, "scope": args.scopes})
    if status != 200:
        raise CliError("device authorization answered %d %s" % (status, device.get("error", "")))
    uri = device.get("verification_uri") or device.get("verification_url")
    sys.stderr.write("Open %s and enter the code [%s]\n" % (uri, device["user_code"]))
    sys.stderr.flush()
    interval = int(device.get("interval", 5))
    deadline = time.time() + int(device.get("expires_in", 600))
    while time.time() < deadline:
        time.sleep(interval)
        status, tokens = http_json(metadata["token_endpoint"], {"grant_type": DEVICE_GRANT, "device_code": device["device_code"], "client_id": args.app})
        if status == 200:
            base = {"issuer": args.authority, "client_id": args.app, "token_endpoint": metadata["token_endpoint"], "revocation_endpoint": metadata.get("revocation_endpoint")}
            cache = store_tokens(args.cache, base, tokens)
            print("Signed in as %s" % cache.get("name"))
            return 0
        error = tokens.get("error")
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            if FLAW != "ignore-slow-down":
                interval += 5
            continue
        raise CliError("sign-in failed: %s" % error)
    raise CliError("the code expired before anyone approved it")


def renew(path, cache):
    if not cache.get("refresh_token"):
        raise CliError("no refresh token: sign in again")
    status, tokens = http_json(cache["token_endpoint"], {"grant_type": "refresh_token", "refresh_token": cache["refresh_token"], "client_id": cache["client_id"]})
    if status != 200:
        raise CliError("renewal refused: %s" % tokens.get("error"))
    return store_tokens(path, {}, tokens, cache)


def print_token(args):
    cache = read_cache(args.cache)
    if cache["expires_at"] - 60 <= time.time():
        cache = renew(args.cache, cache)
    print("access_token: %s" % cache["access_token"])
    return 0


def whoami(args):
    cache = read_cache(args.cache)
    print("signed in as %s at %s until %s" % (cache.get("name"), cache["issuer"], time.strftime("%H:%M:%S", time.gmtime(cache["expires_at"]))))
    return 0


def signout(args):
    cache = read_cache(args.cache)
    if cache.get("refresh_token") and cache.get("revocation_endpoint"):
        http_json(cache["revocation_endpoint"], {"token": cache["refresh_token"], "token_type_hint": "refresh_token", "client_id": cache["client_id"]})
    os.remove(args.cache)
    print("signed out")
    return 0


def main(argv):
    parser = argparse.ArgumentParser(prog="device_flow_cli.py")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("signin")
    command.add_argument("--authority", required=True)
    command.add_argument("--app", required=True)
    command.add_argument("--scopes", default="openid profile email offline_access")
    command.add_argument("--cache", required=True)
    for name in ("print-token", "whoami", "renew", "signout"):
        commands.add_parser(name).add_argument("--cache", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "signin":
            return signin(args)
        if args.command == "renew":
            renew(args.cache, read_cache(args.cache))
            print("renewed")
            return 0
        return {"print-token": print_token, "whoami": whoami, "signout": signout}[args.command](args)
    except CliError as error:
        sys.stderr.write("device_flow_cli: %s\n" % error)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
