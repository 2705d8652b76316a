// A token for the payroll API from the AD FS 2019 farm of fixtures/profiles/adfs.yaml, with @azure/msal-node.
import { ConfidentialClientApplication } from '@azure/msal-node';

const idp = process.env.MOCKIDP_URL ?? 'https://127.0.0.1:9400';
const app = new ConfidentialClientApplication({
  auth: {
    clientId: 'payroll-sync',
    clientSecret: 'payroll-sync-secret',
    // An authority ending in /adfs is AD FS to MSAL (as https://fs.contoso.com/adfs).
    authority: `${idp}/adfs/adfs`,
    knownAuthorities: [new URL(idp).host],
  },
});
const result = await app.acquireTokenByClientCredential({ scopes: ['https://payroll.contoso.com/api/.default'] });
console.log(result.accessToken);
