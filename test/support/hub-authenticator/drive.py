"""
Loads a hub configuration the way Zero to JupyterHub's jupyterhub_config.py does, instantiates the
authenticator JupyterHub would, and runs login steps through it.

Input (argv[1], JSON): {"values": <the chart values the hub reads from its Secret's values.yaml>,
"discovery": {url: document} (what urllib would fetch; no network), "steps": [...]}. The environment
variables the hub container gets are set by the caller.

For each `hub.config` section the chart updates the traitlets config (`c[section].update(cfg)`), then
it executes every `hub.extraConfig` entry in key order with `c` in scope; this does the same (the chart's
own file also configures KubeSpawner and reads mounted files, which is not the authenticator's concern).

Output (stdout, JSON): {"started": bool, "error": str | None, "class": str, "results": [...]}.
Steps:
- {"op": "login", "username", "password"}: get_authenticated_user with the login form's data
- {"op": "oauth-login", "userinfo": {...}}: get_authenticated_user after the provider returned the
  token and this userinfo (the token exchange and the userinfo request are replaced, nothing else)
- {"op": "signup", "username", "password"}: NativeAuthenticator.create_user (the sign-up form's call)
- {"op": "approve", "username"}: an admin approves a sign-up (NativeAuthenticator's authorize page)
- {"op": "routes"}: the URL patterns the authenticator adds to the hub (its sign-up page, if any)
Each result is the step's outcome: the user model (name, admin, groups), null, true/false, or the routes.
"""
import asyncio
import io
import json
import sys
import urllib.request

from traitlets.config import Config


def load_config(values, discovery):
    fetched = []

    def urlopen(url, *args, **kwargs):
        target = url if isinstance(url, str) else url.full_url
        fetched.append(target)
        if target not in discovery:
            raise OSError(f"no network in this test: {target}")
        response = io.BytesIO(json.dumps(discovery[target]).encode())
        response.__enter__ = lambda *a: response
        return response

    urllib.request.urlopen = urlopen
    c = Config()
    hub = values.get("hub", {})
    for section, cfg in (hub.get("config") or {}).items():
        if not section[:1].isupper():
            raise ValueError(f"hub.config section {section} is not a Configurable class name")
        c[section].update(cfg)
    namespace = {"c": c, "get_config": lambda *a, **k: None}
    for key, code in sorted((hub.get("extraConfig") or {}).items()):
        exec(compile(code, key, "exec"), namespace)
    return c, fetched


def model(m):
    if m is None:
        return None
    return {"name": m.get("name"), "admin": m.get("admin") is True, "groups": sorted(m.get("groups") or [])}


async def run(spec):
    from jupyterhub import orm
    from jupyterhub.app import JupyterHub

    out = {"started": False, "error": None, "class": None, "results": [], "fetched": []}
    try:
        c, out["fetched"] = load_config(spec["values"], spec.get("discovery", {}))
        app = JupyterHub(config=c)
        cls = app.authenticator_class
        out["class"] = f"{cls.__module__}.{cls.__name__}"
        db = orm.new_session_factory("sqlite://")()
        # what JupyterHub.init_authenticator and init_users do with it at start
        authenticator = cls(parent=app, _deprecated_db_session=db)
        authenticator.check_allow_config()
        out["started"] = True
    except Exception as e:  # the hub would exit: report why
        out["error"] = f"{type(e).__name__}: {e}"
        return out

    for step in spec.get("steps", []):
        op = step["op"]
        if op == "login":
            m = await authenticator.get_authenticated_user(None, {"username": step["username"], "password": step["password"]})
            out["results"].append(model(m))
        elif op == "oauth-login":
            userinfo = step["userinfo"]

            async def token_info(handler, params):
                return {"access_token": "test-access-token", "token_type": "Bearer", "scope": "openid profile email"}

            async def token_to_user(token):
                return userinfo

            authenticator.build_access_tokens_request_params = lambda handler, data=None: {}
            authenticator.get_token_info = token_info
            authenticator.token_to_user = token_to_user
            m = await authenticator.get_authenticated_user(None, None)
            out["results"].append(model(m))
        elif op == "signup":
            user = authenticator.create_user(step["username"], step["password"])
            out["results"].append(bool(user))
        elif op == "approve":
            from nativeauthenticator.orm import UserInfo

            UserInfo.change_authorization(db, step["username"])
            out["results"].append(True)
        elif op == "routes":
            out["results"].append(sorted(route for route, *_ in authenticator.get_handlers(app)))
        else:
            raise ValueError(f"unknown step {op}")
    return out


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    print(json.dumps(asyncio.run(run(spec))))


main()
