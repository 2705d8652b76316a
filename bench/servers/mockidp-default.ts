// Our mock IdP with its default tenant (public PKCE client "demo", users alice and bob), for login and refresh rates.
import { defaultTenant, startMockIdp } from '../../mock-idp/index.ts';
import { announce } from './announce.ts';

const idp = await startMockIdp({ server: { logLevel: 'silent', port: 0 }, tenants: { default: defaultTenant } });
announce({ tokenUrl: `${idp.issuer('default')}/token`, discoveryUrl: `${idp.issuer('default')}/.well-known/openid-configuration` });
