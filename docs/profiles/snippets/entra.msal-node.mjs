// An app-only token from the contoso tenant of fixtures/profiles/entra.yaml, with @azure/msal-node.
import { ConfidentialClientApplication } from '@azure/msal-node';

const idp = process.env.MOCKIDP_URL ?? 'https://127.0.0.1:9400';
const app = new ConfidentialClientApplication({
  auth: {
    clientId: 'api-daemon',
    clientSecret: 'daemon-secret',
    // <base URL>/<tenant>/<directory id, organizations or common>, as https://login.microsoftonline.com/<tenant>
    authority: `${idp}/contoso/3f6c2b1a-5d4e-4c7b-9a8f-1e2d3c4b5a69`,
    // A host MSAL does not know: trust it as an authority instead of asking Microsoft's instance discovery.
    knownAuthorities: [new URL(idp).host],
  },
});
const result = await app.acquireTokenByClientCredential({ scopes: ['api://contoso-expenses/.default'] });
console.log(result.accessToken);
