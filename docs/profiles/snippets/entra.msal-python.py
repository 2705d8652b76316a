# An app-only token from the contoso tenant of fixtures/profiles/entra.yaml, with MSAL for Python (Debian: python3-msal).
import os

import msal

idp = os.environ.get("MOCKIDP_URL", "https://127.0.0.1:9400")
app = msal.ConfidentialClientApplication(
    "api-daemon",
    client_credential="daemon-secret",
    # <base URL>/<tenant>/<directory id>, as https://login.microsoftonline.com/<directory id>
    authority=f"{idp}/contoso/3f6c2b1a-5d4e-4c7b-9a8f-1e2d3c4b5a69",
    # A host that is not a Microsoft cloud: read its discovery document instead of Microsoft's instance discovery.
    instance_discovery=False,
)
result = app.acquire_token_for_client(scopes=["api://contoso-expenses/.default"])
if "access_token" not in result:
    raise SystemExit(f"{result.get('error')}: {result.get('error_description')}")
print(result["access_token"])
